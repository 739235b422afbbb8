"""Evidence in the portal: a question's files, uploading more, removing one, downloading."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from vendordd.assessments.evidence import (
    MB,
    EvidenceError,
    add_evidence,
    evidence_of,
    evidence_question,
    find_evidence,
    is_editable,
    remove_evidence,
)
from vendordd.assessments.evidence_routes import send_evidence
from vendordd.assessments.filetypes import ACCEPT_ATTRIBUTE, ACCEPTED_LABELS, TYPE_LABELS
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.portal.access import contact_actor, contact_view
from vendordd.portal.routes import bp
from vendordd.storage import storage_for


class EvidenceForm(FlaskForm):
    file = FileField(
        "File",
        validators=[FileRequired("Choose a file to upload.")],
        render_kw={"accept": ACCEPT_ATTRIBUTE},
    )
    effective_on = DateField("Effective date (optional)", validators=[Optional()])
    expires_on = DateField("Expiry date (optional)", validators=[Optional()])

    def validate_expires_on(self, field: DateField) -> None:
        if field.data and self.effective_on.data and field.data <= self.effective_on.data:
            raise ValidationError("The expiry date must be after the effective date.")


@bp.route("/evidence/<question_key>", methods=["GET", "POST"])
@contact_view
def evidence(question_key: str):
    db = get_session()
    question = _question_or_404(question_key)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return _page(question, form, 422 if form.errors else 200)
    upload = form.file.data
    try:
        added = add_evidence(
            db,
            storage=storage_for(current_app),
            assessment=g.assessment,
            question_key=question.key,
            filename=upload.filename,
            stream=upload.stream,
            effective_on=form.effective_on.data,
            expires_on=form.expires_on.data,
            max_bytes=_max_bytes(),
            now=utcnow(),
            actor=contact_actor(),
        )
    except EvidenceError as refused:
        db.rollback()
        form.file.errors = [str(refused)]
        return _page(question, form, 422)
    db.commit()
    flash(f"'{added.filename}' uploaded.", "success")
    return redirect(url_for("portal.evidence", question_key=question.key))


@bp.post("/evidence/file/<int:evidence_id>/remove")
@contact_view
def evidence_remove(evidence_id: int):
    db = get_session()
    found = find_evidence(db, assessment_id=g.assessment.id, evidence_id=evidence_id)
    if found is None or found.removed_at is not None:
        abort(404)
    try:
        remove_evidence(
            db, assessment=g.assessment, evidence_id=found.id, now=utcnow(), actor=contact_actor()
        )
    except EvidenceError as refused:
        db.rollback()
        flash(str(refused), "error")
    else:
        db.commit()
        flash(f"'{found.filename}' removed from this question.", "success")
    return redirect(url_for("portal.evidence", question_key=found.question_key))


@bp.get("/evidence/file/<int:evidence_id>")
@contact_view
def evidence_file(evidence_id: int):
    # Only this session's assessment, and only files still on it: any other id is not found.
    found = find_evidence(get_session(), assessment_id=g.assessment.id, evidence_id=evidence_id)
    if found is None or found.removed_at is not None:
        abort(404)
    return send_evidence(found)


def _question_or_404(question_key: str):
    try:
        return evidence_question(get_session(), assessment=g.assessment, question_key=question_key)
    except LookupError:
        abort(404)


def _max_bytes() -> int:
    return current_app.config["VENDORDD"].evidence_max_mb * MB


def _page(question, form: EvidenceForm, status: int):
    db = get_session()
    page = render_template(
        "portal/evidence.html",
        question=question,
        form=form,
        files=evidence_of(db, assessment_id=g.assessment.id).get(question.key, []),
        is_editable=is_editable(db, assessment=g.assessment, question_key=question.key),
        type_labels=TYPE_LABELS,
        accepted_labels=ACCEPTED_LABELS,
        max_mb=_max_bytes() / MB,
    )
    return page, status
