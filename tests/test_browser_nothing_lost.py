"""Issue 16's data loss in a real browser: planned places added on Suunnittelu survive an edit of another
place's cell in the Kohtaamispaikat table, a save and a reopen (Playwright, Debian chromium)."""

from __future__ import annotations

import os
import re

import pytest
from appserver import start_app, stop_app
from test_browser import IDLE, chromium_page, require_browser

from coverage.core.model import Settings
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.planning import plan as planning_plan

pytestmark = pytest.mark.e2e


def _idle(pg) -> None:
    pg.wait_for_timeout(300)
    pg.wait_for_selector(IDLE, timeout=90_000)


def _nav(pg, title: str) -> None:
    """Go to a page with the sidebar's link (the same session: a reload would start a new one)."""
    pg.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    _idle(pg)


def test_planned_places_survive_a_cell_edit_save_and_reopen(tmp_path):
    from playwright.sync_api import expect

    require_browser()
    projects = tmp_path / "projects"
    projects.mkdir()
    try:
        proc, url = start_app(projects, tmp_path / "streamlit.log")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    vihti = load_dataset("vihti")
    n_plan = len(planning_plan.plan(vihti, Settings(mode="car", threshold_minutes=10), k=3).new_sites)
    assert n_plan >= 1
    total = len(vihti.places) + n_plan
    try:
        with chromium_page() as pg:
            pg.goto(f"{url}/kohtaamispaikat")  # the table is open first, as in the issue
            first = pg.get_by_text(f"Kaikki {len(vihti.places)} paikkaa kunnossa")
            expect(first).to_be_visible(timeout=90_000)
            _nav(pg, "Suunnittelu")
            pg.get_by_role("button", name="Laske ehdotus").click()
            _idle(pg)
            pg.get_by_role("button", name="Lisää suunniteltuina paikkoina").click()
            _idle(pg)
            success = pg.get_by_test_id("stAlertContentSuccess")
            added = success.get_by_text(re.compile(r"Lisätty \d+ suunniteltu"))
            expect(added).to_be_visible()
            expect(pg.get_by_test_id("stToastText").first).to_be_visible()  # and as a toast

            _nav(pg, "Kohtaamispaikat")
            expect(pg.get_by_text(f"Kaikki {total} paikkaa kunnossa")).to_be_visible(timeout=60_000)
            # edit the first place's name: select a cell of row 1, move to "Nimi", type, Enter
            grid = pg.locator('[data-testid="stDataFrame"]').first
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            assert box is not None
            for _attempt in range(3):  # a key press may land while the app reruns (a loaded machine): retry
                pg.mouse.click(box["x"] + 150, box["y"] + 35 + 17)  # row 1, "Tarkistus" (read-only)
                pg.wait_for_timeout(300)
                pg.keyboard.press("ArrowRight")
                pg.keyboard.press("ArrowRight")
                pg.wait_for_timeout(300)
                pg.keyboard.press("Enter")  # open the cell's editor
                pg.wait_for_timeout(700)
                pg.keyboard.press("Control+a")
                pg.keyboard.type("Muokattu", delay=30)
                pg.wait_for_timeout(300)
                pg.keyboard.press("Enter")
                _idle(pg)
                if grid.get_by_text("Muokattu").count():
                    break
            if os.environ.get("KATVE_SCREENSHOT_DIR"):
                pg.screenshot(path=f"{os.environ['KATVE_SCREENSHOT_DIR']}/edit.png")
            _idle(pg)
            expect(pg.get_by_text(f"Kaikki {total} paikkaa kunnossa")).to_be_visible(timeout=60_000)

            name = pg.get_by_label("Projektitiedoston nimi")
            name.fill("selain")
            name.press("Enter")
            _idle(pg)
            pg.get_by_role("button", name="Tallenna projektitiedostoon").click()
            _idle(pg)
            saved_text = pg.get_by_test_id("stAlertContentSuccess").get_by_text("Tallennettu: selain.gpkg")
            expect(saved_text).to_be_visible(timeout=60_000)
            assert str(projects) not in pg.content()
        saved = store.load(projects / "selain.gpkg")
        assert len(saved.places) == total
        assert (saved.places["status"] == "planned").sum() == n_plan
        assert saved.places["name"].iloc[0] == "Muokattu"
        assert saved.places["name"].iloc[1:].tolist() == [
            *vihti.places["name"].iloc[1:].tolist(), *saved.places["name"].iloc[len(vihti.places):].tolist()
        ]
    finally:
        stop_app(proc)
