"""Published questionnaires, read-only: the list, one version's questions, its XLSX download."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, abort, current_app, render_template

from vendordd.auth.access import STAFF, roles
from vendordd.concentration.services import provider_names
from vendordd.db import get_session
from vendordd.questionnaires import wording
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.services import (
    UNCHANGED,
    definition_of,
    file_status,
    find_version,
    versions,
)
from vendordd.questionnaires.xlsx_export import export_xlsx

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
@roles(*STAFF)
def index():
    db = get_session()
    published = {key: list(rows) for key, rows in groupby(versions(db), key=lambda row: row.key)}
    files = file_status(db, folder=current_app.config["VENDORDD"].questionnaires_path)
    return render_template(
        "questionnaires/index.html",
        published=published,
        files=files,
        warnings=[item for item in files if item.state != UNCHANGED],
    )


@bp.get("/<key>/<version>")
@roles(*STAFF)
def detail(key: str, version: str):
    row = _version_or_404(key, version)
    return render_template(
        "questionnaires/detail.html",
        version=row,
        definition=definition_of(row),
        others=versions(get_session(), key),
        words=wording,
    )


@bp.get("/<key>/<version>.xlsx")
@roles(*STAFF)
def xlsx(key: str, version: str):
    row = _version_or_404(key, version)
    data = export_xlsx(definition_of(row), provider_names=provider_names(get_session()))
    filename = f"{row.key}-{row.version}.xlsx"
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _version_or_404(key: str, version: str) -> QuestionnaireVersion:
    found = find_version(get_session(), key=key, version=version)
    return found if found is not None else abort(404)
