"""The review queue: submitted assessments waiting for a decision, oldest submission first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from vendordd.assessments.models import Assessment
from vendordd.assessments.review import stored_score
from vendordd.assessments.workflow import SUBMITTED
from vendordd.paging import Page, paginate
from vendordd.vendors.models import Vendor


@dataclass(frozen=True)
class QueueRow:
    assessment: Assessment
    vendor: str
    knockouts: int
    red_flags: int
    days_waiting: int


def review_queue(session: Session, *, number: int, size: int, today: date) -> Page:
    """One page of submitted assessments with their vendor, flag counts and days waiting."""
    statement = (
        select(Assessment, Vendor.display_name)
        .join(Vendor, Vendor.id == Assessment.vendor_id)
        .where(Assessment.status == SUBMITTED)
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    page = paginate(session, statement, number=number, size=size)
    rows = []
    for assessment, vendor in page.items:
        result = stored_score(assessment)
        submitted = assessment.submitted_at.date() if assessment.submitted_at else today
        rows.append(
            QueueRow(
                assessment=assessment,
                vendor=vendor,
                knockouts=len(result.knockouts) if result else 0,
                red_flags=len(result.red_flags) if result else 0,
                days_waiting=(today - submitted).days,
            )
        )
    return Page(rows, page.number, page.pages, page.total)
