"""Review pages for risk staff: the queue, the review page, question actions, return to vendor.

Auditors read the queue and the review page; only risk (and admin) act. Question actions are
small forms on the review page: a refusal comes back as a message at the question concerned.
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlmodel import select

from vendordd.assessments import review
from vendordd.assessments.decisions import (
    OUTCOMES,
    assessment_decision,
    pending_acceptance,
)
from vendordd.assessments.findings import (
    FINDING_STATUSES,
    SEVERITIES,
    assessment_findings,
    reviewers,
)
from vendordd.assessments.models import Assessment
from vendordd.assessments.queue import review_queue
from vendordd.assessments.returning import return_to_vendor
from vendordd.assessments.review_forms import (
    AcceptanceForm,
    ActionForm,
    DecisionForm,
    FindingForm,
    FindingUpdateForm,
    MessageForm,
    QuestionForm,
)
from vendordd.assessments.review_view import review_domains
from vendordd.assessments.routes import bp
from vendordd.assessments.workflow import STATUS_LABELS, WorkflowError
from vendordd.auth.access import roles
from vendordd.auth.models import Role, User
from vendordd.auth.services import actor_for
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.paging import positive_int
from vendordd.vendors.models import Vendor
from vendordd.vendors.routes import get_or_404

READERS = (Role.RISK, Role.AUDITOR)
REFUSED = (review.ReviewError, WorkflowError)


@bp.get("/review", endpoint="review_queue")
@roles(*READERS)
def queue():
    settings = current_app.config["VENDORDD"]
    page = review_queue(
        get_session(),
        number=positive_int(request.args.get("page")) or 1,
        size=settings.page_size,
        today=utcnow().date(),
    )
    return render_template("assessments/review_queue.html", page=page)


# `?show=attention`: only the questions that need a reviewer (see QuestionView.needs_attention).
ATTENTION = "attention"


@bp.get("/<int:assessment_id>/review", endpoint="review")
@roles(*READERS)
def review_page(assessment_id: int):
    return render_review(get_or_404(Assessment, assessment_id))


def render_review(assessment: Assessment, status: int = 200, **forms):
    """The review page, with any submitted form (and its errors) in place of a blank one."""
    db = get_session()
    owners = reviewers(db)
    finding_form = FindingForm(formdata=None)
    finding_form.set_owners(owners)
    findings = assessment_findings(db, assessment_id=assessment.id)
    updates = {}
    for finding in findings:
        updates[finding.id] = FindingUpdateForm(formdata=None, obj=finding)
        updates[finding.id].owner.data = finding.owner_id
        updates[finding.id].set_owners(owners)
    domains = review_domains(db, assessment=assessment)
    page = render_template(
        "assessments/review.html",
        assessment=assessment,
        vendor=db.get(Vendor, assessment.vendor_id),
        result=review.stored_score(assessment),
        domains=domains,
        attention=sum(view.needs_attention for domain in domains for view in domain.questions),
        attention_only=request.args.get("show") == ATTENTION,
        labels=review.REVIEW_LABELS,
        status_label=STATUS_LABELS.get(assessment.status, assessment.status),
        open_keys=review.open_clarifications(db, assessment_id=assessment.id),
        findings=findings,
        finding_updates=updates,
        users=dict(db.exec(select(User.id, User.name)).all()),
        severities=SEVERITIES,
        finding_statuses=FINDING_STATUSES,
        acceptance=pending_acceptance(db, assessment_id=assessment.id, today=utcnow().date()),
        decision=assessment_decision(db, assessment_id=assessment.id),
        outcomes=OUTCOMES,
        can_act=g.user.role in (Role.RISK, Role.ADMIN),
        action_form=ActionForm(formdata=None),
        finding_form=finding_form,
        failed_form=forms.get("finding_form"),
        acceptance_form=forms.get("acceptance_form") or AcceptanceForm(formdata=None),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        failed=forms.get("failed"),
    )
    return page, status


@bp.post("/<int:assessment_id>/review/accept")
@roles(Role.RISK)
def review_accept(assessment_id: int):
    return _question_action(assessment_id, QuestionForm(), review.accept_question, "accepted")


@bp.post("/<int:assessment_id>/review/clarify")
@roles(Role.RISK)
def review_clarify(assessment_id: int):
    return _question_action(
        assessment_id, MessageForm(), review.request_clarification, "clarification requested"
    )


@bp.post("/<int:assessment_id>/review/message")
@roles(Role.RISK)
def review_message(assessment_id: int):
    return _question_action(assessment_id, MessageForm(), review.post_message, "message posted")


@bp.post("/<int:assessment_id>/review/return")
@roles(Role.RISK)
def review_return(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    if ActionForm().validate_on_submit():
        settings = current_app.config["VENDORDD"]
        try:
            sent = return_to_vendor(
                db,
                assessment=assessment,
                base_url=settings.base_url,
                days=settings.magic_link_days,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except REFUSED as exc:
            flash(str(exc), "error")
        else:
            db.commit()
            flash(
                f"Returned to the vendor for clarification; {len(sent)} contact"
                f"{'s' if len(sent) != 1 else ''} emailed a new link.",
                "success",
            )
    return redirect(url_for("assessments.review", assessment_id=assessment.id))


def _question_action(assessment_id: int, form, action, done: str):
    """Run one question action from its form; refusals flash at the question concerned."""
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    key = form.question.data or ""
    if not form.validate_on_submit():
        errors = [error for messages in form.errors.values() for error in messages]
        flash(f"Question {key}: {' '.join(errors)}", "error")
    else:
        extra = {"message": form.message.data} if hasattr(form, "message") else {}
        try:
            action(
                db,
                assessment=assessment,
                question_key=key,
                now=utcnow(),
                actor=actor_for(g.user),
                **extra,
            )
        except REFUSED as exc:
            flash(f"Question {key}: {exc}", "error")
        else:
            db.commit()
            flash(f"Question {key}: {done}.", "success")
    anchor = f"q-{key}" if key else None
    return redirect(url_for("assessments.review", assessment_id=assessment.id, _anchor=anchor))
