"""Logging in and out: argon2id, session rotation, cookie flags, lifetime, ended sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from tests.auth.apps import app_variant
from tests.conftest import NOW, PASSWORD, SYSTEM
from vendordd.audit.models import AuditEvent
from vendordd.auth import services
from vendordd.auth.models import LoginSession, User
from vendordd.dbtypes import utcnow

COOKIE = "vendordd_session"
NEW_PASSWORD = "a completely different passphrase"


def cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def sessions_of(db, user: User) -> list[LoginSession]:
    db.expire_all()
    return list(db.exec(select(LoginSession).where(LoginSession.user_id == user.id)))


def actions(db) -> list[str]:
    db.expire_all()
    return list(db.exec(select(AuditEvent.action).order_by(AuditEvent.seq)))


def is_logged_in(client) -> bool:
    response = client.get("/vendors/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.location.startswith("/login")
    return False


def test_login_opens_an_audited_session_and_returns_home(make_user, auth, client, db):
    user = make_user("procurement")
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.location == "/"
    (login,) = sessions_of(db, user)
    assert login.revoked_at is None
    assert actions(db) == ["auth.login"]
    assert is_logged_in(client)


def test_created_users_get_argon2id_hashes(db):
    user = services.create_user(
        db,
        email="new@bank.example",
        name="New",
        role="risk",
        password=PASSWORD,
        actor=SYSTEM,
        now=NOW,
    )
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_a_weakly_hashed_password_is_upgraded_at_login(make_user, auth, db):
    user = make_user("risk")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.add(user)
    db.commit()
    assert auth.login(user.email).status_code == 302
    db.refresh(user)
    assert user.password_hash != weak
    assert user.password_hash.startswith("$argon2id$v=19$m=65536")


@pytest.mark.parametrize("typed", [" Risk@Bank.Example ", "RISK@BANK.EXAMPLE"])
def test_email_is_matched_whatever_its_case_and_surrounding_spaces(make_user, auth, typed):
    make_user("risk")
    assert auth.login(typed).status_code == 302


def test_empty_login_form_names_each_missing_field(client):
    response = client.post("/login", data={})
    assert response.status_code == 422
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text


def test_deactivated_user_cannot_log_in_and_learns_nothing(make_user, auth):
    make_user("risk", is_active=False)
    response = auth.login("risk@bank.example")
    assert response.status_code == 401
    assert "Email or password is not correct." in response.text


def test_logout_is_post_only_and_revokes_the_session(login_as, auth, client, db):
    user = login_as("auditor")
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)
    response = auth.logout()
    assert response.status_code == 302
    assert response.location == "/login"
    (login,) = sessions_of(db, user)
    assert login.revoked_at is not None
    assert actions(db)[-1] == "auth.logout"
    assert not is_logged_in(client)
    assert "You are logged out." in client.get("/login").text


def test_a_stolen_cookie_is_useless_after_logout(login_as, auth, client, app):
    login_as("procurement")
    stolen = cookie_value(client)
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    assert is_logged_in(thief)
    auth.logout()
    assert not is_logged_in(thief)


def test_login_rotates_the_session(make_user, auth, client, app, db):
    user = make_user("procurement")
    client.get("/login")  # an anonymous session cookie exists before login
    before_login = cookie_value(client)
    auth.login(user.email)
    first = cookie_value(client)
    assert first != before_login
    auth.login(user.email)
    second = cookie_value(client)
    assert second != first
    old_browser = app.test_client()
    old_browser.set_cookie(COOKIE, first)
    assert not is_logged_in(old_browser)
    assert is_logged_in(client)
    open_sessions = [s for s in sessions_of(db, user) if s.revoked_at is None]
    assert len(open_sessions) == 1


def test_logging_in_as_someone_else_ends_the_first_users_session(make_user, auth, client, db):
    first, second = make_user("procurement"), make_user("risk")
    auth.login(first.email)
    auth.login(second.email)
    assert all(s.revoked_at is not None for s in sessions_of(db, first))
    assert client.get("/vendors/import").status_code == 403  # now risk, not procurement


def test_cookie_flags_in_development(make_user, auth):
    make_user("risk")
    header = auth.login("risk@bank.example").headers["Set-Cookie"]
    assert f"{COOKIE}=" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header


def test_cookie_is_secure_in_production(app, make_user):
    make_user("risk")
    with app_variant(app, env="production", testing=False) as production:
        response = production.test_client().post(
            "/login", data={"email": "risk@bank.example", "password": PASSWORD}
        )
    assert response.status_code == 302
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_session_lasts_the_configured_hours(make_user, auth, client, db):
    user = make_user("risk")
    auth.login(user.email)
    (login,) = sessions_of(db, user)
    assert login.expires_at - login.created_at == timedelta(hours=12)
    cookie = client.get_cookie(COOKIE)
    assert cookie.expires is not None
    assert timedelta(hours=11, minutes=59) < cookie.expires - utcnow() <= timedelta(hours=12)


def test_an_expired_session_sends_the_user_back_to_login(make_user, auth, client, db):
    user = make_user("risk")
    auth.login(user.email)
    (login,) = sessions_of(db, user)
    login.expires_at = utcnow() - timedelta(seconds=1)
    db.add(login)
    db.commit()
    assert not is_logged_in(client)


def test_user_for_token_honours_expiry_and_revocation(make_user, db):
    user = make_user("risk")
    token = services.start_session(db, user=user, now=NOW, hours=12)
    db.commit()
    end = NOW + timedelta(hours=12)
    assert services.user_for_token(db, token=token, now=end - timedelta(seconds=1)) == user
    assert services.user_for_token(db, token=token, now=end) is None
    assert services.user_for_token(db, token="not-a-token", now=NOW) is None
    services.end_session(db, token=token, now=NOW)
    assert services.user_for_token(db, token=token, now=NOW) is None


def _deactivate(db, user, admin):
    services.update_user(
        db,
        user=user,
        name=user.name,
        role=user.role,
        is_active=False,
        actor=services.actor_for(admin),
        now=NOW,
    )


def _change_role(db, user, admin):
    services.update_user(
        db,
        user=user,
        name=user.name,
        role="auditor",
        is_active=True,
        actor=services.actor_for(admin),
        now=NOW,
    )


def _reset_password(db, user, admin):
    services.reset_password(
        db, user=user, password=NEW_PASSWORD, actor=services.actor_for(admin), now=NOW
    )


@pytest.mark.parametrize("change", [_deactivate, _change_role, _reset_password])
def test_admin_changes_end_the_users_sessions_at_once(change, login_as, make_user, client, db):
    user = login_as("procurement")
    admin = make_user("admin")
    assert is_logged_in(client)
    change(db, db.get(User, user.id), admin)
    db.commit()
    assert not is_logged_in(client)
    assert all(s.revoked_at == NOW for s in sessions_of(db, user))


def test_renaming_keeps_the_users_sessions(login_as, make_user, client, db):
    user = login_as("procurement")
    admin = make_user("admin")
    services.update_user(
        db,
        user=db.get(User, user.id),
        name="Renamed",
        role=user.role,
        is_active=True,
        actor=services.actor_for(admin),
        now=NOW,
    )
    db.commit()
    assert is_logged_in(client)


def test_a_user_deactivated_behind_the_apps_back_is_out_at_once(login_as, client, db):
    user = login_as("procurement")
    db.get(User, user.id).is_active = False
    db.commit()
    assert not is_logged_in(client)


def test_reset_password_replaces_the_old_one(make_user, auth, db):
    user, admin = make_user("risk"), make_user("admin")
    _reset_password(db, db.get(User, user.id), admin)
    db.commit()
    assert auth.login(user.email).status_code == 401
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302


def test_anonymous_visitor_is_sent_to_login_and_back(make_user, auth, client):
    make_user("risk")
    response = client.get("/vendors/?q=acme")
    assert response.status_code == 302
    assert response.location == "/login?next=/vendors/?q%3Dacme"
    response = client.post(
        response.location, data={"email": "risk@bank.example", "password": PASSWORD}
    )
    assert response.location == "/vendors/?q=acme"


def test_a_form_posted_after_the_session_ended_goes_to_login_without_next(client):
    response = client.post("/admin/users", data={})
    assert response.status_code == 302
    assert response.location == "/login"


def test_login_page_sends_a_logged_in_user_on(login_as, client):
    login_as("risk")
    assert client.get("/login").location == "/"
    assert client.get("/login?next=/vendors/").location == "/vendors/"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "https://evil.example",
        "http:evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_next_never_leaves_the_site(make_user, client, target):
    make_user("risk")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "risk@bank.example", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", ["/vendors/", "/vendors/?q=a&page=2", "/audit/"])
def test_next_follows_paths_on_this_site(make_user, client, target):
    make_user("admin")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "admin@bank.example", "password": PASSWORD},
    )
    assert response.location == target
