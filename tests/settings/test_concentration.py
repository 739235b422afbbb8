"""The concentration thresholds page: admins set each layer's limits; risk and auditors read."""

from __future__ import annotations

import re

import pytest

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.concentration.limits import book_thresholds, set_book_thresholds
from vendordd.concentration.models import SUMMARY_LAYERS
from vendordd.concentration.thresholds import PRESETS, Thresholds

URL = "/settings/concentration"
US, EU = PRESETS["us_2023"], PRESETS["eu"]


def row(layer: str, preset: str, hhi: str = "", top1: str = "", delta: str = "") -> dict:
    return {
        f"{layer}-preset": preset,
        f"{layer}-hhi_above": hhi,
        f"{layer}-top1_above": top1,
        f"{layer}-delta_above": delta,
    }


# What the form shows when every layer is on the default preset.
UNCHANGED = {
    key: value
    for layer in SUMMARY_LAYERS
    for key, value in row(layer, "us_2023", "1,800", "30", "100").items()
}


def stored(db) -> dict[str, Thresholds]:
    db.expire_all()
    return book_thresholds(db)


def in_force(page: str, layer: str) -> list[str]:
    """The cells of one layer's row in the table of limits in force."""
    cells = re.search(rf'<tr id="limits-{layer}">(.*?)</tr>', page, re.S).group(1)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", cells, re.S)
    ]


def test_admin_sees_the_rules_explained_and_a_row_of_fields_per_layer(client, login_as):
    login_as("admin")

    page = client.get(URL).text

    assert "risk-appetite choices, not legal limits" in page
    assert "US 2023: HHI &gt; 1,800 · top-1 &gt; 30% · Δ-HHI &gt; 100" in page
    assert "reference §4.2" in page
    assert "count only when the preset is <strong>Custom</strong>" in page
    assert 'aria-current="page">Concentration thresholds</a>' in page
    for layer in SUMMARY_LAYERS:
        assert in_force(page, layer)[1:] == ["US 2023", "1,800", "30%", "100"]
        assert f'name="{layer}-preset"' in page
    assert in_force(page, "processing_country")[0] == "Processing country"
    # The numbers start as the limits in force, to edit from.
    assert 'name="cloud-hhi_above" type="text" value="1,800"' in page
    assert '<option selected value="us_2023">US 2023</option>' in page
    assert '<option value="custom">Custom</option>' in page
    assert '<label class="sr-only" for="cloud-top1_above">Cloud: Single-provider share' in page


def test_admin_saves_custom_values_and_presets(client, login_as, db):
    login_as("admin")
    data = UNCHANGED | row("cloud", "custom", "2,500", "", "50") | row("model_developer", "eu")

    sent = client.post(URL, data=data)

    assert sent.status_code == 302 and sent.location == URL
    page = client.get(URL).text
    assert "Concentration thresholds saved." in page
    assert in_force(page, "cloud")[1:] == ["Custom", "2,500", "off", "50"]
    assert in_force(page, "model_developer")[1:] == ["EU", "2,000", "off", "100"]
    assert 'name="cloud-top1_above" type="text" value=""' in page
    limits = stored(db)
    assert limits["cloud"] == Thresholds("Custom", 2_500, None, 50)
    assert limits["model_developer"] == EU and limits["storage_country"] == US
    [event] = events(db, "setting.updated")
    assert event.actor_label == "Admin <admin@bank.example>"
    assert event.changes == {
        "Cloud": [
            "US 2023: HHI > 1,800 · top-1 > 30% · Δ-HHI > 100",
            "Custom: HHI > 2,500 · Δ-HHI > 50",
        ],
        "Model developer": [
            "US 2023: HHI > 1,800 · top-1 > 30% · Δ-HHI > 100",
            "EU: HHI > 2,000 · Δ-HHI > 100",
        ],
    }


def test_saving_unchanged_says_so(client, login_as, db):
    login_as("admin")

    sent = client.post(URL, data=UNCHANGED, follow_redirects=True)

    assert "No changes to save." in sent.text
    assert events(db, "setting.updated") == []


def test_errors_are_shown_next_to_each_field_and_nothing_is_saved(client, login_as, db):
    set_book_thresholds(
        db,
        values={layer: {"preset": "us_2023"} for layer in SUMMARY_LAYERS}
        | {"cloud": {"preset": "eu"}},
        actor=SYSTEM,
        now=NOW,
    )
    db.commit()
    login_as("admin")
    data = (
        UNCHANGED
        | row("cloud", "custom", "20000", "30", "100")
        | row("storage_country", "us_2023", "2,500", "30", "100")
        | row("model_developer", "custom", "1,000", "", "")  # valid, but not stored either
    )

    sent = client.post(URL, data=data)

    assert sent.status_code == 422
    page = sent.text
    assert "Nothing was saved. Please correct the values marked below:" in page
    assert (
        '<p class="error" id="cloud-hhi_above-error">Cloud: HHI limit 20,000 is outside the '
        "allowed range 0 to 10,000.</p>"
    ) in page
    assert (
        '<p class="error" id="storage_country-hhi_above-error">Storage country: HHI limit 2,500 '
        "counts only under the Custom preset; choose Custom, or put back US 2023&#39;s 1,800.</p>"
    ) in page
    assert 'aria-invalid="true" id="cloud-hhi_above"' in page
    assert 'value="20000"' in page  # what was typed stays, to be corrected
    assert page.count('class="error"') == 2
    assert stored(db)["cloud"] == EU and stored(db)["model_developer"] == US
    assert len(events(db, "setting.updated")) == 1


@pytest.mark.parametrize("role", ["risk", "auditor"])
def test_risk_and_auditors_read_the_thresholds_but_cannot_change_them(client, login_as, db, role):
    set_book_thresholds(
        db,
        values={layer: {"preset": "us_2023"} for layer in SUMMARY_LAYERS}
        | {"cloud": {"preset": "custom", "top1_above": 40}},
        actor=SYSTEM,
        now=NOW,
    )
    db.commit()
    login_as(role)

    page = client.get(URL)

    assert page.status_code == 200
    assert in_force(page.text, "cloud")[1:] == ["Custom", "off", "40%", "off"]
    assert "Only an administrator can change these thresholds." in page.text
    assert 'name="cloud-preset"' not in page.text and "<form" not in page.text.split("<main")[-1]
    assert client.post(URL, data=UNCHANGED).status_code == 403
    assert stored(db)["cloud"] == Thresholds("Custom", None, 40, None)


def test_procurement_may_not_see_the_thresholds(client, login_as):
    login_as("procurement")

    assert client.get(URL).status_code == 403
