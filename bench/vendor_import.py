"""Bulk import of a 200-vendor spreadsheet (two services each): median check and import time.

.venv/bin/python -m bench.vendor_import [--vendors 200] [--database-url URL] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from datetime import UTC, datetime

from sqlmodel import Session

from bench.common import empty_database
from vendordd.audit.services import Actor
from vendordd.vendors import importing
from vendordd.vendors.import_columns import COLUMNS
from vendordd.vendors.import_template import example_row
from vendordd.vendors.reference import save_entity, save_function

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ACTOR = Actor.system("bench")
ENTITY, FUNCTION = "HK bank — HKMA", "Customer service"


def spreadsheet(vendors: int) -> bytes:
    """A CSV with `vendors` vendors, two services each, built from the template's example."""
    example = example_row([ENTITY], [FUNCTION])
    rows = [
        example
        | {
            "legal_name": f"Bench Vendor {n:04d} Ltd",
            "display_name": f"Bench {n:04d}",
            "lei": "",
            "service_name": f"Service {s}",
            "users_affected": str(50 * n + s),
        }
        for n in range(vendors)
        for s in (1, 2)
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, [c.name for c in COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def fresh_engine(database_url: str | None):
    engine, _url, _workdir = empty_database(database_url)
    with Session(engine) as session:
        save_entity(session, name=ENTITY, regimes=["HKMA"], is_active=True, actor=ACTOR, now=NOW)
        save_function(session, name=FUNCTION, is_active=True, actor=ACTOR, now=NOW)
        session.commit()
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    content = spreadsheet(args.vendors)
    checks, imports, reimports = [], [], []
    for _ in range(args.runs):
        engine = fresh_engine(args.database_url)
        with Session(engine, expire_on_commit=False) as session:
            for timings in (imports, reimports):
                start = time.perf_counter()
                check = importing.check_import(
                    session, filename="book.csv", content=content, max_rows=10_000
                )
                checked = time.perf_counter()
                assert not check.problems, check.problems[:3]
                importing.run_import(session, check=check, actor=ACTOR, now=NOW)
                session.commit()
                if timings is imports:
                    checks.append((checked - start) * 1000)
                timings.append((time.perf_counter() - checked) * 1000)
        dialect = engine.dialect.name
        engine.dispose()
    print(f"database: {dialect}; file: {args.vendors} vendors, {2 * args.vendors} rows")
    print(f"check whole file: {statistics.median(checks):.0f} ms (target: < 500 ms)")
    print(f"import, all new: {statistics.median(imports):.0f} ms (target: < 5000 ms, one request)")
    print(f"re-import, nothing changes: {statistics.median(reimports):.0f} ms (target: < 500 ms)")


if __name__ == "__main__":
    main()
