"""Autosave in a real browser: conditions shown without reload, conflicts and failures shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import NOW, SYSTEM
from tests.portal.answering_setup import issued, stored
from vendordd.assessments.answering import save_answers
from vendordd.auth.magic_links import exchange_link, issue_link
from vendordd.portal.access import PORTAL_COOKIE, PORTAL_PATH

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def enter_portal(page, base: str, db, portal) -> None:
    now = datetime.now(UTC)
    link = issue_link(
        db, contact_id=portal.contact.id, assessment_id=portal.assessment.id, now=now, days=1
    )
    token = exchange_link(db, token=link, now=now, hours=1)
    db.commit()
    page.context.add_cookies(
        [{"name": PORTAL_COOKIE, "value": token, "domain": "127.0.0.1", "path": PORTAL_PATH}]
    )


def test_answers_autosave_and_show_conditions_conflicts_and_failures(
    live_server, page, shoot, db, tmp_path
):
    portal = issued(db, tmp_path)
    enter_portal(page, live_server, db, portal)

    page.goto(f"{live_server}/portal/domains/profile")
    follow_up = page.locator("#q-MC-01")
    assert follow_up.is_hidden()
    page.get_by_label("Yes", exact=True).check()
    follow_up.wait_for(state="visible")  # shown without a reload
    page.locator("#YN-01-state").get_by_text("Saved").wait_for()
    page.get_by_label("Encryption at rest").check()
    page.locator("#MC-01-state").get_by_text("Saved").wait_for()
    shoot("portal-answering-profile")
    assert stored(db, portal.assessment) == {"YN-01": True, "MC-01": ["rest"]}

    page.goto(f"{live_server}/portal/domains/residency")
    save_answers(db, assessment=portal.assessment, answers={"NU-01": 30}, now=NOW, actor=SYSTEM)
    db.commit()
    days = page.locator("#NU-01")
    days.fill("60")
    days.press("Tab")
    state = page.locator("#NU-01-state")
    state.get_by_text("Not saved: changed by").wait_for()
    assert "“30”" in state.inner_text()
    assert stored(db, portal.assessment)["NU-01"] == 30
    state.get_by_role("button", name="Save mine").click()
    state.get_by_text("Saved").wait_for()
    assert stored(db, portal.assessment)["NU-01"] == 60

    page.locator("#NU-02").fill("250")
    page.locator("#NU-02").press("Tab")
    page.locator("#NU-02-error").get_by_text("above the maximum of 100").wait_for()

    page.route("**/portal/answers/**", lambda route: route.abort())
    page.locator("#ST-01").fill("Typed while offline")
    page.locator("#ST-01").press("Tab")
    page.locator("#ST-01-state").get_by_text("Not saved — the connection failed").wait_for()
    shoot("portal-answering-residency")
    page.unroute("**/portal/answers/**")
    page.locator("#ST-01-state").get_by_role("button", name="Retry").click()
    page.locator("#ST-01-state").get_by_text("Saved").wait_for()
    assert stored(db, portal.assessment)["ST-01"] == "Typed while offline"

    page.context.clear_cookies(name=PORTAL_COOKIE)
    page.locator("#ST-01").fill("After the session ended")
    page.locator("#ST-01").press("Tab")
    page.locator("#ST-01-state").get_by_text("your portal session has ended").wait_for()
    assert page.locator("#ST-01").input_value() == "After the session ended"
