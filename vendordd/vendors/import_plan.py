"""Check the rows of an import file and plan what importing it would change.

Nothing here writes: rows are parsed, grouped into vendors (rows sharing an LEI or a legal name
are one vendor), matched against existing vendors (LEI first, then legal name) and compared
with what is stored, so that an unchanged row causes no write and no audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Protocol

from vendordd.vendors.import_columns import (
    BY_NAME,
    COLUMNS,
    DISPLAY_NAME_MAX,
    INTAKE,
    SERVICE,
    VENDOR,
    Lookups,
)
from vendordd.vendors.import_reading import Sheet
from vendordd.vendors.import_rows import ParsedRow, Problem, parse_sheet, sort_problems
from vendordd.vendors.models import Service, Vendor
from vendordd.vendors.services import (
    INTAKE_FIELDS,
    VENDOR_FIELDS,
    ServiceData,
    VendorData,
    legal_name_key,
)
from vendordd.vendors.tiering import Intake, tier_intake

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
VENDOR_COLUMNS = tuple(c for c in COLUMNS if c.part == VENDOR)


@dataclass
class ServicePlan:
    row: int
    data: ServiceData
    service: Service | None
    action: str


@dataclass
class VendorPlan:
    rows: list[int]
    data: VendorData
    vendor: Vendor | None
    action: str
    services: list[ServicePlan] = field(default_factory=list)


@dataclass
class _Group:
    """The rows of one vendor, the vendor values they agree on, and the vendor they update."""

    rows: list[ParsedRow]
    values: dict[str, object] = field(default_factory=dict)
    target: Vendor | None = None


class Existing(Protocol):
    def vendors(self, leis: set[str], name_keys: set[str]) -> list[Vendor]: ...

    def services(self, vendor_ids: Iterable[int]) -> tuple[list[Service], dict, dict]: ...


def check_rows(
    sheet: Sheet, *, lookups: Lookups, existing: Existing
) -> tuple[list[Problem], list[VendorPlan]]:
    """All problems of the file, or (when there are none) the plan of what importing does."""
    rows, problems = parse_sheet(sheet, lookups)
    groups = _group(rows)
    for group in groups:
        problems += _resolve(group)
        problems += _duplicate_services(group)
    problems += _match(groups, existing)
    if problems:
        return sort_problems(problems), []
    return [], _plan(groups, existing)


def _identities(row: ParsedRow) -> list[tuple[str, str]]:
    keys = [("name", legal_name_key(row.values["legal_name"]))]
    if "lei" in row.values:
        keys.append(("lei", row.values["lei"]))
    return keys


def _group(rows: list[ParsedRow]) -> list[_Group]:
    """Rows sharing an LEI or a legal name describe one vendor (union-find over both keys)."""
    usable = [row for row in rows if "legal_name" in row.values]
    parent = list(range(len(usable)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple[str, str], int] = {}
    for i, row in enumerate(usable):
        for identity in _identities(row):
            a, b = root(i), root(first_with.setdefault(identity, i))
            parent[max(a, b)] = min(a, b)
    groups: dict[int, _Group] = {}
    for i, row in enumerate(usable):
        groups.setdefault(root(i), _Group([])).rows.append(row)
    return [groups[key] for key in sorted(groups)]


def _resolve(group: _Group) -> list[Problem]:
    """The vendor's values: each filled-in cell, which must agree across the vendor's rows."""
    problems, source = [], {}
    for row in group.rows:
        for column in VENDOR_COLUMNS:
            if column.name not in row.values:
                continue
            first = source.setdefault(column.name, row)
            if first.values[column.name] != row.values[column.name]:
                problems.append(
                    Problem(
                        row.number,
                        column.name,
                        row.texts[column.name],
                        f"Row {first.number} gives the same vendor {first.texts[column.name]!r}; "
                        "a vendor's cells must agree on all its rows.",
                    )
                )
    group.values = {name: row.values[name] for name, row in source.items()}
    return problems


def _duplicate_services(group: _Group) -> list[Problem]:
    problems, seen = [], {}
    for row in group.rows:
        if "service_name" not in row.values:
            continue
        first = seen.setdefault(legal_name_key(row.values["service_name"]), row.number)
        if first != row.number:
            problems.append(
                Problem(
                    row.number,
                    "service_name",
                    row.texts["service_name"],
                    f"Row {first} already lists this service for the same vendor.",
                )
            )
    return problems


def _match(groups: list[_Group], existing: Existing) -> list[Problem]:
    """Find the existing vendor each group updates: by LEI, else by legal name."""
    leis = {g.values["lei"] for g in groups if "lei" in g.values}
    keys = {legal_name_key(g.values["legal_name"]) for g in groups}
    vendors = existing.vendors(leis, keys)
    by_lei = {v.lei: v for v in vendors if v.lei}
    by_key = {v.legal_name_key: v for v in vendors}
    problems, claimed = [], {}
    for group in groups:
        row, lei = group.rows[0], group.values.get("lei")
        via_lei = by_lei.get(lei) if lei else None
        via_name = by_key.get(legal_name_key(group.values["legal_name"]))
        if via_lei and via_name and via_lei.id != via_name.id:
            message = (
                f"This LEI belongs to the existing vendor {via_lei.display_name}, but the legal "
                f"name belongs to another existing vendor, {via_name.display_name}."
            )
            problems.append(Problem(row.number, "lei", lei, message))
            continue
        target = via_lei or via_name
        if target and lei and target.lei and target.lei != lei:
            message = (
                f"The legal name matches the existing vendor {target.display_name}, whose LEI "
                f"is {target.lei}. Correct the LEI here, or change it on the vendor's page."
            )
            problems.append(Problem(row.number, "lei", lei, message))
            continue
        if target and target.id in claimed:
            message = (
                f"Row {claimed[target.id]} already matches the existing vendor "
                f"{target.display_name} (by LEI or legal name); a vendor can appear only once."
            )
            problems.append(Problem(row.number, "legal_name", row.texts["legal_name"], message))
            continue
        if target is None:
            problems += _new_vendor_problems(group)
        else:
            claimed[target.id] = row.number
        group.target = target
    return problems


def _new_vendor_problems(group: _Group) -> list[Problem]:
    """What a new vendor needs beyond a legal name: a country, and a display name that fits."""
    texts = {name for row in group.rows for name in row.texts}
    problems, first = [], group.rows[0].number
    if "hq_country" not in texts:
        problems.append(Problem(first, "hq_country", "", "Required for a new vendor."))
    if "display_name" not in texts and len(group.values["legal_name"]) > DISPLAY_NAME_MAX:
        message = (
            f"Required here: the legal name is longer than the {DISPLAY_NAME_MAX} characters "
            "a display name can have."
        )
        problems.append(Problem(first, "display_name", "", message))
    return problems


def _plan(groups: list[_Group], existing: Existing) -> list[VendorPlan]:
    targets = [g.target.id for g in groups if g.target]
    services, entity_links, function_links = existing.services(targets)
    current = {(s.vendor_id, legal_name_key(s.name)): s for s in services}
    plans = []
    for group in groups:
        vendor = group.target
        data = _vendor_data(group.values, vendor)
        changed = vendor is not None and any(
            getattr(vendor, name) != getattr(data, name) for name in VENDOR_FIELDS
        )
        plan = VendorPlan(
            rows=[row.number for row in group.rows],
            data=data,
            vendor=vendor,
            action=CREATED if vendor is None else UPDATED if changed else UNCHANGED,
        )
        for row in group.rows:
            if not row.has_service:
                continue
            key = legal_name_key(row.values["service_name"])
            service = current.get((vendor.id, key)) if vendor else None
            links = (
                (
                    sorted(entity_links.get(service.id, [])),
                    sorted(function_links.get(service.id, [])),
                )
                if service
                else ([], [])
            )
            service_data = _service_data(row.values, service, *links)
            action = (
                CREATED
                if service is None
                else UPDATED
                if _service_changed(service, service_data, *links)
                else UNCHANGED
            )
            plan.services.append(ServicePlan(row.number, service_data, service, action))
        plans.append(plan)
    return plans


def _fields(values: dict[str, object], part: str) -> dict[str, object]:
    return {BY_NAME[name].attribute: v for name, v in values.items() if BY_NAME[name].part == part}


def _vendor_data(values: dict[str, object], vendor: Vendor | None) -> VendorData:
    """The file's values over the stored ones: an empty cell keeps what is stored."""
    if vendor is None:
        base = {"display_name": values["legal_name"]}
    else:
        base = {name: getattr(vendor, name) for name in VENDOR_FIELDS}
    return VendorData(**(base | _fields(values, VENDOR)))


def _service_data(
    values: dict[str, object],
    service: Service | None,
    entity_ids: list[int],
    function_ids: list[int],
) -> ServiceData:
    if service is None:
        base, intake = {}, {}
    else:
        base = {
            "description": service.description,
            "annual_spend": service.annual_spend,
            "entity_ids": entity_ids,
            "function_ids": function_ids,
        }
        intake = {name: getattr(service, name) for name in INTAKE_FIELDS}
    return ServiceData(
        intake=Intake(**(intake | _fields(values, INTAKE))), **(base | _fields(values, SERVICE))
    )


def _service_changed(
    service: Service, data: ServiceData, entity_ids: list[int], function_ids: list[int]
) -> bool:
    tier = tier_intake(data.intake)
    stored = (
        service.name,
        service.description,
        service.annual_spend,
        {name: getattr(service, name) for name in INTAKE_FIELDS},
        (service.inherent_risk, service.tier, service.tier_reason),
        entity_ids,
        function_ids,
    )
    planned = (
        data.name,
        data.description,
        data.annual_spend,
        asdict(data.intake),
        (tier.inherent_risk, tier.tier, tier.reason),
        sorted(data.entity_ids),
        sorted(data.function_ids),
    )
    return stored != planned
