"""Issue 5's journey in a real browser, as a new risk user on the demo book: open Concentration,
read the layers, filter to one entity, drill into a cell and on to a vendor's chain, download the
matrix as CSV and check it against the cells, and reach the cells from the keyboard."""

from __future__ import annotations

import csv
import re

import pytest

from vendordd.auth.models import Role
from vendordd.concentration.heatmaps import TIMES
from vendordd.demo import DEMO_USERS, demo_password

pytestmark = [pytest.mark.slow, pytest.mark.browser]
HK_BANK = "HK bank — HKMA"
STACK = f"Model developer {TIMES} cloud"
SVG_NS = "http://www.w3.org/2000/svg"


@pytest.fixture
def demo_server(live_app, live_server):
    result = live_app.test_cli_runner().invoke(args=["vendordd", "demo"])
    assert result.exit_code == 0, result.output
    return live_server


def figures(page) -> dict[str, str]:
    """The model developer layer's HHI, top-1 and CR3 as the table shows them."""
    row = page.locator("#layer-model_developer")
    return {name: row.locator(f"td.{name}").inner_text() for name in ("hhi", "top1", "cr3")}


def shares(page, layer: str) -> list[float]:
    """A layer's shares, percent, read from its disclosure (opened as a user would)."""
    row = page.locator(f"#layer-{layer}")
    row.locator("summary").click()
    items = row.locator("ol.shares li").all_inner_texts()
    return [float(re.search(r"= ([\d.]+)%$", item).group(1)) for item in items]


def matrix(page, title: str):
    return page.locator("section.heatmap-card", has=page.get_by_role("heading", name=title))


def cells(section) -> dict[tuple[str, str], tuple[str, int]]:
    """Each linked cell: (row, column) from its tooltip -> (exposure, services) from its text."""
    found = {}
    for link in section.locator("svg a").all():
        tooltip = link.locator("title").text_content()
        row, col = re.match(rf"(.+) {TIMES} (.+?): ", tooltip).groups()
        exposure, services = link.locator("text").text_content().split(" · ")
        found[row, col] = (exposure.replace(",", ""), int(services))
    return found


def test_a_risk_user_reads_filters_drills_downloads_and_uses_the_keyboard(
    demo_server, page, shoot, tmp_path
):
    base = demo_server
    email, _name = DEMO_USERS[Role.RISK]
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo_password(Role.RISK))
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation").get_by_role("link", name="Concentration", exact=True).click()

    # The whole book: every layer's HHI is the sum of its squared shares.
    page.get_by_role("heading", name="Layers").wait_for()
    assert "Showing: all entities (the group)." in page.locator("#scope").inner_text()
    book = figures(page)
    for layer in ("model_developer", "cloud", "processing_country"):
        hhi = page.locator(f"#layer-{layer} td.hhi").inner_text()
        # Shares carry two decimals: their squares add up to within 1 of the HHI shown.
        assert sum(s * s for s in shares(page, layer)) == pytest.approx(
            float(hhi.replace(",", "")), abs=1
        )
    shoot("concentration-01-book")

    # One entity through the filter form: the figures change and the filter stays.
    page.get_by_label("Entity").select_option(label=HK_BANK)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"entity=\d+"))
    assert page.get_by_label("Entity").evaluate("s => s.selectedOptions[0].text") == HK_BANK
    assert f"Showing: {HK_BANK}." in page.locator("#scope").inner_text()
    entity = figures(page)
    assert entity != book
    developer = shares(page, "model_developer")
    assert sum(s * s for s in developer) == pytest.approx(
        float(entity["hhi"].replace(",", "")), abs=1
    )
    shoot("concentration-02-hk-entity")

    # Drill into the developer x cloud cell with the most services.
    stack = matrix(page, STACK)
    shown = cells(stack)
    (row, col), (_exposure, count) = max(shown.items(), key=lambda item: item[1][1])
    assert count >= 2
    # A cell is a link named by its tooltip (what a screen reader announces).
    stack.get_by_role("link", name=f"{row} {TIMES} {col}: ").click()
    page.get_by_role("heading", name=f"{row} {TIMES} {col}").wait_for()
    assert "entity=" in page.url
    listed = page.locator("tr.cell-service")
    assert listed.count() == count
    assert f"{count} in all" in page.content()
    assert f"from {count} services" in page.locator("#cell-figure").inner_text()
    assert HK_BANK in page.locator("p.hint").inner_text()
    shoot("concentration-03-cell")

    # On to one vendor's chain, and back.
    vendor = listed.first.get_by_role("link")
    name = vendor.inner_text()
    vendor.click()
    page.get_by_role("heading", level=1).filter(has_text=name).wait_for()
    assert page.url.endswith("#chain")
    page.get_by_role("heading", name="Fourth-party map").wait_for()
    shoot("concentration-04-vendor-chain")
    page.go_back()
    page.get_by_role("heading", name=f"{row} {TIMES} {col}").wait_for()
    page.get_by_role("link", name="← Back to concentration").click()
    page.get_by_role("heading", name="Layers").wait_for()
    assert page.get_by_label("Entity").evaluate("s => s.selectedOptions[0].text") == HK_BANK
    assert figures(page) == entity

    # The matrix as CSV: one line per cell, the same figures, shares of the matrix total.
    stack = matrix(page, STACK)
    with page.expect_download() as download:
        stack.get_by_role("link", name=f"Download “{STACK}” as CSV").click()
    assert download.value.suggested_filename == "concentration-stack.csv"
    saved = tmp_path / "stack.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        header, *lines = list(csv.reader(file))
    assert header == ["model developer", "cloud", "weighted_exposure", "services", "share_percent"]
    assert {(r[0], r[1]): (r[2], int(r[3])) for r in lines} == cells(stack)
    total = sum(float(r[2]) for r in lines)
    for line in lines:
        assert line[4] == f"{100 * float(line[2]) / total:.2f}"

    # Keyboard: Tab from the link before the matrix lands on its first cell; Enter opens it.
    matrix(page, f"Business function {TIMES} cloud").get_by_role(
        "link", name=re.compile("Download")
    ).focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.namespaceURI, document.activeElement.localName,"
        " document.activeElement.getAttribute('href')]"
    )
    assert focused[:2] == [SVG_NS, "a"]
    assert "matrix=stack" in focused[2] and "entity=" in focused[2]
    shoot("concentration-05-keyboard-focus")
    _exposure, first = next(iter(cells(stack).values()))  # cells are drawn row by row
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/concentration/cell\?matrix=stack"))
    assert page.locator("tr.cell-service").count() == first
