"""Review actions for risk staff: findings, risk acceptance (four eyes) and the decision."""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for

from vendordd.assessments import decisions, findings
from vendordd.assessments.models import Assessment, Finding, RiskAcceptance
from vendordd.assessments.review_forms import (
    AcceptanceForm,
    ActionForm,
    DecisionForm,
    FindingForm,
    FindingUpdateForm,
)
from vendordd.assessments.review_routes import REFUSED, render_review
from vendordd.assessments.routes import bp
from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.auth.services import actor_for
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors.routes import get_or_404


@bp.post("/<int:assessment_id>/findings")
@roles(Role.RISK)
def finding_create(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    form = FindingForm()
    form.set_owners(findings.reviewers(db))
    if form.validate_on_submit():
        try:
            finding = findings.raise_finding(
                db,
                assessment=assessment,
                question_key=form.question.data,
                severity=form.severity.data,
                description=form.description.data,
                remediation=form.remediation.data,
                owner_id=form.owner.data,
                due_on=form.due_on.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except REFUSED as exc:
            flash(f"Finding on {form.question.data}: {exc}", "error")
        else:
            db.commit()
            flash(f"Finding {finding.id} raised on {finding.question_key}.", "success")
            return _back(assessment, f"finding-{finding.id}")
    return render_review(assessment, 422, finding_form=form, failed=form.question.data)


@bp.post("/<int:assessment_id>/findings/<int:finding_id>")
@roles(Role.RISK)
def finding_update(assessment_id: int, finding_id: int):
    db = get_session()
    finding = get_or_404(Finding, finding_id)
    if finding.assessment_id != assessment_id:
        abort(404)
    form = FindingUpdateForm()
    form.set_owners(findings.reviewers(db))
    if not form.validate_on_submit():
        errors = [error for messages in form.errors.values() for error in messages]
        flash(f"Finding {finding.id}: {' '.join(errors)}", "error")
    else:
        try:
            changes = findings.update_finding(
                db,
                finding=finding,
                status=form.status.data,
                owner_id=form.owner.data,
                due_on=form.due_on.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except REFUSED as exc:
            flash(f"Finding {finding.id}: {exc}", "error")
        else:
            db.commit()
            saved = "saved" if changes else "unchanged: nothing was different"
            flash(f"Finding {finding.id} {saved}.", "success" if changes else "info")
    return _back(db.get(Assessment, assessment_id), f"finding-{finding.id}")


@bp.post("/<int:assessment_id>/acceptance")
@roles(Role.RISK)
def acceptance_record(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    form = AcceptanceForm()
    if form.validate_on_submit():
        try:
            decisions.record_acceptance(
                db,
                assessment=assessment,
                justification=form.justification.data,
                compensating_controls=form.compensating_controls.data,
                expires_on=form.expires_on.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except REFUSED as exc:
            form.form_errors.append(str(exc))
        else:
            db.commit()
            flash(
                "Risk acceptance recorded; a second risk or admin user must approve it.", "success"
            )
            return _back(assessment, "acceptance")
    return render_review(assessment, 422, acceptance_form=form)


@bp.post("/<int:assessment_id>/acceptance/<int:acceptance_id>/approve")
@roles(Role.RISK)
def acceptance_approve(assessment_id: int, acceptance_id: int):
    db = get_session()
    acceptance = get_or_404(RiskAcceptance, acceptance_id)
    if acceptance.assessment_id != assessment_id:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            decisions.approve_acceptance(
                db, acceptance=acceptance, now=utcnow(), actor=actor_for(g.user)
            )
        except REFUSED as exc:
            flash(str(exc), "error")
        else:
            db.commit()
            flash("Risk acceptance approved.", "success")
    return _back(db.get(Assessment, assessment_id), "acceptance")


@bp.post("/<int:assessment_id>/decision")
@roles(Role.RISK)
def decide(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decision = decisions.decide(
                db,
                assessment=assessment,
                outcome=form.outcome.data,
                rationale=form.rationale.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except REFUSED as exc:
            form.form_errors.append(str(exc))
        else:
            db.commit()
            flash(
                f"{decisions.OUTCOME_LABELS[decision.outcome]}. Next reassessment "
                f"due {decision.next_reassessment_on.isoformat()}.",
                "success",
            )
            return _back(assessment, "decision")
    return render_review(assessment, 422, decision_form=form)


def _back(assessment: Assessment, anchor: str):
    return redirect(url_for("assessments.review", assessment_id=assessment.id, _anchor=anchor))
