"""Single points of failure among the services, a pure predicate (reference §4.2, §4.4).

A T1 or T2 service is a single point of failure when it has exactly one model path (one model
developer it can run on) and either its substitutability (DORA RoI B_07.01.0050) is "not
substitutable" or "highly complex", or its failover has not been tested. An unanswered failover
question counts as not tested; unanswered substitutability alone flags nothing. A service with
no model path recorded, or with two or more, is not one; T3 and T4 services are out of the test.
"""

from __future__ import annotations

from typing import NamedTuple

# DORA RoI B_07.01.0050, from hardest to easiest to substitute, with the words shown to users.
SUBSTITUTABILITY = {
    "not_substitutable": "not substitutable",
    "highly_complex": "highly complex to substitute",
    "medium_complexity": "substitutable with medium complexity",
    "easily_substitutable": "easily substitutable",
}
HARD_TO_SUBSTITUTE = frozenset({"not_substitutable", "highly_complex"})


class Resilience(NamedTuple):
    """What the single-point-of-failure test reads about one service."""

    service_id: int
    tier: int
    model_paths: int  # distinct model developers the service can run on
    substitutability: str | None  # a key of SUBSTITUTABILITY; None when not answered
    is_failover_tested: bool | None  # None when not answered


def single_point_of_failure(service: Resilience) -> tuple[str, ...]:
    """Why a service is a single point of failure; empty when it is not one."""
    if service.tier > 2 or service.model_paths != 1:
        return ()
    reasons = []
    if service.substitutability in HARD_TO_SUBSTITUTE:
        reasons.append(f"one model path, {SUBSTITUTABILITY[service.substitutability]}")
    if not service.is_failover_tested:
        reasons.append("one model path, failover not tested")
    return tuple(reasons)


def is_single_point_of_failure(service: Resilience) -> bool:
    """A T1/T2 service on one model path, hard to substitute or without tested failover."""
    return bool(single_point_of_failure(service))
