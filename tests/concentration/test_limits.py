"""The institution's thresholds per layer (vendordd/concentration/limits.py): read and set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.concentration.limits import (
    THRESHOLDS_KEY,
    ThresholdsError,
    book_thresholds,
    set_book_thresholds,
    thresholds_for,
)
from vendordd.concentration.models import SUMMARY_LAYERS
from vendordd.concentration.thresholds import PRESETS, Thresholds
from vendordd.settings.models import Setting

US, EU = PRESETS["us_2023"], PRESETS["eu"]
US_ROW = {"preset": "us_2023", "hhi_above": "1,800", "top1_above": "30", "delta_above": "100"}
EU_ROW = {"preset": "eu", "hhi_above": "2,000", "top1_above": "", "delta_above": "100"}


def store(db, value) -> None:
    db.add(Setting(key=THRESHOLDS_KEY, value=value, updated_at=NOW))
    db.commit()


def every_layer(**rows) -> dict[str, dict]:
    """The US 2023 row for every layer, with some layers' rows replaced."""
    return {layer: rows.get(layer, US_ROW) for layer in SUMMARY_LAYERS}


def custom(hhi="", top1="", delta="") -> dict[str, str]:
    return {"preset": "custom", "hhi_above": hhi, "top1_above": top1, "delta_above": delta}


def saved(db, values, *, now=NOW) -> bool:
    changed = set_book_thresholds(db, values=values, actor=SYSTEM, now=now)
    db.commit()
    db.expire_all()
    return changed


# Reading


def test_without_a_setting_every_layer_uses_us_2023(db):
    assert book_thresholds(db) == dict.fromkeys(SUMMARY_LAYERS, US)


def test_stored_presets_and_custom_values_are_read_per_layer(db):
    store(
        db,
        {
            "cloud": {"preset": "eu"},
            "model_developer": {"preset": "custom", "hhi_above": 2_500, "top1_above": None},
            "storage_country": {
                "preset": "custom",
                "hhi_above": None,
                "top1_above": 12.5,
                "delta_above": 50,
            },
        },
    )

    limits = book_thresholds(db)

    assert limits["cloud"] == EU
    assert limits["model_developer"] == Thresholds("Custom", 2_500, None, None)
    assert limits["storage_country"] == Thresholds("Custom", None, 12.5, 50)
    assert limits["hosting_platform"] == limits["processing_country"] == US


@pytest.mark.parametrize(
    "entry",
    [
        "eu",  # not an entry
        {"preset": "us_2010"},  # no such preset
        {},
        {"preset": "custom", "hhi_above": "1800"},  # text, not a number
        {"preset": "custom", "top1_above": True},
        {"preset": "custom", "hhi_above": 20_000},  # outside 0-10,000
        {"preset": "custom", "top1_above": -1},
    ],
)
def test_a_corrupt_entry_falls_back_to_the_default_for_its_layer_only(db, entry):
    store(db, {"cloud": entry, "model_developer": {"preset": "eu"}})

    limits = book_thresholds(db)

    assert limits["cloud"] == US
    assert limits["model_developer"] == EU


@pytest.mark.parametrize("value", [["eu"], "eu", 3, None])
def test_a_corrupt_setting_falls_back_to_the_default_everywhere(db, value):
    store(db, value)
    assert book_thresholds(db) == dict.fromkeys(SUMMARY_LAYERS, US)


def test_a_preset_to_compare_replaces_the_settings_on_every_layer(db):
    store(db, {"cloud": {"preset": "custom", "hhi_above": 5_000}})

    assert thresholds_for(db, preset="eu") == dict.fromkeys(SUMMARY_LAYERS, EU)
    assert thresholds_for(db, preset="")["cloud"] == Thresholds("Custom", 5_000, None, None)


# Writing


def test_presets_and_custom_values_are_stored_for_every_layer(db):
    values = every_layer(
        model_developer=custom(hhi="2,500", delta=" 50 "),
        cloud=EU_ROW,
        storage_country={"preset": "custom", "hhi_above": 1_000, "top1_above": 12.5},
    )

    assert saved(db, values) is True

    limits = book_thresholds(db)
    assert limits["model_developer"] == Thresholds("Custom", 2_500, None, 50)
    assert limits["cloud"] == EU
    assert limits["storage_country"] == Thresholds("Custom", 1_000, 12.5, None)
    assert db.get(Setting, THRESHOLDS_KEY).value == {
        "model_developer": {
            "preset": "custom",
            "hhi_above": 2_500,
            "top1_above": None,
            "delta_above": 50,
        },
        "hosting_platform": {"preset": "us_2023"},
        "cloud": {"preset": "eu"},
        "processing_country": {"preset": "us_2023"},
        "storage_country": {
            "preset": "custom",
            "hhi_above": 1_000,
            "top1_above": 12.5,
            "delta_above": None,
        },
    }


def test_a_change_is_audited_layer_by_layer_in_words(db):
    saved(db, every_layer(cloud=EU_ROW))
    later = NOW + timedelta(days=1)
    saved(db, every_layer(cloud=custom(hhi="1,500.5"), model_developer=custom()), now=later)

    first, second = events(db, "setting.updated")
    assert (first.object_type, first.object_id, first.object_label) == (
        "setting",
        THRESHOLDS_KEY,
        "Concentration thresholds",
    )
    assert first.changes == {
        "Cloud": [
            "US 2023: HHI > 1,800 · top-1 > 30% · Δ-HHI > 100",
            "EU: HHI > 2,000 · Δ-HHI > 100",
        ]
    }
    assert second.changes == {
        "Cloud": ["EU: HHI > 2,000 · Δ-HHI > 100", "Custom: HHI > 1,500.5"],
        "Model developer": ["US 2023: HHI > 1,800 · top-1 > 30% · Δ-HHI > 100", "Custom: none"],
    }
    assert (second.actor_label, second.occurred_at) == ("test", later)
    assert db.get(Setting, THRESHOLDS_KEY).updated_at == later


def test_saving_what_is_in_force_changes_nothing(db):
    assert saved(db, every_layer()) is False  # the defaults, never stored
    assert db.get(Setting, THRESHOLDS_KEY) is None
    saved(db, every_layer(cloud=custom(hhi="2500", top1="30")))
    # The same limits typed differently, and a preset given without its numbers.
    again = every_layer(
        cloud={"preset": "custom", "hhi_above": 2_500.0, "top1_above": "30.0"},
        model_developer={"preset": "us_2023"},
    )
    assert saved(db, again) is False
    assert len(events(db, "setting.updated")) == 1


REFUSALS = [
    (
        {"model_developer": custom(hhi="10,001")},
        ("model_developer", "hhi_above"),
        "Model developer: HHI limit 10,001 is outside the allowed range 0 to 10,000.",
    ),
    (
        {"cloud": custom(top1="100.5")},
        ("cloud", "top1_above"),
        "Cloud: single-provider share limit 100.5% is outside the allowed range 0 to 100%.",
    ),
    (
        {"storage_country": custom(delta="-1")},
        ("storage_country", "delta_above"),
        "Storage country: change in HHI on onboarding limit -1 is outside the allowed range "
        "0 to 10,000.",
    ),
    (
        {"hosting_platform": custom(hhi="lots")},
        ("hosting_platform", "hhi_above"),
        "Hosting platform: HHI limit 'lots' is not a number; enter one from 0 to 10,000, or "
        "leave it blank to switch the rule off.",
    ),
    (
        {"cloud": custom(top1="30%")},
        ("cloud", "top1_above"),
        "Cloud: single-provider share limit '30%' is not a number; enter one from 0 to 100%, or "
        "leave it blank to switch the rule off.",
    ),
    (
        {"cloud": {"preset": "custom", "delta_above": float("nan")}},
        ("cloud", "delta_above"),
        "Cloud: change in HHI on onboarding limit 'nan' is not a number; enter one from 0 to "
        "10,000, or leave it blank to switch the rule off.",
    ),
    (
        {"cloud": custom(hhi="1.800,5")},
        ("cloud", "hhi_above"),
        "Cloud: HHI limit '1.800,5' is not a number; enter one from 0 to 10,000, or leave it "
        "blank to switch the rule off.",
    ),
    (
        {"cloud": custom(hhi="1" + "0" * 40)},
        ("cloud", "hhi_above"),
        "Cloud: HHI limit 1e+40 is outside the allowed range 0 to 10,000.",
    ),
    (
        {"cloud": custom(hhi="x" * 40)},
        ("cloud", "hhi_above"),
        f"Cloud: HHI limit '{'x' * 30}…' is not a number; enter one from 0 to 10,000, or leave "
        "it blank to switch the rule off.",
    ),
    (
        {"cloud": {"preset": "us_2010"}},
        ("cloud", "preset"),
        "Cloud: 'us_2010' is not a preset; choose US 2023, EU or Custom.",
    ),
    (
        {"cloud": {"preset": ""}},
        ("cloud", "preset"),
        "Cloud: choose a preset: US 2023, EU or Custom.",
    ),
    (
        {"model_developer": US_ROW | {"hhi_above": "2,500"}},
        ("model_developer", "hhi_above"),
        "Model developer: HHI limit 2,500 counts only under the Custom preset; choose Custom, "
        "or put back US 2023's 1,800.",
    ),
    (
        {"model_developer": US_ROW | {"top1_above": ""}},
        ("model_developer", "top1_above"),
        "Model developer: a blank single-provider share limit (rule off) counts only under the "
        "Custom preset; choose Custom, or put back US 2023's 30%.",
    ),
    (
        {"processing_country": EU_ROW | {"top1_above": "25"}},
        ("processing_country", "top1_above"),
        "Processing country: single-provider share limit 25% counts only under the Custom "
        "preset; choose Custom, or leave it blank as EU has no such rule.",
    ),
]


@pytest.mark.parametrize(("rows", "where", "message"), REFUSALS)
def test_each_refusal_says_the_layer_the_field_the_value_and_the_range(db, rows, where, message):
    with pytest.raises(ThresholdsError) as refused:
        set_book_thresholds(db, values=every_layer(**rows), actor=SYSTEM, now=NOW)

    assert refused.value.problems == {where: message}
    assert str(refused.value) == message


def test_a_missing_or_unknown_layer_is_refused(db):
    values = every_layer() | {"country": US_ROW}
    del values["cloud"]

    with pytest.raises(ThresholdsError) as refused:
        set_book_thresholds(db, values=values, actor=SYSTEM, now=NOW)

    assert refused.value.problems == {
        ("country", "preset"): "'country' is not a concentration layer (known: model_developer, "
        "hosting_platform, cloud, processing_country, storage_country).",
        ("cloud", "preset"): "Cloud: choose a preset: US 2023, EU or Custom.",
    }


def test_every_problem_is_reported_and_nothing_is_stored(db):
    saved(db, every_layer(cloud=EU_ROW))
    values = every_layer(
        model_developer=custom(hhi="20000", top1="x", delta="100"),
        cloud=custom(hhi="2,500"),  # valid on its own: not stored either
        storage_country={"preset": "nope"},
    )

    with pytest.raises(ThresholdsError) as refused:
        set_book_thresholds(db, values=values, actor=SYSTEM, now=NOW)
    db.rollback()

    assert set(refused.value.problems) == {
        ("model_developer", "hhi_above"),
        ("model_developer", "top1_above"),
        ("storage_country", "preset"),
    }
    assert book_thresholds(db)["cloud"] == EU
    assert len(events(db, "setting.updated")) == 1
