"""The concentration page judges each layer by the institution's thresholds; presets compare."""

from __future__ import annotations

import html
import re

import pytest

from tests.concentration.book import build, depend, provider
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import make_service, make_vendor
from vendordd.concentration.aggregates import Filters
from vendordd.concentration.limits import set_book_thresholds
from vendordd.concentration.models import SUMMARY_LAYERS


def institution(db, **layers) -> None:
    """Store thresholds: US 2023 on every layer but those given."""
    values = {layer: layers.get(layer, {"preset": "us_2023"}) for layer in SUMMARY_LAYERS}
    set_book_thresholds(db, values=values, actor=SYSTEM, now=NOW)
    db.commit()


def custom(**limits) -> dict:
    return {"preset": "custom", **limits}


def judged(page: str, layer: str) -> tuple[str, str]:
    """A layer's threshold status and limits, as the summary table shows them."""
    row = re.search(rf'<tr id="layer-{layer}">(.*?)</tr>', page, re.S).group(1)
    cells = dict(re.findall(r'<td class="(breaches|limits)[^"]*">(.*?)</td>', row, re.S))
    text = {
        name: html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
        for name, cell in cells.items()
    }
    return text.get("breaches", ""), text["limits"]  # a layer with no data has no status


@pytest.fixture
def six_clouds(db):
    """Six services of equal weight, each on its own cloud: HHI 1,667, top-1 16.7 %."""
    vendor = make_vendor(db, "Spread AI Ltd")
    for n in range(6):
        service = make_service(db, vendor, f"Service {n}", tier=4)
        depend(db, service, "cloud", provider(db, f"cloud{n}", f"Cloud {n}", "cloud"))
    db.commit()


def test_a_custom_limit_flags_a_layer_the_default_would_not(client, login_as, db, six_clouds):
    login_as("risk")
    before = client.get("/concentration/").text
    institution(db, cloud=custom(hhi_above=1_500))

    page = client.get("/concentration/").text

    assert judged(before, "cloud") == ("Within thresholds", "HHI > 1,800 · top-1 > 30%")
    # Six equal clouds: HHI 6 x (100/6)² = 1,667, by 167 over the limit.
    assert judged(page, "cloud") == ("HHI above 1,500: 1,667 (+167)", "HHI > 1,500")
    assert 'href="/settings/concentration">concentration thresholds</a>' in page
    # Comparing with US 2023 shows the default's verdict again, on every layer.
    compared = client.get("/concentration/?preset=us_2023").text
    assert judged(compared, "cloud") == ("Within thresholds", "HHI > 1,800 · top-1 > 30%")
    assert "thresholds: US 2023 for every layer, for comparison" in compared


def test_a_custom_limit_clears_a_layer_the_default_flags(client, login_as, db, tmp_path):
    build(db, tmp_path)  # model developers: HHI 5,200, top-1 60 % (tests/concentration/book.py)
    institution(
        db,
        model_developer=custom(hhi_above=6_000, delta_above=100),
        cloud=custom(),  # every rule off
        processing_country={"preset": "eu"},
    )
    login_as("auditor")

    page = client.get("/concentration/").text

    assert judged(page, "model_developer") == ("Within thresholds", "HHI > 6,000")
    assert judged(page, "cloud") == ("No limits set", "none")
    assert judged(page, "processing_country") == ("HHI above 2,000: 10,000 (+8,000)", "HHI > 2,000")
    assert judged(page, "storage_country") == ("", "HHI > 1,800 · top-1 > 30%")  # no data
    assert '<option value="">Institution settings</option>' in page
    assert "each layer judged by the institution's" in page
    us = client.get("/concentration/?preset=us_2023").text
    assert judged(us, "model_developer") == (
        "HHI above 1,800: 5,200 (+3,400) single-provider share above 30%: 60.0% (+30.0 points)",
        "HHI > 1,800 · top-1 > 30%",
    )
    assert judged(us, "cloud")[0] == (
        "HHI above 1,800: 5,200 (+3,400) single-provider share above 30%: 60.0% (+30.0 points)"
    )
    eu = client.get("/concentration/?preset=eu").text
    assert judged(eu, "model_developer") == ("HHI above 2,000: 5,200 (+3,200)", "HHI > 2,000")
    assert '<option value="eu" selected>EU</option>' in eu


def test_the_preset_to_compare_is_kept_in_every_link():
    assert Filters.from_args({}).preset == ""
    assert "preset" not in Filters.from_args({"preset": "us_2010"}).args()
    assert Filters.from_args({"preset": "us_2023"}).args() == {"preset": "us_2023"}
