"""An assessment's score, read-only: every figure with its derivation, and its XLSX download."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from vendordd.assessments.evidence import evidence_of
from vendordd.assessments.filetypes import TYPE_LABELS
from vendordd.assessments.models import Assessment
from vendordd.assessments.scoring import score_again
from vendordd.assessments.services import stored_answers
from vendordd.auth.access import STAFF, roles
from vendordd.concentration.services import provider_labels, provider_names
from vendordd.db import get_session
from vendordd.questionnaires.models import QuestionnaireVersion
from vendordd.questionnaires.routes import XLSX
from vendordd.questionnaires.services import definition_of
from vendordd.questionnaires.xlsx_export import export_xlsx
from vendordd.vendors.intake import label
from vendordd.vendors.models import Vendor
from vendordd.vendors.routes import get_or_404

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
STATE_LABELS = {
    "answered": "answered",
    "na": "n/a (excluded)",
    "missing": "required, unanswered (scores 0)",
    "skipped": "optional, unanswered (excluded)",
    "hidden": "hidden by a condition (excluded)",
    "out_of_scope": "not asked at this tier or regime (excluded)",
    "unscored": "informational",
}


@bp.get("/<int:assessment_id>")
@roles(*STAFF)
def detail(assessment_id: int):
    db = get_session()
    assessment, version = _assessment_and_version(assessment_id)
    definition = definition_of(version)
    return render_template(
        "assessments/detail.html",
        assessment=assessment,
        vendor=db.get(Vendor, assessment.vendor_id),
        version=version,
        texts={question.key: question.text for question in definition.questions},
        scored=score_again(db, assessment=assessment),
        states=STATE_LABELS,
        answered=len(stored_answers(db, assessment_id=assessment.id)),
        data_class=label("data_class", assessment.data_class),
        use_case=label("use_case", assessment.use_case),
        evidence=evidence_of(db, assessment_id=assessment.id),
        type_labels=TYPE_LABELS,
    )


@bp.get("/<int:assessment_id>.xlsx")
@roles(*STAFF)
def xlsx(assessment_id: int):
    db = get_session()
    assessment, version = _assessment_and_version(assessment_id)
    data = export_xlsx(
        definition_of(version),
        stored_answers(db, assessment_id=assessment.id),
        provider_names=provider_names(db),
        provider_labels=provider_labels(db),
    )
    filename = f"assessment-{assessment.id}-{version.key}-{version.version}.xlsx"
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _assessment_and_version(assessment_id: int) -> tuple[Assessment, QuestionnaireVersion]:
    """The assessment (or a 404 page) and the questionnaire version it pins."""
    assessment = get_or_404(Assessment, assessment_id)
    return assessment, get_session().get(QuestionnaireVersion, assessment.questionnaire_version_id)


# The other assessment views (issuing, evidence, review, decisions) register on `bp` when
# imported; imported last, as they import `bp`.
from vendordd.assessments import (  # noqa: E402, F401
    decision_routes,
    evidence_routes,
    issuing_routes,
    review_routes,
)
