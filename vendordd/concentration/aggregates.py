"""Book-level concentration in SQL: layer totals for `metrics.summarise`, and the two matrices.

Every figure is a GROUP BY over the live Dependency rows (removed_at is null) joined to their
service and vendor; the filters are WHERE clauses. As in metrics.py, a service counts once per
provider in a layer (rows are made DISTINCT on service and provider first), in full towards
each provider it uses, and grouped by ultimate parent its providers' exposures are added up.
In the matrices a service counts once per cell (its exposure and one service).
Rows naming a provider the registry does not know (is_unregistered) have no provider id and
are left out of the provider layers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import String, case, cast, distinct, exists, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from vendordd.concentration.metrics import (
    BASES,
    RELIANCE_WEIGHTS,
    SPEND,
    WEIGHTED,
    Concentration,
    summarise,
)
from vendordd.concentration.models import (
    COUNTRY_LAYERS,
    LAYERS,
    SUMMARY_LAYERS,
    Dependency,
    Provider,
)
from vendordd.concentration.thresholds import PRESETS, Thresholds, layer_breaches
from vendordd.paging import positive_int
from vendordd.vendors.models import VENDOR_STATUSES, Service, ServiceEntity, ServiceFunction, Vendor

PROVIDER_LAYERS = ("model_developer", "hosting_platform", "cloud")
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


def weight_of(basis: str):
    """The SQL expression of a service's exposure on one basis (metrics.exposure_weight)."""
    if basis == WEIGHTED:
        reliance = case(RELIANCE_WEIGHTS, value=Service.reliance, else_=1)
        return case((Service.tier == 1, 4), else_=reliance)
    if basis == SPEND:
        return func.coalesce(Service.annual_spend, 0)
    return literal(1)


def filtered(statement, filters: Filters):
    """Restrict a statement over Service (and Vendor) to what the filters let through."""
    if filters.entity is not None:
        statement = statement.where(
            exists().where(
                ServiceEntity.service_id == Service.id, ServiceEntity.entity_id == filters.entity
            )
        )
    if filters.function is not None:
        statement = statement.where(
            exists().where(
                ServiceFunction.service_id == Service.id,
                ServiceFunction.function_id == filters.function,
            )
        )
    if filters.tier is not None:
        statement = statement.where(Service.tier == filters.tier)
    if filters.status:
        statement = statement.where(Vendor.status == filters.status)
    return statement


def live_rows(statement, filters: Filters, dependency=Dependency):
    """Join a statement over a Dependency alias to its service (and vendor), live rows only."""
    statement = statement.join(Service, Service.id == dependency.service_id)
    if filters.status:  # the vendor join costs a lookup per row; only the status needs it
        statement = statement.join(Vendor, Vendor.id == Service.vendor_id)
    return filtered(statement.where(dependency.removed_at.is_(None)), filters)


def with_parent(statement, layer: str, by_parent: bool, dependency=Dependency, provider=Provider):
    """Join the provider when rows are grouped by ultimate parent (key_of needs its parent)."""
    if by_parent and layer not in COUNTRY_LAYERS:
        return statement.join(provider, provider.id == dependency.provider_id)
    return statement


def key_of(layer: str, by_parent: bool, dependency=Dependency, provider=Provider):
    """The grouping key of a row: country code, provider id, or its ultimate parent's id."""
    if layer in COUNTRY_LAYERS:
        return dependency.country
    if by_parent:
        return func.coalesce(provider.parent_id, provider.id)
    return dependency.provider_id


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
    """Layers' figures from one statement: per-provider totals and the services counted."""
    text = String(60)
    provider_key = cast(key_of("cloud", filters.by_parent), text)
    countries = Dependency.layer.in_(COUNTRY_LAYERS)
    inner = select(
        Dependency.layer,
        Dependency.service_id,
        func.coalesce(Dependency.country, cast(Dependency.provider_id, text)).label("member"),
        case((countries, Dependency.country), else_=provider_key).label("key"),
        weight_of(filters.basis).label("weight"),
        case((Service.annual_spend.is_(None), 1), else_=0).label("unpriced"),
    ).distinct()
    if filters.by_parent:  # country rows have no provider: an outer join keeps them
        inner = inner.outerjoin(Provider, Provider.id == Dependency.provider_id)
    units = live_rows(inner, filters).where(
        Dependency.layer.in_(layers),
        (countries & Dependency.country.is_not(None))
        | (~countries & Dependency.provider_id.is_not(None)),
    )
    units = units.cte("units")
    # One statement: each layer's provider totals, then a row per layer (key NULL) counting
    # its services.
    grouped = select(
        units.c.layer, units.c.key, func.sum(units.c.weight), literal(0), literal(0)
    ).group_by(units.c.layer, units.c.key)
    counted = select(
        units.c.layer,
        literal(None),
        literal(0),
        func.count(distinct(units.c.service_id)),
        func.count(distinct(case((units.c.unpriced == 1, units.c.service_id)))),
    ).group_by(units.c.layer)
    totals: dict[str, dict[str, float]] = {layer: {} for layer in layers}
    counts: dict[str, tuple[int, int]] = {}
    for layer, key, total, count, without in session.exec(grouped.union_all(counted)):
        if key is None:
            counts[layer] = (count, without)
        else:
            totals[layer][key] = total
    result = {}
    for layer in layers:
        services, unpriced = counts.get(layer, (0, 0))
        result[layer] = summarise(
            layer,
            filters.basis,
            totals[layer],
            services=services,
            without_spend=unpriced if filters.basis == SPEND else 0,
            by_parent=filters.by_parent and layer not in COUNTRY_LAYERS,
        )
    return result


def provider_names(session: Session) -> dict[str, str]:
    """Every registered provider's name by its id as text (the registry is small)."""
    return {str(pid): name for pid, name in session.exec(select(Provider.id, Provider.name))}


def function_matrix(session: Session, *, filters: Filters) -> list[CellTotal]:
    """Business function x provider (filters.layer): exposure and services per cell."""
    key = key_of(filters.layer, filters.by_parent)
    inner = (
        select(
            ServiceFunction.function_id.label("row"),
            Dependency.service_id,
            key.label("col"),
            weight_of(filters.basis).label("weight"),
        )
        .distinct()
        .join(ServiceFunction, ServiceFunction.service_id == Dependency.service_id)
    )
    inner = live_rows(with_parent(inner, filters.layer, filters.by_parent), filters).where(
        Dependency.layer == filters.layer
    )
    if filters.function is not None:
        inner = inner.where(ServiceFunction.function_id == filters.function)
    return _cells(session, inner.subquery())


def stack_matrix(session: Session, *, filters: Filters) -> list[CellTotal]:
    """Model developer x cloud (or country): services stacked on both, and their exposure."""
    developer, other = aliased(Dependency), aliased(Dependency)
    developer_provider, other_provider = aliased(Provider), aliased(Provider)
    inner = (
        select(
            developer.service_id,
            key_of("model_developer", filters.by_parent, developer, developer_provider).label(
                "row"
            ),
            key_of(filters.cross, filters.by_parent, other, other_provider).label("col"),
            weight_of(filters.basis).label("weight"),
        )
        .distinct()
        .join(other, other.service_id == developer.service_id)
    )
    inner = with_parent(inner, "model_developer", filters.by_parent, developer, developer_provider)
    inner = with_parent(inner, filters.cross, filters.by_parent, other, other_provider)
    inner = live_rows(inner, filters, developer).where(
        developer.layer == "model_developer",
        other.layer == filters.cross,
        other.removed_at.is_(None),
        (other.country if filters.cross in COUNTRY_LAYERS else other.provider_id).is_not(None),
    )
    return _cells(session, inner.subquery())


def _cells(session: Session, units) -> list[CellTotal]:
    grouped = select(
        units.c.row, units.c.col, func.sum(units.c.weight), func.count(distinct(units.c.service_id))
    ).group_by(units.c.row, units.c.col)
    return [
        CellTotal(str(row), str(col), float(total or 0), int(n))
        for row, col, total, n in session.exec(grouped)
    ]
