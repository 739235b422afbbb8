"""Fixtures shared by the questionnaire tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def folder(tmp_path):
    """An empty questionnaires folder."""
    path = tmp_path / "questionnaires"
    path.mkdir()
    return path
