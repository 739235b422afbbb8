"""Bulk onboarding: check a whole file first, then create or update vendors and services."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from sqlmodel import Session, select

from vendordd.audit.models import AuditEvent
from vendordd.audit.services import Actor, diff, record_event
from vendordd.auth.models import User
from vendordd.vendors.import_columns import Lookups, Named
from vendordd.vendors.import_plan import CREATED, UNCHANGED, UPDATED, VendorPlan, check_rows
from vendordd.vendors.import_reading import ImportFileError, read_sheet
from vendordd.vendors.import_rows import Problem
from vendordd.vendors.models import (
    BusinessFunction,
    Entity,
    Service,
    ServiceEntity,
    ServiceFunction,
    Vendor,
)
from vendordd.vendors.services import (
    VendorError,
    create_vendor,
    legal_name_key,
    save_service,
    update_vendor,
)

IMPORT_ACTION = "import.completed"
CHUNK = 500  # bound the parameters of one IN (...) query
COUNT_KEYS = tuple(
    f"{kind}_{action}"
    for kind in ("vendors", "services")
    for action in (CREATED, UPDATED, UNCHANGED)
)
ERROR_COLUMNS = {"legal_name": "legal_name", "lei": "lei", "name": "service_name"}


@dataclass
class ImportCheck:
    """The outcome of checking a file: its problems, or the plan that importing it would run."""

    filename: str
    sha256: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    plan: list[VendorPlan] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(f"vendors_{p.action}" for p in self.plan)
        counter.update(f"services_{s.action}" for p in self.plan for s in p.services)
        return {key: counter[key] for key in COUNT_KEYS}


class ImportConflict(ValueError):
    """The database changed between the check and the import (someone else saved meanwhile)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def check_import(session: Session, *, filename: str, content: bytes, max_rows: int) -> ImportCheck:
    """Read and validate a whole file without writing anything; every problem is collected."""
    check = ImportCheck(filename=filename, sha256=hashlib.sha256(content).hexdigest())
    try:
        sheet = read_sheet(filename, content, max_rows=max_rows)
    except ImportFileError as exc:
        check.problems = [Problem(None, "", "", str(exc))]
        return check
    check.rows = len(sheet.rows)
    check.problems, check.plan = check_rows(
        sheet, lookups=load_lookups(session), existing=ExistingBook(session)
    )
    return check


def load_lookups(session: Session) -> Lookups:
    """Users by email and entities and business functions by name key, in three queries."""
    users = session.exec(select(User.id, User.email, User.name, User.is_active)).all()
    entities = session.exec(select(Entity.id, Entity.name, Entity.is_active)).all()
    functions = session.exec(
        select(BusinessFunction.id, BusinessFunction.name, BusinessFunction.is_active)
    ).all()
    return Lookups(
        users={email: Named(id_, name, active) for id_, email, name, active in users},
        entities={legal_name_key(n): Named(i, n, a) for i, n, a in entities},
        functions={legal_name_key(n): Named(i, n, a) for i, n, a in functions},
    )


class ExistingBook:
    """The vendors and services a file may update, fetched in a few chunked queries."""

    def __init__(self, session: Session):
        self.session = session

    def vendors(self, leis: set[str], name_keys: set[str]) -> list[Vendor]:
        found: dict[int, Vendor] = {}
        for column, values in ((Vendor.lei, leis), (Vendor.legal_name_key, name_keys)):
            for chunk in _chunks(sorted(values)):
                for vendor in self.session.exec(select(Vendor).where(column.in_(chunk))):
                    found[vendor.id] = vendor
        return list(found.values())

    def services(self, vendor_ids: Iterable[int]) -> tuple[list[Service], dict, dict]:
        """Services of the vendors, with their entity and function ids by service id."""
        services: list[Service] = []
        for chunk in _chunks(sorted(vendor_ids)):
            services += self.session.exec(select(Service).where(Service.vendor_id.in_(chunk)))
        entity_ids: dict[int, list[int]] = {}
        function_ids: dict[int, list[int]] = {}
        for chunk in _chunks(sorted(s.id for s in services)):
            for link in self.session.exec(
                select(ServiceEntity).where(ServiceEntity.service_id.in_(chunk))
            ):
                entity_ids.setdefault(link.service_id, []).append(link.entity_id)
            for link in self.session.exec(
                select(ServiceFunction).where(ServiceFunction.service_id.in_(chunk))
            ):
                function_ids.setdefault(link.service_id, []).append(link.function_id)
        return services, entity_ids, function_ids


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def run_import(session: Session, *, check: ImportCheck, actor: Actor, now: datetime) -> AuditEvent:
    """Carry out a checked plan through the vendor services, then audit the import as a whole."""
    if check.problems:
        raise ValueError("a file with problems cannot be imported")
    for plan in check.plan:
        vendor = plan.vendor
        with _conflict_on_row(plan.rows[0]):
            if plan.action == CREATED:
                vendor = create_vendor(session, data=plan.data, actor=actor, now=now)
            elif plan.action == UPDATED:
                update_vendor(session, vendor=vendor, data=plan.data, actor=actor, now=now)
        for service in plan.services:
            if service.action == UNCHANGED:
                continue
            with _conflict_on_row(service.row):
                save_service(
                    session,
                    vendor=vendor,
                    data=service.data,
                    service=service.service,
                    actor=actor,
                    now=now,
                )
    summary = {"file": check.filename, "sha256": check.sha256, "rows": check.rows}
    return record_event(
        session,
        actor=actor,
        action=IMPORT_ACTION,
        object_type="import",
        object_id=check.sha256,
        object_label=check.filename,
        now=now,
        changes=diff({}, summary | check.counts),
    )


@contextmanager
def _conflict_on_row(row: int) -> Iterator[None]:
    """A refusal by a service means the book changed after the check: report it on its row."""
    try:
        yield
    except VendorError as exc:
        column = ERROR_COLUMNS.get(exc.field or "", "")
        raise ImportConflict(Problem(row, column, "", str(exc))) from exc


def summary(event: AuditEvent) -> dict:
    """The file, checksum and counts an import.completed event recorded."""
    return {key: value[1] for key, value in event.changes.items()}


def display_filename(filename: str | None) -> str:
    """The uploaded file's own name, without any folder a browser may send along."""
    return PurePosixPath((filename or "").replace("\\", "/")).name[:200] or "upload"
