"""The audit hash chain: appending, and every kind of tampering `verify_chain` must detect."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from tests.conftest import NOW, SYSTEM
from vendordd.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from vendordd.audit.services import Actor, event_hash, record_event, verify_chain

EVENTS = 5


def append(session: Session, n: int, *, now: datetime = NOW, actor: Actor = SYSTEM) -> AuditEvent:
    return record_event(
        session,
        actor=actor,
        action="vendor.updated",
        object_type="vendor",
        object_id=n,
        object_label=f"Vendor {n}",
        vendor_id=n,
        changes={"tier": [4, n % 4 + 1]},
        now=now + timedelta(minutes=n),
    )


@pytest.fixture
def chain(db) -> list[AuditEvent]:
    """Five committed events, seq 1..5."""
    events = [append(db, n) for n in range(1, EVENTS + 1)]
    db.commit()
    return events


def tamper(db, sql: str, **params) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    db.connection().execute(text(sql), params)
    db.commit()


def test_empty_chain_verifies(db):
    result = verify_chain(db)
    assert (result.ok, result.checked, result.message) == (True, 0, "OK: 0 events, chain intact")


def test_appending_links_each_event_to_the_one_before(db, chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(chain))
    head = db.get(AuditHead, 1)
    assert (head.seq, head.hash) == (5, chain[-1].hash)
    result = verify_chain(db)
    assert (result.ok, result.checked, result.message) == (True, 5, "OK: 5 events, chain intact")


def test_verify_reads_the_database_not_the_session(db, chain):
    """Objects this session already holds must not hide a change made in the database."""
    tamper(db, "UPDATE audit_event SET object_label = 'forged' WHERE seq = 2")
    assert chain[1].object_label == "Vendor 2"  # still referenced, still stale
    assert verify_chain(db).message == "BROKEN: event 2 was altered after it was written"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("object_label", "'Another vendor'"),
        ("actor_label", "'someone else'"),
        ("action", "'vendor.created'"),
        ("vendor_id", "99"),
        ("changes", """'{"tier": [4, 1]}'"""),
    ],
)
def test_detects_an_altered_field(db, chain, column, value):
    tamper(db, f"UPDATE audit_event SET {column} = {value} WHERE seq = 3")
    result = verify_chain(db)
    assert not result.ok
    assert result.message == "BROKEN: event 3 was altered after it was written"
    assert result.checked == 2


def test_detects_an_altered_time(db, chain):
    tamper(db, "UPDATE audit_event SET occurred_at = :t WHERE seq = 3", t=datetime(2020, 1, 1))
    assert verify_chain(db).message == "BROKEN: event 3 was altered after it was written"


def test_detects_a_deleted_middle_event(db, chain):
    tamper(db, "DELETE FROM audit_event WHERE seq = 3")
    result = verify_chain(db)
    assert not result.ok
    assert result.message == "BROKEN: event 3 is missing (found 4)"


def test_detects_a_deleted_first_event(db, chain):
    tamper(db, "DELETE FROM audit_event WHERE seq = 1")
    assert verify_chain(db).message == "BROKEN: event 1 is missing (found 2)"


def test_detects_swapped_sequence_numbers(db, chain):
    tamper(db, "UPDATE audit_event SET seq = -2 WHERE seq = 2")
    tamper(db, "UPDATE audit_event SET seq = 2 WHERE seq = 4")
    tamper(db, "UPDATE audit_event SET seq = 4 WHERE seq = -2")
    result = verify_chain(db)
    assert not result.ok
    assert result.message == "BROKEN: event 2 does not follow event 1"


def test_detects_swapped_contents(db, chain):
    """Rows keep their place and hashes, but two rows' contents are exchanged."""
    columns = ("actor_label", "action", "object_id", "object_label")
    second, fourth = (
        db.connection()
        .execute(text(f"SELECT {', '.join(columns)} FROM audit_event WHERE seq = :s"), {"s": seq})
        .one()
        for seq in (2, 4)
    )
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    for seq, values in ((2, fourth), (4, second)):
        sql = f"UPDATE audit_event SET {assignments} WHERE seq = :seq"
        tamper(db, sql, seq=seq, **values._mapping)
    assert verify_chain(db).message == "BROKEN: event 2 was altered after it was written"


@pytest.mark.parametrize("removed", [1, 2, EVENTS])
def test_detects_a_truncated_tail(db, chain, removed):
    kept = EVENTS - removed
    tamper(db, "DELETE FROM audit_event WHERE seq > :kept", kept=kept)
    result = verify_chain(db)
    assert not result.ok
    assert result.checked == kept
    assert result.message == (
        f"BROKEN: the chain ends at event {kept} but its head records event {EVENTS}: "
        "events were removed from the end"
    )


def forged(seq: int, prev_hash: str) -> AuditEvent:
    """An event written straight to the table with a correctly recomputed hash of its own."""
    event = AuditEvent(
        seq=seq,
        occurred_at=NOW,
        actor_type="user",
        actor_id=7,
        actor_label="Mallory <mallory@bank.example>",
        action="vendor.status_changed",
        object_type="vendor",
        object_id="3",
        object_label="Vendor 3",
        changes={"status": ["offboarded", "active"]},
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = event_hash(event)
    return event


def test_detects_a_forged_event_appended_with_a_wrong_link(db, chain):
    event = forged(EVENTS + 1, prev_hash="f" * 64)
    db.add(event)
    tamper(db, "UPDATE audit_head SET seq = :seq, hash = :h", seq=event.seq, h=event.hash)
    result = verify_chain(db)
    assert result.message == f"BROKEN: event {EVENTS + 1} does not follow event {EVENTS}"
    assert result.checked == EVENTS


def test_detects_a_forged_event_replacing_one_in_the_middle(db, chain):
    tamper(db, "DELETE FROM audit_event WHERE seq = 3")
    db.add(forged(3, prev_hash=chain[0].hash))  # links to event 1 instead of event 2
    db.commit()
    assert verify_chain(db).message == "BROKEN: event 3 does not follow event 2"


def test_a_forged_event_with_the_right_link_breaks_the_next_one(db, chain):
    tamper(db, "DELETE FROM audit_event WHERE seq = 3")
    db.add(forged(3, prev_hash=chain[1].hash))
    db.commit()
    assert verify_chain(db).message == "BROKEN: event 4 does not follow event 3"


def test_times_in_other_zones_are_stored_and_hashed_as_utc(db):
    hong_kong = timezone(timedelta(hours=8))
    event = append(db, 1, now=datetime(2026, 11, 2, 17, 30, tzinfo=hong_kong))
    db.commit()
    db.expire_all()
    assert db.get(AuditEvent, event.id).occurred_at == datetime(2026, 11, 2, 9, 31, tzinfo=UTC)
    assert verify_chain(db).ok


def test_naive_times_are_refused(db):
    with pytest.raises(ValueError, match="naive datetime"):
        append(db, 1, now=datetime(2026, 11, 2, 9, 30))


def test_overlong_values_are_cut_to_their_columns(db):
    event = record_event(
        db,
        actor=Actor.anonymous("x" * 300 + "@bank.example"),
        action="auth.login_failed",
        object_type="login",
        object_id="y" * 100 + "@bank.example",
        object_label="z" * 400,
        now=NOW,
    )
    db.commit()
    assert (len(event.actor_label), len(event.object_id), len(event.object_label)) == (
        254,
        64,
        300,
    )
    assert verify_chain(db).ok


def test_a_session_appending_after_another_sees_the_new_head(db):
    """Two sessions take turns; neither may reuse a sequence number it saw earlier."""
    with Session(db.get_bind(), expire_on_commit=False) as other:
        head = other.get(AuditHead, 1)  # held, as a long-lived session might
        append(db, 1)
        db.commit()
        append(other, 2)
        other.commit()
        assert head.seq == 2
    assert verify_chain(db).message == "OK: 2 events, chain intact"


THREADS, PER_THREAD = 8, 25


def test_concurrent_writers_keep_one_chain(db):
    """Writers in parallel transactions queue on the head row; no fork, no gap, no duplicate."""
    engine = db.get_bind()
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL row locks; SQLite has one writer")
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            actor = Actor.system(f"writer-{number}")
            with Session(engine, expire_on_commit=False) as session:
                start.wait()
                for n in range(PER_THREAD):
                    append(session, n, actor=actor)
                    session.commit()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = THREADS * PER_THREAD
    assert verify_chain(db).message == f"OK: {total} events, chain intact"
    seqs = db.exec(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, total + 1))
    per_writer = db.exec(
        select(AuditEvent.actor_label, func.count()).group_by(AuditEvent.actor_label)
    ).all()
    assert sorted(per_writer) == sorted((f"writer-{i}", PER_THREAD) for i in range(THREADS))


def test_a_session_reads_the_head_afresh_in_each_transaction(db):
    """The head is read once per transaction; another writer's commit in between is seen."""
    engine = db.get_bind()
    # expire_on_commit=False as in the app: nothing reloads the head behind our back.
    with (
        Session(engine, expire_on_commit=False) as first,
        Session(engine, expire_on_commit=False) as second,
    ):
        for n, session in enumerate((first, second, first, first, second), start=1):
            append(session, n)
            session.commit()
    assert verify_chain(db).message == "OK: 5 events, chain intact"
