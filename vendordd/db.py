"""Engine and the session of one request or job; one commit at the boundary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

EXTENSION = "vendordd.engine"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Attach the engine and close the request session at teardown."""
    app.extensions[EXTENSION] = make_engine(app.config["VENDORDD"].database_url)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions[EXTENSION]


def get_session() -> Session:
    """The session of the current request (created on first use)."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        if exc is None and session.is_active and (session.new or session.dirty or session.deleted):
            # Views commit explicitly; anything left here was not meant to be kept.
            session.rollback()
    finally:
        session.close()


@contextmanager
def job_session(bind: Engine | None = None) -> Iterator[Session]:
    """A session for a CLI command or job: commits once on success, rolls back on error."""
    session = Session(bind or engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
