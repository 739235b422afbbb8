"""Book-level concentration in SQL: layer totals for `metrics.summarise`, and the two matrices.

Every figure is a GROUP BY over a derived table kept in step with the book (exposures.py):
book_exposure, one row per service, layer, provider or country and scope (the group, and each of
the service's entities), live dependencies only, with the service's weight, spend and tier and
the vendor's status; book_rollup, its sums per scope, provider, tier and status, which the layer
totals read unless the business function filter needs the services; book_pair, the rows of the
matrices' cells. The filters are WHERE clauses, the entity one picking the scope. As in
metrics.py, a service counts in full towards each provider it uses, and grouped by ultimate
parent its providers' exposures are added up. In the matrices a service counts once per cell
(its exposure and one service). A provider the registry does not know counts under the name
answered ("name:" keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import exists, func, literal
from sqlmodel import Session, select

from vendordd.concentration.exposures import UNREGISTERED_PREFIX, BookExposure
from vendordd.concentration.metrics import (
    BASES,
    SPEND,
    WEIGHTED,
    Concentration,
    summarise,
)
from vendordd.concentration.models import (
    COUNTRY_LAYERS,
    GROUP_SCOPE,
    LAYERS,
    PROVIDER_LAYERS,
    STACK_COLUMNS,
    SUMMARY_LAYERS,
    Provider,
)
from vendordd.concentration.pairs import FUNCTION, STACK, BookPair
from vendordd.concentration.rollup import BookRollup
from vendordd.concentration.thresholds import PRESETS, Thresholds, layer_breaches
from vendordd.paging import positive_int
from vendordd.vendors.models import VENDOR_STATUSES, Service, ServiceEntity, ServiceFunction, Vendor

# What `filtered` reads, for statements over services (and their vendors): they have no scope.
SERVICE_COLUMNS = SimpleNamespace(
    service_id=Service.id, tier=Service.tier, status=Vendor.status, scope=None
)


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
    (service_id, scope, tier, status): book_exposure's by default, another derived table's, or
    SERVICE_COLUMNS. A derived table is always read in one scope: the entity's, or the
    group's (its other rows repeat the group's for each entity)."""
    if exposure.scope is not None:
        statement = statement.where(exposure.scope == (filters.entity or GROUP_SCOPE))
    elif filters.entity is not None:
        statement = statement.where(
            exists()
            .where(
                ServiceEntity.service_id == exposure.service_id,
                ServiceEntity.entity_id == filters.entity,
            )
            .correlate_except(ServiceEntity)
        )
    # correlate_except: were the statement to join service_function itself, it would
    # otherwise be correlated away from the EXISTS (leaving it no FROM clause).
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


def key_of(by_parent: bool, exposure=BookExposure):
    """The grouping key of a row: its key, or its ultimate parent's (countries are their own)."""
    return exposure.parent_key if by_parent else exposure.key


def layer_summary(
    session: Session, *, filters: Filters, limits: Mapping[str, Thresholds], names: ProviderNames
) -> list[LayerRow]:
    """Each layer's shares, HHI, effective number, top-1, CR3 and breaches of its limits."""
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
    grouped, group = _layer_sums(filters)
    if set(layers) != set(SUMMARY_LAYERS):
        # For every layer, summing the few rows of the "other" layer costs less than
        # filtering them out of a full scan.
        grouped = grouped.where(group[0].in_(layers))
    totals: dict[str, dict[str, float]] = {layer: {} for layer in layers}
    counts = dict.fromkeys(layers, (0, 0))
    for layer, provider, total, services, without in session.exec(grouped.group_by(*group)):
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


def _layer_sums(filters: Filters):
    """(statement, its GROUP BY): per layer and key, the exposure, the services first in their
    layer and those of them without spend. From book_rollup's sums, unless the business function
    filter needs the services, which only book_exposure's rows can join."""
    if filters.function is None:
        sums = BookRollup
        total = {WEIGHTED: sums.weight, SPEND: sums.spend}.get(filters.basis, sums.rows)
        key = sums.parent_key if filters.by_parent else sums.key
        columns = (func.sum(total), func.sum(sums.firsts), func.sum(sums.firsts_unpriced))
        return filtered(select(sums.layer, key, *columns), filters, sums), (sums.layer, key)
    row = BookExposure
    key = key_of(filters.by_parent)
    columns = (
        func.sum(weight_of(filters.basis)),
        func.count().filter(row.is_first),
        func.count().filter(row.is_first & row.spend.is_(None)),
    )
    return filtered(select(row.layer, key, *columns), filters), (row.layer, key)


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
    return _cells(session, matrix_pairs(FUNCTION, filters), filters)


def stack_matrix(session: Session, *, filters: Filters) -> list[CellTotal]:
    """Model developer x cloud (or country): services stacked on both, and their exposure."""
    return _cells(session, matrix_pairs(STACK, filters), filters)


def pair_axes(by_parent: bool):
    """A pair's row and column keys: as stored, or grouped by ultimate parent."""
    if by_parent:
        return BookPair.row_parent, BookPair.col_parent
    return BookPair.row_key, BookPair.col_key


def matrix_pairs(kind: str, filters: Filters):
    """A statement (add the columns) over the pairs of one matrix, FUNCTION or STACK, under the
    filters; grouped by parent, a service on two providers of one group is in the group's cell
    once (its parent_first row)."""
    layer = filters.layer if kind == FUNCTION else filters.cross
    statement = filtered(select(), filters, BookPair)
    statement = statement.where(BookPair.kind == kind, BookPair.layer == layer)
    if kind == FUNCTION and filters.function is not None:
        statement = statement.where(BookPair.row_key == str(filters.function))
    return statement.where(BookPair.parent_first) if filters.by_parent else statement


def _cells(session: Session, cells, filters: Filters) -> list[CellTotal]:
    """Per (row, col): the exposure summed once per service, and the services."""
    row, col = pair_axes(filters.by_parent)
    grouped = cells.add_columns(
        row, col, func.sum(weight_of(filters.basis, BookPair)), func.count()
    ).group_by(row, col)
    return [
        CellTotal(str(row), str(col), float(total or 0), int(n))
        for row, col, total, n in session.exec(grouped)
    ]
