"""The vendor's chain as its page draws it: layer by layer, each dependency with its source."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from vendordd.auth.models import User
from vendordd.concentration.derivation import DerivationChange, row_identity
from vendordd.concentration.models import (
    DERIVED,
    LAYERS,
    SUBSTITUTABILITY,
    Dependency,
    DependencyDerivation,
    Provider,
)
from vendordd.vendors.models import Service
from vendordd.vendors.validation import countries


@dataclass
class Link:
    """One dependency row: the service it belongs to and where it came from."""

    dependency: Dependency
    service: str
    source: str
    resilience: list[str]


@dataclass
class Node:
    """One provider (or country) in a layer, with the services resting on it."""

    label: str
    detail: str
    is_unregistered: bool
    links: list[Link] = field(default_factory=list)


@dataclass
class Layer:
    key: str
    title: str
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Chain:
    layers: list[Layer]
    removed: list[Link]
    latest: DependencyDerivation | None
    change: DerivationChange | None
    titles: dict[str, str] = field(default_factory=lambda: dict(LAYERS))

    @property
    def is_empty(self) -> bool:
        return not any(layer.nodes for layer in self.layers)


def vendor_chain(session: Session, *, vendor_id: int) -> Chain:
    """The vendor's live dependencies by layer, its removed ones, and the latest change report."""
    rows = session.exec(
        select(Dependency, Service.name)
        .join(Service, Service.id == Dependency.service_id)
        .where(Dependency.vendor_id == vendor_id)
        .order_by(Service.name, Dependency.id)
    ).all()
    provider_ids = {row.provider_id for row, _name in rows if row.provider_id}
    providers = {
        p.id: p for p in session.exec(select(Provider).where(Provider.id.in_(provider_ids))).all()
    }
    user_ids = {i for row, _ in rows for i in (row.added_by_id, row.removed_by_id) if i}
    users = dict(session.exec(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    layers = {key: Layer(key, title) for key, title in LAYERS.items()}
    nodes: dict[tuple, Node] = {}
    removed = []
    for row, service in rows:
        link = Link(row, service, _source(row, users), _resilience(row))
        if row.removed_at is not None:
            removed.append(link)
            continue
        key = row_identity(row)
        if key not in nodes:
            nodes[key] = Node(*_label(row, providers), is_unregistered=row.is_unregistered)
            layers[row.layer].nodes.append(nodes[key])
        nodes[key].links.append(link)
    for layer in layers.values():
        layer.nodes.sort(key=lambda node: node.label.lower())
    latest = session.exec(
        select(DependencyDerivation)
        .where(DependencyDerivation.vendor_id == vendor_id)
        .order_by(DependencyDerivation.id.desc())
    ).first()
    change = DerivationChange.from_json(latest.changes) if latest else None
    return Chain(list(layers.values()), removed, latest, change)


def _label(row: Dependency, providers: dict[int, Provider]) -> tuple[str, str]:
    if row.country:
        return countries().get(row.country, row.country), row.country
    provider = providers.get(row.provider_id)
    name = provider.name if provider else row.provider_name or "?"
    model = " ".join(filter(None, [row.model_family, row.model_version]))
    detail = "not in the provider registry" if provider is None else model
    return name, (f"{model}; {detail}" if provider is None and model else detail)


def describe_source(session: Session, row: Dependency) -> str:
    """Where one dependency came from, as the page says it."""
    user_ids = [i for i in (row.added_by_id, row.removed_by_id) if i]
    users = dict(session.exec(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    return _source(row, users)


def _source(row: Dependency, users: dict[int, str]) -> str:
    if row.source == DERIVED:
        text = f"from {row.question_key} in assessment {row.assessment_id}"
    else:
        text = f"added by {users.get(row.added_by_id, 'the system')}: {row.reason}"
    if row.removed_at is not None:
        who = users.get(row.removed_by_id, "the system")
        text += f"; removed by {who}: {row.removal_reason}"
    return text


def _resilience(row: Dependency) -> list[str]:
    found = []
    if row.substitutability:
        found.append(SUBSTITUTABILITY.get(row.substitutability, row.substitutability))
    for value, yes, no in (
        (row.has_alternative, "alternative identified", "no alternative identified"),
        (row.has_exit_plan, "exit plan", "no exit plan"),
        (row.is_failover_tested, "failover tested", "failover not tested"),
    ):
        if value is not None:
            found.append(yes if value else no)
    if row.failover_tested_on:
        found.append(f"last tested {row.failover_tested_on.isoformat()}")
    return found
