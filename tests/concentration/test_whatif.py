"""The what-if by subtraction equals metrics.what_if from the rest of the book and the rows,
read here independently of book_exposure, from the dependency and service tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from tests.concentration.book import build
from tests.concentration.test_metric_properties import FAST, consistent, exposure_rows, parent_maps
from vendordd.concentration.aggregates import Filters, layer_concentrations
from vendordd.concentration.metrics import (
    MODEL_DEVELOPER,
    SERVICES,
    WEIGHTED,
    Exposure,
    concentration,
    onboarding_change,
    provider_exposures,
    what_if,
)
from vendordd.concentration.models import COUNTRY_LAYERS, SUMMARY_LAYERS, Dependency
from vendordd.concentration.whatif import contribution, vendor_what_if
from vendordd.vendors.models import Service


@pytest.fixture
def book(db, tmp_path):
    return build(db, tmp_path)


def vendor_exposures(db, *, vendor_id: int, service_id: int | None = None) -> list[Exposure]:
    """A vendor's (or one service's) live rows in the measured layers, keyed as the book is:
    country code, provider id, or "name:" and the name of an unregistered provider."""
    statement = (
        select(Dependency, Service.tier, Service.reliance)
        .join(Service, Service.id == Dependency.service_id)
        .where(Dependency.vendor_id == vendor_id, Dependency.removed_at.is_(None),
               Dependency.layer.in_(SUMMARY_LAYERS))
    )  # fmt: skip
    if service_id is not None:
        statement = statement.where(Dependency.service_id == service_id)
    rows = []
    for row, tier, reliance in db.exec(statement.order_by(Dependency.id)):
        if row.layer in COUNTRY_LAYERS:
            key = row.country
        else:
            key = str(row.provider_id) if row.provider_id else f"name:{row.provider_name}"
        rows.append(Exposure(row.service_id, row.layer, key, tier, reliance, vendor_id=vendor_id))
    return rows


def book_rows(db, vendors):
    """Every live row of the book, read vendor by vendor."""
    return [row for v in vendors for row in vendor_exposures(db, vendor_id=v.id)]


def test_the_rows_read_make_the_book_the_concentration_page_shows(db, book):
    rows = book_rows(db, [book["alpha"], book["beta"]])
    sql = layer_concentrations(db, layers=SUMMARY_LAYERS, filters=Filters())

    assert {layer: concentration(rows, layer) for layer in SUMMARY_LAYERS} == sql
    # S4's removed OpenAI row is not read; its two Anthropic rows are, and count once.
    assert sum(row.service_id == book["s4"].id for row in rows) == 2


@pytest.mark.parametrize(
    ("vendor", "service"),
    [("alpha", None), ("alpha", "s1"), ("alpha", "s2"), ("beta", None), ("beta", "s3"),
     ("beta", "s4")],
)  # fmt: skip
def test_subtracting_the_rows_equals_the_what_if_over_all_rows(db, book, vendor, service):
    vendor = book[vendor]
    service_id = book[service].id if service else None
    everything = book_rows(db, [book["alpha"], book["beta"]])
    own = vendor_exposures(db, vendor_id=vendor.id, service_id=service_id)
    rest = [row for row in everything if row not in own]

    result = vendor_what_if(db, vendor=vendor, service_id=service_id)

    expected = what_if(rest, own, WEIGHTED, layers=SUMMARY_LAYERS)
    changes = {impact.layer: impact.change for impact in result.impacts}
    touched = {row.layer for row in own}  # other layers are not affected, not read
    assert changes == {layer: expected[layer] if layer in touched else None for layer in expected}
    assert result.has_rows and expected["model_developer"].hhi_delta != 0


def test_a_vendor_that_diversifies_the_book_lowers_hhi(db, book):
    result = vendor_what_if(db, vendor=book["beta"])
    impacts = {impact.layer: impact for impact in result.impacts}

    # Model developers: OpenAI 6 alone (10,000) before; with Beta's Anthropic 4: 60/40, 5,200.
    developers = impacts["model_developer"].change
    assert (developers.before.hhi, developers.after.hhi) == (10_000, pytest.approx(5_200))
    assert developers.hhi_delta == pytest.approx(-4_800)
    assert developers.before.services == 2 and developers.after.services == 4
    # Clouds: Azure 4, AWS 2 before (5,555.6); S3 adds 2 to each: Azure 6, AWS 4 (5,200).
    assert impacts["cloud"].change.hhi_delta == pytest.approx(5_200 - 10_000 * 20 / 36)
    assert impacts["cloud"].services == 1
    # Beta has no country rows: not affected, not tested, though the layer breaks the limits.
    country = impacts["processing_country"]
    assert (country.is_affected, country.change, country.breaches) == (False, None, ())
    # After the change the layers still break the US 2023 limits (HHI 1,800, top-1 30 %).
    assert [b.rule for b in impacts["model_developer"].breaches] == ["hhi", "top1"]


# A book of 30 services split among three vendors (service id % 3), on one layer.
@FAST
@given(
    st.lists(exposure_rows, max_size=40),
    st.sampled_from((SERVICES, WEIGHTED)),
    st.integers(0, 2),
    st.booleans(),
    parent_maps,
)
def test_the_contribution_is_the_change_the_rest_would_see(rows, basis, vendor, grouped, parents):
    rows = [row._replace(parent=parents.get(row.provider)) for row in consistent(rows)]
    own = [row for row in rows if row.service_id % 3 == vendor]
    rest = [row for row in rows if row.service_id % 3 != vendor]
    book_layer = concentration(rows, MODEL_DEVELOPER, basis, by_parent=grouped)
    book, services, _ = provider_exposures(rows, MODEL_DEVELOPER, basis, by_parent=grouped)
    mine, own_services, _ = provider_exposures(own, MODEL_DEVELOPER, basis, by_parent=grouped)

    change = contribution(
        MODEL_DEVELOPER, book, mine, services=(services, own_services), basis=basis,
        by_parent=grouped,
    )  # fmt: skip

    # Counts and weights are whole numbers: the subtraction is exact, so the figures are equal.
    rest_layer = concentration(rest, MODEL_DEVELOPER, basis, by_parent=grouped)
    assert change == onboarding_change(rest_layer, own)
    assert change.after == book_layer
