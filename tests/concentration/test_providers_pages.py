"""The provider registry pages: list, add, edit, merge and a provider's page."""

from __future__ import annotations

from sqlmodel import select

from tests.concentration.helpers import vendor_with_services
from tests.concentration.test_providers import LEI, add, depend
from tests.vendors.test_services import events
from vendordd.concentration.models import Provider
from vendordd.vendors.models import Service


def test_an_empty_registry_says_so(client, login_as):
    login_as("auditor")

    page = client.get("/concentration/providers")

    assert page.status_code == 200
    assert "No providers yet." in page.text
    assert "Add a provider" not in page.text


def test_the_list_counts_dependencies_and_filters(client, login_as, db):
    vendor = vendor_with_services(db, services=("Advisor", "Search"))
    group = add(db, "Sky Group", kind="parent_company")
    cloud = add(db, "Sky Cloud", parent_id=group.id, lei=LEI, is_designated_critical=True)
    add(db, "Deep Models", kind="model_developer", hq_country="FR")
    for service in db.exec(select(Service).where(Service.vendor_id == vendor.id)):
        depend(db, service, cloud)
    login_as("risk")

    page = client.get("/concentration/providers?kind=cloud").text
    searched = client.get("/concentration/providers?q=deep").text

    assert "Sky Cloud" in page and "Deep Models" not in page
    row = page[page.index("Sky Cloud") :]
    row = row[: row.index("</tr>")]
    assert "Sky Group" in row and LEI in row and "Yes" in row and '"num">2<' in row
    assert "Deep Models" in searched and "Sky Cloud" not in searched
    assert "No providers match" in client.get("/concentration/providers?q=zzz").text
    assert 'href="/concentration/providers">Providers</a>' in page


def test_risk_adds_a_provider_and_sees_refusals_next_to_the_field(client, login_as, db):
    add(db, "Sky Cloud")
    login_as("risk")
    form = {"name": "Deep Models", "kind": "model_developer", "hq_country": "fr", "lei": ""}

    added = client.post("/concentration/providers/new", data=form)
    refused = client.post("/concentration/providers/new", data=form | {"name": "sky cloud"})
    bad_lei = client.post(
        "/concentration/providers/new", data=form | {"name": "X", "lei": "1" * 20}
    )

    provider = db.exec(select(Provider).where(Provider.name == "Deep Models")).one()
    assert added.status_code == 302 and (provider.key, provider.hq_country) == ("deep-models", "FR")
    assert refused.status_code == 422 and "already exists" in refused.text
    assert bad_lei.status_code == 422 and "check digits" in bad_lei.text
    assert len(events(db, "provider.created")) == 2


def test_an_edit_closing_a_parent_loop_is_refused(client, login_as, db):
    group = add(db, "Sky Group", kind="parent_company")
    cloud = add(db, "Sky Cloud", parent_id=group.id)
    login_as("admin")
    form = {"name": "Sky Group", "kind": "parent_company", "hq_country": "US"}

    page = client.post(
        f"/concentration/providers/{group.id}/edit", data=form | {"parent_id": cloud.id}
    )

    assert page.status_code == 422
    assert "close a loop" in page.text
    db.refresh(group)
    assert group.parent_id is None


def test_merging_through_the_page_moves_the_map_and_hides_the_duplicate(client, login_as, db):
    vendor = vendor_with_services(db, services=("Advisor",))
    service = db.exec(select(Service).where(Service.vendor_id == vendor.id)).one()
    keep, duplicate = add(db, "Sky Cloud"), add(db, "SkyCloud Inc")
    depend(db, service, duplicate)
    login_as("risk")

    merged = client.post(
        f"/concentration/providers/{duplicate.id}/merge", data={"survivor_id": keep.id}
    )
    again = client.post(
        f"/concentration/providers/{duplicate.id}/merge", data={"survivor_id": keep.id}
    )

    assert merged.status_code == 302
    assert again.status_code == 422 and "already been merged" in again.text
    survivor = client.get(f"/concentration/providers/{keep.id}").text
    assert "Advisor" in survivor and f"/vendors/{vendor.id}#chain" in survivor
    assert "SkyCloud Inc" not in client.get("/concentration/providers").text
    assert "Merged into" in client.get(f"/concentration/providers/{duplicate.id}").text
    assert len(events(db, "provider.merged")) == 1


def test_a_providers_page_shows_details_and_children_to_an_auditor(client, login_as, db):
    group = add(db, "Sky Group", kind="parent_company", lei=LEI)
    add(db, "Sky Cloud", parent_id=group.id)
    login_as("auditor")

    page = client.get(f"/concentration/providers/{group.id}").text

    assert "Sky Cloud" in page and LEI in page and "United States" in page
    assert "No vendor service depends on Sky Group." in page
    assert "Merge into another provider" not in page


def test_the_list_pages_fifty_at_a_time(client, login_as, db):
    for number in range(51):
        add(db, f"Cloud {number:02d}")
    login_as("risk")

    first = client.get("/concentration/providers").text
    second = client.get("/concentration/providers?page=2").text

    assert "Page 1 of 2 · 51 in all" in first and "Cloud 49" in first
    assert "Cloud 50" in second and "Cloud 49" not in second


def test_a_merged_provider_cannot_be_edited(client, login_as, db):
    keep, duplicate = add(db, "Sky Cloud"), add(db, "SkyCloud Inc")
    login_as("risk")
    client.post(f"/concentration/providers/{duplicate.id}/merge", data={"survivor_id": keep.id})

    page = client.get(f"/concentration/providers/{duplicate.id}/edit", follow_redirects=True)

    assert "was merged into another provider: edit that one." in page.text
    assert "Edit</a>" not in page.text
