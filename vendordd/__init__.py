"""vendordd: due diligence on GenAI vendors. `create_app` is the only place that wires things."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from vendordd.config import Config
from vendordd.resources import resource_dir


def create_app(config: dict | None = None) -> Flask:
    """Build the web application from the environment, with optional overrides (tests)."""
    settings = Config.from_env().with_overrides(config or {}).finalise()
    from vendordd.questionnaires.services import validate_at_startup

    validate_at_startup(settings.questionnaires_path)
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
        instance_path=str(settings.instance_path),
    )
    app.config.update(
        VENDORDD=settings,
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        SESSION_COOKIE_NAME="vendordd_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=request_limit(settings),
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_ENABLED=settings.csrf_enabled,
    )

    from vendordd import db, templating, web
    from vendordd.alerts import dispatch
    from vendordd.alerts.routes import bp as alerts_bp
    from vendordd.assessments.routes import bp as assessments_bp
    from vendordd.audit.routes import bp as audit_bp
    from vendordd.auth.access import check_declarations, load_user
    from vendordd.auth.routes import bp as auth_bp
    from vendordd.cli import cli
    from vendordd.concentration.routes import bp as concentration_bp
    from vendordd.portal.routes import bp as portal_bp
    from vendordd.questionnaires.routes import bp as questionnaires_bp
    from vendordd.settings.routes import bp as settings_bp
    from vendordd.vendors.routes import bp as vendors_bp

    db.init_app(app)
    CSRFProtect(app)
    templating.init_app(app)
    web.init_app(app)
    dispatch.init_app(app)
    app.before_request(load_user)
    blueprints = (
        auth_bp,
        vendors_bp,
        audit_bp,
        settings_bp,
        questionnaires_bp,
        assessments_bp,
        portal_bp,
        alerts_bp,
        concentration_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.cli.add_command(cli)
    check_declarations(app)
    return app


def request_limit(settings: Config) -> int:
    """Largest request body: a 25 MB spreadsheet import, or an evidence file with its form."""
    # The margin keeps a file of exactly the evidence limit inside the request limit, so the
    # upload itself is refused by the evidence check with a message naming the file.
    return max(25, settings.evidence_max_mb + 1) * 1024 * 1024
