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
from sqlmodel import select

from vendordd.auth import services
from vendordd.auth.access import public, roles
from vendordd.auth.forms import LoginForm, PasswordResetForm, UserCreateForm, UserEditForm
from vendordd.auth.models import User
from vendordd.db import get_session
from vendordd.dbtypes import utcnow

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login."""
    if not target:
        return url_for("home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if g.user is not None:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
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
            return render_template("auth/login.html", form=form), 401
        old_token = session.get("token")
        if old_token:
            services.end_session(db, token=old_token, now=now)
        token = services.start_session(db, user=outcome.user, now=now, hours=settings.session_hours)
        db.commit()
        session.clear()
        session.permanent = True
        session["token"] = token
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


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


@bp.route("/admin/users")
@roles()
def users():
    db = get_session()
    rows = db.exec(select(User).order_by(User.is_active.desc(), User.name)).all()
    return render_template("auth/users.html", users=rows, form=UserCreateForm())


@bp.route("/admin/users", methods=["POST"])
@roles()
def user_create():
    form = UserCreateForm()
    db = get_session()
    if form.validate_on_submit():
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
            form.email.errors.append(str(exc))
        else:
            db.commit()
            flash(f"User {user.email} created.", "success")
            return redirect(url_for("auth.users"))
    rows = db.exec(select(User).order_by(User.is_active.desc(), User.name)).all()
    return render_template("auth/users.html", users=rows, form=form), 422


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles()
def user_edit(user_id: int):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user)
    reset = PasswordResetForm(prefix="reset")
    if form.validate_on_submit():
        try:
            services.update_user(
                db,
                user=user,
                name=form.name.data,
                role=form.role.data,
                is_active=form.is_active.data,
                actor=services.actor_for(g.user),
                now=utcnow(),
            )
        except services.UserError as exc:
            flash(str(exc), "error")
            return render_template("auth/user_edit.html", user=user, form=form, reset=reset), 422
        db.commit()
        flash(f"User {user.email} saved.", "success")
        return redirect(url_for("auth.users"))
    status = 422 if form.errors else 200
    return render_template("auth/user_edit.html", user=user, form=form, reset=reset), status


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@roles()
def user_password(user_id: int):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    reset = PasswordResetForm(prefix="reset")
    if not reset.validate_on_submit():
        form = UserEditForm(obj=user, formdata=None)
        return render_template("auth/user_edit.html", user=user, form=form, reset=reset), 422
    services.reset_password(
        db, user=user, password=reset.password.data, actor=services.actor_for(g.user), now=utcnow()
    )
    db.commit()
    flash(f"Password of {user.email} reset; their sessions were ended.", "success")
    return redirect(url_for("auth.users"))
