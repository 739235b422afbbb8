"""The read-only questionnaire pages: the list, one version's questions, the XLSX download."""

from __future__ import annotations

import re
import time
from html import unescape
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.auth.apps import app_variant
from tests.conftest import NOW, SYSTEM, sign_in
from tests.questionnaires.sample_definitions import mini, publish, question, write
from vendordd.questionnaires.services import publish_all

STAFF_ROLES = ("admin", "procurement", "risk", "auditor")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def browse(app, folder, db, make_user):
    """Sign in with a role on an app whose questionnaires folder is `folder`; returns a client."""
    with app_variant(app, questionnaires_path=folder) as variant:

        def as_role(role: str = "auditor"):
            client = variant.test_client()
            sign_in(client, db, make_user(role))
            return client

        yield as_role


def text(response) -> str:
    """The page's text with tags removed and white space collapsed, as a reader sees it."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_list_tells_every_staff_role_when_nothing_is_published(browse, role):
    response = browse(role).get("/questionnaires/")
    assert response.status_code == 200
    page = text(response)
    assert "No questionnaire is published yet." in page
    assert "vendordd questionnaires publish" in page


def test_the_list_shows_versions_and_the_state_of_each_file(browse, folder, db):
    publish(db, folder, mini(), mini(version="1.1.0", title="Mini questionnaire, revised"))
    changed = mini(version="1.1.0", title="Mini questionnaire, revised")
    question(changed, "EG-01")["help"] = "Include features switched off by default."
    write(folder, changed, "mini-1.1.0.yaml")
    write(folder, mini(key="fresh", title="Fresh questionnaire"))
    broken = mini(key="broken")
    question(broken, "DR-01")["regulatory"] = ["XX-NOPE 1"]
    write(folder, broken)

    page = text(browse("procurement").get("/questionnaires/"))

    assert "Mini questionnaire, revised mini · latest version 1.1.0" in page
    rows = re.findall(r"(1\.\d\.0) (Mini questionnaire[^0-9]*) 4 ([0-9a-f]{12}) 2026-11-02", page)
    assert [(version, title.strip()) for version, title, _hash in rows] == [
        ("1.1.0", "Mini questionnaire, revised"),
        ("1.0.0", "Mini questionnaire"),
    ]
    assert (
        "questionnaires/mini-1.1.0.yaml (mini 1.1.0): file changed without a version raise —"
        " raise its version, then run vendordd questionnaires publish" in page
    )
    assert "mini 1.1.0 is already published with different content" in page
    assert (
        "questionnaires/fresh.yaml (fresh 1.0.0): not yet published — run"
        " vendordd questionnaires publish" in page
    )
    assert "questionnaires/broken.yaml (broken 1.0.0): the file has 1 problem" in page
    assert "unknown regulatory tag 'XX-NOPE'" in page
    assert "questionnaires/mini-1.0.0.yaml mini 1.0.0 published, file unchanged" in page


def test_a_version_page_shows_every_rule_in_words(browse, folder, db):
    publish(db, folder, mini())
    response = browse("risk").get("/questionnaires/mini/1.0.0")
    assert response.status_code == 200
    page = text(response)
    assert "Mini questionnaire 1.0.0" in page
    assert "A small questionnaire for tests." in page
    # Domains with weights, shares and counts; a contents list per domain.
    assert "Embedded GenAI 40 40% 2 Data residency 60 60% 2" in page
    html = response.get_data(as_text=True)
    assert '<a href="#q-DR-02">DR-02</a>' in html
    assert 'id="q-DR-02"' in html
    assert 'href="#domain-residency"' in html
    # One question, in full.
    assert (
        "EG-02 Which model do you use? One choice · required"
        " Shown shown when EG-01 is Yes"
        " Applies to T1, T2 only; where HKMA or SFC applies"
        " Options Our own model — 50 points A third-party model — 100 points"
        " Scoring weight 2; points as listed per option"
        " Red flags An in-house model needs a model risk review. T1: when EG-02 is “Our own model”"
        " Regulatory SG-MAS-AIRG 4.2 — MAS Guidelines on AI Risk Management"
    ) in page
    assert (
        "Knockouts Data is stored outside the allowed countries."
        " T1, T2: when DR-01 names a country outside the data-location policy"
    ) in page
    assert "Evidence Optional: Data-flow diagram" in page
    assert "Feeds Storage countries (fourth_party.storage_countries)" in page
    assert "DR-02 How many days' notice do you give before moving data?" in page
    assert "Number · required · N/A allowed Calendar days before the move." in page
    assert "by the answer: 90 or more days: 100; 30 to 89 days: 50; anything else: 0" in page
    assert "EU-DORA 30(2)(b) — Regulation (EU) 2022/2554 (DORA)" in page


def test_a_version_page_links_the_other_versions(browse, folder, db):
    publish(db, folder, mini(), mini(version="1.1.0"))
    page = text(browse().get("/questionnaires/mini/1.0.0"))
    assert "Other versions 1.1.0" in page


@pytest.mark.parametrize(
    "url",
    [
        "/questionnaires/mini/9.9.9",
        "/questionnaires/maxi/1.0.0",
        "/questionnaires/mini/9.9.9.xlsx",
        "/questionnaires/mini/1.0.0/extra",
    ],
)
def test_unknown_versions_answer_a_not_found_page(browse, folder, db, url):
    publish(db, folder, mini())
    response = browse().get(url)
    assert response.status_code == 404
    assert "There is nothing at this address." in text(response)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_xlsx_download_opens_as_the_version_asked_for(browse, folder, db, role):
    publish(db, folder, mini(), mini(version="1.1.0"))
    response = browse(role).get("/questionnaires/mini/1.0.0.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == 'attachment; filename="mini-1.0.0.xlsx"'
    book = load_workbook(BytesIO(response.data))
    hidden = [sheet for sheet in book.worksheets if sheet.sheet_state == "hidden"]
    values = [v for sheet in hidden for row in sheet.iter_rows(values_only=True) for v in row]
    assert "mini" in values
    assert "1.0.0" in values


def test_the_standard_questionnaire_publishes_and_renders(app, browse, db):
    report = publish_all(db, now=NOW, actor=SYSTEM)
    db.commit()
    assert [(o.key, o.state) for o in report.outcomes] == [("genai-due-diligence", "published")]
    client = browse("auditor")
    # The app under `browse` reads another folder; the published version is what is shown.
    started = time.perf_counter()
    response = client.get("/questionnaires/genai-due-diligence/1.0.0")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    keys = re.findall(r'<article class="card question" id="q-([^"]+)"', html)
    assert len(keys) >= 70
    assert len(keys) == len(set(keys))
    assert elapsed < 2, f"the page took {elapsed:.2f} s"
    download = client.get("/questionnaires/genai-due-diligence/1.0.0.xlsx")
    assert download.status_code == 200
    assert len(load_workbook(BytesIO(download.data)).worksheets) > 5
