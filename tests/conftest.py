"""Fixtures: a migrated database per run, emptied after every test; app, client, users, login."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session

from vendordd import create_app
from vendordd.audit.models import GENESIS_HASH
from vendordd.audit.services import Actor
from vendordd.auth.models import Role, User
from vendordd.auth.passwords import hash_password
from vendordd.auth.services import start_session
from vendordd.db import make_engine
from vendordd.migrations import upgrade
from vendordd.schema import metadata

PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SYSTEM = Actor.system("test")
KEEP_TABLES = {"alembic_version", "audit_head"}
pytest_plugins = ["tests.mailserver"]  # smtp_server, mail_app, mail_client for every test


def pytest_report_header(config):
    return f"database: {_database_kind()}"


def _database_kind() -> str:
    url = os.environ.get("VENDORDD_TEST_DATABASE_URL", "")
    return "postgresql" if url.startswith("postgresql") else "sqlite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("VENDORDD_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url):
    """The test database, rebuilt from the migrations once per run."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


def empty_database(engine) -> None:
    """Remove every row a test wrote and reset the audit chain's head."""
    tables = [t.name for t in reversed(metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
        conn.execute(
            text("UPDATE audit_head SET seq = 0, hash = :h WHERE id = 1"), {"h": GENESIS_HASH}
        )


@pytest.fixture
def app(engine, database_url, tmp_path):
    app = create_app(
        {
            "database_url": database_url,
            "instance_path": tmp_path / "instance",
            "secret_key": "test-secret-key-that-is-long-enough-0123456789",
            "testing": True,
            "csrf_enabled": False,
        }
    )
    yield app
    app.extensions["vendordd.engine"].dispose()
    empty_database(engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session on the app's database for arranging and checking state directly."""
    with (
        app.app_context(),
        Session(app.extensions["vendordd.engine"], expire_on_commit=False) as session,
    ):
        yield session


_HASH: dict[str, str] = {}


def password_hash() -> str:
    """One argon2 hash per run: hashing is deliberately slow."""
    if PASSWORD not in _HASH:
        _HASH[PASSWORD] = hash_password(PASSWORD)
    return _HASH[PASSWORD]


@pytest.fixture
def make_user(db):
    def make(
        role: Role | str, email: str | None = None, name: str | None = None, is_active: bool = True
    ) -> User:
        role = Role(role)
        user = User(
            email=email or f"{role.value}@bank.example",
            name=name or role.label,
            role=role.value,
            password_hash=password_hash(),
            is_active=is_active,
            created_at=NOW,
            updated_at=NOW,
            password_changed_at=NOW,
        )
        db.add(user)
        db.commit()
        return user

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


def sign_in(client, db, user: User) -> None:
    """Open a real login session for the user and hand its cookie to the client.

    Form logins (argon2 verification, deliberately slow) are tested in tests/auth; every other
    test signs in this way.
    """
    token = start_session(db, user=user, now=datetime.now(UTC), hours=1)
    db.commit()
    with client.session_transaction() as flask_session:
        flask_session["token"] = token


@pytest.fixture
def login_as(make_user, client, db):
    """Create a user of the role and sign the client in as them."""

    def login(role: Role | str) -> User:
        user = make_user(role)
        sign_in(client, db, user)
        return user

    return login
