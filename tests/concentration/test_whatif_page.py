"""The what-if section of the vendor page, on the reference's worked example (§4.2).

The book, model developer layer, criticality-weighted (T1 counts 4, material reliance 3, low 2,
not significant 1), every service on one model developer:
  Alpha (active)   OpenAI     11 x 4 + 1        = 45   50 %
  Beta (active)    Anthropic   6 x 4 + 3        = 27   30 %
  Gamma (active)   Mistral     4 x 4 + 2        = 18   20 %   HHI 2,500 + 900 + 400 = 3,800
  Nova (prospect)  OpenAI     Chat 4, Search 4, Notes 2 = 10
With Nova: OpenAI 55 of 100, Anthropic 27, Mistral 18: HHI 3,025 + 729 + 324 = 4,078, Δ 278.
Nova Chat is also on AWS (the only cloud row of the book), and Nova Notes has the book's only
hosting row, naming a provider the registry does not know (it counts under that name).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlmodel import delete

from tests.concentration.book import depend, provider
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import INTAKES, make_vendor
from vendordd.concentration.limits import THRESHOLDS_KEY
from vendordd.concentration.metrics import exposure_weight
from vendordd.concentration.models import Dependency
from vendordd.settings.models import Setting
from vendordd.vendors.services import ServiceData, save_service

INTAKE_OF_WEIGHT = {
    4: INTAKES[1],
    3: replace(INTAKES[4], reliance="material"),
    2: INTAKES[4],
    1: replace(INTAKES[4], reliance="not_significant"),
}


def vendor_on(db, name: str, status: str, developer, weights: dict[str, int]):
    """A vendor whose services (name: weight) each rest on one model developer."""
    vendor = make_vendor(db, name)
    vendor.status = status
    services = {}
    for service_name, weight in weights.items():
        data = ServiceData(name=service_name, intake=INTAKE_OF_WEIGHT[weight])
        service = save_service(db, vendor=vendor, data=data, actor=SYSTEM, now=NOW)
        assert exposure_weight(service.tier, service.reliance) == weight
        depend(db, service, "model_developer", developer)
        services[service_name] = service
    db.commit()
    return vendor, services


def numbered(prefix: str, *weights: int) -> dict[str, int]:
    return {f"{prefix} {n}": weight for n, weight in enumerate(weights, 1)}


@pytest.fixture
def book(db):
    openai = provider(db, "openai", "OpenAI", "model_developer")
    anthropic = provider(db, "anthropic", "Anthropic", "model_developer")
    mistral = provider(db, "mistral", "Mistral AI", "model_developer")
    aws = provider(db, "aws", "AWS", "cloud")
    alpha, _ = vendor_on(db, "Alpha AI Ltd", "active", openai, numbered("Alpha", *[4] * 11, 1))
    vendor_on(db, "Beta Labs Ltd", "active", anthropic, numbered("Beta", *[4] * 6, 3))
    vendor_on(db, "Gamma Models Ltd", "active", mistral, numbered("Gamma", *[4] * 4, 2))
    nova, services = vendor_on(
        db, "Nova Intelligence Ltd", "prospect", openai, {"Chat": 4, "Search": 4, "Notes": 2}
    )
    depend(db, services["Chat"], "cloud", aws)
    db.add(
        Dependency(
            vendor_id=nova.id, service_id=services["Notes"].id, layer="hosting_platform",
            provider_name="Acme Vector Hosting", is_unregistered=True, source="manual",
            created_at=NOW, updated_at=NOW,
        )
    )  # fmt: skip
    db.commit()
    return {"alpha": alpha, "nova": nova, **services}


def layer_row(page: str, layer: str) -> dict[str, str]:
    """The cells of one layer's row of the what-if table, as text."""
    row = re.search(rf'<tr id="whatif-{layer}">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="([\w ]+)"[^>]*>(.*?)</td>', row, re.S)
    return {name: " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for name, cell in cells}


def test_the_worked_example_on_the_prospects_page(client, login_as, book):
    login_as("procurement")

    page = client.get(f"/vendors/{book['nova'].id}").text

    assert "Concentration what-if: onboarding impact" in page
    assert "Pre-contract test" in page
    developers = layer_row(page, "model_developer")
    assert developers["hhi"] == "3,800 → 4,078"
    assert developers["num delta"] == "+278.0"
    assert developers["top1"] == "50.0% OpenAI → 55.0% OpenAI"
    assert developers["effective"] == "2.6 → 2.5"  # 10,000 / 3,800 and 10,000 / 4,078
    assert developers["test"].startswith(
        "Breach: change in HHI on onboarding +278.0 is above 100 "
        "Breach: HHI 4,078 is above 1,800 "
        "Breach: single-provider share 55.0% is above 30%"
    )
    assert (
        "Limits (US 2023): change above 100, HHI above 1,800, top-1 above 30%"
        in (developers["test"])
    )
    # Nova Chat brings the book's first cloud: from no data to one provider.
    clouds = layer_row(page, "cloud")
    assert (clouds["hhi"], clouds["num delta"]) == ("— → 10,000", "+10,000.0")
    assert clouds["top1"] == "none → 100.0% AWS"
    assert "Not affected: no dependency of Nova in this layer." in (
        layer_row(page, "processing_country").values()
    )
    hosting = layer_row(page, "hosting_platform")
    assert hosting["top1"] == "none → 100.0% Acme Vector Hosting (not in the registry)"
    assert "3 services of Nova" in page and "1 service of Nova" in page  # developers, cloud


def test_one_services_what_if_is_chosen_by_a_link(client, login_as, book):
    login_as("risk")
    whole = client.get(f"/vendors/{book['nova'].id}").text
    link = f'href="/vendors/{book["nova"].id}?service={book["Chat"].id}#whatif"'
    assert link in whole

    page = client.get(f"/vendors/{book['nova'].id}?service={book['Chat'].id}").text

    # Without Chat (4): OpenAI 51 of 96, so HHI = 10,000 x (51² + 27² + 18²) / 96² = 3,964.84.
    developers = layer_row(page, "model_developer")
    assert developers["hhi"] == "3,965 → 4,078"
    assert developers["num delta"] == "+113.2"
    assert developers["top1"] == "53.1% OpenAI → 55.0% OpenAI"
    assert "Service Chat: each layer before → after" in page
    assert f'{link} aria-current="page">Chat</a>' in page
    assert 'aria-current="page">Whole vendor</a>' in whole
    assert 'aria-current="page">Whole vendor</a>' not in page
    # Notes (2): OpenAI 53 of 98, HHI 4,021.2; Δ 56.8 passes the Δ test, not the HHI test.
    notes = layer_row(client.get(f"/vendors/{book['nova'].id}?service={book['Notes'].id}").text,
                      "model_developer")  # fmt: skip
    assert (notes["hhi"], notes["num delta"]) == ("4,021 → 4,078", "+56.8")
    assert "change in HHI" not in notes["test"] and "Breach: HHI 4,078" in notes["test"]


def test_a_service_without_dependencies_says_so(client, login_as, db, book):
    data = ServiceData(name="Draft", intake=INTAKES[4])
    draft = save_service(db, vendor=book["nova"], data=data, actor=SYSTEM, now=NOW)
    db.commit()
    login_as("risk")

    page = client.get(f"/vendors/{book['nova'].id}?service={draft.id}").text

    assert "No dependencies declared yet for Draft. " in page
    assert f'href="/concentration/vendors/{book["nova"].id}/dependencies/new">Add them' in page
    assert 'id="whatif-model_developer"' not in page
    # Notes' only hosting row names an unregistered provider: it counts, under that name.
    db.exec(delete(Dependency).where(Dependency.layer == "model_developer",
                                     Dependency.service_id == book["Notes"].id))  # fmt: skip
    db.commit()
    notes = client.get(f"/vendors/{book['nova'].id}?service={book['Notes'].id}").text
    assert "No dependencies declared yet" not in notes
    assert layer_row(notes, "hosting_platform")["top1"] == (
        "none → 100.0% Acme Vector Hosting (not in the registry)"
    )


def test_a_service_of_another_vendor_falls_back_to_the_whole_vendor(client, login_as, book):
    login_as("risk")

    page = client.get(f"/vendors/{book['alpha'].id}?service={book['Chat'].id}").text

    assert "All services of Alpha: each layer before → after" in page


def test_an_active_vendor_shows_its_contribution(client, login_as, book):
    login_as("auditor")

    page = client.get(f"/vendors/{book['alpha'].id}").text

    assert "Concentration what-if: this vendor's contribution to concentration" in page
    assert "onboarding impact" not in page and "Pre-contract test" not in page
    assert "Threshold test" in page
    # Without Alpha (45): OpenAI 10, Anthropic 27, Mistral 18 of 55: HHI 3,811.6.
    developers = layer_row(page, "model_developer")
    assert developers["hhi"] == "3,812 → 4,078"
    assert developers["num delta"] == "+266.4"
    assert developers["top1"] == "49.1% Anthropic → 55.0% OpenAI"


def test_the_limits_come_from_the_settings(client, login_as, db, book):
    custom = {"preset": "custom", "hhi_above": 5_000, "top1_above": 60, "delta_above": 300}
    db.add(Setting(key=THRESHOLDS_KEY, value={"model_developer": custom}, updated_at=NOW))
    db.commit()
    login_as("risk")

    page = client.get(f"/vendors/{book['nova'].id}").text

    developers = layer_row(page, "model_developer")
    assert developers["test"].startswith("Passes Limits (Custom): change above 300, HHI")
    assert layer_row(page, "cloud")["test"].startswith("Breach: change in HHI")  # US 2023


@pytest.mark.parametrize(
    ("role", "add", "issue", "book_page"),
    [
        ("risk", True, False, True),
        ("procurement", False, True, False),
        ("auditor", False, False, True),
        ("admin", True, True, True),
    ],
)
def test_a_vendor_without_dependencies_says_how_to_declare_them(
    client, login_as, db, role, add, issue, book_page
):
    vendor = make_vendor(db, "Quiet AI Ltd")
    login_as(role)

    page = client.get(f"/vendors/{vendor.id}").text

    assert "Concentration what-if: onboarding impact" in page  # a new vendor is a prospect
    assert "No dependencies declared yet —" in page
    assert (f'href="/concentration/vendors/{vendor.id}/dependencies/new">add them' in page) == add
    assert (f'href="/assessments/issue/{vendor.id}">issue the questionnaire' in page) == issue
    assert ('the <a href="/concentration/">concentration page</a>' in page) == book_page
    assert 'id="whatif-model_developer"' not in page
