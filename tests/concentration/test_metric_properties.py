"""Properties of the concentration metrics over generated exposure rows.

(a) HHI lies within [10,000 / n, 10,000] for n providers; (b) nothing depends on the order of
the rows; (c) grouping by ultimate parent never lowers HHI; (d) shares sum to 100 whenever
there is exposure; (e) adding exposure to the top provider never lowers HHI; (f) a what-if's
change is the difference of the two layers' figures. Floating point: compared at 1e-6.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vendordd.concentration.metrics import (
    BASES,
    CLOUD,
    MODEL_DEVELOPER,
    RELIANCE_WEIGHTS,
    SPEND,
    Exposure,
    concentration,
    summarise,
    what_if,
)

TOLERANCE = 1e-6
FAST = settings(max_examples=100, deadline=None, database=None)
PROVIDERS = tuple(f"p{n}" for n in range(8))
PARENTS = ("g0", "g1", "g2")

# Strategies are made once here: hypothesis is slower with strategies made on every draw.
bases = st.sampled_from(BASES)
spends = st.none() | st.integers(0, 10_000) | st.floats(0.01, 1e7, allow_nan=False)
exposure_rows = st.builds(
    Exposure,
    service_id=st.integers(1, 30),
    layer=st.sampled_from((MODEL_DEVELOPER, CLOUD)),
    provider=st.sampled_from(PROVIDERS),
    tier=st.integers(1, 4),
    reliance=st.sampled_from(sorted(RELIANCE_WEIGHTS)),
    spend=spends,
)
row_lists = st.lists(exposure_rows, max_size=40)
parent_maps = st.dictionaries(st.sampled_from(PROVIDERS), st.sampled_from(PARENTS))
amounts = st.integers(1, 1_000) | st.floats(0.001, 1e6, allow_nan=False)
exposure_maps = st.dictionaries(st.sampled_from(PROVIDERS), amounts, min_size=1)


def consistent(rows: list[Exposure]) -> list[Exposure]:
    """A service has one tier, reliance and spend, whatever providers it depends on."""
    first: dict[int, Exposure] = {}
    for row in rows:
        first.setdefault(row.service_id, row)
    return [
        row._replace(
            tier=first[row.service_id].tier,
            reliance=first[row.service_id].reliance,
            spend=first[row.service_id].spend,
        )
        for row in rows
    ]


@FAST
@given(row_lists, bases)
def test_hhi_lies_between_equal_shares_and_one_provider(rows, basis):
    result = concentration(consistent(rows), MODEL_DEVELOPER, basis)
    if not result.has_data:
        assert result.shares == () and result.hhi is None
        return
    n = len(result.shares)
    assert 10_000 / n - TOLERANCE <= result.hhi <= 10_000 + TOLERANCE
    assert 1 - TOLERANCE <= result.effective_providers <= n + TOLERANCE
    assert 100 / n - TOLERANCE <= result.top1 <= result.cr3 + TOLERANCE <= 100 + 2 * TOLERANCE


@FAST
@given(row_lists, bases, st.randoms(use_true_random=False))
def test_the_order_of_the_rows_changes_nothing(rows, basis, random):
    rows = consistent(rows)
    shuffled = rows[:]
    random.shuffle(shuffled)
    one, other = (concentration(r, MODEL_DEVELOPER, basis) for r in (rows, shuffled))
    assert one.has_data == other.has_data
    assert {s.provider: round(s.percent, 6) for s in one.shares} == {
        s.provider: round(s.percent, 6) for s in other.shares
    }
    if one.has_data:
        assert abs(one.hhi - other.hhi) <= TOLERANCE
        assert set(one.top1_providers) == set(other.top1_providers)


@FAST
@given(exposure_maps, st.randoms(use_true_random=False))
def test_the_order_of_the_providers_changes_nothing(exposures, random):
    items = list(exposures.items())
    random.shuffle(items)
    one, other = summarise(CLOUD, SPEND, exposures), summarise(CLOUD, SPEND, dict(items))
    assert one.shares == other.shares
    assert abs(one.hhi - other.hhi) <= TOLERANCE


@FAST
@given(row_lists, bases, parent_maps)
def test_grouping_by_ultimate_parent_never_lowers_hhi(rows, basis, parents):
    rows = [row._replace(parent=parents.get(row.provider)) for row in consistent(rows)]
    alone = concentration(rows, MODEL_DEVELOPER, basis)
    grouped = concentration(rows, MODEL_DEVELOPER, basis, by_parent=True)
    assert grouped.has_data == alone.has_data
    if alone.has_data:
        assert grouped.hhi >= alone.hhi - TOLERANCE
        assert abs(grouped.total - alone.total) <= TOLERANCE * max(1.0, alone.total)


@FAST
@given(row_lists, bases)
def test_shares_sum_to_100_whenever_there_is_exposure(rows, basis):
    result = concentration(consistent(rows), MODEL_DEVELOPER, basis)
    if result.has_data:
        assert abs(sum(s.percent for s in result.shares) - 100) <= TOLERANCE
    else:
        assert result.total == 0


@FAST
@given(exposure_maps, amounts)
def test_more_exposure_on_the_top_provider_never_lowers_hhi(exposures, more):
    before = summarise(CLOUD, SPEND, exposures)
    top = before.shares[0].provider
    after = summarise(CLOUD, SPEND, {**exposures, top: exposures[top] + more})
    assert after.hhi >= before.hhi - TOLERANCE
    assert after.top1 >= before.top1 - TOLERANCE


@FAST
@given(row_lists, row_lists, bases)
def test_a_what_if_is_the_difference_of_the_layers(current, added, basis):
    current, added = consistent(current), consistent(added)
    # A prospective service is new: its ids cannot clash with the book's.
    added = [row._replace(service_id=row.service_id + 1_000) for row in added]
    for layer, change in what_if(current, added, basis).items():
        before = concentration(current, layer, basis)
        after = concentration(current + added, layer, basis)
        assert change.before == before and change.after == after
        assert abs(change.hhi_delta - ((after.hhi or 0) - (before.hhi or 0))) <= TOLERANCE
        assert abs(change.top1_delta - ((after.top1 or 0) - (before.top1 or 0))) <= TOLERANCE
