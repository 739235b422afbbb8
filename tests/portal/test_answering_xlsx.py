"""The offline round trip: download with the answers, fill in, upload whole or not at all."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from werkzeug.test import EnvironBuilder

from tests.conftest import NOW, SYSTEM
from tests.portal.answering_setup import issued, sign_in, stored
from tests.questionnaires.test_xlsx_import import GROUP, RESIDENCY, answer_cell, typed
from tests.questionnaires.xlsx_samples import ANSWERS, edit
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import QuestionReview
from vendordd.assessments.workflow import CLARIFICATION, CLARIFICATION_REQUESTED, SUBMITTED
from vendordd.concentration.services import seed_providers
from vendordd.portal.xlsx_routes import MAX_MB
from vendordd.questionnaires.answers import dump_answer

UPLOAD = "/portal/questionnaire/upload"


def download(client) -> bytes:
    response = client.get("/portal/questionnaire.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.data


def upload(client, data: bytes, name: str = "answers.xlsx"):
    return client.post(UPLOAD, data={"file": (io.BytesIO(data), name)})


def cell(data: bytes, sheet: str, where: str):
    return load_workbook(io.BytesIO(data))[sheet][where].value


def test_the_workbook_holds_the_current_answers(app, db, tmp_path):
    portal = issued(db, tmp_path)
    save_answers(db, assessment=portal.assessment, answers={"NU-01": 30}, now=NOW, actor=SYSTEM)
    db.commit()

    data = download(sign_in(app, db, portal))

    assert cell(data, *answer_cell(data, "NU-01")) == 30


def test_every_answer_of_a_filled_workbook_is_saved(app, db, tmp_path):
    seed_providers(db, now=NOW, actor=SYSTEM)
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    save_answers(db, assessment=portal.assessment, answers={"NU-01": 7}, now=NOW, actor=SYSTEM)
    db.commit()
    blank = download(client)
    filled = typed(
        blank,
        {"NU-01": 30, "ST-01": "Typed offline", "CO-01": "HK; SG", "PR-01": "OpenAI; Own cloud"},
        **{f"{GROUP}!A4": "OpenAI", f"{GROUP}!B4": "Storage", f"{GROUP}!C4": "Yes"},
        **{f"{GROUP}!D4": "Hosting", f"{GROUP}!F4": "HK"},
    )

    response = upload(client, filled)

    assert response.status_code == 302
    assert stored(db, portal.assessment) == {
        "NU-01": 30,
        "ST-01": "Typed offline",
        "CO-01": ["HK", "SG"],
        "PR-01": ["openai", "Own cloud"],
        "GR-01": [
            {"provider": ["openai"], "name": "Storage", "is_ai": True, "role": "host"}
            | {"where": ["HK"]}
        ],
    }
    page = client.get(UPLOAD).text
    assert "5 answers changed: CO-01, GR-01, NU-01, PR-01, ST-01." in page


def test_a_workbook_round_trips_unchanged(app, db, tmp_path):
    portal = issued(db, tmp_path)
    answers = {key: value for key, value in ANSWERS.items() if key != "PR-01"}
    save_answers(db, assessment=portal.assessment, answers=answers, now=NOW, actor=SYSTEM)
    db.commit()
    client = sign_in(app, db, portal)

    response = upload(client, download(client))

    assert response.status_code == 302
    assert stored(db, portal.assessment) == {k: dump_answer(v) for k, v in answers.items()}
    assert "nothing changed" in client.get(UPLOAD).text


def test_a_workbook_with_errors_saves_nothing_and_names_every_cell(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    blank = download(client)
    bad = typed(blank, {"NU-01": 400, "CO-01": "XX", "ST-01": "Fine"})

    response = upload(client, bad)

    page = response.text
    assert response.status_code == 422
    assert stored(db, portal.assessment) == {}
    assert "Nothing was saved" in page and "2 problems in the workbook" in page
    for key in ("NU-01", "CO-01"):
        _sheet, where = answer_cell(blank, key)
        assert f'<td class="nowrap">{where}</td><td class="nowrap">{key}</td>' in page
    assert RESIDENCY in page


def test_files_that_are_not_workbooks_or_too_large_are_refused(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    not_xlsx = upload(client, b"name,value\n", "answers.csv")
    big = EnvironBuilder(
        path=UPLOAD, method="POST", data={"file": (io.BytesIO(b"0" * MAX_MB * 2**20 + b"0"), "a")}
    )
    environ = big.get_environ()
    try:
        too_large = client.open(environ)
    finally:
        environ["wsgi.input"].close()  # the test client spools large bodies to a file
    missing = client.post(UPLOAD, data={})

    assert not_xlsx.status_code == 422 and "is not an Excel workbook" in not_xlsx.text
    assert too_large.status_code == 413 and f"larger than {MAX_MB} MB" in too_large.text
    assert missing.status_code == 422 and "Choose the completed .xlsx workbook" in missing.text
    assert stored(db, portal.assessment) == {}


def test_in_clarification_a_workbook_changing_other_questions_is_refused(
    app, db, tmp_path, make_user
):
    portal = issued(db, tmp_path)
    save_answers(db, assessment=portal.assessment, answers={"NU-01": 7}, now=NOW, actor=SYSTEM)
    portal.assessment.status = CLARIFICATION
    db.add(portal.assessment)
    db.add(
        QuestionReview(
            assessment_id=portal.assessment.id,
            question_key="ST-01",
            status=CLARIFICATION_REQUESTED,
            updated_at=NOW,
            updated_by_id=make_user("risk").id,
        )
    )
    db.commit()
    client = sign_in(app, db, portal)
    blank = download(client)

    refused = upload(
        client, typed(blank, {"NU-01": 30, "ST-01": "Clarified", "DA-01": "2026-01-31"})
    )
    accepted = upload(client, typed(blank, {"ST-01": "Clarified"}))

    assert refused.status_code == 422
    assert "only the questions with a clarification requested can change now" in refused.text
    assert "DA-01" in refused.text and "NU-01" in refused.text
    assert accepted.status_code == 302
    assert stored(db, portal.assessment) == {"NU-01": 7, "ST-01": "Clarified"}


def test_a_submitted_assessment_takes_no_workbook(app, db, tmp_path):
    portal = issued(db, tmp_path)
    portal.assessment.status = SUBMITTED
    db.add(portal.assessment)
    db.commit()
    client = sign_in(app, db, portal)

    response = upload(client, typed(download(client), {"ST-01": "Late"}))

    assert response.status_code == 422 and "its answers are final" in response.text
    assert stored(db, portal.assessment) == {}


def test_a_workbook_of_another_questionnaire_is_refused(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    other = edit(download(client), {})
    workbook = load_workbook(io.BytesIO(other))
    del workbook[workbook.sheetnames[-1]]
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(client, buffer.getvalue())

    assert response.status_code == 422 and stored(db, portal.assessment) == {}
