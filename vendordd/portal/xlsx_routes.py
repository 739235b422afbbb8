"""The questionnaire as a workbook to complete offline, and its upload back into the portal."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from vendordd.assessments.services import stored_answers
from vendordd.concentration.services import provider_labels, provider_names
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.portal.access import contact_actor, contact_view
from vendordd.portal.answering import answer_state
from vendordd.portal.routes import bp
from vendordd.portal.workbooks import upload_answers
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.routes import XLSX
from vendordd.questionnaires.services import definition_of
from vendordd.questionnaires.xlsx_export import export_xlsx
from vendordd.questionnaires.xlsx_reading import CellError
from vendordd.vendors.routes import form_status

MAX_MB = 5


class UploadForm(FlaskForm):
    file = FileField(
        "Completed workbook (.xlsx)",
        validators=[FileRequired("Choose the completed .xlsx workbook to upload.")],
        render_kw={"accept": ".xlsx"},
    )


@bp.get("/questionnaire.xlsx")
@contact_view
def xlsx():
    db = get_session()
    version = db.get(QuestionnaireVersion, g.assessment.questionnaire_version_id)
    data = export_xlsx(
        definition_of(version),
        stored_answers(db, assessment_id=g.assessment.id),
        provider_names=provider_names(db),
        provider_labels=provider_labels(db),
    )
    filename = f"{version.key}-{version.version}-{g.vendor.display_name}.xlsx"
    safe = "".join(c if c.isalnum() or c in "-._" else "-" for c in filename)
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


@bp.route("/questionnaire/upload", methods=["GET", "POST"])
@contact_view
def xlsx_upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form), form_status(form)
    data = form.file.data.read(MAX_MB * 1024 * 1024 + 1)
    if len(data) > MAX_MB * 1024 * 1024:
        form.file.errors.append(f"The file is larger than {MAX_MB} MB; nothing was saved.")
        return _page(form), 413
    db = get_session()
    upload = upload_answers(
        db, assessment=g.assessment, data=data, now=utcnow(), actor=contact_actor()
    )
    if upload.errors:
        db.rollback()
        return _page(form, upload.errors), 422
    db.commit()
    count = len(upload.changed)
    if count:
        flash(
            f"{count} answer{'s' if count != 1 else ''} changed: {', '.join(upload.changed)}.",
            "success",
        )
    else:
        flash("The workbook holds the answers already saved; nothing changed.", "info")
    return redirect(url_for("portal.xlsx_upload"))


def _page(form: UploadForm, errors: Sequence[CellError] = ()) -> str:
    domains = answer_state(get_session(), assessment=g.assessment, today=utcnow().date())
    first = domains.progress.domains[0].key if domains.progress.domains else None
    return render_template("portal/upload.html", form=form, errors=errors, first_domain=first)
