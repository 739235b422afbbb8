"""Settings from the environment (VENDORDD_*), read when the app is created, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_SECRET_KEYS = frozenset({"", "dev", "change-me", "changeme", "secret"})
MIN_SECRET_LENGTH = 32
SMTP_SECURITY = ("none", "starttls", "tls")


class ConfigError(RuntimeError):
    """The configuration is unsafe or malformed; the message says which variable and why."""


@dataclass(frozen=True)
class Setting:
    """One documented VENDORDD_* variable (the README's configuration table lists these)."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("VENDORDD_ENV", "development", "`development` or `production` (strict checks)."),
    Setting(
        "VENDORDD_SECRET_KEY",
        "generated into instance/secret_key",
        "Signs sessions and CSRF tokens. Required (32+ characters) in production.",
    ),
    Setting(
        "VENDORDD_DATABASE_URL",
        "sqlite:///instance/vendordd.db",
        "SQLAlchemy URL, e.g. `postgresql+psycopg://user@host/db`.",
    ),
    Setting("VENDORDD_INSTANCE_PATH", "./instance", "Where the SQLite file and secrets live."),
    Setting("VENDORDD_LOGIN_MAX_FAILURES", "5", "Failed logins before lockout starts."),
    Setting(
        "VENDORDD_LOGIN_LOCKOUT_SECONDS",
        "60",
        "First lockout; doubles with each further failure, capped at one hour.",
    ),
    Setting(
        "VENDORDD_SESSION_HOURS", "12", "Lifetime of a staff login session, in hours from login."
    ),
    Setting("VENDORDD_PAGE_SIZE", "50", "Rows per page in lists."),
    Setting("VENDORDD_REPORTING_CURRENCY", "USD", "Currency of annual spend figures."),
    Setting("VENDORDD_IMPORT_MAX_ROWS", "5000", "Largest bulk-onboarding file, in data rows."),
    Setting(
        "VENDORDD_QUESTIONNAIRES_PATH",
        "the shipped `questionnaires/`",
        "Folder of questionnaire definitions (`*.yaml`), validated at start-up and published "
        "by `vendordd questionnaires publish`.",
    ),
    Setting(
        "VENDORDD_BASE_URL",
        "http://127.0.0.1:5000",
        "The address people reach the application at; magic links in emails start with it.",
    ),
    Setting(
        "VENDORDD_SMTP_HOST",
        "(none: mail stays in the outbox)",
        "SMTP server for outgoing mail. Without it mail is kept in the outbox, which admins "
        "read under **Outbox**.",
    ),
    Setting("VENDORDD_SMTP_PORT", "25", "SMTP port."),
    Setting(
        "VENDORDD_SMTP_SECURITY",
        "none",
        "`none`, `starttls` or `tls` (implicit TLS, usually port 465).",
    ),
    Setting("VENDORDD_SMTP_USERNAME", "(none)", "SMTP login, when the server needs one."),
    Setting("VENDORDD_SMTP_PASSWORD", "(none)", "SMTP password."),
    Setting("VENDORDD_MAIL_FROM", "vendordd@localhost", "Sender address of every outgoing email."),
    Setting(
        "VENDORDD_MAGIC_LINK_DAYS", "14", "How long a vendor's magic link stays valid, in days."
    ),
    Setting(
        "VENDORDD_PORTAL_SESSION_HOURS",
        "12",
        "Lifetime of a vendor portal session once a link has been used, in hours.",
    ),
    Setting(
        "VENDORDD_LINK_REQUESTS_PER_HOUR",
        "5",
        "How often one address may ask for a fresh magic link in an hour.",
    ),
    Setting(
        "VENDORDD_EVIDENCE_PATH",
        "instance/evidence",
        "Folder where uploaded evidence files are stored under random names.",
    ),
    Setting("VENDORDD_EVIDENCE_MAX_MB", "20", "Largest evidence file, in megabytes."),
)


@dataclass
class Config:
    """Effective settings of one app instance."""

    env: str = "development"
    secret_key: str = ""
    database_url: str = ""
    instance_path: Path = field(default_factory=lambda: Path("instance").resolve())
    login_max_failures: int = 5
    login_lockout_seconds: int = 60
    session_hours: int = 12
    page_size: int = 50
    reporting_currency: str = "USD"
    import_max_rows: int = 5000
    # None: the questionnaires/ folder shipped with vendordd.
    questionnaires_path: Path | None = None
    base_url: str = "http://127.0.0.1:5000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: str = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = "vendordd@localhost"
    magic_link_days: int = 14
    portal_session_hours: int = 12
    link_requests_per_hour: int = 5
    # None: evidence/ inside the instance folder.
    evidence_path: Path | None = None
    evidence_max_mb: int = 20
    testing: bool = False
    csrf_enabled: bool = True

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        """Build settings from VENDORDD_* variables, validating each one."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("VENDORDD_INSTANCE_PATH", "instance")).resolve()
        questionnaires = env.get("VENDORDD_QUESTIONNAIRES_PATH")
        evidence = env.get("VENDORDD_EVIDENCE_PATH")
        return cls(
            env=env.get("VENDORDD_ENV", "development"),
            secret_key=env.get("VENDORDD_SECRET_KEY", ""),
            database_url=env.get("VENDORDD_DATABASE_URL", ""),
            instance_path=instance,
            login_max_failures=_int(env, "VENDORDD_LOGIN_MAX_FAILURES", 5, minimum=1),
            login_lockout_seconds=_int(env, "VENDORDD_LOGIN_LOCKOUT_SECONDS", 60),
            session_hours=_int(env, "VENDORDD_SESSION_HOURS", 12, minimum=1),
            page_size=_int(env, "VENDORDD_PAGE_SIZE", 50, minimum=1),
            reporting_currency=env.get("VENDORDD_REPORTING_CURRENCY", "USD"),
            import_max_rows=_int(env, "VENDORDD_IMPORT_MAX_ROWS", 5000, minimum=1),
            questionnaires_path=Path(questionnaires).resolve() if questionnaires else None,
            base_url=env.get("VENDORDD_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            smtp_host=env.get("VENDORDD_SMTP_HOST", ""),
            smtp_port=_int(env, "VENDORDD_SMTP_PORT", 25, minimum=1),
            smtp_security=env.get("VENDORDD_SMTP_SECURITY", "none"),
            smtp_username=env.get("VENDORDD_SMTP_USERNAME", ""),
            smtp_password=env.get("VENDORDD_SMTP_PASSWORD", ""),
            mail_from=env.get("VENDORDD_MAIL_FROM", "vendordd@localhost"),
            magic_link_days=_int(env, "VENDORDD_MAGIC_LINK_DAYS", 14, minimum=1),
            portal_session_hours=_int(env, "VENDORDD_PORTAL_SESSION_HOURS", 12, minimum=1),
            link_requests_per_hour=_int(env, "VENDORDD_LINK_REQUESTS_PER_HOUR", 5, minimum=1),
            evidence_path=Path(evidence).resolve() if evidence else None,
            evidence_max_mb=_int(env, "VENDORDD_EVIDENCE_MAX_MB", 20, minimum=1),
        )

    def with_overrides(self, overrides: dict) -> Config:
        """Return a copy with the given fields replaced (used by tests and create_app)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values = {f.name: getattr(self, f.name) for f in fields(self)} | overrides
        return Config(**values)

    def finalise(self) -> Config:
        """Fill development defaults and refuse unsafe production settings."""
        if self.env not in {"development", "production"}:
            raise ConfigError(f"VENDORDD_ENV must be development or production, not {self.env!r}")
        if not self.database_url:
            self.database_url = f"sqlite:///{self.instance_path / 'vendordd.db'}"
        if self.evidence_path is None:
            self.evidence_path = self.instance_path / "evidence"
        if self.smtp_security not in SMTP_SECURITY:
            raise ConfigError(
                f"VENDORDD_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
                f"not {self.smtp_security!r}"
            )
        if self.is_production:
            self._check_production()
        elif not self.secret_key:
            self.secret_key = _instance_secret(self.instance_path)
        return self

    def _check_production(self) -> None:
        if self.secret_key.strip().lower() in DEFAULT_SECRET_KEYS:
            raise ConfigError(
                "VENDORDD_SECRET_KEY is missing or a well-known default; "
                "set a random value of at least 32 characters for production"
            )
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"VENDORDD_SECRET_KEY is {len(self.secret_key)} characters; "
                f"production needs at least {MIN_SECRET_LENGTH}"
            )
        url = self.database_url.strip()
        if url in {"sqlite://", "sqlite:///"} or ":memory:" in url or "mode=memory" in url:
            raise ConfigError(
                "VENDORDD_DATABASE_URL points at an in-memory database, which loses every "
                "record on restart; production needs a file or server database"
            )


def _int(env, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _instance_secret(instance_path: Path) -> str:
    """Development only: a random key kept in instance/ so logins survive a restart."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
