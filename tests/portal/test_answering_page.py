"""Answering on a domain page without JavaScript: every type, conditions, groups, errors."""

from __future__ import annotations

import re

from tests.conftest import NOW, SYSTEM
from tests.portal.answering_setup import issued, sign_in, stored
from tests.vendors.test_services import events
from vendordd.assessments.answering import ANSWERED_ACTION, save_answers
from vendordd.concentration.services import seed_providers

PROFILE = "/portal/domains/profile"
RESIDENCY = "/portal/domains/residency"
GROUP_ROW = {
    "GR-01-0-provider": "OpenAI; Harbor Vector DB",
    "GR-01-0-name": "Chat completions",
    "GR-01-0-is_ai": "yes",
    "GR-01-0-role": "host",
    "GR-01-0-data": ["prompts", "outputs"],
    "GR-01-0-where": "se ie",
    "GR-01-0-share": "62.5",
    "GR-01-0-since": "2024-05-01",
}


def revisions(page: str) -> dict[str, str]:
    """The base revision each question of a page was loaded at."""
    return dict(re.findall(r'name="([\w-]+)\.rev" type="hidden" value="(\d+)"', page))


def progress(page: str) -> str:
    """The page's "answered of asked" figures."""
    found = re.search(r"answered>(\d+)</span> of <span data-progress-asked>(\d+)<", page)
    return f"{found.group(1)} of {found.group(2)}"


def post(client, url: str, fields: dict, page: str | None = None):
    """Post the page's form: its base revisions plus the fields given."""
    page = page if page is not None else client.get(url).text
    data = {f"{key}.rev": rev for key, rev in revisions(page).items()}
    data |= dict(re.findall(r'name="([\w-]+\.theirs)" value="(\d+)"', page)) | fields
    return client.post(url, data=data)


def test_every_question_type_is_saved_from_its_page(app, db, tmp_path):
    seed_providers(db, now=NOW, actor=SYSTEM)
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    profile = post(client, PROFILE, {"YN-01": "yes", "SC-01": "scc", "SC-02": "region_27"})
    residency = post(
        client,
        RESIDENCY,
        {
            "CO-01": "hk; SG",
            "PR-01": "OpenAI; Harbor Vector DB",
            "NU-01": "30",
            "NU-02": "99.95",
            "DA-01": "2026-03-31",
            "ST-01": "Our own formula engine",
            "LT-01": "First line.\r\nSecond line.",
        }
        | GROUP_ROW,
    )

    assert (profile.status_code, residency.status_code) == (302, 302)
    assert stored(db, portal.assessment) == {
        "YN-01": True,
        "SC-01": "scc",
        "SC-02": "region_27",
        "CO-01": ["HK", "SG"],
        "PR-01": ["openai", "Harbor Vector DB"],  # a registry name by key; a free entry as typed
        "NU-01": 30,
        "NU-02": 99.95,
        "DA-01": "2026-03-31",
        "ST-01": "Our own formula engine",
        "LT-01": "First line.\nSecond line.",
        "GR-01": [
            {
                "provider": ["openai", "Harbor Vector DB"],
                "name": "Chat completions",
                "is_ai": True,
                "role": "host",
                "data": ["prompts", "outputs"],
                "where": ["SE", "IE"],
                "share": 62.5,
                "since": "2024-05-01",
            }
        ],
    }
    page = client.get(RESIDENCY).text
    assert 'value="HK; SG"' in page and 'value="OpenAI; Harbor Vector DB"' in page
    assert progress(page) == "8 of 8"


def test_not_applicable_is_saved_where_a_question_allows_it(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    post(client, PROFILE, {"YN-01": "n/a", "SC-01": "n/a"})
    post(client, RESIDENCY, {"NU-01": "12", "NU-01.na": "y", "GR-01.na": "y"})

    saved = stored(db, portal.assessment)
    assert (saved["YN-01"], saved["SC-01"], saved["NU-01"], saved["GR-01"]) == ("n/a",) * 4
    page = client.get(RESIDENCY).text
    assert re.search(r'<input checked id="NU-01\.na"', page)


def test_a_follow_up_question_appears_after_saving_its_condition(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    before = client.get(PROFILE).text
    assert re.search(r'id="q-MC-01"[^>]*hidden>', before)

    # A value typed into the hidden question is ignored: it was not asked when posted.
    post(client, PROFILE, {"YN-01": "yes", "MC-01": ["rest"]}, before)
    after = client.get(PROFILE).text

    assert re.search(r'id="q-MC-01"[^>]*data-kind="multiple_choice">', after)
    assert "MC-01" not in stored(db, portal.assessment)
    assert post(client, PROFILE, {"YN-01": "yes", "MC-01": ["rest", "split"]}).status_code == 302
    assert stored(db, portal.assessment)["MC-01"] == ["rest", "split"]


def test_an_answer_whose_question_is_hidden_again_is_kept(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    post(client, PROFILE, {"YN-01": "yes"})
    post(client, PROFILE, {"YN-01": "yes", "MC-01": ["transit"]})

    post(client, PROFILE, {"YN-01": "no", "MC-01": ["transit"]})  # as a browser sends it

    saved = stored(db, portal.assessment)
    assert (saved["YN-01"], saved["MC-01"]) == (False, ["transit"])
    assert re.search(r'id="q-MC-01"[^>]*hidden>', client.get(PROFILE).text)


def test_invalid_answers_keep_what_was_typed_and_valid_ones_are_saved(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    response = post(
        client, RESIDENCY, {"NU-01": "400", "NU-02": "12", "CO-01": "HK; XX", "ST-01": "Kept"}
    )

    page = response.text
    assert response.status_code == 422
    assert stored(db, portal.assessment) == {"NU-02": 12, "ST-01": "Kept"}
    assert 'value="400"' in page and 'value="HK; XX"' in page
    assert "400 is above the maximum of 365 days" in page
    assert "not an ISO 3166 alpha-2 country code: XX" in page
    assert re.search(r'aria-describedby="NU-01-hint NU-01-error" aria-invalid="true"', page)
    assert '<p class="error" id="NU-01-error">' in page


def test_a_save_leaves_the_other_answers_alone(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    post(client, RESIDENCY, {"NU-01": "30", "ST-01": "Before"})
    revisions_before = revisions(client.get(RESIDENCY).text)

    post(client, RESIDENCY, {"NU-01": "30", "ST-01": "After"})

    assert stored(db, portal.assessment) == {"NU-01": 30, "ST-01": "After"}
    (event,) = events(db, ANSWERED_ACTION)[-1:]
    assert set(event.changes) == {"ST-01"}
    assert revisions(client.get(RESIDENCY).text)["NU-01"] == revisions_before["NU-01"]


def test_group_rows_are_added_and_removed(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)
    second = {key.replace("-0-", "-1-"): value for key, value in GROUP_ROW.items()}
    second |= {"GR-01-1-name": "Storage", "GR-01-1-data": []}

    added = post(client, RESIDENCY, GROUP_ROW | {"add_row": "GR-01"})
    assert added.status_code == 200
    assert 'name="GR-01-1-name"' in added.text and "Add a row" in added.text
    post(client, RESIDENCY, GROUP_ROW | second)
    assert [row["name"] for row in stored(db, portal.assessment)["GR-01"]] == [
        "Chat completions",
        "Storage",
    ]

    removed = post(client, RESIDENCY, GROUP_ROW | second | {"GR-01.remove": "0"})

    assert removed.status_code == 302
    assert [row["name"] for row in stored(db, portal.assessment)["GR-01"]] == ["Storage"]


def test_a_row_with_a_required_cell_left_blank_is_refused_and_kept(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    response = post(client, RESIDENCY, GROUP_ROW | {"GR-01-0-name": ""})

    assert response.status_code == 422
    assert "row 1, Service: an answer is required" in response.text
    assert 'value="Chat completions"' not in response.text
    assert 'value="OpenAI; Harbor Vector DB"' in response.text
    assert "GR-01" not in stored(db, portal.assessment)


def test_a_colleagues_newer_answer_is_kept_when_the_page_did_not_touch_it(app, db, tmp_path):
    portal = issued(db, tmp_path)
    vera = sign_in(app, db, portal)
    colin = sign_in(app, db, portal, portal.colleague)
    veras_page = vera.get(RESIDENCY).text

    post(colin, RESIDENCY, {"ST-01": "Colin's answer"})
    response = post(vera, RESIDENCY, {"ST-01": "", "NU-01": "30"}, veras_page)

    assert response.status_code == 302
    assert stored(db, portal.assessment) == {"ST-01": "Colin's answer", "NU-01": 30}


def test_unknown_or_unasked_domains_are_not_found(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    assert client.get("/portal/domains/nowhere").status_code == 404
    assert client.post("/portal/domains/nowhere", data={}).status_code == 404


def test_previous_and_next_sections_are_linked(app, db, tmp_path):
    portal = issued(db, tmp_path)
    client = sign_in(app, db, portal)

    first, second = client.get(PROFILE).text, client.get(RESIDENCY).text

    assert 'href="/portal/domains/residency" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/portal/domains/profile" rel="prev"' in second and 'rel="next"' not in second


def test_answers_saved_elsewhere_are_shown_with_their_revision(app, db, tmp_path):
    portal = issued(db, tmp_path)
    save_answers(db, assessment=portal.assessment, answers={"NU-02": 5}, now=NOW, actor=SYSTEM)
    db.commit()

    page = sign_in(app, db, portal).get(RESIDENCY).text

    assert 'value="5"' in page and revisions(page)["NU-02"] == "1"


def test_an_untouched_text_sent_back_by_a_browser_is_not_a_change(app, db, tmp_path):
    portal = issued(db, tmp_path)
    answers = {"LT-01": "First line.\nSecond line."}
    save_answers(db, assessment=portal.assessment, answers=answers, now=NOW, actor=SYSTEM)
    db.commit()
    client = sign_in(app, db, portal)

    response = post(client, RESIDENCY, {"LT-01": "First line.\r\nSecond line."})

    assert response.status_code == 302
    assert revisions(client.get(RESIDENCY).text)["LT-01"] == "1"
    assert len(events(db, ANSWERED_ACTION)) == 1
