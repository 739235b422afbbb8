"""Procurement's views of assessments: issue one, invite, remind, cancel, and the pipeline."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, g, redirect, render_template, request, url_for

from vendordd.assessments import issuing, workflow
from vendordd.assessments.demo import STANDARD
from vendordd.assessments.issuing_forms import CancelForm, ContactsForm, IssueForm
from vendordd.assessments.models import Assessment
from vendordd.assessments.pipeline import ORDER, PipelineFilters
from vendordd.assessments.pipeline import pipeline as pipeline_of
from vendordd.assessments.routes import bp
from vendordd.assessments.scope import Scope, vendor_scope
from vendordd.auth.access import STAFF, roles
from vendordd.auth.models import Role
from vendordd.auth.services import actor_for
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.services import definition_of, latest_version, versions
from vendordd.scoring.plan import plan_for
from vendordd.vendors.forms import show_error
from vendordd.vendors.models import Vendor
from vendordd.vendors.queries import vendor_contacts
from vendordd.vendors.routes import form_status, get_or_404

DEFAULT_DUE_DAYS = 30
EDITORS = frozenset({Role.ADMIN, Role.PROCUREMENT})


@bp.app_template_filter("assessment_status")
def assessment_status(assessment: Assessment) -> str:
    """The status label as the pipeline shows it today (overdue derived)."""
    return workflow.STATUS_LABELS[workflow.pipeline_status(assessment, today=utcnow().date())]


@bp.route("/issue/<int:vendor_id>", methods=["GET", "POST"])
@roles(Role.PROCUREMENT)
def issue(vendor_id: int):
    db = get_session()
    vendor = get_or_404(Vendor, vendor_id)
    now = utcnow()
    scope = vendor_scope(db, vendor_id=vendor.id)
    published = versions(db)
    preselected = latest_version(db, STANDARD) or (published[0] if published else None)
    form = IssueForm(
        version_id=preselected.id if preselected else None,
        due_on=now.date() + timedelta(days=DEFAULT_DUE_DAYS),
    )
    form.version_id.choices = [(v.id, _version_label(v, scope)) for v in published]
    contacts = vendor_contacts(db, vendor_id=vendor.id)
    form.set_contacts(contacts)
    if form.validate_on_submit():
        settings = current_app.config["VENDORDD"]
        chosen = {v.id: v for v in published}.get(form.version_id.data)
        try:
            assessment = issuing.issue_assessment(
                db,
                vendor=vendor,
                version=chosen,
                due_on=form.due_on.data,
                contact_ids=form.contact_ids.data or [],
                now=now,
                actor=actor_for(g.user),
                base_url=settings.base_url,
                link_days=settings.magic_link_days,
                supersede=form.supersede.data,
            )
        except issuing.IssueError as exc:
            db.rollback()
            show_error(form, exc)
        else:
            db.commit()
            invited = len(form.contact_ids.data)
            flash(
                f"Assessment {assessment.id} sent to {vendor.display_name}: "
                f"{invited} invitation{'s' if invited != 1 else ''} queued, due "
                f"{assessment.due_on.day} {assessment.due_on:%b %Y}.",
                "success",
            )
            return redirect(url_for("assessments.invitations", assessment_id=assessment.id))
    open_one = issuing.open_assessment(db, vendor_id=vendor.id)
    page = render_template(
        "assessments/issue.html",
        form=form,
        vendor=vendor,
        scope=scope,
        contacts=contacts,
        open_one=open_one,
        open_note=open_one and issuing.open_summary(open_one, today=now.date()),
        has_versions=bool(published),
    )
    return page, form_status(form)


@bp.get("/<int:assessment_id>/invitations")
@roles(*STAFF)
def invitations(assessment_id: int):
    return _invitations_page(get_or_404(Assessment, assessment_id))


def _invitations_page(assessment: Assessment, *, contacts_form=None, cancel_form=None):
    db = get_session()
    vendor = db.get(Vendor, assessment.vendor_id)
    invited = issuing.invited_contacts(db, assessment_id=assessment.id)
    contacts_form = contacts_form or ContactsForm(formdata=None)
    invited_ids = {contact.id for contact in invited}
    contacts_form.set_contacts(
        [c for c in vendor_contacts(db, vendor_id=vendor.id) if c.id not in invited_ids]
    )
    cancel_form = cancel_form or CancelForm(formdata=None)
    page = render_template(
        "assessments/invitations.html",
        assessment=assessment,
        vendor=vendor,
        version=db.get(QuestionnaireVersion, assessment.questionnaire_version_id),
        status=workflow.pipeline_status(assessment, today=utcnow().date()),
        invited=invited,
        links=issuing.latest_links(db, assessment_id=assessment.id),
        now=utcnow(),
        contacts_form=contacts_form,
        cancel_form=cancel_form,
        can_edit=g.user.role in EDITORS,
        with_vendor=assessment.status in workflow.WITH_VENDOR,
        can_cancel=workflow.CANCELLED in workflow.TRANSITIONS[assessment.status],
    )
    return page, form_status(contacts_form) if contacts_form.errors else form_status(cancel_form)


@bp.post("/<int:assessment_id>/remind")
@roles(Role.PROCUREMENT)
def remind(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    settings = current_app.config["VENDORDD"]
    try:
        contacts = issuing.send_reminders(
            db,
            assessment=assessment,
            now=utcnow(),
            actor=actor_for(g.user),
            base_url=settings.base_url,
            link_days=settings.magic_link_days,
        )
    except issuing.IssueError as exc:
        db.rollback()
        flash(str(exc), "error")
    else:
        db.commit()
        names = ", ".join(contact.name for contact in contacts)
        flash(f"Reminder with a fresh link queued for {names}.", "success")
    return redirect(url_for("assessments.invitations", assessment_id=assessment_id))


@bp.post("/<int:assessment_id>/invite")
@roles(Role.PROCUREMENT)
def invite(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    form = ContactsForm()
    settings = current_app.config["VENDORDD"]
    if form.validate_on_submit():
        try:
            contacts = issuing.add_contacts(
                db,
                assessment=assessment,
                contact_ids=form.contact_ids.data or [],
                now=utcnow(),
                actor=actor_for(g.user),
                base_url=settings.base_url,
                link_days=settings.magic_link_days,
            )
        except issuing.IssueError as exc:
            db.rollback()
            show_error(form, exc)
        else:
            db.commit()
            names = ", ".join(contact.name for contact in contacts)
            flash(f"Invitation queued for {names}.", "success")
            return redirect(url_for("assessments.invitations", assessment_id=assessment_id))
    return _invitations_page(assessment, contacts_form=form)


@bp.post("/<int:assessment_id>/cancel")
@roles(Role.PROCUREMENT)
def cancel(assessment_id: int):
    db = get_session()
    assessment = get_or_404(Assessment, assessment_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            issuing.cancel_assessment(
                db,
                assessment=assessment,
                reason=form.reason.data,
                now=utcnow(),
                actor=actor_for(g.user),
            )
        except issuing.IssueError as exc:
            db.rollback()
            show_error(form, exc)
        else:
            db.commit()
            flash(f"Assessment {assessment.id} cancelled; its links no longer work.", "success")
            return redirect(url_for("assessments.invitations", assessment_id=assessment_id))
    return _invitations_page(assessment, cancel_form=form)


@bp.get("/pipeline")
@roles(*STAFF)
def pipeline():
    db = get_session()
    filters = PipelineFilters.from_args(request.args)
    today = utcnow().date()
    found = pipeline_of(
        db, filters=filters, today=today, size=current_app.config["VENDORDD"].page_size
    )
    return render_template(
        "assessments/pipeline.html",
        filters=filters,
        page=found.page,
        counts=found.counts,
        statuses=ORDER,
        labels=workflow.STATUS_LABELS,
        can_edit=g.user.role in EDITORS,
    )


def _version_label(version: QuestionnaireVersion, scope: Scope | None) -> str:
    """'Title 1.0.0 (key): 47 of 95 questions at this vendor's scope'."""
    label = f"{version.title} {version.version} ({version.key})"
    if scope is None:
        return label
    regimes = frozenset(scope.regimes)
    plan = plan_for(definition_of(version))
    asked = sum(question.in_scope(scope.tier, regimes) for question in plan.questions)
    return f"{label}: {asked} of {version.question_count} questions at this scope"
