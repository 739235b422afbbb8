"""Helpers for tests that need an app configured unlike the `app` fixture, or a CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields

from flask import Flask

from vendordd import create_app

# A prefixed form (prefix="reset") names its token "reset-csrf_token"; Flask-WTF accepts both.
CSRF_INPUT = re.compile(r'<input[^>]*name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def app_variant(app: Flask, **overrides) -> Iterator[Flask]:
    """Another app on the `app` fixture's database and settings, with some settings changed."""
    settings = app.config["VENDORDD"]
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    variant = create_app(values | overrides)
    try:
        yield variant
    finally:
        variant.extensions["vendordd.engine"].dispose()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page (fails the test when there is none)."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no csrf_token input"
    return match.group(1)
