"""Pure tiering: an intake profile -> inherent risk (1-3) and tier (T1-T4), with the reason.

Follows reference §3.3: five FS-ISAC domains scored 1-3, inherent risk is the highest domain
(worst case wins), a critical or important function lifts it, and the tier table maps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vendordd.vendors.intake import label

SENSITIVE_DATA = frozenset({"confidential", "customer_personal", "regulated"})
ADVICE_OR_DECISION = frozenset({"customer_advice", "automated_decision"})

USE_CASE_SCORE = {
    "internal_productivity": 1,
    "internal_decision_support": 2,
    "customer_information": 3,
    "customer_advice": 3,
    "automated_decision": 3,
}
DATA_SCORE = {"public": 1, "internal": 1, "confidential": 2, "customer_personal": 3, "regulated": 3}
INTEGRATION_SCORE = {"standalone": 1, "business_process": 2, "critical_process": 3}
AUTONOMY_SCORE = {"human_in_loop": 1, "human_on_loop": 2, "autonomous": 3}
RELIANCE_SCORE = {"not_significant": 1, "low": 1, "material": 2, "full": 3}
IMPACT_SCORE = {"low": 1, "medium": 2, "high": 3}
BROAD_EXPOSURE_USERS = 10_000
MODERATE_EXPOSURE_USERS = 100
TIGHT_RTO_HOURS = 4
SHORT_RTO_HOURS = 24


@dataclass(frozen=True)
class Intake:
    use_case: str
    data_class: str
    critical_function: str
    reliance: str
    integration: str
    autonomy: str
    users_affected: int
    is_public_facing: bool
    discontinuation_impact: str
    rto_hours: int | None = None


@dataclass(frozen=True)
class DomainScore:
    domain: str
    score: int
    because: str


@dataclass(frozen=True)
class TierResult:
    inherent_risk: int
    tier: int
    reason: str
    domains: tuple[DomainScore, ...]

    @property
    def tier_label(self) -> str:
        return f"T{self.tier}"


def _strongest(*candidates: tuple[int, str]) -> tuple[int, str]:
    """The highest-scoring driver; on a tie the first named wins, so reasons are stable."""
    return max(candidates, key=lambda c: c[0])


def domain_scores(intake: Intake) -> tuple[DomainScore, ...]:
    """Score the five FS-ISAC domains 1-3, each with the answer that drove it."""
    use = USE_CASE_SCORE[intake.use_case]
    integration = _strongest(
        (INTEGRATION_SCORE[intake.integration], label("integration", intake.integration)),
        (AUTONOMY_SCORE[intake.autonomy], label("autonomy", intake.autonomy)),
    )
    rto_score = 1
    if intake.rto_hours is not None:
        rto_score = (
            3
            if intake.rto_hours <= TIGHT_RTO_HOURS
            else 2
            if intake.rto_hours <= SHORT_RTO_HOURS
            else 1
        )
    resiliency = _strongest(
        (RELIANCE_SCORE[intake.reliance], f"reliance {label('reliance', intake.reliance).lower()}"),
        (
            IMPACT_SCORE[intake.discontinuation_impact],
            f"{intake.discontinuation_impact} impact if discontinued",
        ),
        (rto_score, f"RTO {intake.rto_hours} h"),
    )
    if intake.is_public_facing:
        exposure = (3, "public-facing")
    elif intake.users_affected >= BROAD_EXPOSURE_USERS:
        exposure = (3, f"{intake.users_affected:,} users affected")
    elif intake.users_affected >= MODERATE_EXPOSURE_USERS:
        exposure = (2, f"{intake.users_affected:,} users affected")
    else:
        exposure = (1, f"{intake.users_affected:,} users affected")
    return (
        DomainScore("use case", use, label("use_case", intake.use_case)),
        DomainScore("business integration", integration[0], integration[1]),
        DomainScore(
            "confidential data",
            DATA_SCORE[intake.data_class],
            label("data_class", intake.data_class),
        ),
        DomainScore("business resiliency", resiliency[0], resiliency[1]),
        DomainScore("exposure", exposure[0], exposure[1]),
    )


def tier_intake(intake: Intake) -> TierResult:
    """Inherent risk and tier of one service, with the rule that decided the tier."""
    domains = domain_scores(intake)
    top = max(domains, key=lambda d: d.score)
    inherent = top.score
    ir_why = f"inherent risk {inherent} from {top.domain} ({top.because})"
    if intake.critical_function == "yes":
        # Full reliance already scores 3 in the resiliency domain, as §3.3's override asks.
        if inherent < 2:
            inherent, ir_why = 2, "inherent risk raised to 2 by the critical function"
        reliance = label("reliance", intake.reliance).lower()
        reason = (
            f"T1 because it supports a critical or important function "
            f"(reliance: {reliance}); {ir_why}"
        )
        return TierResult(inherent, 1, reason, domains)
    if intake.critical_function == "not_assessed" and inherent < 2:
        inherent, ir_why = 2, "inherent risk raised to 2 because criticality is not yet assessed"
    if intake.use_case in ADVICE_OR_DECISION:
        # These use cases always score 3 in the use-case domain, so they name the rule alone.
        use = label("use_case", intake.use_case).lower()
        return TierResult(
            inherent, 1, f"T1 because it is used for {use} (inherent risk 3)", domains
        )
    if inherent == 3:
        return TierResult(inherent, 2, f"T2 because {ir_why}", domains)
    if inherent == 2 and intake.data_class in SENSITIVE_DATA:
        data = label("data_class", intake.data_class).lower()
        return TierResult(inherent, 2, f"T2 because {ir_why} and it receives {data}", domains)
    if inherent == 2:
        return TierResult(inherent, 3, f"T3 because {ir_why}", domains)
    return TierResult(inherent, 4, f"T4 because {ir_why}", domains)


def vendor_tier(service_tiers: list[int | None]) -> int | None:
    """A vendor takes the highest (most critical) tier of its tiered services."""
    tiers = [t for t in service_tiers if t is not None]
    return min(tiers) if tiers else None
