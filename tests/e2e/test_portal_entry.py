"""The portal with the keyboard only, on a laptop and on a tablet: the link's landing
page, the overview, inviting a colleague, submit refused while answers are missing, then the
attestation and the receipt."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.portal.helpers import answer, vendor_with_assessment
from tests.questionnaires.sample_definitions import mini, publish
from vendordd.auth.magic_links import issue_link

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.mark.parametrize("device", [{"width": 1280, "height": 900}, {"width": 768, "height": 1024}])
def test_a_vendor_enters_and_finds_what_is_missing_with_the_keyboard(
    live_server, page, shoot, db, tmp_path, device
):
    publish(db, tmp_path, mini())
    _vendor, contact, assessment = vendor_with_assessment(db, "Acme AI Ltd", "mei@acme.example")
    answer(db, assessment, {"EG-01": "no"})
    token = issue_link(
        db, contact_id=contact.id, assessment_id=assessment.id, now=datetime.now(UTC), days=14
    )
    db.commit()
    page.set_viewport_size(device)
    name = f"{device['width']}px"

    page.goto(f"{live_server}/portal/enter/{token}")
    page.get_by_role("heading", name="Due diligence questionnaire for Acme").wait_for()
    shoot(f"portal-{name}-01-landing")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Open the questionnaire"
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Progress: 1 of 3 questions answered").wait_for()
    assert page.get_by_label("Data residency: 0 of 2 answered").is_visible()
    page.get_by_label("Name").fill("Kai Lee")
    page.get_by_label("Email").fill("kai@gmail.example")
    page.get_by_label("Email").press("Enter")
    page.get_by_text("You can only invite colleagues with an address at acme.example").wait_for()
    page.get_by_label("Email").fill("kai@acme.example")
    page.get_by_label("Email").press("Enter")
    page.get_by_text("Kai Lee is invited").wait_for()
    shoot(f"portal-{name}-02-overview")

    page.get_by_role("link", name="Review and submit").focus()
    page.keyboard.press("Enter")
    page.get_by_text("The questionnaire cannot be submitted yet").wait_for()
    assert page.get_by_text("Where is customer data stored?").is_visible()
    shoot(f"portal-{name}-03-submit-refused")

    answer(db, assessment, {"DR-01": "HK", "DR-02": "90"})
    page.reload()
    assert page.get_by_label("Your full name").input_value() == "Mei Chan"
    page.get_by_label("I confirm the statement above on behalf of the vendor.").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Submit the questionnaire").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Submission receipt").wait_for()
    assert page.get_by_text("round 1").is_visible()
    shoot(f"portal-{name}-04-receipt")
