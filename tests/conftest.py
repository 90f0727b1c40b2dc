"""Shared fixtures. App fixtures: an isolated projects folder and a started AppTest of app.py."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def projects_dir(tmp_path, monkeypatch):
    """An empty projects folder for the app (``$KATVE_PROJECTS``)."""
    folder = tmp_path / "projects"
    folder.mkdir()
    monkeypatch.setenv("KATVE_PROJECTS", str(folder))
    return folder


@pytest.fixture
def app(projects_dir):
    """``app.py`` in AppTest, run once (Kartta page, embedded Vihti data)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at
