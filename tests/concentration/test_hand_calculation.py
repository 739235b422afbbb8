"""The concentration page on the demo book against a hand calculation written out here.

Nothing below calls metrics.py or the SQL aggregates: each layer's shares, HHI, effective
number, top-1 and CR3 are redone with plain arithmetic from the live Dependency rows and the
services' tier, reliance and spend, following the rules in metrics.py's docstring:
- a service counts once per provider in a layer (duplicate rows once), and in full for every
  provider it uses there; rows naming a provider the registry does not know are not counted;
- weights: a T1 service 4, otherwise full reliance 4, material 3, low 2, not significant 1;
- share = 100 x provider exposure / layer total; HHI = sum of squared shares;
  effective number = 10,000 / HHI; top-1 = the largest share; CR3 = the three largest.
The page's table and the business function x provider CSV must show the same figures.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict

import pytest
from sqlmodel import select

from vendordd.concentration.models import Dependency, Provider
from vendordd.vendors.models import (
    BusinessFunction,
    Entity,
    Service,
    ServiceEntity,
    ServiceFunction,
)

LAYER_KEYS = {
    "model_developer": "provider",
    "hosting_platform": "provider",
    "cloud": "provider",
    "processing_country": "country",
    "storage_country": "country",
}
WEIGHTS = {"full": 4, "material": 3, "low": 2, "not_significant": 1}
HK_BANK = "HK bank — HKMA"


def weight(service: Service, basis: str) -> float:
    """A service's exposure on one basis, by the rule in the module docstring."""
    if basis == "services":
        return 1
    if basis == "spend":
        return float(service.annual_spend or 0)
    return 4 if service.tier == 1 else WEIGHTS[service.reliance]


class Book:
    """The demo book's raw rows, read straight from the tables."""

    def __init__(self, db):
        self.services = {s.id: s for s in db.exec(select(Service))}
        self.names = {str(p.id): p.name for p in db.exec(select(Provider))}
        self.rows = [
            (row.layer, row.service_id, row.provider_id or row.provider_name, row.country)
            for row in db.exec(select(Dependency).where(Dependency.removed_at.is_(None)))
        ]
        self.entities = defaultdict(set)
        for link in db.exec(select(ServiceEntity)):
            self.entities[link.entity_id].add(link.service_id)
        self.functions = defaultdict(set)
        for link in db.exec(select(ServiceFunction)):
            self.functions[link.function_id].add(link.service_id)

    def pairs(self, layer: str, services: set[int]) -> set[tuple[int, str]]:
        """Distinct (service, provider key) of a layer among the given services."""
        pairs = set()
        for row_layer, service_id, provider, country in self.rows:
            if row_layer != layer or service_id not in services:
                continue
            if LAYER_KEYS[layer] == "country":
                key = country
            elif isinstance(provider, str):  # unregistered: counted under the name given
                key = f"name:{provider}"
            else:
                key = provider
            if key is not None:
                pairs.add((service_id, str(key)))
        return pairs

    def layer(self, layer: str, services: set[int], basis: str) -> dict:
        """One layer's figures by hand."""
        pairs = self.pairs(layer, services)
        exposure: dict[str, float] = defaultdict(float)
        for service_id, key in pairs:
            exposure[key] += weight(self.services[service_id], basis)
        total = sum(exposure.values())
        if not total:
            return {"services": len({s for s, _ in pairs}), "shares": {}}
        shares = {key: 100 * x / total for key, x in exposure.items() if x}
        ranked = sorted(shares.values(), reverse=True)
        hhi = sum(share * share for share in shares.values())
        top1 = ranked[0]
        return {
            "services": len({s for s, _ in pairs}),
            "exposure": exposure,
            "shares": shares,
            "hhi": hhi,
            "effective": 10_000 / hhi,
            "top1": top1,
            "top1_keys": {key for key, share in shares.items() if round(share - top1, 6) == 0},
            "cr3": sum(ranked[:3]),
        }

    def label(self, layer: str, key: str) -> str:
        if LAYER_KEYS[layer] == "country":
            return key
        if key.startswith("name:"):
            return f"{key.removeprefix('name:')} (not in the registry)"
        return self.names[key]


@pytest.fixture
def demo(runner, db) -> Book:
    result = runner.invoke(args=["vendordd", "demo"])
    assert result.exit_code == 0, result.output
    book = Book(db)
    # The demo exercises every rule above, so the comparisons below can fail.
    developers = book.pairs("model_developer", set(book.services))
    live = [(layer, s, p) for layer, s, p, _ in book.rows if layer == "model_developer"]
    assert len(live) > len(developers), "a service names one developer twice"
    assert len({s for s, _ in developers}) < len(developers), "a service on two developers"
    assert any(
        book.services[s].tier == 1 and book.services[s].reliance != "full" for s, _ in developers
    ), "a T1 service that reliance alone would weigh less than 4"
    return book


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def shown_layer(page: str, layer: str) -> dict:
    """One row of the page's layer table, as the user reads it."""
    row = re.search(rf'<tr id="layer-{layer}">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    shares = re.findall(r"<li>(.*?): ([\d,.]+) = ([\d.]+)%</li>", cells[1], re.S)
    shown = {
        "services": text(cells[0]),
        "providers": text(re.sub(r"<ol.*?</ol>", "", cells[1], flags=re.S)),
        "shares": [(html.unescape(name), x, percent) for name, x, percent in shares],
    }
    if len(cells) > 2 and "No dependencies" not in cells[2]:
        top1 = text(cells[4]).split(" ", 1)
        shown |= {
            "hhi": text(cells[2]),
            "effective": text(cells[3]),
            "top1": top1[0],
            "top1_names": set(top1[1].split("; ")),
            "cr3": text(cells[5]),
        }
    return shown


def expected_layer(book: Book, layer: str, hand: dict) -> dict:
    """The row as the page should print the hand figures."""
    ranked = sorted(hand["shares"].items(), key=lambda item: -item[1])
    expected = {
        "services": str(hand["services"]),
        "providers": str(len(hand["shares"])),
        "shares": [
            (book.label(layer, key), f"{hand['exposure'][key]:,.0f}", f"{share:.2f}")
            for key, share in ranked
        ],
    }
    if hand["shares"]:
        expected |= {
            "hhi": f"{hand['hhi']:,.0f}",
            "effective": f"{hand['effective']:.1f}",
            "top1": f"{hand['top1']:.1f}%",
            "top1_names": {book.label(layer, key) for key in hand["top1_keys"]},
            "cr3": f"{hand['cr3']:.1f}%",
        }
    return expected


def entity_id(db, name: str) -> int:
    return db.exec(select(Entity.id).where(Entity.name == name)).one()


@pytest.mark.parametrize("basis", ["weighted", "services", "spend"])
def test_the_layer_table_equals_the_hand_calculation(client, login_as, db, demo, basis):
    hk = entity_id(db, HK_BANK)
    login_as("risk")
    scopes = {"": set(demo.services), f"&entity={hk}": demo.entities[hk]}
    for query, services in scopes.items():
        page = client.get(f"/concentration/?basis={basis}{query}").text
        for layer in LAYER_KEYS:
            hand = demo.layer(layer, services, basis)
            shown = shown_layer(page, layer)
            expected = expected_layer(demo, layer, hand)
            shown_shares, expected_shares = shown.pop("shares"), expected.pop("shares")
            percents = [float(percent) for _, _, percent in shown_shares]
            assert percents == sorted(percents, reverse=True)  # largest first
            assert sorted(shown_shares) == sorted(expected_shares), (basis, query, layer)
            assert shown == expected, (basis, query, layer)
    # The entity filter is a real restriction of the demo book, not the same page again.
    whole = demo.layer("model_developer", set(demo.services), basis)
    assert demo.layer("model_developer", demo.entities[hk], basis)["hhi"] != whole["hhi"]


def function_cells(book: Book, db, layer: str, services: set[int], basis: str) -> dict:
    """Business function x provider: each cell's exposure and services, by hand."""
    names = {f.id: f.name for f in db.exec(select(BusinessFunction))}
    cells: dict[tuple[str, str], list] = {}
    for service_id, key in book.pairs(layer, services):
        for function_id, members in book.functions.items():
            if service_id in members:
                cell = cells.setdefault((names[function_id], book.label(layer, key)), [0.0, 0])
                cell[0] += weight(book.services[service_id], basis)
                cell[1] += 1
    return cells


def plain(value: float) -> str:
    """A number as a spreadsheet reads it: no thousands separator, cents only when there."""
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}"


def download(client, query: str) -> list[list[str]]:
    response = client.get(f"/concentration/download.csv?matrix=function{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.text)))


@pytest.mark.parametrize(
    ("layer", "basis"), [("cloud", "weighted"), ("model_developer", "weighted"), ("cloud", "spend")]
)
def test_the_function_matrix_csv_equals_the_hand_calculation(
    client, login_as, db, demo, layer, basis
):
    hk = entity_id(db, HK_BANK)
    login_as("auditor")
    for query, services in {"": set(demo.services), f"&entity={hk}": demo.entities[hk]}.items():
        rows = download(client, f"&layer={layer}&basis={basis}{query}")
        cells = function_cells(demo, db, layer, services, basis)
        total = sum(exposure for exposure, _ in cells.values())
        unit = "weighted_exposure" if basis == "weighted" else basis
        assert rows[0] == ["business function", layer.replace("_", " "), unit, "services",
                           "share_percent"]  # fmt: skip
        assert {(r[0], r[1]): r[2:] for r in rows[1:]} == {
            key: [plain(exposure), str(count), f"{100 * exposure / total:.2f}"]
            for key, (exposure, count) in cells.items()
        }, query
        assert len(rows) - 1 == len(cells)  # one line per non-empty cell, none twice


def test_one_function_s_csv_gives_the_layer_s_hhi_by_hand(client, login_as, db, demo):
    # Filtered to one business function the matrix has one row, whose shares are the layer's
    # shares for that function: the README's recipe, HHI = the sum of squared share_percent.
    login_as("risk")
    checked = 0
    for function_id, members in demo.functions.items():
        hand = demo.layer("cloud", members, "weighted")
        rows = download(client, f"&function={function_id}")
        if not hand["shares"]:
            assert rows[1:] == []
            continue
        from_csv = sum(float(r[4]) ** 2 for r in rows[1:])
        # share_percent has two decimals: the squares add up to within 1 of the exact HHI.
        assert from_csv == pytest.approx(hand["hhi"], abs=1)
        page = client.get(f"/concentration/?function={function_id}").text
        assert shown_layer(page, "cloud")["hhi"] == f"{hand['hhi']:,.0f}"
        checked += 1
    assert checked >= 5
