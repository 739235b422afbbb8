"""Who may use each route: every view declares it, and create_app refuses one that does not."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, g, redirect, request, session, url_for

from vendordd.auth.models import Role
from vendordd.auth.services import user_for_token
from vendordd.db import get_session
from vendordd.dbtypes import utcnow

PUBLIC = frozenset({"public"})
STAFF = (Role.PROCUREMENT, Role.RISK, Role.AUDITOR)


def roles(*allowed: Role) -> Callable:
    """Allow the named roles (admin is always allowed); anonymous visitors go to the login page."""
    allowed_roles = frozenset({Role.ADMIN, *allowed})

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            user = g.get("user")
            if user is None:
                # Only a page can be returned to; a form post would come back as a GET.
                target = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("auth.login", next=target))
            if user.role not in allowed_roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = allowed_roles
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone (login page, health check)."""
    view.allowed_roles = PUBLIC
    return view


def load_user() -> None:
    """before_request: resolve the session cookie to an active user, or none."""
    g.user = None
    token = session.get("token")
    if token and request.endpoint != "static":
        g.user = user_for_token(get_session(), token=token, now=utcnow())
        if g.user is None:
            # Ended, expired or revoked: forget it, but keep messages such as "password reset".
            session.pop("token")


def check_declarations(app: Flask) -> None:
    """Refuse to start if any route forgot to declare who may use it."""
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "allowed_roles")
    )
    if missing:
        raise RuntimeError(f"routes without a role declaration: {', '.join(missing)}")
