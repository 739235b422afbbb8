"""Build a synthetic book of vendors with bulk inserts (shared by the benchmarks)."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from vendordd.auth.models import User
from vendordd.auth.passwords import hash_password
from vendordd.vendors.demo import ENTITIES, FUNCTIONS, PROFILES
from vendordd.vendors.models import (
    BusinessFunction,
    Entity,
    Service,
    ServiceEntity,
    ServiceFunction,
    Vendor,
)
from vendordd.vendors.services import legal_name_key
from vendordd.vendors.tiering import tier_intake, vendor_tier

NOW = datetime(2026, 11, 1, tzinfo=UTC)
COUNTRIES = ["HK", "SG", "US", "GB", "DE", "IE", "FR", "NL", "JP", "IN", "CH", "AU"]
STATUSES = ["prospect", "onboarding", "active", "active", "active", "offboarded"]
BENCH_PASSWORD = "bench-password-2026"


def build_book(engine: Engine, vendors: int, seed: int = 7) -> dict[str, int]:
    """Insert users, entities, functions, `vendors` vendors and ~2.7 services each."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        pw = hash_password(BENCH_PASSWORD)
        conn.execute(
            insert(User),
            [
                {
                    "email": f"{role}@bench.test",
                    "name": role.title(),
                    "role": role,
                    "password_hash": pw,
                    "is_active": True,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "password_changed_at": NOW,
                }
                for role in ("admin", "procurement", "risk", "auditor")
            ],
        )
        conn.execute(
            insert(Entity),
            [
                {"id": i + 1, "name": n, "regimes": r, "is_active": True}
                for i, (n, r) in enumerate(ENTITIES.items())
            ],
        )
        conn.execute(
            insert(BusinessFunction),
            [{"id": i + 1, "name": n, "is_active": True} for i, n in enumerate(FUNCTIONS)],
        )
        profiles = list(PROFILES.values())
        tiered = [tier_intake(p) for p in profiles]
        vendor_rows, service_rows, entity_links, function_links = [], [], [], []
        service_id = 0
        for v in range(1, vendors + 1):
            legal = f"Synthetic Vendor {v:05d} Ltd"
            tiers = []
            for s in range(rng.choice([1, 2, 3, 3, 4])):
                service_id += 1
                k = rng.randrange(len(profiles))
                tiers.append(tiered[k].tier)
                service_rows.append(
                    {
                        "id": service_id,
                        "vendor_id": v,
                        "name": f"Service {s + 1}",
                        "description": "",
                        "annual_spend": rng.randrange(10, 900) * 1000,
                        **asdict(profiles[k]),
                        "inherent_risk": tiered[k].inherent_risk,
                        "tier": tiered[k].tier,
                        "tier_reason": tiered[k].reason,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
                for e in rng.sample(range(1, len(ENTITIES) + 1), rng.randint(1, 3)):
                    entity_links.append({"service_id": service_id, "entity_id": e})
                for f in rng.sample(range(1, len(FUNCTIONS) + 1), rng.randint(1, 2)):
                    function_links.append({"service_id": service_id, "function_id": f})
            vendor_rows.append(
                {
                    "id": v,
                    "legal_name": legal,
                    "legal_name_key": legal_name_key(legal),
                    "display_name": f"Synthetic {v:05d}",
                    "lei": None,
                    "hq_country": rng.choice(COUNTRIES),
                    "website": "",
                    "trust_centre_url": "",
                    "subprocessor_list_url": "",
                    "status": rng.choice(STATUSES),
                    "owner_id": rng.choice([2, 3]),
                    "notes": "",
                    "tier": vendor_tier(tiers),
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        conn.execute(insert(Vendor), vendor_rows)
        conn.execute(insert(Service), service_rows)
        conn.execute(insert(ServiceEntity), entity_links)
        conn.execute(insert(ServiceFunction), function_links)
        if engine.dialect.name == "postgresql":
            # Explicit ids do not advance PostgreSQL sequences; later inserts must not collide.
            for table in ("user", "entity", "business_function", "vendor", "service"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table}"))'
                    )
                )
    return {
        "vendors": len(vendor_rows),
        "services": len(service_rows),
        "entity links": len(entity_links),
        "function links": len(function_links),
    }
