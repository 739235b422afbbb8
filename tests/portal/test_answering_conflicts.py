"""Two contacts on one question, read-only and clarification pages, and isolation."""

from __future__ import annotations

import re

from tests.conftest import NOW, SYSTEM
from tests.portal.answering_setup import issued, sign_in, stored
from tests.portal.test_answering_page import PROFILE, RESIDENCY, post, revisions
from vendordd.assessments.answering import save_answers
from vendordd.assessments.models import QuestionReview
from vendordd.assessments.workflow import CLARIFICATION, CLARIFICATION_REQUESTED, SUBMITTED


def test_a_stale_page_save_shows_the_other_value_and_overwrites_nothing(app, db, tmp_path):
    portal = issued(db, tmp_path)
    vera = sign_in(app, db, portal)
    colin = sign_in(app, db, portal, portal.colleague)
    veras_page = vera.get(RESIDENCY).text
    post(colin, RESIDENCY, {"NU-01": "30"})

    response = post(vera, RESIDENCY, {"NU-01": "60", "ST-01": "Vera's"}, veras_page)

    page = response.text
    assert response.status_code == 409
    assert stored(db, portal.assessment) == {"NU-01": 30, "ST-01": "Vera's"}
    assert re.search(r"Changed by Colin Colleague &lt;colin@acme\.example&gt;.* at .* UTC to", page)
    assert "<strong>30</strong>" in page and 'value="60"' in page  # theirs shown, hers kept
    assert revisions(page)["NU-01"] == "0"  # a plain save again is refused again

    again = post(vera, RESIDENCY, {"NU-01": "60"}, page)
    assert again.status_code == 409 and stored(db, portal.assessment)["NU-01"] == 30

    overwrite = post(vera, RESIDENCY, {"NU-01": "60", "overwrite": "NU-01"}, page)
    assert overwrite.status_code == 302 and stored(db, portal.assessment)["NU-01"] == 60


def test_keeping_theirs_shows_their_value_and_saves_nothing_over_it(app, db, tmp_path):
    portal = issued(db, tmp_path)
    vera = sign_in(app, db, portal)
    colin = sign_in(app, db, portal, portal.colleague)
    veras_page = vera.get(RESIDENCY).text
    post(colin, RESIDENCY, {"NU-01": "30"})
    conflicted = post(vera, RESIDENCY, {"NU-01": "60"}, veras_page).text

    kept = post(vera, RESIDENCY, {"NU-01": "60", "keep": "NU-01"}, conflicted)

    assert kept.status_code == 302 and stored(db, portal.assessment) == {"NU-01": 30}
    page = vera.get(RESIDENCY).text
    assert (
        'id="NU-01" inputmode="decimal" maxlength="40" name="NU-01" type="text" value="30"' in page
    )


def test_submitted_answers_are_read_only(app, db, tmp_path):
    portal = issued(db, tmp_path)
    save_answers(db, assessment=portal.assessment, answers={"NU-01": 30}, now=NOW, actor=SYSTEM)
    portal.assessment.status = SUBMITTED
    db.add(portal.assessment)
    db.commit()
    client = sign_in(app, db, portal)

    page = client.get(RESIDENCY).text
    refused = post(client, RESIDENCY, {"NU-01": "60"})
    autosaved = client.post("/portal/answers/NU-01", json={"value": "60", "base_revision": 1})

    assert "<form" not in page.split('<main id="main">')[1] and "answers below are final" in page
    assert '<span class="muted">Answer:</span> 30' in page
    assert (refused.status_code, autosaved.status_code) == (403, 403)
    assert stored(db, portal.assessment) == {"NU-01": 30}


def test_in_clarification_only_the_questions_asked_about_can_change(app, db, tmp_path, make_user):
    portal = issued(db, tmp_path)
    reviewer = make_user("risk")
    answers = {"NU-01": 30, "ST-01": "Before"}
    save_answers(db, assessment=portal.assessment, answers=answers, now=NOW, actor=SYSTEM)
    portal.assessment.status = CLARIFICATION
    db.add(portal.assessment)
    db.add(
        QuestionReview(
            assessment_id=portal.assessment.id,
            question_key="ST-01",
            status=CLARIFICATION_REQUESTED,
            updated_at=NOW,
            updated_by_id=reviewer.id,
        )
    )
    db.commit()
    client = sign_in(app, db, portal)

    page = client.get(RESIDENCY).text
    saved = post(client, RESIDENCY, {"NU-01": "60", "ST-01": "After"})
    refused = client.post("/portal/answers/NU-01", json={"value": "60", "base_revision": 1})

    assert 'name="ST-01"' in page and 'name="NU-01"' not in page
    assert "only those can be changed now" in page
    assert saved.status_code == 302 and refused.status_code == 403
    assert stored(db, portal.assessment) == {"NU-01": 30, "ST-01": "After"}


def test_another_vendors_questions_and_domains_are_not_there(app, db, tmp_path):
    ours = issued(db, tmp_path)
    theirs = issued(db, tmp_path, "Other Labs Ltd", publish_it=False)
    client = sign_in(app, db, ours)

    client.post("/portal/answers/ST-01", json={"value": "Ours", "base_revision": 0})

    assert stored(db, ours.assessment) == {"ST-01": "Ours"}
    assert stored(db, theirs.assessment) == {}
    # The portal session names the assessment: no URL can point at another vendor's answers.
    assert "Other" not in client.get(PROFILE).text


def test_without_a_portal_session_the_pages_answer_401(client):
    assert client.get(PROFILE).status_code == 401
    assert (
        client.post("/portal/answers/ST-01", json={"value": "x", "base_revision": 0}).status_code
        == 401
    )
    assert client.get("/portal/questionnaire.xlsx").status_code == 401
    assert client.get("/portal/questionnaire/upload").status_code == 401
