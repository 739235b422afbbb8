"""Bulk onboarding from CSV or XLSX: the upload form, the result page and the templates."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from vendordd.audit.models import AuditEvent
from vendordd.auth.access import roles
from vendordd.auth.models import Role
from vendordd.auth.services import actor_for
from vendordd.db import get_session
from vendordd.dbtypes import utcnow
from vendordd.vendors import import_template, importing
from vendordd.vendors.import_columns import COLUMNS
from vendordd.vendors.routes import bp, get_or_404

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(FlaskForm):
    file = FileField(
        "Spreadsheet (.xlsx or .csv)",
        validators=[FileRequired("Choose a .xlsx or .csv file to upload.")],
        render_kw={"accept": ".xlsx,.csv"},
    )
    dry_run = BooleanField("Only check the file; import nothing")


def _settings():
    return current_app.config["VENDORDD"]


def _form_page(form: ImportForm, check: importing.ImportCheck | None = None, status: int = 200):
    page = render_template("vendors/import.html", form=form, check=check, columns=COLUMNS)
    return page, status


@bp.route("/import")
@roles(Role.PROCUREMENT)
def import_form():
    return _form_page(ImportForm())


@bp.route("/import", methods=["POST"])
@roles(Role.PROCUREMENT)
def import_upload():
    form = ImportForm()
    if not form.validate_on_submit():
        return _form_page(form, status=422)
    db = get_session()
    upload = form.file.data
    check = importing.check_import(
        db,
        filename=importing.display_filename(upload.filename),
        content=upload.read(),
        max_rows=_settings().import_max_rows,
    )
    if check.problems:
        return _form_page(form, check, 422)
    if form.dry_run.data:
        again = ImportForm(formdata=None)
        return render_template("vendors/import_result.html", check=check, event=None, form=again)
    try:
        event = importing.run_import(db, check=check, actor=actor_for(g.user), now=utcnow())
    except importing.ImportConflict as exc:
        db.rollback()
        check.problems = [exc.problem]
        return _form_page(form, check, 409)
    db.commit()
    flash(f"{check.filename} imported.", "success")
    return redirect(url_for("vendors.import_result", event_id=event.id))


@bp.route("/import/results/<int:event_id>")
@roles(Role.PROCUREMENT)
def import_result(event_id: int):
    event = get_or_404(AuditEvent, event_id)
    if event.action != importing.IMPORT_ACTION:
        abort(404)
    return render_template(
        "vendors/import_result.html", check=None, event=event, summary=importing.summary(event)
    )


@bp.route("/import/template.csv")
@roles(Role.PROCUREMENT)
def import_template_csv():
    entities, functions = import_template.reference_names(get_session())
    body = import_template.template_csv(entities=entities, functions=functions)
    return _download(body, "text/csv; charset=utf-8", "vendordd-import-template.csv")


@bp.route("/import/template.xlsx")
@roles(Role.PROCUREMENT)
def import_template_xlsx():
    entities, functions = import_template.reference_names(get_session())
    body = import_template.template_xlsx(
        entities=entities, functions=functions, max_rows=_settings().import_max_rows
    )
    return _download(body, XLSX_TYPE, "vendordd-import-template.xlsx")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
