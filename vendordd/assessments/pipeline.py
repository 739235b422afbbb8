"""The procurement pipeline: each vendor's latest assessment, its status and dates.

Computed in SQL (latest assessment per vendor, the derived overdue status, the counts per
status, filtering and paging), so the page costs the same for ten vendors or ten thousand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

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
    vendor: Vendor
    assessment: Assessment
    questionnaire: str
    status: str  # as the pipeline shows it (overdue derived)
    days_overdue: int | None


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


def _base(columns: list, *, filters: PipelineFilters, today: date):
    latest = _latest_ids()
    query = (
        select(*columns)
        .select_from(Assessment)
        .join(latest, latest.c.id == Assessment.id)
        .join(Vendor, Vendor.id == Assessment.vendor_id)
    )
    if filters.q:
        query = query.where(
            Vendor.display_name.icontains(filters.q, autoescape=True)
            | Vendor.legal_name.icontains(filters.q, autoescape=True)
        )
    return query


def pipeline_page(session: Session, *, filters: PipelineFilters, today: date, size: int) -> Page:
    """One page of the pipeline: vendors whose latest assessment matches, chasing order."""
    status = shown_status(today)
    query = _base(
        [Vendor, Assessment, QuestionnaireVersion.key, QuestionnaireVersion.version, status],
        filters=filters,
        today=today,
    ).join(QuestionnaireVersion, QuestionnaireVersion.id == Assessment.questionnaire_version_id)
    if filters.status:
        query = query.where(status == filters.status)
    rank = case({name: number for number, name in enumerate(ORDER)}, value=status)
    query = query.order_by(
        rank, Assessment.due_on.is_(None), Assessment.due_on, func.lower(Vendor.display_name)
    )
    page = paginate(session, query, number=filters.page, size=size)
    rows = [
        PipelineRow(
            vendor=vendor,
            assessment=assessment,
            questionnaire=f"{key} {version}",
            status=shown,
            days_overdue=(today - assessment.due_on).days if shown == workflow.OVERDUE else None,
        )
        for vendor, assessment, key, version, shown in page.items
    ]
    return Page(rows, page.number, page.pages, page.total)


def status_counts(session: Session, *, filters: PipelineFilters, today: date) -> dict[str, int]:
    """How many vendors' latest assessments are in each status (the search applies)."""
    # Grouped over a subquery: PostgreSQL does not match a CASE with bound parameters in the
    # select list to the same CASE in GROUP BY.
    shown = _base([shown_status(today).label("shown")], filters=filters, today=today).subquery()
    found = dict(session.exec(select(shown.c.shown, func.count()).group_by(shown.c.shown)).all())
    return {name: found.get(name, 0) for name in ORDER}
