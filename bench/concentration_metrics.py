"""Concentration metrics in memory: the pure HHI over 27,000 exposure rows per layer.

.venv/bin/python -m bench.concentration_metrics [--rows 27000] [--runs 9] [--seed 5]

Each layer gets --rows rows (about the dependencies of a 10,000-vendor book), spread over its
providers by a long-tailed (Zipf-like) draw, as real books are: a few providers carry most
services. Services have a random tier, reliance and spend (a tenth unknown). Only the pure
functions are timed; the SQL aggregation the concentration page uses is measured by
bench/concentration.py.
"""

from __future__ import annotations

import argparse
import random
from functools import partial

from bench.common import median_ms
from vendordd.concentration.metrics import (
    BASES,
    CLOUD,
    COUNTRY,
    HOSTING_PLATFORM,
    LAYERS,
    MODEL_DEVELOPER,
    RELIANCE_WEIGHTS,
    WEIGHTED,
    Exposure,
    concentration,
    onboarding_change,
    what_if,
)

LAYER_TARGET_MS, WHAT_IF_TARGET_MS = 20, 50
PROVIDER_COUNTS = {MODEL_DEVELOPER: 40, HOSTING_PLATFORM: 15, CLOUD: 10, COUNTRY: 30}
PARENT_EVERY = 3  # every third provider belongs to a parent group


def build_rows(rows_per_layer: int, rng: random.Random) -> dict[str, list[Exposure]]:
    """Per layer, rows_per_layer exposure rows over long-tailed providers."""
    services = max(1, rows_per_layer * 10 // 27)  # 27,000 rows ~ 10,000 services
    profile = [
        (
            rng.randint(1, 4),
            rng.choice(sorted(RELIANCE_WEIGHTS)),
            None if rng.random() < 0.1 else round(rng.uniform(1e4, 5e6), 2),
            frozenset({rng.randint(1, 5)}),
        )
        for _ in range(services)
    ]
    book = {}
    for layer, count in PROVIDER_COUNTS.items():
        names = [f"{layer}-{n}" for n in range(count)]
        weights = [1 / (rank + 1) for rank in range(count)]
        chosen = rng.choices(range(count), weights, k=rows_per_layer)
        book[layer] = [
            Exposure(
                service_id=n % services,
                layer=layer,
                provider=names[index],
                tier=profile[n % services][0],
                reliance=profile[n % services][1],
                parent=f"{layer}-group-{index % 4}" if index % PARENT_EVERY == 0 else None,
                spend=profile[n % services][2],
                entity_ids=profile[n % services][3],
            )
            for n, index in enumerate(chosen)
        ]
    return book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=27_000, help="exposure rows per layer")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    book = build_rows(args.rows, random.Random(args.seed))
    print(f"book: {args.rows:,} exposure rows per layer, {len(LAYERS)} layers, pure Python only")
    target = f"(target: < {LAYER_TARGET_MS} ms median)"
    for layer, rows in book.items():
        for basis in BASES:
            value = median_ms(partial(concentration, rows, layer, basis), args.runs)
            print(f"hhi_{layer}_{basis}: {value:.2f} ms {target}")
        value = median_ms(partial(concentration, rows, layer, by_parent=True), args.runs)
        print(f"hhi_{layer}_{WEIGHTED}_by_parent: {value:.2f} ms {target}")
    every = [row for rows in book.values() for row in rows]
    added = [Exposure(10**9, layer, f"{layer}-0", 1, "full", spend=1e6) for layer in LAYERS]
    value = median_ms(partial(what_if, every, added), args.runs)
    print(
        f"what_if_from_rows: {value:.2f} ms (target: < {WHAT_IF_TARGET_MS} ms median;"
        f" {len(every):,} rows, every layer)"
    )
    # As the onboarding page will run it: each layer already summarised from SQL totals.
    summarised = [concentration(rows, layer) for layer, rows in book.items()]
    value = median_ms(
        lambda: [onboarding_change(before, added) for before in summarised], args.runs
    )
    print(
        f"what_if_from_summaries: {value:.3f} ms (target: < {WHAT_IF_TARGET_MS} ms median;"
        " every layer, pure part only)"
    )


if __name__ == "__main__":
    main()
