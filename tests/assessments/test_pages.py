"""The demo assessments, their score pages, the XLSX with answers, and the CLI around them."""

from __future__ import annotations

from html import unescape

import pytest
from sqlmodel import select

from tests.conftest import sign_in
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import Assessment
from vendordd.assessments.services import stored_answers
from vendordd.audit.services import Actor
from vendordd.concentration.services import provider_lookup
from vendordd.questionnaires.answers import dump_answer
from vendordd.questionnaires.services import definition_for
from vendordd.questionnaires.xlsx_import import import_xlsx
from vendordd.resources import resource_dir
from vendordd.vendors.models import Vendor


@pytest.fixture
def demo(runner, db):
    """The demo book: each demo vendor's latest assessment, by display name."""
    result = runner.invoke(args=["vendordd", "demo"])
    assert result.exit_code == 0, result.output
    return {
        vendor.display_name: assessment
        for assessment, vendor in db.exec(
            select(Assessment, Vendor)
            .join(Vendor, Vendor.id == Assessment.vendor_id)
            .order_by(Assessment.id)
        )
    }


def test_the_demo_assesses_four_vendors_as_their_answer_files_say(demo):
    names = ("Harbourlight", "Cobaltreed", "Tessellate", "Northwind Prose")
    outcomes = {name: (demo[name].tier, demo[name].outcome) for name in names}
    assert outcomes == {
        "Harbourlight": ("T1", "clear"),
        "Cobaltreed": ("T2", "clear"),
        "Tessellate": ("T1", "blocked"),
        "Northwind Prose": ("T3", "clear"),
    }
    assert demo["Harbourlight"].score_percent > 85 > 60 > demo["Cobaltreed"].score_percent


def test_the_score_page_shows_every_figure_and_its_explanation(demo, client, db, make_user):
    sign_in(client, db, make_user("procurement"))
    blocked = demo["Tessellate"]

    page = unescape(client.get(f"/assessments/{blocked.id}").text)

    assert "Outcome: blocked" in page.replace('<span class="status blocked">', "")
    assert f"{blocked.score_percent:.2f}%" in page
    assert "Knockouts (" in page and "TR-01" in page
    assert "How every figure was worked out" in page
    assert "it gives exactly the stored figures" in page
    assert "Overall = (" in page and "Outcome: blocked by" in page
    assert "gives different figures" not in page


def test_the_score_page_says_when_answers_changed_after_scoring(demo, client, db, make_user):
    sign_in(client, db, make_user("risk"))
    # Back with the vendor for clarification: the clarified answer may change.
    returned = demo["Saffron Ledger"]
    save_answers(
        db,
        assessment=returned,
        answers={"SP-01": "partial"},
        now=returned.created_at,
        actor=Actor.system(),
    )
    db.commit()

    page = unescape(client.get(f"/assessments/{returned.id}").text)

    assert "gives different figures from the stored score" in page


def test_the_vendor_page_lists_its_assessments(demo, client, db, make_user):
    sign_in(client, db, make_user("auditor"))
    strong = demo["Harbourlight"]

    page = client.get(f"/vendors/{strong.vendor_id}").text

    assert f'href="/assessments/{strong.id}"' in page
    assert "genai-due-diligence 1.0.0" in page
    empty = db.exec(select(Vendor).where(Vendor.display_name == "Eastgate")).one()
    assert "No assessments yet." in client.get(f"/vendors/{empty.id}").text


def test_the_xlsx_of_an_assessment_carries_its_answers_back_unchanged(demo, client, db, make_user):
    sign_in(client, db, make_user("auditor"))
    strong = demo["Harbourlight"]

    response = client.get(f"/assessments/{strong.id}.xlsx")

    assert response.status_code == 200
    assert (
        f"assessment-{strong.id}-genai-due-diligence-1.0.0.xlsx"
        in (response.headers["Content-Disposition"])
    )
    definition = definition_for(db, strong.questionnaire_version_id)
    imported = import_xlsx(definition, response.data, providers=provider_lookup(db))
    assert imported.errors == []
    stored = stored_answers(db, assessment_id=strong.id)
    # Evidence is uploaded in the portal, never read from a spreadsheet.
    evidence = {q.key for q in definition.questions if q.type == "evidence"}
    expected = {key: value for key, value in stored.items() if key not in evidence}
    assert {key: dump_answer(value) for key, value in imported.answers.items()} == expected


def test_an_unknown_assessment_is_not_found(client, db, make_user):
    sign_in(client, db, make_user("risk"))
    assert client.get("/assessments/999").status_code == 404
    assert client.get("/assessments/999.xlsx").status_code == 404


def test_rescore_command_rescores_every_assessment(demo, runner, db):
    result = runner.invoke(args=["vendordd", "assessments", "rescore"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Rescored 15 assessments."


def test_score_command_explains_an_answer_file(runner, demo):
    path = resource_dir("questionnaires") / "demo" / "knockouts.yaml"

    result = runner.invoke(args=["vendordd", "questionnaires", "score", str(path)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Vendor with knockouts")
    assert any(line.startswith("Knockout on TR-01:") for line in lines)
    assert "Outcome: blocked by 6 knockouts" in result.output


def test_score_command_takes_context_options(runner, demo):
    path = resource_dir("questionnaires") / "demo" / "knockouts.yaml"

    result = runner.invoke(
        args=["vendordd", "questionnaires", "score", str(path), "--tier", "T4", "--not-critical"]
    )

    assert result.exit_code == 0, result.output
    assert ": tier T4," in result.output and "critical no" in result.output
