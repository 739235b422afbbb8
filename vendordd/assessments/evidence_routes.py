"""Evidence downloads for staff, and the one way any evidence file is sent to a browser."""

from __future__ import annotations

from flask import Response, abort, current_app, send_file

from vendordd.assessments.evidence import find_evidence
from vendordd.assessments.models import Assessment, Evidence
from vendordd.assessments.routes import bp
from vendordd.auth.access import STAFF, roles
from vendordd.db import get_session
from vendordd.storage import storage_for
from vendordd.vendors.routes import get_or_404


@bp.get("/<int:assessment_id>/evidence/<int:evidence_id>")
@roles(*STAFF)
def evidence_file(assessment_id: int, evidence_id: int):
    assessment = get_or_404(Assessment, assessment_id)
    evidence = find_evidence(get_session(), assessment_id=assessment.id, evidence_id=evidence_id)
    if evidence is None:
        abort(404)
    return send_evidence(evidence)


def send_evidence(evidence: Evidence) -> Response:
    """The file as a download, never shown inline, typed by its checked content."""
    # A browser must not render an uploaded file in our origin, whatever it holds: always an
    # attachment (RFC 5987 name for non-ASCII), the sniffed type, and no type guessing.
    response = send_file(
        storage_for(current_app).open(evidence.storage_key),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.content_length = evidence.size_bytes
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
