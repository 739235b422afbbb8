"""Managing the provider registry: add, edit, parents, merging duplicates, all audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.concentration.helpers import publish_standard, submitted_from_file, vendor_with_services
from tests.conftest import NOW, SYSTEM
from tests.vendors.test_services import events
from vendordd.concentration.dependencies import Resilience, add_dependency
from vendordd.concentration.derivation import derive_dependencies
from vendordd.concentration.models import Dependency, Provider
from vendordd.concentration.providers import (
    ProviderData,
    ProviderError,
    merge_provider,
    save_provider,
)
from vendordd.concentration.services import provider_lookup, provider_names
from vendordd.vendors.models import Service
from vendordd.vendors.validation import lei_check_digits

LEI = "5493001KJTIIGC8Y1R" + lei_check_digits("5493001KJTIIGC8Y1R")


def add(db, name: str, kind: str = "cloud", **fields) -> Provider:
    data = ProviderData(name=name, kind=kind, hq_country=fields.pop("hq_country", "US"), **fields)
    provider = save_provider(db, data=data, now=NOW, actor=SYSTEM)
    db.commit()
    return provider


def edit(db, provider: Provider, **changes) -> Provider:
    fields = {
        "name": provider.name,
        "kind": provider.kind,
        "hq_country": provider.hq_country,
        "parent_id": provider.parent_id,
        "lei": provider.lei,
        "is_designated_critical": provider.is_designated_critical,
    }
    saved = save_provider(
        db, provider=provider, data=ProviderData(**(fields | changes)), now=NOW, actor=SYSTEM
    )
    db.commit()
    return saved


def depend(db, service, provider: Provider, layer: str = "cloud") -> Dependency:
    row = add_dependency(
        db,
        service=service,
        layer=layer,
        provider=provider.name,
        country=None,
        family=None,
        version=None,
        resilience=Resilience(),
        reason="Seen in the contract",
        now=NOW,
        actor=SYSTEM,
    )
    db.commit()
    return row


def test_a_new_provider_gets_a_key_from_its_name_and_an_audit_event(db):
    first = add(db, "Nimbus Cloud Ltd.", lei=LEI, is_designated_critical=True)
    second = add(db, "Nimbus  Cloud-Ltd", hq_country="SG")

    assert (first.key, second.key) == ("nimbus-cloud-ltd", "nimbus-cloud-ltd-2")
    assert second.name == "Nimbus Cloud-Ltd"
    [created, _] = events(db, "provider.created")
    assert created.changes["key"] == [None, "nimbus-cloud-ltd"]
    assert created.changes["lei"] == [None, LEI]
    assert created.changes["is_designated_critical"] == [None, True]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "nimbus cloud"}, "name", "already exists"),
        ({"lei": "5493001KJTIIGC8Y1R00"}, "lei", "check digits"),
        ({"lei": "TOO-SHORT"}, "lei", "20 characters"),
        ({"hq_country": "XX"}, "hq_country", "not an ISO 3166-1"),
        ({"kind": "bank"}, "kind", "not a provider kind"),
    ],
)
def test_refused_entries_name_the_field(db, fields, field, message):
    add(db, "Nimbus Cloud")
    data = {"name": "Other", "kind": "cloud", "hq_country": "US"} | fields

    with pytest.raises(ProviderError, match=message) as refused:
        save_provider(db, data=ProviderData(**data), now=NOW, actor=SYSTEM)

    assert refused.value.field == field


def test_an_lei_identifies_one_provider_only(db):
    add(db, "Nimbus Cloud", lei=LEI)

    with pytest.raises(ProviderError, match="already identifies Nimbus Cloud"):
        add(db, "Stratus", lei=LEI)


def test_parents_refuse_self_and_cycles(db):
    group = add(db, "Sky Group", kind="parent_company")
    cloud = add(db, "Sky Cloud", parent_id=group.id)
    hosting = add(db, "Sky Models", kind="hosting_platform", parent_id=cloud.id)

    with pytest.raises(ProviderError, match="cannot be its own parent"):
        edit(db, group, parent_id=group.id)
    with pytest.raises(ProviderError, match=r"Sky Models sits under Sky Group: .* loop"):
        edit(db, group, parent_id=hosting.id)
    db.rollback()
    assert db.get(Provider, group.id).parent_id is None


def test_an_edit_is_audited_with_before_and_after(db):
    group = add(db, "Sky Group", kind="parent_company")
    cloud = add(db, "Sky Cloud")

    edit(db, cloud, name="Sky Cloud Services", parent_id=group.id, lei=LEI)
    edit(db, cloud)  # nothing changed: no event

    [event] = events(db, "provider.updated")
    assert event.changes == {
        "lei": [None, LEI],
        "name": ["Sky Cloud", "Sky Cloud Services"],
        "parent": [None, "Sky Group"],
    }
    assert cloud.key == "sky-cloud"


@pytest.fixture
def acme(db):
    return vendor_with_services(db, services=("Advisor", "Search"))


def test_merging_repoints_dependencies_children_and_earlier_merges(db, acme):
    advisor, search = db.exec(select(Service).where(Service.vendor_id == acme.id)).all()
    keep, duplicate = add(db, "Sky Cloud"), add(db, "SkyCloud Inc")
    older = add(db, "Sky Cloud (old)")
    merge_provider(db, duplicate=older, survivor=duplicate, now=NOW, actor=SYSTEM)
    child = add(db, "Sky Vector", kind="other", parent_id=duplicate.id)
    rows = [depend(db, advisor, duplicate), depend(db, search, duplicate)]
    untouched = depend(db, advisor, add(db, "Other Cloud"))

    result = merge_provider(db, duplicate=duplicate, survivor=keep, now=NOW, actor=SYSTEM)
    db.commit()

    assert (result.dependencies, result.children, result.merged) == (2, 1, 1)
    assert {db.get(Dependency, r.id).provider_id for r in rows} == {keep.id}
    assert db.get(Dependency, untouched.id).provider_id != keep.id
    assert db.get(Provider, child.id).parent_id == keep.id
    assert db.get(Provider, duplicate.id).merged_into_id == keep.id
    assert db.get(Provider, older.id).merged_into_id == keep.id
    event = events(db, "provider.merged")[-1]
    assert event.object_id == str(duplicate.id)
    assert event.changes["merged_into"] == [None, "Sky Cloud"]
    assert event.changes["dependencies_repointed"] == [None, 2]
    assert event.changes["children_repointed"] == [None, 1]


def test_merging_refuses_itself_merged_providers_and_its_own_descendants(db):
    keep, duplicate, gone = add(db, "Sky Cloud"), add(db, "SkyCloud"), add(db, "Sky Old")
    merge_provider(db, duplicate=gone, survivor=keep, now=NOW, actor=SYSTEM)
    below = add(db, "Sky Vector", kind="other", parent_id=duplicate.id)

    with pytest.raises(ProviderError, match="into itself"):
        merge_provider(db, duplicate=keep, survivor=keep, now=NOW, actor=SYSTEM)
    with pytest.raises(ProviderError, match="has itself been merged"):
        merge_provider(db, duplicate=duplicate, survivor=gone, now=NOW, actor=SYSTEM)
    with pytest.raises(ProviderError, match="already been merged"):
        merge_provider(db, duplicate=gone, survivor=duplicate, now=NOW, actor=SYSTEM)
    with pytest.raises(ProviderError, match="sits under SkyCloud"):
        merge_provider(db, duplicate=duplicate, survivor=below, now=NOW, actor=SYSTEM)
    assert len(events(db, "provider.merged")) == 1


def test_a_merged_name_resolves_to_the_survivor_and_leaves_the_pickers(db):
    keep, duplicate = add(db, "Sky Cloud"), add(db, "SkyCloud Inc")
    merge_provider(db, duplicate=duplicate, survivor=keep, now=NOW, actor=SYSTEM)

    lookup = provider_lookup(db)

    assert lookup["skycloud inc"] == lookup["skycloud-inc"] == keep.key
    assert "SkyCloud Inc" not in provider_names(db)
    with pytest.raises(ProviderError, match="merged into another provider"):
        add(db, "SKYCLOUD INC")


def test_deriving_old_answers_again_lands_on_the_survivor(db, acme):
    publish_standard(db)
    first = submitted_from_file(db, acme, "strong")
    derive_dependencies(db, assessment=first, now=NOW, actor=SYSTEM)
    db.commit()
    duplicate = db.exec(
        select(Provider)
        .join(Dependency, Dependency.provider_id == Provider.id)
        .where(Dependency.layer == "model_developer")
    ).first()
    keep = add(db, f"{duplicate.name} Holdings", kind=duplicate.kind)
    merge_provider(db, duplicate=duplicate, survivor=keep, now=NOW, actor=SYSTEM)
    db.commit()

    second = submitted_from_file(db, acme, "strong", days=30)
    derive_dependencies(db, assessment=second, now=NOW, actor=SYSTEM)
    db.commit()

    pointing = db.exec(select(Dependency.provider_id).where(Dependency.removed_at.is_(None)))
    providers = set(pointing.all())
    assert keep.id in providers
    assert duplicate.id not in providers
