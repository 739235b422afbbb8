"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from vendordd.audit.models import GENESIS_HASH
from vendordd.db import make_engine
from vendordd.migrations import alembic_config, upgrade
from vendordd.schema import metadata

TEST_URL = os.environ.get("VENDORDD_TEST_DATABASE_URL", "")


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A throwaway database created for the test and dropped after it."""
    if not TEST_URL.startswith("postgresql"):
        pytest.skip("PostgreSQL drift check runs when VENDORDD_TEST_DATABASE_URL is PostgreSQL")
    name = f"vendordd_drift_{uuid.uuid4().hex[:12]}"
    maintenance = make_engine(
        make_url(TEST_URL).set(database="postgres").render_as_string(hide_password=False)
    )
    autocommit = maintenance.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(
        make_url(TEST_URL).set(database=name).render_as_string(hide_password=False)
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with autocommit.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_engine(request) -> Engine:
    return request.getfixturevalue(f"{request.param}_engine")


def drift(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_migrations_match_the_models(fresh_engine):
    upgrade(fresh_engine)
    assert drift(fresh_engine) == []


def test_upgrade_twice_is_a_no_op_and_keeps_the_genesis_head(fresh_engine):
    upgrade(fresh_engine)
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [
            (ScriptDirectory.from_config(alembic_config(fresh_engine)).get_current_head(),)
        ]
        head = conn.execute(text("SELECT id, seq, hash FROM audit_head")).all()
    assert head == [(1, 0, GENESIS_HASH)]
    assert drift(fresh_engine) == []


def test_the_drift_check_notices_a_missing_column(sqlite_engine):
    """Guards the test above: a schema that differs from the models must not pass."""
    upgrade(sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.execute(text("ALTER TABLE vendor DROP COLUMN notes"))
    assert [d[0] for d in drift(sqlite_engine)] == ["add_column"]
