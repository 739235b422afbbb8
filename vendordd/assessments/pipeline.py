"""The procurement pipeline: each vendor's latest assessment, its status and dates.

Computed in SQL (latest assessment per vendor, the derived overdue status, the counts per
status, filtering and paging), so the page costs the same for ten vendors or ten thousand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, func, literal
from sqlmodel import Session, select

from vendordd.assessments import workflow
from vendordd.assessments.models import Assessment
from vendordd.paging import Page, paginate, positive_int
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.vendors.models import Vendor

MAX_SEARCH = 200
# The order a pipeline is worked in: what needs chasing first, finished work last.
ORDER = (
    workflow.OVERDUE,
    workflow.CLARIFICATION,
    workflow.SUBMITTED,
    workflow.IN_PROGRESS,
    workflow.SENT,
    workflow.DRAFT,
    workflow.DECIDED,
    workflow.CANCELLED,
)


@dataclass(frozen=True)
class PipelineFilters:
    """The page's query arguments, anything invalid dropped."""

    q: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PipelineFilters:
        """Parse request arguments; unknown or malformed values are ignored, never an error."""
        status = args.get("status", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH],
            status=status if status in ORDER else "",
            page=positive_int(args.get("page")) or 1,
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.status)


@dataclass(frozen=True)
class PipelineRow:
    vendor_id: int
    vendor_name: str
    assessment_id: int
    tier: str
    questionnaire: str  # "key version"
    status: str  # as the pipeline shows it (overdue derived)
    issued_at: datetime | None
    due_on: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    cancelled_at: datetime | None
    days_overdue: int | None


# Only what the page shows: an assessment row also carries its stored score (large JSON).
COLUMNS = (
    Vendor.id,
    Vendor.display_name,
    Assessment.id,
    Assessment.tier,
    QuestionnaireVersion.key,
    QuestionnaireVersion.version,
    Assessment.issued_at,
    Assessment.due_on,
    Assessment.submitted_at,
    Assessment.decided_at,
    Assessment.cancelled_at,
)


def shown_status(today: date) -> ColumnElement[str]:
    """workflow.pipeline_status as SQL: with the vendor past the due date is overdue."""
    overdue = and_(
        Assessment.status.in_(workflow.WITH_VENDOR),
        Assessment.due_on.is_not(None),
        Assessment.due_on < today,
    )
    return case((overdue, literal(workflow.OVERDUE)), else_=Assessment.status)


def _latest_ids():
    """The latest assessment of each vendor (ids grow with creation)."""
    return select(func.max(Assessment.id).label("id")).group_by(Assessment.vendor_id).subquery()


def _base(columns: list, *, q: str, with_vendor: bool = False):
    """Each vendor's latest assessment, found by the name search; joined to Vendor if needed."""
    latest = _latest_ids()
    query = select(*columns).select_from(Assessment).join(latest, latest.c.id == Assessment.id)
    if q or with_vendor:
        query = query.join(Vendor, Vendor.id == Assessment.vendor_id)
    if q:
        query = query.where(
            Vendor.display_name.icontains(q, autoescape=True)
            | Vendor.legal_name.icontains(q, autoescape=True)
        )
    return query


def status_counts(session: Session, *, q: str, today: date) -> dict[str, int]:
    """How many vendors' latest assessments are in each status, among those the search finds."""
    # Grouped over a subquery: PostgreSQL does not match a CASE with bound parameters in the
    # select list to the same CASE in GROUP BY.
    shown = _base([shown_status(today).label("shown")], q=q).subquery()
    found = dict(session.exec(select(shown.c.shown, func.count()).group_by(shown.c.shown)).all())
    return {name: found.get(name, 0) for name in ORDER}


@dataclass(frozen=True)
class Pipeline:
    page: Page  # of PipelineRow
    counts: dict[str, int]  # per status, with the search but not the status filter applied


def pipeline(session: Session, *, filters: PipelineFilters, today: date, size: int) -> Pipeline:
    """The counts per status and one page of vendors whose latest assessment matches."""
    counts = status_counts(session, q=filters.q, today=today)
    status = shown_status(today)
    query = _base([*COLUMNS, status], q=filters.q, with_vendor=True).join(
        QuestionnaireVersion, QuestionnaireVersion.id == Assessment.questionnaire_version_id
    )
    if filters.status:
        query = query.where(status == filters.status)
    rank = case({name: number for number, name in enumerate(ORDER)}, value=status)
    query = query.order_by(
        rank, Assessment.due_on.is_(None), Assessment.due_on, func.lower(Vendor.display_name)
    )
    # The counts already hold the total: no second pass over the book to count it.
    total = counts[filters.status] if filters.status else sum(counts.values())
    page = paginate(session, query, number=filters.page, size=size, count=select(literal(total)))
    rows = [_row(values, today) for values in page.items]
    return Pipeline(Page(rows, page.number, page.pages, page.total), counts)


def _row(values: tuple, today: date) -> PipelineRow:
    vendor_id, name, assessment_id, tier, key, version, *dates, status = values
    issued_at, due_on, submitted_at, decided_at, cancelled_at = dates
    return PipelineRow(
        vendor_id=vendor_id,
        vendor_name=name,
        assessment_id=assessment_id,
        tier=tier,
        questionnaire=f"{key} {version}",
        status=status,
        issued_at=issued_at,
        due_on=due_on,
        submitted_at=submitted_at,
        decided_at=decided_at,
        cancelled_at=cancelled_at,
        days_overdue=(today - due_on).days if status == workflow.OVERDUE else None,
    )
