"""book_exposure stays equal to a fresh computation through every way the book changes."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import Session, select

from tests.concentration import book
from tests.concentration.book import depend
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import INTAKES, make_service
from vendordd.concentration import exposures
from vendordd.concentration.dependencies import Resilience, add_dependency, remove_dependency
from vendordd.concentration.exposures import ALL, BookExposure, rebuild_exposures
from vendordd.concentration.models import GROUP_SCOPE, Dependency
from vendordd.concentration.pairs import BookPair
from vendordd.concentration.providers import ProviderData, merge_provider, save_provider
from vendordd.concentration.risklevels import BookRisk
from vendordd.concentration.rollup import BookRollup
from vendordd.vendors import services
from vendordd.vendors.models import Service
from vendordd.vendors.services import ServiceData

DERIVED = (BookExposure, BookPair, BookRollup, BookRisk)


def rows(db) -> set[tuple]:
    """The group's rows as (service, layer, key, parent, weight, spend, tier, status,
    substitutability, failover tested, first of its service and layer, the service's rows in the
    layer)."""
    # Columns, not entities: the identity map would hand back rows as first loaded.
    columns = ("service_id", "layer", "key", "parent_key", "weight", "spend", "tier", "status",
               "substitutability", "failover_tested", "is_first", "paths")  # fmt: skip
    table = BookExposure.__table__
    group = select(*(table.c[name] for name in columns)).where(table.c.scope == GROUP_SCOPE)
    return {tuple(row) for row in db.execute(group)}


def derived(db, **where) -> dict[str, set[tuple]]:
    """Every row of the four derived tables (or those with these column values), by table,
    each row a named tuple."""
    return {model.__tablename__: table_rows(db, model, **where) for model in DERIVED}


def table_rows(db, model, **where) -> set[tuple]:
    table = model.__table__
    statement = select(table).where(*(table.c[name] == value for name, value in where.items()))
    return set(db.execute(statement))


def assert_fresh(db) -> set[tuple]:
    """The maintained tables equal a rebuild from scratch (in a transaction rolled back);
    returns book_exposure's rows."""
    kept, tables = rows(db), derived(db)
    rebuild_exposures(db.connection())
    assert rows(db) == kept
    assert derived(db) == tables
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
    from importlib import import_module

    kept = derived(db)
    for model in DERIVED:
        db.execute(delete(model))
    migration = import_module("vendordd.migrations.versions.0008_book_pair_and_rollup")
    fills = (
        migration.FILL_EXPOSURE,
        migration.FILL_PAIRS,
        migration.FILL_ROLLUP,
        migration.FILL_RISK,
    )
    for fill in fills:
        db.connection().execute(text(fill))
    assert derived(db) == kept
    db.rollback()


def test_a_service_has_rows_in_the_group_and_in_each_of_its_entities(db, objects):
    o = objects
    assert_fresh(db)
    scopes = {r.scope for r in table_rows(db, BookExposure, service_id=o["s2"].id)}
    assert scopes == {GROUP_SCOPE, o["hk"].id, o["sg"].id}
    # Each scope has the service's rows once: the group's, again.
    hk = table_rows(db, BookExposure, scope=o["hk"].id)
    assert {(r.service_id, r.layer) for r in hk} == {
        (o["s1"].id, "model_developer"), (o["s1"].id, "cloud"),
        (o["s1"].id, "processing_country"), (o["s2"].id, "model_developer"),
        (o["s2"].id, "cloud"),
    }  # fmt: skip
    counts = {name: len(table) for name, table in derived(db).items()}
    # Rows of S1 (HK) x 2 scopes, S2 (HK, SG) x 3, S3 and S4 (SG) x 2. book_risk: Alpha (S1 T1
    # HK, S2 T4 HK and SG) any tier, T1 and T4 in the group and HK, any tier and T4 in SG; Beta
    # (S3 T3 and S4 T4, SG) any tier, T3 and T4 in the group and SG.
    assert counts == {"book_exposure": 3 * 2 + 2 * 3 + 3 * 2 + 1 * 2, "book_pair": 29,
                      "book_rollup": 20, "book_risk": 3 + 3 + 2 + 3 + 3}  # fmt: skip


def test_the_pairs_and_sums_of_the_small_book(db, objects):
    o = objects
    assert_fresh(db)
    s1, s3 = o["s1"].id, o["s3"].id
    openai, azure, aws = str(o["openai"].id), str(o["azure"].id), str(o["aws"].id)
    microsoft, payments = str(o["microsoft"].id), str(o["payments"].id)
    pairs = {
        (r.service_id, r.kind, r.layer, r.row_key, r.col_key): r
        for r in table_rows(db, BookPair, scope=GROUP_SCOPE)
    }
    advisor = pairs[s1, "function", "cloud", payments, azure]
    assert (advisor.row_parent, advisor.col_parent, advisor.parent_first) == (
        payments, microsoft, True
    )  # fmt: skip
    assert (advisor.weight, advisor.spend, advisor.tier, advisor.status) == (4, None, 1, "active")
    stacked = pairs[s1, "stack", "cloud", openai, azure]
    assert (stacked.row_parent, stacked.col_parent) == (microsoft, microsoft)
    assert {key[3:] for key in pairs if key[:3] == (s3, "stack", "cloud")} == {
        (str(o["anthropic"].id), aws),
        (str(o["anthropic"].id), azure),
    }
    # Functions: a service's providers times its one function (S1 2, S2 2, S3 3, S4 1); stacks:
    # its model developers times its clouds and countries (S1 2, S2 1, S3 2, S4 none).
    assert len(pairs) == 8 + 5
    sums = {
        (r.layer, r.key, r.parent_key, r.tier, r.status): r
        for r in table_rows(db, BookRollup, scope=GROUP_SCOPE)
    }
    advisor = sums["model_developer", openai, microsoft, 1, "active"]
    assert (advisor.rows, advisor.weight, advisor.spend) == (1, 4, 0)
    assert (advisor.firsts, advisor.firsts_unpriced) == (1, 1)
    assert len(sums) == 9  # no two of the nine exposure rows share a group


def test_sums_move_between_groups_and_an_emptied_group_goes(db, objects):
    o = objects
    openai, microsoft = str(o["openai"].id), str(o["microsoft"].id)
    data = ServiceData(name="Search", intake=replace(INTAKES[1]))  # T1 now, as Advisor
    services.save_service(db, vendor=o["alpha"], data=data, actor=SYSTEM, now=NOW, service=o["s2"])
    db.commit()
    assert_fresh(db)
    sums = {
        (r.layer, r.key, r.parent_key, r.tier, r.status): (r.rows, r.weight, r.firsts)
        for r in table_rows(db, BookRollup, scope=GROUP_SCOPE)
    }
    assert sums["model_developer", openai, microsoft, 1, "active"] == (2, 8, 2)
    assert ("model_developer", openai, microsoft, 4, "active") not in sums
    # Saved without entities, Search is in the group's figures only.
    assert not table_rows(db, BookExposure, service_id=o["s2"].id, scope=o["sg"].id)


def test_changed_links_move_the_services_rows_and_pairs(db, objects):
    o = objects
    data = ServiceData(
        name="Chat", intake=replace(INTAKES[3]), entity_ids=[o["hk"].id],
        function_ids=[o["lending"].id],
    )  # fmt: skip
    services.save_service(db, vendor=o["beta"], data=data, actor=SYSTEM, now=NOW, service=o["s3"])
    db.commit()
    assert_fresh(db)
    chat = table_rows(db, BookPair, service_id=o["s3"].id, kind="function")
    assert {r.row_key for r in chat} == {str(o["lending"].id)}
    assert {r.scope for r in chat} == {GROUP_SCOPE, o["hk"].id}


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


def _put_microsoft_under_a_holding(db, o):
    """A new parent above Microsoft (OpenAI's and Azure's parent), saved; returns it."""
    holding = save_provider(
        db, data=ProviderData(name="Holding", kind="parent_company", hq_country="US"),
        now=NOW, actor=SYSTEM,
    )  # fmt: skip
    data = ProviderData(name="Microsoft", kind="parent_company", hq_country="US",
                        parent_id=holding.id)  # fmt: skip
    save_provider(db, data=data, now=NOW, actor=SYSTEM, provider=o["microsoft"])
    db.commit()
    return holding


def test_a_new_parent_regroups_up_the_whole_chain(db, objects):
    o = objects
    holding = _put_microsoft_under_a_holding(db, o)
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
    assert (
        "Rebuilt book_exposure (20 rows), book_pair (29 rows), book_rollup (20 rows),"
        " book_risk (14 rows)."
    ) in result.output
    db.rollback()
    assert rows(db) == kept


def test_a_bulk_statement_is_seen_by_the_next_read_and_a_merge_refreshes_its_services_once(
    db, objects, monkeypatch
):
    o = objects
    rebuilds = []
    real, rebuild = exposures._refresh, exposures.rebuild_exposures
    monkeypatch.setattr(
        exposures, "_refresh", lambda conn, ids: (rebuilds.append(ids), real(conn, ids))
    )
    monkeypatch.setattr(
        exposures, "rebuild_exposures", lambda conn: (rebuilds.append(ALL), rebuild(conn))
    )
    # An ORM UPDATE statement, then a read in the same transaction: the read sees it.
    db.execute(update(Service).where(Service.id == o["s3"].id).values(tier=1))
    weights = db.exec(select(BookExposure.weight).where(BookExposure.service_id == o["s3"].id))
    assert set(weights) == {4}
    db.rollback()
    assert rebuilds == [ALL]

    rebuilds.clear()
    merge_provider(db, duplicate=o["azure"], survivor=o["aws"], now=NOW, actor=SYSTEM)
    db.commit()
    # Three statements, one refresh, of the services on Azure only (Advisor and Chat).
    assert rebuilds == [{o["s1"].id, o["s3"].id}]
    assert_fresh(db)


def test_a_new_parent_refreshes_only_the_services_under_it(db, objects, monkeypatch):
    o = objects
    refreshed = []
    real = exposures._refresh
    monkeypatch.setattr(
        exposures, "_refresh", lambda conn, ids: (refreshed.append(ids), real(conn, ids))
    )
    holding = _put_microsoft_under_a_holding(db, o)
    # Under Microsoft: OpenAI (Advisor, Search) and Azure (Advisor, Chat); not Notes.
    assert refreshed == [{o["s1"].id, o["s2"].id, o["s3"].id}]
    assert {r[3] for r in assert_fresh(db) if r[2] == str(o["azure"].id)} == {str(holding.id)}


def test_two_writers_on_one_provider_both_count(app, db, objects):
    """Each writer adds its difference to the group's row, locked while it changes: the second
    waits for the first to commit, then adds to the committed sums instead of overwriting."""
    o = objects
    more = [make_service(db, o["alpha"], name, tier=4) for name in ("Fifth", "Sixth")]
    flushed, failures = threading.Event(), []

    def add_cloud(service, *, first: bool) -> None:
        try:
            with Session(app.extensions["vendordd.engine"]) as session:
                if not first:
                    flushed.wait(5)
                depend(session, service, "cloud", o["aws"])
                session.flush()  # the group's row (AWS, T4, active) is locked from here
                if first:
                    flushed.set()
                    time.sleep(0.3)  # the other writer is now waiting for that row
                session.commit()
        except Exception as error:  # a thread cannot fail the test: the assertion below does
            failures.append(error)

    writers = [
        threading.Thread(target=add_cloud, args=(service,), kwargs={"first": n == 0})
        for n, service in enumerate(more)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(10)
    assert failures == []
    assert_fresh(db)
    aws = table_rows(db, BookRollup, scope=GROUP_SCOPE, layer="cloud", key=str(o["aws"].id), tier=4)
    assert [row.rows for row in aws] == [3]  # Search, Fifth and Sixth
