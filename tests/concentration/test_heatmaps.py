"""The concentration page against a book computed by hand (tests/concentration/book.py)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.concentration.book import build, depend, provider
from tests.vendors.test_services import make_service
from vendordd.concentration.aggregates import (
    Filters,
    function_matrix,
    layer_summary,
    provider_names,
    stack_matrix,
)
from vendordd.concentration.limits import book_thresholds
from vendordd.concentration.riskgrid import risk_grid


@pytest.fixture
def book(db, tmp_path):
    return build(db, tmp_path)


def figures(db, layer: str, **filters):
    limits = book_thresholds(db)
    summary = layer_summary(db, filters=Filters(**filters), limits=limits, names=provider_names(db))
    rows = {row.layer: row for row in summary}
    return rows[layer].figures


def shown(page: str, layer: str) -> dict[str, str]:
    """The HHI, top-1 and CR3 cells of one layer's row in the summary table."""
    row = re.search(rf'<tr id="layer-{layer}">(.*?)</tr>', page, re.S).group(1)
    return {
        name: " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for name, cell in re.findall(r'<td class="(hhi|top1|cr3)">(.*?)</td>', row, re.S)
    }


def test_layer_figures_equal_the_hand_calculation(db, book):
    # Weighted: OpenAI 4 (S1) + 2 (S2) = 6, Anthropic 2 (S3) + 2 (S4, duplicate row once) = 4;
    # the removed OpenAI row of S4 does not count.
    developer = figures(db, "model_developer")
    assert developer.total == 10
    assert developer.hhi == pytest.approx(60**2 + 40**2)
    assert (developer.top1, developer.cr3) == (pytest.approx(60), pytest.approx(100))
    assert developer.effective_providers == pytest.approx(10_000 / 5_200)
    # Clouds: Azure 4 (S1) + 2 (S3) = 6, AWS 2 (S2) + 2 (S3) = 4.
    assert figures(db, "cloud").hhi == pytest.approx(5_200)
    assert figures(db, "processing_country").hhi == pytest.approx(10_000)
    assert not figures(db, "hosting_platform").has_data
    # By services: two each.
    services = figures(db, "model_developer", basis="services")
    assert (services.hhi, services.top1, services.services) == (pytest.approx(5_000), 50, 4)


def test_the_page_shows_the_same_figures_and_breaches(client, login_as, book):
    login_as("auditor")

    page = client.get("/concentration/").text

    assert shown(page, "model_developer") == {
        "hhi": "5,200",
        "top1": "60.0% OpenAI",
        "cr3": "100.0%",
    }
    assert "HHI above 1,800" in page and "single-provider share above 30%" in page
    eu = client.get("/concentration/?preset=eu").text
    assert "HHI above 2,000" in eu and "single-provider share above" not in eu


def test_filters_change_the_figures_as_by_hand(client, login_as, db, book):
    # SG uses S2 (OpenAI 2), S3 and S4 (Anthropic 2 + 2): shares 1/3 and 2/3.
    singapore = figures(db, "model_developer", entity=book["sg"].id)
    assert singapore.hhi == pytest.approx(10_000 * (2**2 + 4**2) / 6**2)
    assert singapore.top1_providers == (str(book["anthropic"].id),)
    # HK uses S1 and S2, both on OpenAI.
    assert figures(db, "model_developer", entity=book["hk"].id).hhi == pytest.approx(10_000)
    assert figures(db, "model_developer", status="onboarding").top1_providers == (
        str(book["anthropic"].id),
    )
    assert figures(db, "model_developer", tier=1).total == 4
    assert figures(db, "cloud", function=book["lending"].id).top1_providers == (
        str(book["aws"].id),
    )
    # Grouped by ultimate parent: OpenAI counts as Microsoft.
    grouped = figures(db, "model_developer", by_parent=True)
    assert grouped.top1_providers == (str(book["microsoft"].id),)
    login_as("risk")
    page = client.get(f"/concentration/?entity={book['sg'].id}").text
    assert shown(page, "model_developer")["hhi"] == "5,556"


def test_matrix_cells_equal_the_hand_calculation(db, book):
    payments, lending = str(book["payments"].id), str(book["lending"].id)
    aws, azure = str(book["aws"].id), str(book["azure"].id)
    openai, anthropic = str(book["openai"].id), str(book["anthropic"].id)

    cells = {
        (c.row, c.col): (c.exposure, c.services) for c in function_matrix(db, filters=Filters())
    }
    stacked = {
        (c.row, c.col): (c.exposure, c.services) for c in stack_matrix(db, filters=Filters())
    }

    assert cells == {(payments, azure): (6, 2), (payments, aws): (2, 1), (lending, aws): (2, 1)}
    assert stacked == {
        (openai, azure): (4, 1),
        (openai, aws): (2, 1),
        (anthropic, aws): (2, 1),
        (anthropic, azure): (2, 1),
    }
    by_country = stack_matrix(db, filters=Filters(cross="processing_country"))
    assert [(c.row, c.col, c.exposure) for c in by_country] == [(openai, "US", 4)]


def test_grouped_by_parent_a_service_counts_once_in_its_groups_cell(client, login_as, db, book):
    # Advisor (T1, weight 4) also rests on a second Microsoft model developer: OpenAI x Azure
    # and GitHub Models x Azure are one Microsoft x Microsoft cell for it.
    github = provider(db, "github-models", "GitHub Models", "model_developer", book["microsoft"])
    depend(db, book["s1"], "model_developer", github)
    db.commit()
    microsoft, payments = str(book["microsoft"].id), str(book["payments"].id)
    grouped = Filters(by_parent=True)

    stacked = {(c.row, c.col): (c.exposure, c.services) for c in stack_matrix(db, filters=grouped)}
    functions = function_matrix(db, filters=Filters(by_parent=True, layer="model_developer"))

    assert stacked[microsoft, microsoft] == (4, 1)
    assert {(c.row, c.col): c.services for c in functions}[payments, microsoft] == 1
    apart = {(c.row, c.col) for c in stack_matrix(db, filters=Filters())}
    assert {
        (str(github.id), str(book["azure"].id)),
        (str(book["openai"].id), str(book["azure"].id)),
    } <= apart
    login_as("risk")
    cell = f"/concentration/cell?matrix=stack&row={microsoft}&col={microsoft}&parent=1"
    assert cell_services(client, cell) == ["AlphaAdvisor"]


def cell_services(client, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200
    return [
        re.sub(r"<[^>]+>", "", row).split("T")[0].strip()
        for row in re.findall(r'<tr class="cell-service">(.*?)</tr>', page.text, re.S)
    ]


def test_each_cell_lists_exactly_the_services_behind_it(client, login_as, book):
    login_as("risk")
    payments, azure, aws = book["payments"].id, book["azure"].id, book["aws"].id
    anthropic = book["anthropic"].id

    page = client.get("/concentration/").text
    link = f"/concentration/cell?matrix=function&amp;row={payments}&amp;col={azure}"

    assert link in page
    assert cell_services(client, link.replace("&amp;", "&")) == ["AlphaAdvisor", "BetaChat"]
    stack = f"/concentration/cell?matrix=stack&row={anthropic}&col={aws}"
    assert cell_services(client, stack) == ["BetaChat"]
    filtered = f"/concentration/cell?matrix=function&row={payments}&col={azure}&tier=1"
    assert cell_services(client, filtered) == ["AlphaAdvisor"]
    assert cell_services(client, "/concentration/cell?matrix=risk&row=4&col=1") == [
        "AlphaAdvisor",
        "AlphaSearch",
    ]
    assert client.get("/concentration/cell?matrix=nope").status_code == 404


def test_a_cell_page_repeats_the_cell_s_figure_and_the_filters_in_words(client, login_as, book):
    login_as("risk")
    payments, azure = book["payments"].id, book["azure"].id

    cell = client.get(f"/concentration/cell?matrix=function&row={payments}&col={azure}").text
    risk = client.get("/concentration/cell?matrix=risk&row=4&col=1").text
    filtered = client.get(f"/concentration/?entity={book['sg'].id}&tier=4&status=onboarding").text

    assert "This cell: weighted exposure 6 from 2 services, 60.0% of the matrix total." in cell
    assert "showing all entities (the group)." in cell
    # The risk grid counts vendors; its cell lists every service of theirs.
    assert "This cell: 1 vendor (100.0% of the vendors plotted); below, their 2 services" in risk
    assert "<strong>Showing:</strong> SG bank, T4 services, vendors onboarding." in filtered


def test_the_csv_matches_the_matrix(client, login_as, book):
    login_as("auditor")

    response = client.get("/concentration/download.csv?matrix=function")
    rows = list(csv.reader(io.StringIO(response.text)))

    assert response.mimetype == "text/csv"
    assert rows == [
        ["business function", "cloud", "weighted_exposure", "services", "share_percent"],
        ["Lending", "AWS", "2", "1", "20.00"],
        ["Payments", "Azure", "6", "2", "60.00"],
        ["Payments", "AWS", "2", "1", "20.00"],
    ]
    risk = list(csv.reader(io.StringIO(client.get("/concentration/download.csv?matrix=risk").text)))
    assert risk == [
        ["impact", "likelihood", "vendors", "share_percent"],
        ["Impact 4", "Likelihood 1", "1", "100.00"],
    ]


def test_the_risk_grid_and_single_points_of_failure(client, login_as, db, book):
    # Alpha: worst service T1 (impact 5 - 1 = 4), scored 90 % (likelihood 1); Beta unscored.
    grid = risk_grid(db, filters=Filters())
    assert [(c.row, c.col, c.services) for c in grid.cells] == [("4", "1", 1)]
    assert grid.unscored == 1
    login_as("risk")
    page = client.get("/concentration/").text
    spofs = page[page.index('id="spof-head"') :]
    assert "Advisor" in spofs and "one model path, not substitutable" in spofs
    assert "Search" not in spofs  # T4: out of the test


def test_an_empty_book_renders_and_garbage_filters_fall_back(client, login_as):
    login_as("risk")

    page = client.get("/concentration/?entity=x&tier=9&basis=bad&preset=none&matrix=1")

    assert page.status_code == 200
    assert page.text.count("No dependencies recorded yet") >= 5
    assert "No single points of failure" in page.text
    assert client.get("/concentration/download.csv?matrix=stack").status_code == 200


def test_the_nav_shows_concentration_to_risk_readers_only(client, login_as):
    login_as("procurement")
    assert 'href="/concentration/"' not in client.get("/vendors/").text


def test_provider_names_are_escaped_in_the_matrices(client, login_as, db, book):
    # Names are typed by people (and by vendors, unregistered): never markup in the SVG.
    book["openai"].name = '<script>alert("x")</script> & Co'
    book["aws"].name = "AWS <b>"
    db.add_all([book["openai"], book["aws"]])
    db.commit()
    login_as("risk")

    page = client.get("/concentration/").text

    assert "<script>alert" not in page and "AWS <b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page
    assert "\u00d7 AWS &lt;b&gt;:" in page  # a column label, escaped in each cell's title


def test_the_page_says_how_many_services_are_in_scope_mapped_or_not(client, login_as, db, book):
    make_service(db, book["beta"], "Unmapped", tier=2)  # no dependency recorded
    login_as("risk")

    group = client.get("/concentration/").text
    sg = client.get(f"/concentration/?entity={book['sg'].id}").text

    assert "<strong>5</strong> services in scope" in group
    assert "<strong>3</strong> services in scope" in sg  # Search, Chat and Notes
