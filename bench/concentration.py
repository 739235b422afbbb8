"""The concentration page on a synthetic 10,000-vendor book: SQLite or PostgreSQL.

.venv/bin/python -m bench.concentration [--vendors 10000] [--dependencies 27000]
    [--database-url URL] [--runs 15]

Every vendor has one assessment of the standard questionnaire, answered (about 70 answers each)
and scored as `assessments rescore` scores, so the residual-risk grid plots the book. Adds a
provider registry (40 model developers, 15 hosting platforms, 10 clouds, a third of
them under 4 parent groups) and about --dependencies live dependency rows with bulk inserts:
a long-tailed (Zipf-like) draw of providers per layer, as real books are. Prints a plain
GROUP BY over the dependency table as the reference, the whole page (median server time
through the test client; each view is timed in turns with the reference, whose median from
those turns is the one the page is held to), each layer's HHI as the page computes it, and
the what-if of the vendor with the most dependencies as its page computes it.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from functools import partial

from sqlalchemy import func, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bench.book import BENCH_PASSWORD, COUNTRIES, NOW, build_book
from bench.common import empty_database, median_ms, paired_medians_ms, settle
from bench.scoring import STANDARD, build_assessments, score_book
from vendordd import create_app
from vendordd.concentration.aggregates import Filters, layer_concentrations
from vendordd.concentration.exposures import rebuild_exposures
from vendordd.concentration.models import SUMMARY_LAYERS, Dependency, Provider
from vendordd.concentration.whatif import vendor_what_if
from vendordd.questionnaires.loading import load_definition
from vendordd.resources import resource_dir
from vendordd.vendors.models import Vendor

PAGE_TARGET_MS, REFERENCE_FACTOR, LAYER_TARGET_MS = 150, 8, 20
WHATIF_TARGET_MS = 50
PROVIDER_COUNTS = {"model_developer": 40, "hosting_platform": 15, "cloud": 10}
PAGES = {
    "page": "/concentration/",
    "page_entity_tier_filter": "/concentration/?entity=2&tier=1",
    "page_spend_by_parent_country": "/concentration/?basis=spend&parent=1&cross=processing_country",
}
SUBSTITUTABILITY = [None, "not_substitutable", "easily_substitutable"]
REFERENCE = "SELECT layer, provider_id, count(*) FROM dependency GROUP BY layer, provider_id"


def add_dependencies(engine: Engine, services: int, rows: int, rng: random.Random) -> int:
    """Insert the provider registry and about `rows` dependency rows; returns the rows."""
    providers, next_id = [], 1
    parents = list(range(1, 5))
    for n in parents:
        providers.append(_provider(n, f"group-{n}", "parent_company", None))
    next_id = len(parents) + 1
    by_layer: dict[str, list[int]] = {}
    for layer, count in PROVIDER_COUNTS.items():
        by_layer[layer] = []
        for n in range(count):
            parent = parents[n % len(parents)] if n % 3 == 0 else None
            providers.append(_provider(next_id, f"{layer}-{n}", layer, parent))
            by_layer[layer].append(next_id)
            next_id += 1
    weights = {
        layer: [1 / (rank + 1) for rank in range(len(ids))] for layer, ids in by_layer.items()
    }
    country_weights = [1 / (rank + 1) for rank in range(len(COUNTRIES))]
    owners = _vendor_of_services(engine)
    batch = []
    for service_id in rng.sample(range(1, services + 1), min(services, rows // 3 + 1)):
        chain = [("model_developer", 2 if rng.random() < 0.1 else 1), ("cloud", 1)]
        chain += [("processing_country", 1)]
        if rng.random() < 0.3:
            chain += [("hosting_platform", 1), ("storage_country", 1)]
        for layer, count in chain:
            for _ in range(count):
                row = _dependency(service_id, owners[service_id], layer)
                if layer in by_layer:
                    row["provider_id"] = rng.choices(by_layer[layer], weights[layer])[0]
                    row["substitutability"] = rng.choice(
                        [None, "not_substitutable", "easily_substitutable"]
                    )
                    row["is_failover_tested"] = rng.choice([None, True, False])
                else:
                    row["country"] = rng.choices(COUNTRIES, country_weights)[0]
                batch.append(row)
        if len(batch) >= rows:
            break
    with engine.begin() as conn:
        conn.execute(insert(Provider), providers)
        conn.execute(insert(Dependency), batch)
        rebuild_exposures(conn)  # a bulk load on a bare connection refreshes the table itself
    return len(batch)


def _provider(pid: int, key: str, kind: str, parent: int | None) -> dict:
    return {
        "id": pid, "key": key, "name": key.replace("_", " ").title(), "kind": kind,
        "parent_id": parent, "hq_country": "US", "lei": None, "is_designated_critical": False,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def _dependency(service_id: int, vendor_id: int, layer: str) -> dict:
    return {
        "vendor_id": vendor_id, "service_id": service_id, "layer": layer, "provider_id": None,
        "provider_name": None, "is_unregistered": False, "country": None, "source": "manual",
        "reason": "bench", "removal_reason": "", "created_at": NOW, "updated_at": NOW,
        "substitutability": None, "is_failover_tested": None,
    }  # fmt: skip


def _vendor_of_services(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, vendor_id FROM service")).all())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--dependencies", type=int, default=27_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    engine, url, workdir = empty_database(args.database_url)
    start = time.perf_counter()
    sizes = build_book(engine, args.vendors)
    definition = load_definition(resource_dir("questionnaires") / f"{STANDARD}.yaml")
    sizes["assessments"], sizes["answers"] = build_assessments(engine, definition)
    score_book(engine, workers=os.cpu_count() or 1)
    sizes["dependencies"] = add_dependencies(
        engine, sizes["services"], args.dependencies, random.Random(args.seed)
    )
    settle(engine)
    print(f"database: {engine.dialect.name}")
    print(
        f"book: {', '.join(f'{n:,} {k}' for k, n in sizes.items())} "
        f"(built in {time.perf_counter() - start:.1f} s)"
    )
    app = create_app({"database_url": url, "instance_path": workdir, "csrf_enabled": False})
    client = app.test_client()
    client.post("/login", data={"email": "risk@bench.test", "password": BENCH_PASSWORD})
    with engine.connect() as conn:

        def reference():
            return conn.execute(text(REFERENCE)).all()

        print(f"reference_group_by: {median_ms(reference, args.runs):.2f} ms (the yardstick)")
        for name, path in PAGES.items():
            status = client.get(path).status_code
            assert status == 200, f"{path} answered {status}"
            value, alongside = paired_medians_ms(partial(client.get, path), reference, args.runs)
            bar = min(PAGE_TARGET_MS, REFERENCE_FACTOR * alongside)
            print(
                f"{name}: {value:.1f} ms (target: < {PAGE_TARGET_MS} ms and <= "
                f"{REFERENCE_FACTOR}x the reference, {alongside:.2f} ms in turns with it ="
                f" {REFERENCE_FACTOR * alongside:.1f} ms; {value / alongside:.1f}x;"
                f" {'met' if value < bar else 'MISSED'})"
            )
    with Session(engine) as session:
        for layer in SUMMARY_LAYERS:
            call = partial(layer_concentrations, session, layers=(layer,), filters=Filters())
            value = median_ms(call, args.runs)
            verdict = "met" if value < LAYER_TARGET_MS else "MISSED"
            print(f"hhi_{layer}: {value:.2f} ms (target: < {LAYER_TARGET_MS} ms; {verdict})")
        call = partial(layer_concentrations, session, layers=SUMMARY_LAYERS, filters=Filters())
        value = median_ms(call, args.runs)
        print(f"hhi_all_layers_one_statement: {value:.2f} ms (as the page runs it)")
        # The what-if of the vendor with the most dependency rows, as its page computes it.
        most = select(Dependency.vendor_id).group_by(Dependency.vendor_id)
        most = most.order_by(func.count().desc(), Dependency.vendor_id)
        vendor = session.get(Vendor, session.exec(most).first())
        value = median_ms(partial(vendor_what_if, session, vendor=vendor), args.runs)
        verdict = "met" if value < WHATIF_TARGET_MS else "MISSED"
        print(f"whatif: {value:.2f} ms (target: < {WHATIF_TARGET_MS} ms; {verdict})")
    engine.dispose()


if __name__ == "__main__":
    main()
