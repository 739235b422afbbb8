"""CSRF protection on every form, with the protection switched on as in production."""

from __future__ import annotations

from sqlmodel import select

from tests.auth.apps import csrf_token
from tests.conftest import PASSWORD
from vendordd.auth.models import User

FORM_EXPIRED = "Form expired"
NEW_USER = {
    "email": "new.colleague@bank.example",
    "name": "New Colleague",
    "role": "risk",
    "password": "a long enough initial passphrase",
}


def log_in(client, email: str):
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.text
    return response


def assert_form_expired(response) -> None:
    assert response.status_code == 400
    assert FORM_EXPIRED in response.text
    assert "Reload the page and try again." in response.text
    assert '<a class="skip"' in response.text  # the normal layout, not a bare error


def test_login_without_token_is_refused(make_user, csrf_client):
    make_user("risk")
    response = csrf_client.post("/login", data={"email": "risk@bank.example", "password": PASSWORD})
    assert_form_expired(response)
    assert csrf_client.get("/vendors/").status_code == 302  # not logged in


def test_login_with_the_pages_token_succeeds(make_user, csrf_client):
    make_user("risk")
    log_in(csrf_client, "risk@bank.example")
    assert csrf_client.get("/vendors/").status_code == 200


def test_a_token_from_another_browser_is_refused(make_user, csrf_app):
    make_user("risk")
    attacker, victim = csrf_app.test_client(), csrf_app.test_client()
    token = csrf_token(attacker.get("/login").text)
    victim.get("/login")
    response = victim.post(
        "/login", data={"email": "risk@bank.example", "password": PASSWORD, "csrf_token": token}
    )
    assert_form_expired(response)


def test_logout_needs_the_token(make_user, csrf_client):
    make_user("risk")
    log_in(csrf_client, "risk@bank.example")
    assert_form_expired(csrf_client.post("/logout"))
    page = csrf_client.get("/vendors/")
    assert page.status_code == 200  # a forged logout changed nothing
    response = csrf_client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert csrf_client.get("/vendors/").status_code == 302


def test_admin_user_creation_needs_the_token(make_user, csrf_client, db):
    make_user("admin")
    log_in(csrf_client, "admin@bank.example")
    assert_form_expired(csrf_client.post("/admin/users", data=NEW_USER))
    assert db.exec(select(User).where(User.email == NEW_USER["email"])).first() is None
    token = csrf_token(csrf_client.get("/admin/users").text)
    response = csrf_client.post("/admin/users", data={**NEW_USER, "csrf_token": token})
    assert response.status_code == 302
    assert db.exec(select(User).where(User.email == NEW_USER["email"])).one().role == "risk"


def test_password_reset_form_carries_a_working_token(make_user, csrf_client, db):
    make_user("admin")
    user = make_user("risk")
    log_in(csrf_client, "admin@bank.example")
    page = csrf_client.get(f"/admin/users/{user.id}").text
    reset_form = page[page.index('id="reset-password"') :]
    assert 'name="reset-csrf_token"' in reset_form
    url = f"/admin/users/{user.id}/password"
    assert_form_expired(csrf_client.post(url, data={"reset-password": NEW_USER["password"]}))
    data = {"reset-password": NEW_USER["password"], "reset-csrf_token": csrf_token(reset_form)}
    assert csrf_client.post(url, data=data).status_code == 302
