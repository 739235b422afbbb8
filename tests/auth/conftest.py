"""Fixtures of the auth tests: an app with CSRF protection on, as in production."""

from __future__ import annotations

import pytest

from tests.auth.apps import app_variant


@pytest.fixture
def csrf_app(app):
    with app_variant(app, csrf_enabled=True) as variant:
        yield variant


@pytest.fixture
def csrf_client(csrf_app):
    return csrf_app.test_client()
