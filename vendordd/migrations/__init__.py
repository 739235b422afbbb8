"""Schema migrations with Alembic, run through `vendordd db upgrade`."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Connection, Engine

from vendordd.resources import PACKAGE_DIR


class MigrationError(RuntimeError):
    """A migration that would leave the database inconsistent; nothing was changed."""


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to `revision` in one transaction."""
    config = alembic_config(engine)
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            _run(config, connection, revision)
        return
    with engine.connect() as connection:
        _upgrade_sqlite(config, connection, revision)


def _upgrade_sqlite(config: AlembicConfig, connection: Connection, revision: str) -> None:
    """SQLite needs two things PostgreSQL does not.

    - The driver commits DDL as it goes unless the transaction is begun explicitly: without
      that, a migration failing half-way would leave half its tables behind.
    - Altering a table means rebuilding it (copy, drop, rename). With foreign keys enforced,
      dropping a table that other rows reference fails, so they are off during the migration
      (SQLite only changes that setting outside a transaction) and every key is checked before
      the commit.
    """
    driver = connection.connection.driver_connection
    isolation = driver.isolation_level
    driver.isolation_level = None  # the driver no longer begins or commits on its own
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        connection.exec_driver_sql("BEGIN")
        try:
            _run(config, connection, revision)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise MigrationError(f"foreign keys broken by the migration: {broken[:5]}")
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        driver.isolation_level = isolation


def _run(config: AlembicConfig, connection: Connection, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
