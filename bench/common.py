"""What every benchmark needs: an empty migrated database and a median timing."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from vendordd.db import make_engine
from vendordd.migrations import upgrade


def empty_database(database_url: str | None) -> tuple[Engine, str, Path]:
    """A migrated, empty database with a scratch folder: the given URL (a PostgreSQL database's
    public schema is emptied first) or a new SQLite file in the folder."""
    workdir = Path(tempfile.mkdtemp(prefix="vendordd-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    return engine, url, workdir


def settle(engine: Engine) -> None:
    """After a bulk load, what autovacuum would do on a live PostgreSQL (statistics, and the
    visibility map that index-only scans need); statistics alone on SQLite."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def paired_medians_ms(
    call: Callable[[], object], reference: Callable[[], object], runs: int
) -> tuple[float, float]:
    """The median wall times (ms) of `call` and of `reference`, run in turns after one warm-up
    each, so a machine that speeds up or slows down during the run weighs on both alike."""
    call(), reference()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for timed, own in zip((call, reference), samples, strict=True):
            start = time.perf_counter()
            timed()
            own.append(time.perf_counter() - start)
    return statistics.median(samples[0]) * 1000, statistics.median(samples[1]) * 1000


def median_ms(call: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls after one warm-up call, in milliseconds."""
    call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000
