"""Vendor list on a synthetic book: median server time per page, SQLite or PostgreSQL.

.venv/bin/python -m bench.vendor_list [--vendors 10000] [--database-url URL] [--runs 30]
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from bench.book import BENCH_PASSWORD, build_book
from bench.common import empty_database, median_ms
from vendordd import create_app

TARGET_MS = 100  # our own bar for a list page; no issue names one
PAGES = {
    "vendor list, first page": "/vendors/",
    "vendor list, page 100": "/vendors/?page=100",
    "vendor list, search": "/vendors/?q=0042",
    "vendor list, tier+status filter": "/vendors/?tier=1&status=active",
    "vendor list, entity+function filter, by tier": "/vendors/?entity=2&function=5&sort=tier",
    "vendor page": "/vendors/5000",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    engine, url, workdir = empty_database(args.database_url)
    start = time.perf_counter()
    sizes = build_book(engine, args.vendors)
    print(f"database: {engine.dialect.name}")
    print(
        f"book: {', '.join(f'{n:,} {k}' for k, n in sizes.items())} "
        f"(built in {time.perf_counter() - start:.1f} s)"
    )
    with engine.connect() as conn:
        reference = median_ms(
            lambda: conn.execute(text("SELECT tier, count(*) FROM vendor GROUP BY tier")).all(),
            args.runs,
        )
    print(f"reference GROUP BY over vendors: {reference:.2f} ms")
    app = create_app({"database_url": url, "instance_path": workdir, "csrf_enabled": False})
    client = app.test_client()
    client.post("/login", data={"email": "procurement@bench.test", "password": BENCH_PASSWORD})
    for name, path in PAGES.items():
        status = client.get(path).status_code
        assert status == 200, f"{path} answered {status}"
        value = median_ms(lambda path=path: client.get(path), args.runs)
        print(f"{name}: {value:.1f} ms (target: < {TARGET_MS} ms)")
    engine.dispose()


if __name__ == "__main__":
    main()
