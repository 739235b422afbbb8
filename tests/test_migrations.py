"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, make_url, text
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


def test_upgrading_a_database_with_rows_keeps_them(fresh_engine):
    """Later migrations rebuild tables other rows reference (SQLite alters tables that way):
    a database in use since revision 0002 upgrades with every row and key intact."""
    upgrade(fresh_engine, "0002")
    filled = fill_one_row_each(fresh_engine)
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        for table in filled:
            assert conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar() == 1, table
        assert conn.execute(text("SELECT status FROM assessment")).scalar() == "in_progress"
        if fresh_engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert drift(fresh_engine) == []


def fill_one_row_each(engine: Engine) -> list[str]:
    """One row with id 1 in every table of the schema as it stands, parents first, every
    required column given a value of its type and every foreign key pointing at id 1."""
    reflected = MetaData()
    reflected.reflect(engine)
    filled = []
    with engine.begin() as conn:
        for table in reflected.sorted_tables:
            if table.name in ("alembic_version", "audit_head"):
                continue
            row = {
                column.name: 1 if column.foreign_keys else _sample(column)
                for column in table.columns
                if not column.nullable or column.primary_key or column.foreign_keys
            }
            conn.execute(table.insert().values(row))
            filled.append(table.name)
        conn.execute(text("UPDATE assessment SET status = 'open'"))
    return filled


def _sample(column) -> object:
    kind = column.type.python_type if hasattr(column.type, "impl") else None
    try:
        kind = kind or column.type.python_type
    except NotImplementedError:
        return {}
    samples = {
        int: 1,
        float: 1.0,
        bool: False,
        str: "x",
        dict: {},
        list: [],
        datetime: datetime(2026, 1, 1, tzinfo=UTC),
        date: date(2026, 1, 1),
        Decimal: Decimal(1),
    }
    return samples.get(kind, "x")
