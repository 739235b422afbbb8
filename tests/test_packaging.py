"""The built wheel carries templates, static files, questionnaires and migrations, and runs
from a fresh virtualenv outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("VENDORDD_TEST_DATABASE_URL")),
        reason="packaging does not depend on the database; it runs in the SQLite pass only",
    ),
]
PACKAGED = [
    "vendordd/templates/base.html",
    "vendordd/templates/macros.html",
    "vendordd/static/app.css",
    "vendordd/questionnaires/README.md",
    "vendordd/migrations/env.py",
    "vendordd/migrations/script.py.mako",
    "vendordd/concentration/providers_seed.yaml",
]
# Runs inside the fresh virtualenv: the installed app serves its pages through the test client.
SMOKE = """
import json, re, sys
import vendordd
from vendordd import create_app
app = create_app()
client = app.test_client()
login = client.get("/login")
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login.text).group(1)
credentials = {"csrf_token": token, "email": sys.argv[1], "password": sys.argv[2]}
sent = client.post("/login", data=credentials)
vendors = client.get("/vendors/")
print(json.dumps({
    "package": vendordd.__file__,
    "templates": app.jinja_loader.searchpath[0],
    "login": [login.status_code, "Log in" in login.text],
    "css": client.get("/static/app.css").status_code,
    "sent": [sent.status_code, sent.headers.get("Location")],
    "vendors": [vendors.status_code, "Ada Admin" in vendors.text, "app.css" in vendors.text],
}))
"""


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, ROOT, cwd=out)
    (built,) = out.glob("vendordd-*.whl")
    return built


def test_wheel_contains_the_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGED if name not in names]
    assert missing == []
    assert any(n.startswith("vendordd/migrations/versions/0001_") for n in names)
    assert len([n for n in names if n.startswith("vendordd/templates/")]) == len(
        list((ROOT / "templates").rglob("*.html"))
    )
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_installed_wheel_runs_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VENDORDD_", "PYTHON"))}
    env["VENDORDD_INSTANCE_PATH"] = str(work / "instance")
    script = venv / "bin" / "vendordd"

    assert "Commands:" in run(script, "--help", cwd=work, env=env)
    assert "is up to date." in run(script, "db", "upgrade", cwd=work, env=env)
    email = "admin@bank.example"
    create = [script, "users", "create", "--email", email, "--name", "Ada Admin", "--role", "admin"]
    assert "Created admin user" in run(*create, "--password", PASSWORD, cwd=work, env=env)
    assert (work / "instance" / "vendordd.db").is_file()

    report = json.loads(
        run(venv / "bin" / "python", "-c", SMOKE, email, PASSWORD, cwd=work, env=env)
    )
    site = str(venv / "lib")
    assert report["package"].startswith(site)
    assert report["templates"].startswith(site)
    assert report["login"] == [200, True]
    assert report["css"] == 200
    assert report["sent"] == [302, "/"]
    assert report["vendors"] == [200, True, True]
