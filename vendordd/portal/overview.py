"""The portal's overview, colleague invitations, submitting with an attestation, the receipt."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from vendordd.assessments.workflow import (
    CLARIFICATION,
    STATUS_LABELS,
    WITH_VENDOR,
    WorkflowError,
    editable_keys,
    pipeline_status,
)
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.portal.access import contact_actor, contact_view
from vendordd.portal.answering import answer_state
from vendordd.portal.colleagues import InviteError, invite_colleague, invited_contacts
from vendordd.portal.entry import link_mail
from vendordd.portal.forms import AttestationForm
from vendordd.portal.routes import bp
from vendordd.portal.submission import SubmissionRefused, submit_assessment
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.settings.attestation import attestation_statement
from vendordd.vendors.forms import ContactForm
from vendordd.vendors.routes import form_status


@bp.get("/")
@contact_view
def overview():
    return _overview(ContactForm(formdata=None))


@bp.post("/invite")
@contact_view
def invite():
    form = ContactForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            invited = invite_colleague(
                db,
                assessment=g.assessment,
                vendor=g.vendor,
                inviter=g.contact,
                name=form.name.data,
                email=form.email.data,
                role_title=form.role_title.data,
                mail=link_mail(),
                now=utcnow(),
                actor=contact_actor(),
            )
        except InviteError as exc:
            db.rollback()
            if g.assessment.status not in WITH_VENDOR:  # no form to show the error beside
                flash(str(exc), "error")
                return redirect(url_for("portal.overview"))
            form.email.errors.append(str(exc))
        else:
            db.commit()
            flash(
                f"{invited.name} is invited; their own link is on its way to {invited.email}.",
                "success",
            )
            return redirect(url_for("portal.overview", _anchor="contacts"))
    return _overview(form), form_status(form)


@bp.route("/submit", methods=["GET", "POST"])
@contact_view
def submit():
    db = get_session()
    assessment = g.assessment
    if assessment.status not in WITH_VENDOR:
        if assessment.submitted_at is None:
            return redirect(url_for("portal.overview"))
        flash("This questionnaire has already been submitted; here is your receipt.", "info")
        return redirect(url_for("portal.receipt"))
    statement = attestation_statement(db)
    form = AttestationForm(data={"name": g.contact.name, "title": g.contact.role_title})
    found = answer_state(db, assessment=assessment, today=utcnow().date()).progress
    if found.is_complete and form.validate_on_submit():
        try:
            submit_assessment(
                db,
                assessment=assessment,
                attested_name=form.name.data,
                attested_title=form.title.data,
                statement=statement,
                base_url=link_mail().base_url,
                now=utcnow(),
                actor=contact_actor(),
            )
        except SubmissionRefused as refused:
            db.rollback()
            found = refused.progress
        except WorkflowError as exc:
            db.rollback()
            flash(str(exc), "error")
            return redirect(url_for("portal.overview"))
        else:
            db.commit()
            flash("Thank you: your questionnaire is submitted. Keep this receipt.", "success")
            return redirect(url_for("portal.receipt"))
    refused = request.method == "POST" and (form.errors or not found.is_complete)
    page = render_template(
        "portal/submit.html",
        assessment=assessment,
        progress=found,
        form=form,
        statement=statement,
    )
    return page, 422 if refused else 200


@bp.get("/receipt")
@contact_view
def receipt():
    if g.assessment.submitted_at is None:
        flash("There is no receipt yet: the questionnaire has not been submitted.", "info")
        return redirect(url_for("portal.overview"))
    return render_template(
        "portal/receipt.html",
        assessment=g.assessment,
        vendor=g.vendor,
        version=get_session().get(QuestionnaireVersion, g.assessment.questionnaire_version_id),
    )


def _overview(invite_form: ContactForm):
    db = get_session()
    assessment, now = g.assessment, utcnow()
    is_open = assessment.status in WITH_VENDOR
    return render_template(
        "portal/overview.html",
        assessment=assessment,
        vendor=g.vendor,
        contact=g.contact,
        version=db.get(QuestionnaireVersion, assessment.questionnaire_version_id),
        status=STATUS_LABELS[pipeline_status(assessment, today=now.date())],
        days_left=(assessment.due_on - now.date()).days if assessment.due_on else None,
        progress=(
            answer_state(db, assessment=assessment, today=now.date()).progress if is_open else None
        ),
        clarifications=(
            sorted(editable_keys(db, assessment=assessment) or ())
            if assessment.status == CLARIFICATION
            else []
        ),
        contacts=invited_contacts(db, assessment_id=assessment.id),
        invite_form=invite_form,
        is_open=is_open,
    )
