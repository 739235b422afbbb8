"""The `vendordd` command: db upgrade, users create, audit verify, and the installed script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import NOW, PASSWORD, SYSTEM
from vendordd.audit.models import AuditEvent
from vendordd.audit.services import record_event
from vendordd.auth.models import User
from vendordd.auth.passwords import verify_password

SCRIPT = Path(sys.executable).parent / "vendordd"


def create_user(runner, *extra: str, email: str = "ops@bank.example", **kwargs):
    args = ["vendordd", "users", "create", "--email", email, "--name", "Olive Ops"]
    return runner.invoke(args=[*args, "--role", "risk", *extra], **kwargs)


def test_db_upgrade_is_idempotent(runner, db):
    for _ in range(2):
        result = runner.invoke(args=["vendordd", "db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Database at ")
        assert result.output.rstrip().endswith("is up to date.")
    versions = db.connection().execute(text("SELECT version_num FROM alembic_version")).all()
    assert len(versions) == 1


def test_users_create_stores_an_argon2id_hash_and_audits(runner, db):
    result = create_user(runner, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert result.output == "Created risk user ops@bank.example.\n"
    user = db.exec(select(User).where(User.email == "ops@bank.example")).one()
    assert (user.name, user.role, user.is_active) == ("Olive Ops", "risk", True)
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.created")).one()
    assert (event.actor_type, event.actor_label) == ("system", "cli")
    assert (event.object_id, event.object_label) == (str(user.id), "ops@bank.example")
    assert event.changes["role"] == [None, "risk"]


def test_users_create_prompts_for_the_password_twice(runner, db):
    result = create_user(runner, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    assert "Repeat for confirmation: " in result.output
    assert PASSWORD not in result.output
    user = db.exec(select(User).where(User.email == "ops@bank.example")).one()
    assert verify_password(user.password_hash, PASSWORD)


def test_users_create_asks_again_when_the_confirmation_differs(runner, db):
    result = create_user(runner, input=f"{PASSWORD}\ntypo\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "The two entered values do not match." in result.output
    assert db.exec(select(User)).one().email == "ops@bank.example"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--password", "short"], "Use at least 12 characters."),
        (["--password", f" {PASSWORD}"], "Remove spaces at the start or end."),
        (["--password", PASSWORD, "--role", "superuser"], "'superuser' is not one of"),
    ],
)
def test_users_create_refuses_bad_input(runner, db, extra, message):
    result = create_user(runner, *extra)
    assert result.exit_code == 2
    assert message in result.output
    assert db.exec(select(User)).all() == []
    assert db.exec(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("option", "value", "code", "message"),
    [
        ("--email", "ops.bank.example", 2, "Enter an email address like name@bank.example."),
        ("--email", "  ", 2, "Enter an email address like name@bank.example."),
        ("--name", "  ", 1, "Error: Enter the user's name."),
    ],
)
def test_users_create_refuses_a_bad_email_or_name(runner, db, option, value, code, message):
    values = {"--email": "ops@bank.example", "--name": "Olive Ops", option: value}
    options = [part for pair in values.items() for part in pair]
    result = runner.invoke(
        args=["vendordd", "users", "create", *options, "--role", "risk", "--password", PASSWORD]
    )
    assert result.exit_code == code
    assert message in result.output
    assert db.exec(select(User)).all() == []


def test_users_create_refuses_a_duplicate_email(runner, db, make_user):
    make_user("admin", email="ops@bank.example")
    result = create_user(runner, "--password", PASSWORD, email="OPS@bank.example")
    assert result.exit_code == 1
    assert "Error: A user with email ops@bank.example already exists." in result.output
    assert len(db.exec(select(User)).all()) == 1
    assert db.exec(select(AuditEvent)).all() == []


def test_audit_verify_reports_ok(runner, db):
    for n in range(3):
        record_event(db, actor=SYSTEM, action="x.done", object_type="x", object_id=n, now=NOW)
    db.commit()
    result = runner.invoke(args=["vendordd", "audit", "verify"])
    assert result.exit_code == 0
    assert result.output == "OK: 3 events, chain intact\n"


def test_audit_verify_fails_on_tampering(runner, db):
    for n in range(3):
        record_event(db, actor=SYSTEM, action="x.done", object_type="x", object_id=n, now=NOW)
    db.commit()
    db.connection().execute(text("UPDATE audit_event SET actor_label = 'nobody' WHERE seq = 2"))
    db.commit()
    result = runner.invoke(args=["vendordd", "audit", "verify"])
    assert result.exit_code == 1
    assert result.output == "BROKEN: event 2 was altered after it was written\n"


def test_installed_script_lists_the_command_groups():
    result = subprocess.run(
        [str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: vendordd" in result.stdout
    commands = result.stdout.split("Commands:")[1]
    for group in ("audit", "db", "demo", "users"):
        assert f"\n  {group} " in commands


def test_installed_script_explains_a_refused_configuration(tmp_path):
    env = {"VENDORDD_ENV": "production", "VENDORDD_INSTANCE_PATH": str(tmp_path), "PATH": ""}
    result = subprocess.run(
        [str(SCRIPT), "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Configuration refused: VENDORDD_SECRET_KEY is missing")
    assert "Traceback" not in result.stderr
