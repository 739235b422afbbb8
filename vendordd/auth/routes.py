"""Login, logout, and user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sqlmodel import select

from vendordd.auth import services
from vendordd.auth.access import public, roles
from vendordd.auth.forms import (
    PASSWORD_HINT,
    ROLE_HINT,
    LoginForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from vendordd.auth.models import User
from vendordd.db import get_session
from vendordd.dbtypes import utcnow

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Where to go after login: only a path on this site, else the start page."""
    home = url_for("home")
    if not target or not target.startswith("/") or target.startswith("//"):
        return home
    # Browsers read "\" as "/" and drop tabs and newlines, so "/\evil" and "/\t/evil" leave.
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return home
    parts = urlsplit(target)
    return home if parts.scheme or parts.netloc else target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET" and g.user is not None:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.errors else 200
    settings = current_app.config["VENDORDD"]
    db, now = get_session(), utcnow()
    outcome = services.authenticate(
        db,
        email=form.email.data,
        password=form.password.data,
        now=now,
        max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_seconds,
    )
    if outcome.user is None:
        db.commit()
        flash(outcome.message, "error")
        page = render_template("auth/login.html", form=form)
        if outcome.retry_after:
            return page, 429, {"Retry-After": str(outcome.retry_after)}
        return page, 401
    # Rotate: whatever session this browser had ends, and it gets a new token and cookie.
    old_token = session.get("token")
    if old_token:
        services.end_session(db, token=old_token, now=now)
    token = services.start_session(db, user=outcome.user, now=now, hours=settings.session_hours)
    db.commit()
    session.clear()
    session.permanent = True
    session["token"] = token
    return redirect(safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
@public
def logout():
    token = session.pop("token", None)
    if token:
        db = get_session()
        services.end_session(db, token=token, now=utcnow())
        db.commit()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def _show_error(form: FlaskForm, error: services.UserError) -> None:
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors.append(str(error))
    else:
        flash(str(error), "error")


def _users_page(form: UserCreateForm, status: int = 200):
    rows = get_session().exec(select(User).order_by(User.is_active.desc(), User.name)).all()
    page = render_template(
        "auth/users.html", users=rows, form=form, role_hint=ROLE_HINT, password_hint=PASSWORD_HINT
    )
    return page, status


def _edit_page(user: User, form: UserEditForm, reset: PasswordResetForm, status: int = 200):
    page = render_template(
        "auth/user_edit.html",
        user=user,
        form=form,
        reset=reset,
        role_hint=ROLE_HINT,
        password_hint=PASSWORD_HINT,
    )
    return page, status


@bp.route("/admin/users")
@roles()
def users():
    return _users_page(UserCreateForm(formdata=None))


@bp.route("/admin/users", methods=["POST"])
@roles()
def user_create():
    form = UserCreateForm()
    if not form.validate_on_submit():
        return _users_page(form, 422)
    db = get_session()
    try:
        user = services.create_user(
            db,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            actor=services.actor_for(g.user),
            now=utcnow(),
        )
    except services.UserError as exc:
        _show_error(form, exc)
        return _users_page(form, 422)
    db.commit()
    message = f"User {user.email} created as {user.role}; tell them their initial password."
    flash(message, "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles()
def user_edit(user_id: int):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user)
    reset = PasswordResetForm(prefix="reset", formdata=None)
    if not form.validate_on_submit():
        return _edit_page(user, form, reset, 422 if form.errors else 200)
    try:
        changes = services.update_user(
            db,
            user=user,
            name=form.name.data,
            role=form.role.data,
            is_active=form.is_active.data,
            actor=services.actor_for(g.user),
            now=utcnow(),
        )
    except services.UserError as exc:
        _show_error(form, exc)
        return _edit_page(user, form, reset, 422)
    db.commit()
    if not changes:
        flash(f"Nothing changed for {user.email}.", "info")
    elif "role" in changes or "is_active" in changes:
        flash(f"User {user.email} saved; their open sessions were ended.", "success")
    else:
        flash(f"User {user.email} saved.", "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@roles()
def user_password(user_id: int):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    reset = PasswordResetForm(prefix="reset")
    if not reset.validate_on_submit():
        return _edit_page(user, UserEditForm(obj=user, formdata=None), reset, 422)
    is_self = user.id == g.user.id
    services.reset_password(
        db, user=user, password=reset.password.data, actor=services.actor_for(g.user), now=utcnow()
    )
    db.commit()
    if is_self:
        flash("Your password was reset and your sessions ended: log in with the new one.", "info")
        return redirect(url_for("auth.login"))
    flash(f"Password of {user.email} reset; their open sessions were ended.", "success")
    return redirect(url_for("auth.users"))
