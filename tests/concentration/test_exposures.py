"""book_exposure stays equal to a fresh computation through every way the book changes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import select

from tests.concentration import book
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import INTAKES
from vendordd.concentration import exposures
from vendordd.concentration.dependencies import Resilience, add_dependency, remove_dependency
from vendordd.concentration.exposures import BookExposure, rebuild_exposures
from vendordd.concentration.models import Dependency
from vendordd.concentration.providers import ProviderData, merge_provider, save_provider
from vendordd.vendors import services
from vendordd.vendors.models import Service
from vendordd.vendors.services import ServiceData


def rows(db) -> set[tuple]:
    """The table as (service, layer, key, parent, weight, spend, tier, status, substitutability,
    failover tested, first of its service and layer, the service's rows in the layer)."""
    # Columns, not entities: the identity map would hand back rows as first loaded.
    columns = ("service_id", "layer", "key", "parent_key", "weight", "spend", "tier", "status",
               "substitutability", "failover_tested", "is_first", "paths")  # fmt: skip
    table = BookExposure.__table__
    return {tuple(row) for row in db.execute(select(*(table.c[name] for name in columns)))}


def assert_fresh(db) -> set[tuple]:
    """The maintained rows equal a rebuild from scratch (in a transaction rolled back)."""
    kept = rows(db)
    rebuild_exposures(db.connection())
    assert rows(db) == kept
    db.rollback()
    return kept


@pytest.fixture
def objects(db, tmp_path):
    return book.build(db, tmp_path)


def test_the_small_book_is_in_the_table_row_by_row(db, objects):
    o = objects
    table = assert_fresh(db)
    s1, s3, s4 = o["s1"].id, o["s3"].id, o["s4"].id
    microsoft, openai, azure = str(o["microsoft"].id), str(o["openai"].id), str(o["azure"].id)
    assert (s1, "model_developer", openai, microsoft, 4, None, 1, "active",
            "not_substitutable", False, True, 1) in table  # fmt: skip
    assert (s1, "cloud", azure, microsoft, 4, None, 1, "active", None, False, True, 1) in table
    assert (s1, "processing_country", "US", "US", 4, None, 1, "active", None, False, True, 1) in (
        table
    )
    clouds = {r[2]: r[10:] for r in table if r[0] == s3 and r[1] == "cloud"}
    aws = str(o["aws"].id)
    assert clouds == {min(azure, aws): (True, 2), max(azure, aws): (False, 2)}  # one counts Chat
    # Anthropic twice counts once; OpenAI removed is not there.
    assert [r[2] for r in table if r[0] == s4] == [str(o["anthropic"].id)]
    assert len(table) == 9


def test_the_migrations_fill_equals_the_code(db, objects):
    kept = rows(db)
    db.execute(delete(BookExposure))
    db.connection().execute(text(migration_fill()))
    assert rows(db) == kept
    db.rollback()


def migration_fill() -> str:
    from importlib import import_module

    return import_module("vendordd.migrations.versions.0007_book_exposure").FILL


def test_adding_and_removing_a_dependency_by_hand_follows(db, objects):
    o = objects
    row = add_dependency(
        db, service=o["s2"], layer="hosting_platform", provider="Acme Hosting", country=None,
        family=None, version=None, resilience=Resilience(), reason="In the contract",
        now=NOW, actor=SYSTEM,
    )  # fmt: skip
    db.commit()
    table = assert_fresh(db)
    assert (o["s2"].id, "hosting_platform") in {r[:2] for r in table}
    remove_dependency(db, dependency=row, reason="Not used after all", now=NOW, actor=SYSTEM)
    db.commit()
    assert (o["s2"].id, "hosting_platform") not in {r[:2] for r in assert_fresh(db)}


def test_an_unregistered_provider_counts_under_its_name(db, objects):
    o = objects
    db.add(
        Dependency(
            vendor_id=o["s3"].vendor_id, service_id=o["s3"].id, layer="model_developer",
            provider_name="Mistery AI", is_unregistered=True, source="manual",
            created_at=NOW, updated_at=NOW,
        )
    )  # fmt: skip
    db.commit()
    keys = {r[2] for r in assert_fresh(db) if r[0] == o["s3"].id and r[1] == "model_developer"}
    assert keys == {str(o["anthropic"].id), "name:Mistery AI"}


def test_a_service_retiered_changes_its_weight_and_tier(db, objects):
    o = objects
    data = ServiceData(name="Chat", intake=replace(INTAKES[1]))
    services.save_service(db, vendor=o["beta"], data=data, actor=SYSTEM, now=NOW, service=o["s3"])
    db.commit()
    assert {(r[4], r[6]) for r in assert_fresh(db) if r[0] == o["s3"].id} == {(4, 1)}


def test_a_vendor_status_change_reaches_its_services_rows(db, objects):
    o = objects
    services.change_status(db, vendor=o["beta"], status="active", actor=SYSTEM, now=NOW)
    db.commit()
    statuses = {r[7] for r in assert_fresh(db) if r[0] in (o["s3"].id, o["s4"].id)}
    assert statuses == {"active"}


def test_a_new_parent_regroups_up_the_whole_chain(db, objects):
    o = objects
    holding = save_provider(
        db, data=ProviderData(name="Holding", kind="parent_company", hq_country="US"),
        now=NOW, actor=SYSTEM,
    )  # fmt: skip
    data = ProviderData(name="Microsoft", kind="parent_company", hq_country="US",
                        parent_id=holding.id)  # fmt: skip
    save_provider(db, data=data, now=NOW, actor=SYSTEM, provider=o["microsoft"])
    db.commit()
    table = assert_fresh(db)
    # OpenAI -> Microsoft -> Holding: the ultimate parent is two levels up.
    assert {r[3] for r in table if r[2] == str(o["openai"].id)} == {str(holding.id)}
    assert {r[3] for r in table if r[2] == str(o["anthropic"].id)} == {str(o["anthropic"].id)}


def test_a_merge_re_points_the_rows(db, objects):
    o = objects
    merge_provider(db, duplicate=o["azure"], survivor=o["aws"], now=NOW, actor=SYSTEM)
    db.commit()
    table = assert_fresh(db)
    assert str(o["azure"].id) not in {r[2] for r in table}
    # Chat was on both clouds: it now counts once, on AWS.
    assert [r[2] for r in table if r[0] == o["s3"].id and r[1] == "cloud"] == [str(o["aws"].id)]


def test_a_rollback_leaves_the_table_as_it_was(db, objects):
    o = objects
    before = rows(db)
    db.delete(db.exec(select(Dependency).where(Dependency.service_id == o["s1"].id)).first())
    db.flush()
    assert rows(db) != before
    db.rollback()
    assert rows(db) == before


def test_the_cli_rebuilds_the_table_after_a_change_made_outside_the_application(
    runner, db, objects
):
    kept = rows(db)
    # As an operator's SQL would, bypassing the Session.
    db.connection().exec_driver_sql("DELETE FROM book_exposure")
    db.commit()
    assert rows(db) == set()

    result = runner.invoke(args=["vendordd", "concentration", "rebuild-exposures"])

    assert result.exit_code == 0, result.output
    assert "Rebuilt book_exposure: 9 rows." in result.output
    db.rollback()
    assert rows(db) == kept


def test_a_bulk_statement_is_seen_by_the_next_read_and_a_merge_rebuilds_once(
    db, objects, monkeypatch
):
    o = objects
    rebuilds = []
    real = exposures._refresh
    monkeypatch.setattr(
        exposures, "_refresh", lambda conn, ids: (rebuilds.append(ids), real(conn, ids))
    )
    # An ORM UPDATE statement, then a read in the same transaction: the read sees it.
    db.execute(update(Service).where(Service.id == o["s3"].id).values(tier=1))
    weights = db.exec(select(BookExposure.weight).where(BookExposure.service_id == o["s3"].id))
    assert set(weights) == {4}
    db.rollback()
    assert rebuilds == [None]

    rebuilds.clear()
    merge_provider(db, duplicate=o["azure"], survivor=o["aws"], now=NOW, actor=SYSTEM)
    db.commit()
    assert rebuilds == [None]  # three statements, one rebuild
    assert_fresh(db)
