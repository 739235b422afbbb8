"""Admin user management: create, edit, deactivate, reset password; never delete."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD
from vendordd.audit.models import AuditEvent
from vendordd.auth.models import User
from vendordd.auth.passwords import verify_password

NEW_PASSWORD = "a brand new passphrase"
NEW_USER = {
    "email": "New.Colleague@Bank.Example",
    "name": "  New   Colleague ",
    "role": "procurement",
    "password": "a long enough initial passphrase",
}


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def audit_of(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    assert match, f"no error shown on field {field_id}"
    return html.unescape(match.group(1))


def edit(client, user: User, **changes):
    data = {"name": user.name, "role": user.role, "is_active": "y" if user.is_active else ""}
    data.update(changes)
    return client.post(f"/admin/users/{user.id}", data={k: v for k, v in data.items() if v})


def test_list_shows_every_user_and_deactivated_ones_distinctly(admin, make_user, client):
    make_user("risk", email="gone@bank.example", name="Gone Person", is_active=False)
    make_user("auditor")
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert "2 active, 1 deactivated." in page.text
    row = re.search(r'<tr class="muted">(.*?)</tr>', page.text, re.S).group(1)
    assert "Gone Person" in row and '<span class="badge">Deactivated</span>' in row
    assert 'Admin <span class="muted">(you)</span>' in page.text
    assert page.text.index("Auditor") < page.text.index("Gone Person")  # active users first


def test_create_user(admin, client, db):
    response = client.post("/admin/users", data=NEW_USER)
    assert response.status_code == 302
    page = client.get(response.location)
    assert "User new.colleague@bank.example created as procurement" in page.text
    user = db.exec(select(User).where(User.email == "new.colleague@bank.example")).one()
    assert (user.name, user.role, user.is_active) == ("New Colleague", "procurement", True)
    assert verify_password(user.password_hash, NEW_USER["password"])
    (event,) = audit_of(db, "user.created")
    assert event.actor_id == admin.id
    assert event.changes == {
        "email": [None, "new.colleague@bank.example"],
        "is_active": [None, True],
        "name": [None, "New Colleague"],
        "role": [None, "procurement"],
    }
    assert NEW_USER["password"] not in str(event.changes)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "ADMIN@bank.example"}, "email", "A user with email admin@bank.example already"),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@bank.example."),
        ({"email": ""}, "email", "Enter the user's email address."),
        ({"name": "   "}, "name", "Enter the user's name."),
        ({"password": "short"}, "password", "Use at least 12 characters."),
        ({"password": "aaaaaaaaaaaaaaaa"}, "password", "Use a less repetitive password"),
        ({"password": " padded passphrase "}, "password", "Remove spaces at the start or end."),
        ({"role": "superuser"}, "role", "Not a valid choice"),
    ],
)
def test_create_user_refuses_bad_input_on_the_field(admin, client, db, changes, field, message):
    response = client.post("/admin/users", data={**NEW_USER, **changes})
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert "Please correct the 1 field marked below." in response.text
    assert len(db.exec(select(User)).all()) == 1  # only the admin
    assert audit_of(db, "user.created") == []


def test_edit_page_shows_the_user(admin, make_user, client):
    user = make_user("risk", name="Rita Risk")
    page = client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200
    assert "Rita Risk" in page.text and "risk@bank.example" in page.text
    assert '<option selected value="risk">Risk</option>' in page.text
    assert '<input checked id="is_active" name="is_active" type="checkbox"' in page.text


def test_edit_name_role_and_deactivate_is_audited(admin, make_user, client, db):
    user = make_user("risk", name="Rita Risk")
    response = edit(client, user, name="Rita Review", role="auditor", is_active="")
    assert response.status_code == 302
    assert "their open sessions were ended" in client.get(response.location).text
    db.expire_all()
    saved = db.get(User, user.id)
    assert (saved.name, saved.role, saved.is_active) == ("Rita Review", "auditor", False)
    (event,) = audit_of(db, "user.updated")
    assert event.actor_id == admin.id
    assert event.changes == {
        "is_active": [True, False],
        "name": ["Rita Risk", "Rita Review"],
        "role": ["risk", "auditor"],
    }
    page = client.get("/admin/users")
    assert '<span class="badge">Deactivated</span>' in page.text


def test_a_deactivated_user_can_be_reactivated(admin, make_user, client, db):
    user = make_user("risk", is_active=False)
    assert edit(client, user, is_active="y").status_code == 302
    db.expire_all()
    assert db.get(User, user.id).is_active
    (event,) = audit_of(db, "user.updated")
    assert event.changes == {"is_active": [False, True]}


def test_saving_without_changes_says_so_and_audits_nothing(admin, make_user, client, db):
    user = make_user("risk")
    response = edit(client, user)
    assert "Nothing changed for risk@bank.example." in client.get(response.location).text
    assert audit_of(db, "user.updated") == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"role": "risk"}, "role", "You cannot change your own role; ask another admin."),
        ({"is_active": ""}, "is_active", "You cannot deactivate yourself; ask another admin."),
    ],
)
def test_an_admin_cannot_demote_or_deactivate_themselves(
    admin, client, db, changes, field, message
):
    response = edit(client, admin, **changes)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    db.expire_all()
    saved = db.get(User, admin.id)
    assert (saved.role, saved.is_active) == ("admin", True)
    assert audit_of(db, "user.updated") == []
    assert client.get("/admin/users").status_code == 200  # still logged in


def test_an_admin_can_rename_themselves(admin, client, db):
    assert edit(client, admin, name="Ada Admin").status_code == 302
    db.expire_all()
    assert db.get(User, admin.id).name == "Ada Admin"


def test_edit_refuses_a_blank_name(admin, make_user, client, db):
    user = make_user("risk")
    response = edit(client, user, name="  ")
    assert response.status_code == 422
    assert field_error(response.text, "name") == "Enter the user's name."
    db.expire_all()
    assert db.get(User, user.id).name == "Risk"


def test_reset_password(admin, make_user, client, db, app):
    user = make_user("risk")
    response = client.post(
        f"/admin/users/{user.id}/password", data={"reset-password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert "Password of risk@bank.example reset" in client.get(response.location).text
    db.expire_all()
    saved = db.get(User, user.id)
    assert verify_password(saved.password_hash, NEW_PASSWORD)
    assert not verify_password(saved.password_hash, PASSWORD)
    (event,) = audit_of(db, "user.password_reset")
    assert event.actor_id == admin.id
    assert list(event.changes) == ["password_changed_at"]
    assert NEW_PASSWORD not in str(event.changes) and saved.password_hash not in str(event.changes)


def test_reset_password_refuses_a_weak_one(admin, make_user, client, db):
    user = make_user("risk")
    response = client.post(f"/admin/users/{user.id}/password", data={"reset-password": "short"})
    assert response.status_code == 422
    assert field_error(response.text, "reset-password") == "Use at least 12 characters."
    assert audit_of(db, "user.password_reset") == []


def test_resetting_your_own_password_logs_you_out(admin, client, auth):
    response = client.post(
        f"/admin/users/{admin.id}/password", data={"reset-password": NEW_PASSWORD}
    )
    assert response.location == "/login"
    page = client.get("/login")
    assert "Your password was reset and your sessions ended" in page.text
    assert client.get("/admin/users").status_code == 302
    assert auth.login(admin.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("method", ["delete", "put"])
def test_users_are_never_deleted(admin, make_user, client, db, method):
    user = make_user("risk")
    response = getattr(client, method)(f"/admin/users/{user.id}")
    assert response.status_code == 405
    assert db.get(User, user.id) is not None


@pytest.mark.parametrize("url", ["/admin/users/999", "/admin/users/999/password"])
def test_unknown_user_is_404(admin, client, url):
    method = client.post if url.endswith("password") else client.get
    response = method(url, data={"reset-password": NEW_PASSWORD})
    assert response.status_code == 404
    assert "There is nothing at this address." in response.text


@pytest.mark.parametrize("role", ["procurement", "risk", "auditor"])
def test_non_admins_are_refused(login_as, make_user, client, db, role):
    login_as(role)
    other = make_user("risk", email="other@bank.example")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users", data=NEW_USER).status_code == 403
    assert edit(client, other, role="admin").status_code == 403
    response = client.post(f"/admin/users/{other.id}/password", data={"reset-password": "x" * 20})
    assert response.status_code == 403
    assert "ask an administrator" in response.text
    assert len(db.exec(select(User)).all()) == 2
