"""Book-level concentration in SQL: layer totals for `metrics.summarise`, and the two matrices.

Every figure is a GROUP BY over book_exposure (exposures.py: one row per service, layer and
provider or country, live dependencies only, with the service's weight, spend and tier and the
vendor's status); the filters are WHERE clauses. As in metrics.py, a service counts in full
towards each provider it uses, and grouped by ultimate parent its providers' exposures are
added up. In the matrices a service counts once per cell (its exposure and one service).
A provider the registry does not know counts under the name answered ("name:" keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import exists, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from vendordd.concentration.exposures import UNREGISTERED_PREFIX, BookExposure
from vendordd.concentration.metrics import (
    BASES,
    SPEND,
    WEIGHTED,
    Concentration,
    summarise,
)
from vendordd.concentration.models import COUNTRY_LAYERS, LAYERS, SUMMARY_LAYERS, Provider
from vendordd.concentration.thresholds import PRESETS, Thresholds, layer_breaches
from vendordd.paging import positive_int
from vendordd.vendors.models import VENDOR_STATUSES, Service, ServiceEntity, ServiceFunction, Vendor

PROVIDER_LAYERS = ("model_developer", "hosting_platform", "cloud")
# What `filtered` reads, for statements over services (and their vendors).
SERVICE_COLUMNS = SimpleNamespace(service_id=Service.id, tier=Service.tier, status=Vendor.status)
STACK_COLUMNS = ("cloud", "processing_country", "storage_country")


@dataclass(frozen=True)
class Filters:
    """The page's query arguments, anything invalid already replaced by its default."""

    entity: int | None = None
    tier: int | None = None
    function: int | None = None
    status: str = ""
    basis: str = WEIGHTED
    by_parent: bool = False
    preset: str = ""  # "": the institution's thresholds; a preset key: that preset to compare
    layer: str = "cloud"  # the provider layer of the function matrix
    cross: str = "cloud"  # the columns of the model developer matrix

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Parse request arguments; unknown or malformed values fall back, never an error."""
        tier = positive_int(args.get("tier"))

        def pick(name: str, allowed, default: str) -> str:
            value = args.get(name, "")
            return value if value in allowed else default

        return cls(
            entity=positive_int(args.get("entity")),
            tier=tier if tier in (1, 2, 3, 4) else None,
            function=positive_int(args.get("function")),
            status=pick("status", VENDOR_STATUSES, ""),
            basis=pick("basis", BASES, WEIGHTED),
            by_parent=args.get("parent") == "1",
            preset=pick("preset", PRESETS, ""),
            layer=pick("layer", PROVIDER_LAYERS, "cloud"),
            cross=pick("cross", STACK_COLUMNS, "cloud"),
        )

    def args(self) -> dict[str, str | int]:
        """The non-default filters as query arguments, for links to cells and downloads."""
        values = {
            "entity": self.entity,
            "tier": self.tier,
            "function": self.function,
            "status": self.status,
            "basis": "" if self.basis == WEIGHTED else self.basis,
            "parent": 1 if self.by_parent else None,
            "preset": self.preset,
            "layer": "" if self.layer == "cloud" else self.layer,
            "cross": "" if self.cross == "cloud" else self.cross,
        }
        return {key: value for key, value in values.items() if value}


class LayerRow(NamedTuple):
    layer: str
    label: str
    figures: Concentration
    names: dict[str, str]  # provider key -> name shown
    limits: Thresholds
    breaches: tuple


class CellTotal(NamedTuple):
    row: str
    col: str
    exposure: float
    services: int


def weight_of(basis: str, exposure=BookExposure):
    """The SQL expression of a service's exposure on one basis (metrics.exposure_weight)."""
    if basis == WEIGHTED:
        return exposure.weight
    if basis == SPEND:
        return func.coalesce(exposure.spend, 0)
    return literal(1)


def filtered(statement, filters: Filters, exposure=BookExposure):
    """Restrict a statement to what the filters let through; `exposure` names the columns
    (service_id, tier, status): book_exposure's by default, or an alias of it."""
    # correlate_except: the function matrix joins service_function itself, which would
    # otherwise be correlated away from the EXISTS (leaving it no FROM clause).
    if filters.entity is not None:
        statement = statement.where(
            exists()
            .where(
                ServiceEntity.service_id == exposure.service_id,
                ServiceEntity.entity_id == filters.entity,
            )
            .correlate_except(ServiceEntity)
        )
    if filters.function is not None:
        statement = statement.where(
            exists()
            .where(
                ServiceFunction.service_id == exposure.service_id,
                ServiceFunction.function_id == filters.function,
            )
            .correlate_except(ServiceFunction)
        )
    if filters.tier is not None:
        statement = statement.where(exposure.tier == filters.tier)
    if filters.status:
        statement = statement.where(exposure.status == filters.status)
    return statement


def services_in_scope(session: Session, *, filters: Filters) -> int:
    """How many services the filters let through, with dependencies recorded or not."""
    statement = select(func.count()).select_from(Service)
    if filters.status:
        statement = statement.join(Vendor, Vendor.id == Service.vendor_id)
    return session.exec(filtered(statement, filters, SERVICE_COLUMNS)).one()


def key_of(by_parent: bool, exposure=BookExposure):
    """The grouping key of a row: its key, or its ultimate parent's (countries are their own)."""
    return exposure.parent_key if by_parent else exposure.key


def layer_summary(
    session: Session, *, filters: Filters, limits: Mapping[str, Thresholds]
) -> list[LayerRow]:
    """Each layer's shares, HHI, effective number, top-1, CR3 and breaches of its limits."""
    names = provider_names(session)
    figures = layer_concentrations(session, layers=SUMMARY_LAYERS, filters=filters)
    return [
        LayerRow(
            layer,
            LAYERS[layer],
            figures[layer],
            {} if layer in COUNTRY_LAYERS else names,
            limits[layer],
            layer_breaches(figures[layer], limits[layer]),
        )
        for layer in SUMMARY_LAYERS
    ]


def layer_concentrations(
    session: Session, *, layers: tuple[str, ...], filters: Filters
) -> dict[str, Concentration]:
    """Layers' figures from one pass: per provider, the exposure and the services it is first
    for (is_first), whose sum over a layer's providers counts the layer's services once."""
    key = key_of(filters.by_parent)
    grouped = filtered(
        select(
            BookExposure.layer,
            key,
            func.sum(weight_of(filters.basis)),
            func.count().filter(BookExposure.is_first),
            func.count().filter(BookExposure.is_first & BookExposure.spend.is_(None)),
        ),
        filters,
    )
    if set(layers) != set(SUMMARY_LAYERS):
        # For every layer, summing the few rows of the "other" layer costs less than
        # filtering them out of a full scan.
        grouped = grouped.where(BookExposure.layer.in_(layers))
    totals: dict[str, dict[str, float]] = {layer: {} for layer in layers}
    counts = dict.fromkeys(layers, (0, 0))
    for layer, provider, total, services, without in session.exec(
        grouped.group_by(BookExposure.layer, key)
    ):
        if layer not in totals:
            continue
        totals[layer][provider] = total
        counted, priced_not = counts[layer]
        counts[layer] = (counted + services, priced_not + without)
    result = {}
    for layer in layers:
        services, without = counts[layer]
        result[layer] = summarise(
            layer,
            filters.basis,
            totals[layer],
            services=services,
            without_spend=without if filters.basis == SPEND else 0,
            by_parent=filters.by_parent and layer not in COUNTRY_LAYERS,
        )
    return result


class ProviderNames(dict[str, str]):
    """Registered providers' names by id as text; a "name:" key shows the name as answered."""

    def get(self, key: str, default: str | None = None) -> str | None:
        if key in self:
            return self[key]
        if key.startswith(UNREGISTERED_PREFIX):
            return f"{key.removeprefix(UNREGISTERED_PREFIX)} (not in the registry)"
        return default


def provider_names(session: Session) -> ProviderNames:
    """Every registered provider's name by its id as text (the registry is small)."""
    return ProviderNames(
        (str(pid), name) for pid, name in session.exec(select(Provider.id, Provider.name))
    )


def function_matrix(session: Session, *, filters: Filters) -> list[CellTotal]:
    """Business function x provider (filters.layer): exposure and services per cell."""
    units = filtered(
        select(
            ServiceFunction.function_id.label("row"),
            key_of(filters.by_parent).label("col"),
            BookExposure.service_id,
            weight_of(filters.basis).label("weight"),
        ).join(ServiceFunction, ServiceFunction.service_id == BookExposure.service_id),
        filters,
    ).where(BookExposure.layer == filters.layer)
    if filters.function is not None:
        units = units.where(ServiceFunction.function_id == filters.function)
    return _cells(session, units.subquery(), filters.by_parent)


def stack_matrix(session: Session, *, filters: Filters) -> list[CellTotal]:
    """Model developer x cloud (or country): services stacked on both, and their exposure."""
    developer, other = aliased(BookExposure), aliased(BookExposure)
    units = filtered(
        select(
            key_of(filters.by_parent, developer).label("row"),
            key_of(filters.by_parent, other).label("col"),
            developer.service_id,
            weight_of(filters.basis, developer).label("weight"),
        ).join(other, other.service_id == developer.service_id),
        filters,
        developer,
    ).where(developer.layer == "model_developer", other.layer == filters.cross)
    return _cells(session, units.subquery(), filters.by_parent)


def _cells(session: Session, units, by_parent: bool) -> list[CellTotal]:
    """Per (row, col): the exposure summed once per service, and the services."""
    if by_parent:  # a service on two providers of one group: once in the group's cell
        units = (
            select(units.c.row, units.c.col, units.c.service_id, func.max(units.c.weight))
            .group_by(units.c.row, units.c.col, units.c.service_id)
            .subquery()
        )
    # Otherwise (row, col, service) is unique: book_exposure's key, one row per function.
    row, col, _, weight = units.c
    grouped = select(row, col, func.sum(weight), func.count()).group_by(row, col)
    return [
        CellTotal(str(row), str(col), float(total or 0), int(n))
        for row, col, total, n in session.exec(grouped)
    ]
