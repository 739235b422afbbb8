"""Autosave: one question per request, its revision, the questions now shown, and refusals."""

from __future__ import annotations

import pytest

from tests.auth.apps import app_variant, csrf_token
from tests.conftest import NOW, SYSTEM
from tests.portal.answering_setup import issued, sign_in, stored
from tests.portal.helpers import portal_client_for
from tests.questionnaires.xlsx_samples import FULL_ROW
from vendordd.assessments.answering import save_answers
from vendordd.concentration.services import seed_providers
from vendordd.questionnaires.answers import dump_answer


def autosave(client, key: str, value, base: int = 0):
    return client.post(f"/portal/answers/{key}", json={"value": value, "base_revision": base})


# One value per question type as the script sends it, and the JSON stored for it.
SENT_AND_STORED = [
    ("YN-01", "yes", True),
    ("SC-01", "n/a", "n/a"),
    ("SC-02", "region_03", "region_03"),
    ("CO-01", "HK SG", ["HK", "SG"]),
    ("PR-01", "Anthropic; In-house", ["anthropic", "In-house"]),
    ("NU-01", "45", 45),
    ("NU-02", "n/a", None),  # refused below: NU-02 does not allow n/a
    ("DA-01", "2026-03-31", "2026-03-31"),
    ("ST-01", "Short", "Short"),
    ("LT-01", "Long\ntext", "Long\ntext"),
    (
        "GR-01",
        [dump_answer(FULL_ROW) | {"provider": "OpenAI", "where": "SE; IE", "share": "62.5"}, {}],
        [dump_answer(FULL_ROW) | {"provider": ["openai"]}],
    ),
]


@pytest.mark.parametrize(("key", "sent", "expected"), SENT_AND_STORED)
def test_each_type_autosaves(app, db, tmp_path, key, sent, expected):
    seed_providers(db, now=NOW, actor=SYSTEM)
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    response = autosave(client, key, sent)

    if expected is None:
        assert response.status_code == 422
        assert response.json == {"error": "this question cannot be answered n/a"}
        assert stored(db, portal.assessment) == {}
    else:
        assert response.status_code == 200, response.json
        assert response.json["revision"] == 1 and response.json["changed"] is True
        assert stored(db, portal.assessment) == {key: expected}


def test_the_reply_names_the_questions_shown_and_the_progress(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    shown = autosave(client, "YN-01", "yes").json
    hidden = autosave(client, "YN-01", "no", base=1).json

    assert shown["visible"] == ["YN-01", "SC-01", "SC-02", "MC-01", "EV-01"]
    assert shown["progress"] == {"answered": 1, "asked": 5, "missing": ["SC-01", "SC-02", "MC-01"]}
    assert hidden["visible"] == ["YN-01", "SC-01", "SC-02", "EV-01"]
    assert hidden["revision"] == 2
    assert hidden["progress"] == {"answered": 1, "asked": 4, "missing": ["SC-01", "SC-02"]}


def test_clearing_an_answer_and_answering_again_continues_its_revisions(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    autosave(client, "ST-01", "First")

    cleared = autosave(client, "ST-01", "", base=1)
    page = client.get("/portal/domains/residency").text
    again = autosave(client, "ST-01", "Second", base=cleared.json["revision"])

    assert cleared.json["revision"] == 2 and 'name="ST-01.rev" type="hidden" value="2"' in page
    assert again.status_code == 200 and again.json["revision"] == 3
    assert stored(db, portal.assessment) == {"ST-01": "Second"}


def test_a_second_contacts_stale_save_gets_the_conflict_and_overwrites_nothing(app, db, tmp_path):
    portal = issued(db, tmp_path)
    vera = sign_in(app, db, portal)
    colin = sign_in(app, db, portal, portal.colleague)
    assert autosave(vera, "NU-01", "30").status_code == 200

    refused = autosave(colin, "NU-01", "60", base=0)

    assert refused.status_code == 409
    conflict = refused.json["conflict"]
    assert conflict["value"] == "30" and conflict["revision"] == 1
    assert conflict["by"].startswith("Vera Vendor <vera@acme.example>")
    assert stored(db, portal.assessment) == {"NU-01": 30}
    # Saving over theirs is a deliberate second save from their revision.
    assert autosave(colin, "NU-01", "60", base=conflict["revision"]).status_code == 200
    assert stored(db, portal.assessment) == {"NU-01": 60}


def test_an_unchanged_value_is_not_saved_again(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    autosave(client, "NU-01", "30")

    again = autosave(client, "NU-01", "30.0", base=1)

    assert again.status_code == 200 and again.json == again.json | {"revision": 1, "changed": False}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"value": "x"}, 400),
        ({"value": "x", "base_revision": "1"}, 400),
        ({"value": "x", "base_revision": True}, 400),
        ({"base_revision": 0}, 400),
        ("not an object", 400),
    ],
)
def test_malformed_requests_are_refused(app, db, tmp_path, body, status):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    response = client.post("/portal/answers/ST-01", json=body)

    assert response.status_code == status and "base_revision" in response.json["error"]
    assert stored(db, portal.assessment) == {}


def test_questions_not_asked_or_not_answerable_here_are_refused(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    assert autosave(client, "NOPE-01", "x").status_code == 404
    assert autosave(client, "MC-01", ["rest"]).status_code == 404  # hidden until YN-01 is yes
    assert autosave(client, "EV-01", "file.pdf").status_code == 403
    assert stored(db, portal.assessment) == {}


def test_autosave_takes_the_csrf_token_from_a_header(app, db, tmp_path):
    portal = issued(db, tmp_path)
    with app_variant(app, csrf_enabled=True) as secured:
        client = portal_client_for(secured.test_client(), db, portal.contact, portal.assessment)
        token = csrf_token(client.get("/portal/domains/residency").text)
        url, body = "/portal/answers/ST-01", {"value": "Hello", "base_revision": 0}

        refused = client.post(url, json=body)
        accepted = client.post(url, json=body, headers={"X-CSRFToken": token})

    assert (refused.status_code, accepted.status_code) == (400, 200)
    assert stored(db, portal.assessment) == {"ST-01": "Hello"}


def test_a_save_by_staff_meanwhile_is_a_conflict_too(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    save_answers(
        db, assessment=portal.assessment, answers={"ST-01": "Staff"}, now=NOW, actor=SYSTEM
    )
    db.commit()

    response = autosave(client, "ST-01", "Mine", base=0)

    assert response.status_code == 409 and response.json["conflict"]["value"] == "Staff"
