"""Deriving a vendor's fourth-party dependencies from a submitted assessment's answers.

The questionnaire is answered once per vendor, so its facts are vendor-level. The rule: every
fact applies to every service of the vendor (a vendor's GenAI services share its chain unless
someone says otherwise). Where a service does not use part of the chain, risk removes that row
by hand with a reason; the removal survives re-derivation.

From `extract_facts` of the stored score and answers, by layer:
- model developer: each developer of each listed model (CN-01b) with its family and version,
  then each developer named (CN-01a) that no listed model covers, without a family;
- hosting platform: the platforms listed (CN-03a) and each model's hosting (CN-01b); a hosting
  entry the registry knows as a cloud goes to the cloud layer instead;
- cloud (CN-03b), other critical services (CN-06), processing countries (DR-02) and storage
  countries (DR-01a, LG-04).
A fact named by several questions keeps the first one in that order. Providers are matched to
the registry by key or name, ignoring case; names it does not know are kept and flagged.

Re-derivation replaces the vendor's derived rows: a fact still reported updates its row (the
new assessment and question, the model version) and keeps what risk set by hand
(substitutability, alternative, exit plan, failover) and any hand removal; a fact no longer
reported is deleted, unless a person removed it (the removal is kept as a record). Manual rows
are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from vendordd.assessments.models import Assessment
from vendordd.assessments.readers import answer_readers, checked_answers
from vendordd.assessments.services import stored_answers
from vendordd.audit.services import Actor, record_event
from vendordd.concentration.models import (
    DERIVED,
    LAYERS,
    Dependency,
    DependencyDerivation,
    Provider,
)
from vendordd.concentration.services import provider_lookup
from vendordd.questionnaires.facts import Fact, Facts, extract_facts
from vendordd.questionnaires.services import definition_for
from vendordd.scoring.result import ScoreResult
from vendordd.vendors.models import Service

DERIVED_ACTION = "dependencies.derived"
# Where derivation may start from: answers the vendor has submitted.
DERIVABLE = ("submitted", "clarification", "decided")


@dataclass(frozen=True)
class DerivedFact:
    """One vendor-level dependency read from the answers."""

    layer: str
    question: str
    provider_id: int | None = None
    provider_name: str | None = None  # unregistered names only
    country: str | None = None
    family: str | None = None
    version: str | None = None
    label: str = ""

    @property
    def identity(self) -> tuple:
        return identity(self.layer, self.provider_id, self.provider_name, self.country, self.family)


def identity(layer, provider_id, provider_name, country, family) -> tuple:
    """What makes two dependencies of one service the same (the model version is an attribute)."""
    return (layer, provider_id, (provider_name or "").lower(), country, (family or "").lower())


def row_identity(row: Dependency) -> tuple:
    return identity(row.layer, row.provider_id, row.provider_name, row.country, row.model_family)


@dataclass
class DerivationChange:
    """What a derivation changed, by layer: labels added, removed and changed."""

    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}

    @classmethod
    def from_json(cls, data: dict) -> DerivationChange:
        return cls(**{name: dict(data.get(name) or {}) for name in ("added", "removed", "changed")})


class Registry:
    """The provider registry, resolving answer values (keys or typed names) to providers."""

    def __init__(self, session: Session) -> None:
        self.lookup = provider_lookup(session)
        self.by_key = {p.key: p for p in session.exec(select(Provider)).all()}

    def resolve(self, value: str) -> Provider | None:
        key = self.lookup.get(str(value).strip().lower())
        return self.by_key.get(key) if key else None


def facts_of(session: Session, assessment: Assessment) -> Facts:
    """The facts in an assessment's stored score and answers (none before it is scored)."""
    if assessment.score is None:
        return Facts()
    definition = definition_for(session, assessment.questionnaire_version_id)
    stored = stored_answers(session, assessment_id=assessment.id)
    answers, _unreadable = checked_answers(definition, answer_readers(definition), stored)
    return extract_facts(definition, answers, ScoreResult.from_json(assessment.score))


def derived_facts(facts: Facts, registry: Registry) -> list[DerivedFact]:
    """The vendor-level dependencies the facts name, per the rule in the module docstring."""
    found: dict[tuple, DerivedFact] = {}

    def add(fact: DerivedFact) -> None:
        found.setdefault(fact.identity, fact)

    def provider(layer: str, value: str, question: str, **model) -> DerivedFact:
        known = registry.resolve(value)
        if known is not None and layer == "hosting_platform" and known.kind == "cloud":
            layer = "cloud"
        name = known.name if known else str(value).strip()
        label = " ".join(filter(None, [name, model.get("family"), model.get("version")]))
        if known is None:
            return DerivedFact(layer, question, provider_name=name, label=label, **model)
        return DerivedFact(layer, question, provider_id=known.id, label=label, **model)

    for row in facts.models:
        for developer in row.developer:
            add(provider("model_developer", developer, row.question, family=row.family,
                         version=row.version))  # fmt: skip
    covered = {f.provider_id or f.provider_name for f in found.values()}
    for fact in facts.model_developers:
        candidate = provider("model_developer", fact.value, fact.question)
        if (candidate.provider_id or candidate.provider_name) not in covered:
            add(candidate)
    hosting = list(facts.hosting_platforms) + [
        Fact(value, row.question) for row in facts.models for value in row.hosting
    ]
    for layer, values in (
        ("hosting_platform", hosting),
        ("cloud", facts.clouds),
        ("other", facts.other_dependencies),
    ):
        for fact in values:
            add(provider(layer, fact.value, fact.question))
    for layer, values in (
        ("processing_country", facts.processing_countries),
        ("storage_country", facts.storage_countries),
    ):
        for fact in values:
            add(DerivedFact(layer, fact.question, country=fact.value, label=fact.value))
    return list(found.values())


def derive_dependencies(
    session: Session, *, assessment: Assessment, now: datetime, actor: Actor
) -> DerivationChange:
    """Rewrite the vendor's derived dependencies from the assessment; report what changed."""
    registry = Registry(session)
    facts = derived_facts(facts_of(session, assessment), registry)
    services = session.exec(select(Service.id).where(Service.vendor_id == assessment.vendor_id))
    service_ids = list(services.all())
    existing = session.exec(
        select(Dependency).where(
            Dependency.vendor_id == assessment.vendor_id, Dependency.source == DERIVED
        )
    ).all()
    change = _change(existing, facts, registry)
    previous = session.exec(
        select(DependencyDerivation.assessment_id)
        .where(DependencyDerivation.vendor_id == assessment.vendor_id)
        .order_by(DependencyDerivation.id.desc())
    ).first()
    by_key = {(row.service_id, row_identity(row)): row for row in existing}
    wanted = set()
    for service_id in service_ids:
        for fact in facts:
            wanted.add((service_id, fact.identity))
            row = by_key.get((service_id, fact.identity))
            if row is None:
                row = Dependency(
                    vendor_id=assessment.vendor_id,
                    service_id=service_id,
                    layer=fact.layer,
                    provider_id=fact.provider_id,
                    provider_name=fact.provider_name,
                    is_unregistered=fact.provider_name is not None,
                    country=fact.country,
                    model_family=fact.family,
                    source=DERIVED,
                    created_at=now,
                )
            row.assessment_id, row.question_key = assessment.id, fact.question
            row.model_version, row.updated_at = fact.version, now
            session.add(row)
    for key, row in by_key.items():
        if key not in wanted and row.removed_at is None:
            session.delete(row)
    # Deriving the same assessment again with nothing new keeps the report that says something.
    if previous != assessment.id or not change.is_empty:
        session.add(
            DependencyDerivation(
                vendor_id=assessment.vendor_id,
                assessment_id=assessment.id,
                previous_assessment_id=previous,
                changes=change.to_json(),
                derived_at=now,
            )
        )
    session.flush()
    record_event(
        session,
        actor=actor,
        action=DERIVED_ACTION,
        object_type="assessment",
        object_id=assessment.id,
        object_label=f"Assessment {assessment.id}",
        vendor_id=assessment.vendor_id,
        now=now,
        changes={"services": len(service_ids), "dependencies": len(facts)} | change.to_json(),
    )
    return change


def _change(
    existing: Iterable[Dependency], facts: list[DerivedFact], registry: Registry
) -> DerivationChange:
    """Vendor-level difference between the earlier derived rows and the new facts."""
    names = {p.id: p.name for p in registry.by_key.values()}
    before: dict[tuple, tuple[str, str | None]] = {}
    for row in existing:
        name = names.get(row.provider_id) or row.provider_name or row.country or ""
        label = " ".join(filter(None, [name, row.model_family]))
        before.setdefault(row_identity(row), (label, row.model_version))
    after = {fact.identity: fact for fact in facts}
    change = DerivationChange()
    for key, fact in after.items():
        if key not in before:
            change.added.setdefault(fact.layer, []).append(fact.label)
        elif before[key][1] != fact.version:
            was = before[key][1] or "no version"
            now_is = fact.version or "no version"
            change.changed.setdefault(fact.layer, []).append(f"{before[key][0]}: {was} → {now_is}")
    for key, (label, _version) in before.items():
        if key not in after:
            change.removed.setdefault(key[0], []).append(label)
    for part in (change.added, change.removed, change.changed):
        for layer in list(part):
            part[layer] = sorted(part[layer], key=str.lower)
    ordered = list(LAYERS)
    change.added, change.removed, change.changed = (
        dict(sorted(part.items(), key=lambda item: ordered.index(item[0])))
        for part in (change.added, change.removed, change.changed)
    )
    return change


def latest_derivable(session: Session) -> list[Assessment]:
    """Each vendor's latest submitted, in-clarification or decided scored assessment."""
    rows = session.exec(
        select(Assessment)
        .where(Assessment.status.in_(DERIVABLE), Assessment.scored_at.is_not(None))
        .order_by(Assessment.vendor_id, Assessment.submitted_at.desc(), Assessment.id.desc())
    ).all()
    latest: dict[int, Assessment] = {}
    for assessment in rows:
        latest.setdefault(assessment.vendor_id, assessment)
    return list(latest.values())
