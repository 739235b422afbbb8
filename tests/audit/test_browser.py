"""The audit trail browser: access, filters, paging, readable changes, verify panel, CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from tests.conftest import NOW, SYSTEM
from vendordd.audit import queries
from vendordd.audit.services import Actor, diff, record_event
from vendordd.vendors.models import Vendor

ALICE = Actor("user", 41, "Alice Auditor <alice@bank.example>")
BOB = Actor("user", 42, "Bob Buyer <bob@bank.example>")


def add_event(db, *, actor=SYSTEM, action="vendor.updated", object_type="vendor", **kwargs):
    kwargs.setdefault("object_id", 1)
    kwargs.setdefault("now", NOW)
    event = record_event(db, actor=actor, action=action, object_type=object_type, **kwargs)
    db.commit()
    return event


def make_vendor(db, name: str = "Quillon AI") -> Vendor:
    vendor = Vendor(
        legal_name=f"{name} Ltd",
        legal_name_key=f"{name.lower()} ltd",
        display_name=name,
        hq_country="SG",
        created_at=NOW,
        updated_at=NOW,
    )
    db.add(vendor)
    db.commit()
    return vendor


def seqs_on(page_html: str) -> list[int]:
    """The seq column of the table, in page order."""
    import re

    return [int(s) for s in re.findall(r'<th scope="row" class="num">(\d+)</th>', page_html)]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("auditor", 200), ("procurement", 403), ("risk", 403)],
)
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_access_by_role(login_as, client, role, status, path):
    login_as(role)
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_newest_first_with_readable_changes(login_as, client, db):
    login_as("auditor")  # writes auth.login (seq 1)
    add_event(
        db,
        actor=BOB,
        object_label="Quillon AI",
        changes=diff(
            {"display_name": "Quilon", "is_public_facing": False, "tier": 3},
            {"display_name": "Quillon AI", "is_public_facing": True, "tier": 1},
        ),
    )
    add_event(db, action="auth.login_failed", object_type="login", changes={"failures": 3})
    page = client.get("/audit/").text
    assert seqs_on(page) == [3, 2, 1]
    assert "Display name: Quilon → Quillon AI" in page
    assert "Public-facing: No → Yes" in page
    assert "Tier: T3 → T1" in page
    assert "Failures: 3" in page
    assert "Bob Buyer &lt;bob@bank.example&gt;" in page


def test_row_shows_abbreviated_hash_with_full_hash_in_title(login_as, client, db):
    login_as("auditor")
    event = add_event(db, object_label="Quillon AI")
    page = client.get("/audit/").text
    assert f'<code title="{event.hash}">{event.hash[:12]}…</code>' in page


def test_owner_ids_show_as_user_names(login_as, client, db):
    auditor = login_as("auditor")
    add_event(db, changes=diff({"owner_id": None}, {"owner_id": auditor.id}))
    assert f"Owner: — → {auditor.name}" in client.get("/audit/").text


def test_pages_follow_the_configured_size(app, login_as, client, db):
    app.config["VENDORDD"].page_size = 2
    login_as("auditor")
    for n in range(4):
        add_event(db, object_id=n)
    first = client.get("/audit/").text
    assert seqs_on(first) == [5, 4]
    assert "Page 1 of 3 · 5 in all" in first
    assert seqs_on(client.get("/audit/?page=3").text) == [1]
    assert seqs_on(client.get("/audit/?page=99").text) == [1]


FILTER_CASES = {
    "actor substring, any case": ("actor=BOB+buyer", [2]),
    "actor with a LIKE wildcard is literal": ("actor=%25", []),
    "action": ("action=vendor.created", [1, 3]),
    "object type": ("object_type=service", [3]),
    "vendor": ("vendor_id={vendor}", [2, 3]),
    "from date is inclusive": ("date_from=2026-11-03", [3, 4]),
    "to date is inclusive to its last microsecond": ("date_to=2026-11-02", [1, 2]),
    "one day": ("date_from=2026-11-03&date_to=2026-11-03", [3]),
    "combined": ("action=vendor.created&actor=alice", [1]),
}


@pytest.mark.parametrize(("query", "expected"), FILTER_CASES.values(), ids=FILTER_CASES.keys())
def test_filters(login_as, client, db, query, expected):
    vendor = make_vendor(db)
    last_second = datetime(2026, 11, 2, 23, 59, 59, 999999, tzinfo=UTC)
    add_event(db, actor=ALICE, action="vendor.created", now=NOW)
    add_event(db, actor=BOB, vendor_id=vendor.id, now=last_second)
    next_day = last_second + timedelta(microseconds=1)
    add_event(db, action="vendor.created", object_type="service", vendor_id=vendor.id, now=next_day)
    add_event(db, action="user.updated", object_type="user", now=NOW + timedelta(days=2))
    login_as("auditor")  # event 5, at the real clock: left out of the comparison
    response = client.get(f"/audit/?{query.format(vendor=vendor.id)}")
    assert response.status_code == 200
    assert sorted(set(seqs_on(response.text)) - {5}) == expected


def test_vendor_filter_names_the_vendor_and_links_back(login_as, client, db):
    vendor = make_vendor(db, "Quillon AI")
    add_event(db, vendor_id=vendor.id, object_label="Quillon AI")
    login_as("auditor")
    page = client.get(f"/audit/?vendor_id={vendor.id}").text
    assert "Showing the events of vendor <strong>Quillon AI</strong>" in page
    assert seqs_on(page) == [1]
    assert 'href="/audit/">Show every vendor' in page


def test_rows_of_a_vendor_link_to_its_events(login_as, client, db):
    vendor = make_vendor(db)
    add_event(db, vendor_id=vendor.id)
    login_as("auditor")
    assert f'href="/audit/?vendor_id={vendor.id}">This vendor' in client.get("/audit/").text


def test_action_choices_come_from_recorded_events(login_as, client, db):
    add_event(db, action="entity.created", object_type="entity")
    login_as("admin")
    page = client.get("/audit/").text
    for action in ("entity.created", "auth.login"):
        assert f'<option value="{action}">{action}</option>' in page
    assert "vendor.created" not in page


def test_no_match_shows_an_empty_state(login_as, client):
    login_as("auditor")
    response = client.get("/audit/?actor=nobody-at-all")
    assert response.status_code == 200
    assert "No events match these filters." in response.text
    assert "<table>" not in response.text


BAD_FILTERS = {
    "impossible date": ("date_from=2026-02-30", "Not a valid date value."),
    "not a date": ("date_to=yesterday", "Not a valid date value."),
    "end before start": (
        "date_from=2026-11-05&date_to=2026-11-01",
        "The end date is before the start date.",
    ),
    "unknown action": ("action=vendor.deleted", "Not a valid choice."),
    "vendor id not a number": ("vendor_id=abc", "Not a valid integer value."),
}


@pytest.mark.parametrize(("query", "message"), BAD_FILTERS.values(), ids=BAD_FILTERS.keys())
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_invalid_filters_explain_and_show_nothing(login_as, client, path, query, message):
    login_as("auditor")
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert message in response.text
    assert "Correct the filters marked above" in response.text
    assert "<table>" not in response.text


def test_chain_is_verified_only_when_asked(login_as, client, db):
    add_event(db)
    login_as("auditor")
    assert "chain intact" not in client.get("/audit/").text
    page = client.get("/audit/?verify=1").text
    assert "OK: 2 events, chain intact" in page


def test_verify_panel_names_the_first_broken_link(login_as, client, db):
    add_event(db)
    add_event(db)
    db.connection().execute(text("UPDATE audit_event SET object_label = 'x' WHERE seq = 2"))
    db.commit()
    login_as("auditor")
    page = client.get("/audit/?verify=1").text
    assert "BROKEN: event 2 was altered after it was written" in page
    assert "The 1 event before the break verified." in page


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_export_streams_the_filtered_trail_as_an_attachment(login_as, client, db):
    kept = add_event(db, actor=BOB, object_label="Quillon AI", changes={"tier": [3, 1]})
    add_event(db, actor=ALICE)
    login_as("auditor")
    response = client.get("/audit/export.csv?actor=bob")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-trail-')
    rows = read_csv(response)
    assert rows == [
        {
            "seq": "1",
            "occurred_at": "2026-11-02T09:30:00+00:00",
            "actor_type": "user",
            "actor_id": "42",
            "actor_label": BOB.label,
            "action": "vendor.updated",
            "object_type": "vendor",
            "object_id": "1",
            "object_label": "Quillon AI",
            "vendor_id": "",
            "changes": '{"tier":[3,1]}',
            "prev_hash": kept.prev_hash,
            "hash": kept.hash,
        }
    ]


def test_export_reads_in_batches_newest_first(monkeypatch, login_as, client, db):
    monkeypatch.setattr(queries, "EXPORT_BATCH", 2)
    for n in range(4):
        add_event(db, object_id=n)
    login_as("auditor")
    rows = read_csv(client.get("/audit/export.csv"))
    assert [row["seq"] for row in rows] == ["5", "4", "3", "2", "1"]


def test_export_defuses_spreadsheet_formulas(login_as, client, db):
    add_event(db, actor=Actor.anonymous('=HYPERLINK("http://evil")'), object_label="@SUM(A1)")
    login_as("auditor")
    row = read_csv(client.get("/audit/export.csv?action=vendor.updated"))[0]
    assert row["actor_label"] == '\'=HYPERLINK("http://evil")'
    assert row["object_label"] == "'@SUM(A1)"
