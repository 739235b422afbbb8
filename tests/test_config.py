"""Settings from the environment: safe development defaults, strict production checks, cookies."""

from __future__ import annotations

import stat

import pytest

from vendordd import create_app
from vendordd.config import SETTINGS, Config, ConfigError

STRONG_KEY = "k" * 48
INTEGER_SETTINGS = [
    "VENDORDD_LOGIN_MAX_FAILURES",
    "VENDORDD_LOGIN_LOCKOUT_SECONDS",
    "VENDORDD_SESSION_HOURS",
    "VENDORDD_PAGE_SIZE",
    "VENDORDD_IMPORT_MAX_ROWS",
]


def settings(tmp_path, **env: str) -> Config:
    """Settings as `create_app` builds them, from exactly these variables."""
    return Config.from_env({"VENDORDD_INSTANCE_PATH": str(tmp_path), **env}).finalise()


def production(tmp_path, **env: str) -> Config:
    values = {"VENDORDD_SECRET_KEY": STRONG_KEY, "VENDORDD_DATABASE_URL": "sqlite:////srv/v.db"}
    return settings(tmp_path, VENDORDD_ENV="production", **(values | env))


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """An environment with no VENDORDD_* settings except an instance path in tmp."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    monkeypatch.setenv("VENDORDD_INSTANCE_PATH", str(tmp_path / "instance"))
    return monkeypatch


def test_production_with_strong_settings_starts(tmp_path):
    config = production(tmp_path)
    assert (config.is_production, config.secret_key) == (True, STRONG_KEY)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "missing or a well-known default"),
        ("   ", "missing or a well-known default"),
        ("dev", "missing or a well-known default"),
        ("Change-Me", "missing or a well-known default"),
        ("x" * 31, "is 31 characters; production needs at least 32"),
    ],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key, why):
    with pytest.raises(ConfigError, match="VENDORDD_SECRET_KEY") as refused:
        production(tmp_path, VENDORDD_SECRET_KEY=key)
    assert why in str(refused.value)


def test_production_refuses_a_missing_secret_key_variable(tmp_path):
    env = {"VENDORDD_ENV": "production", "VENDORDD_DATABASE_URL": "sqlite:////srv/v.db"}
    with pytest.raises(ConfigError, match="VENDORDD_SECRET_KEY is missing"):
        settings(tmp_path, **env)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:db?mode=memory&uri=true"]
)
def test_production_refuses_an_in_memory_database(tmp_path, url):
    with pytest.raises(ConfigError, match="VENDORDD_DATABASE_URL points at an in-memory"):
        production(tmp_path, VENDORDD_DATABASE_URL=url)


def test_create_app_refuses_unsafe_production_settings(clean_env):
    clean_env.setenv("VENDORDD_ENV", "production")
    clean_env.setenv("VENDORDD_SECRET_KEY", "secret")
    with pytest.raises(ConfigError, match="VENDORDD_SECRET_KEY"):
        create_app()


@pytest.mark.parametrize("name", INTEGER_SETTINGS)
@pytest.mark.parametrize(
    ("raw", "why"), [("twelve", "must be a whole number, got 'twelve'"), ("-1", "must be at least")]
)
def test_malformed_integers_name_the_variable(tmp_path, name, raw, why):
    with pytest.raises(ConfigError, match=name) as refused:
        settings(tmp_path, **{name: raw})
    assert why in str(refused.value)


@pytest.mark.parametrize(
    "name",
    [
        "VENDORDD_PAGE_SIZE",
        "VENDORDD_SESSION_HOURS",
        "VENDORDD_IMPORT_MAX_ROWS",
        "VENDORDD_LOGIN_MAX_FAILURES",
    ],
)
def test_counts_that_must_be_positive_refuse_zero(tmp_path, name):
    with pytest.raises(ConfigError, match=f"{name} must be at least 1, got 0"):
        settings(tmp_path, **{name: "0"})


def test_integers_are_read(tmp_path):
    config = settings(tmp_path, VENDORDD_PAGE_SIZE="25", VENDORDD_LOGIN_MAX_FAILURES="")
    assert (config.page_size, config.login_max_failures) == (25, 5)


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="VENDORDD_ENV must be development or production"):
        settings(tmp_path, VENDORDD_ENV="prod")


def test_development_generates_a_private_secret_key_once(tmp_path):
    first = settings(tmp_path).secret_key
    key_file = tmp_path / "secret_key"
    assert len(first) >= 32
    assert key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert settings(tmp_path).secret_key == first


def test_development_keeps_a_given_secret_key(tmp_path):
    assert settings(tmp_path, VENDORDD_SECRET_KEY="given").secret_key == "given"
    assert not (tmp_path / "secret_key").exists()


def test_the_default_database_is_a_sqlite_file_in_the_instance_path(clean_env, tmp_path):
    app = create_app()
    instance = tmp_path / "instance"
    assert app.instance_path == str(instance)
    assert app.config["VENDORDD"].database_url == f"sqlite:///{instance / 'vendordd.db'}"
    assert app.secret_key == (instance / "secret_key").read_text()
    app.extensions["vendordd.engine"].dispose()


def test_a_relative_instance_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = Config.from_env({"VENDORDD_INSTANCE_PATH": "var/inst"}).finalise()
    assert config.instance_path == tmp_path / "var" / "inst"
    assert config.database_url == f"sqlite:///{tmp_path / 'var' / 'inst' / 'vendordd.db'}"


def test_overrides_of_unknown_settings_are_refused():
    with pytest.raises(ConfigError, match="unknown setting"):
        Config().with_overrides({"secret": "x"})


@pytest.mark.parametrize(("env", "secure"), [("development", False), ("production", True)])
def test_session_cookie_flags(clean_env, tmp_path, env, secure):
    clean_env.setenv("VENDORDD_ENV", env)
    clean_env.setenv("VENDORDD_SECRET_KEY", STRONG_KEY)
    clean_env.setenv("VENDORDD_DATABASE_URL", f"sqlite:///{tmp_path / 'v.db'}")
    app = create_app()
    response = app.test_client().get("/login")  # the CSRF token is kept in the session
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("vendordd_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert ("Secure" in cookie.split("; ")) is secure
    app.extensions["vendordd.engine"].dispose()
