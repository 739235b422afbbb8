"""Engine and the session of one request or job; one commit at the boundary. Derived tables
replace their rows through `replace_rows`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import orjson
from flask import Flask, current_app, g
from sqlalchemy import Column, ColumnElement, Select, bindparam, delete, event, insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

EXTENSION = "vendordd.engine"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout.

    JSON columns go through orjson: a rescoring of the book writes a score per assessment and
    reads every answer, and the standard library's encoder and decoder were a third of its time.
    """
    options = {"json_serializer": _json_text, "json_deserializer": _json_value}
    if url.startswith("sqlite"):
        connect = {"timeout": 30, "check_same_thread": False}
        engine = create_engine(url, connect_args=connect, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _json_text(value: object) -> str:
    # Non-string keys become strings, as the standard library's encoder makes them.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _json_value(raw: str | int | float) -> object:
    # SQLite's JSON columns have numeric affinity: a stored number comes back as a number.
    return orjson.loads(raw) if isinstance(raw, str | bytes) else raw


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


def replace_rows(
    connection: Connection, key: Column, ids: Sequence[int] | None, rows: Select
) -> None:
    """Replace the rows of `key`'s table whose `key` is in `ids` (every row when None) with
    `rows`, a select whose columns are named as the table's; given ids, it picks their rows
    with `in_ids`."""
    removal = delete(key.table)
    if ids is not None:
        removal = removal.where(in_ids(key))
    params = ids_params(ids)
    connection.execute(removal, params)
    insertion = insert(key.table).from_select(list(rows.selected_columns.keys()), rows)
    connection.execute(insertion, params)


def in_ids(column: ColumnElement) -> ColumnElement[bool]:
    """`column` IN the list bound as "ids" when the statement runs (`ids_params`): a statement
    built once, and cached, serves every list (building one costs more than running it)."""
    return column.in_(bindparam("ids", expanding=True))


def ids_params(ids: Sequence[int] | None) -> dict[str, list[int]]:
    return {} if ids is None else {"ids": list(ids)}
