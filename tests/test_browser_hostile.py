"""Hostile text in a real browser: a project whose places are named `<img src=x onerror=alert(1)>` etc.
is uploaded into the running app; the map's popups and tooltips and the page header show the text literally,
no JavaScript dialog ever opens and no injected element exists in the map's iframe (issue 10, item 3).

Same rules as tests/test_browser.py (whose helpers it uses): Playwright with Debian's chromium against
`streamlit run app.py` on 127.0.0.1; skips locally when chromium/Leaflet/playwright are missing, fails with
CI=true.
"""

from __future__ import annotations

import pytest
from test_browser import IDLE, MAP_IFRAME, chromium_page, require_browser, running_app
from test_hostile_text import PAYLOADS, PROJECT_NAME, hostile_project

from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.outputs import webmap

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run app.py` on a free port with an empty projects folder; yields the base URL."""
    require_browser()
    with running_app(tmp_path_factory) as url:
        yield url


@pytest.fixture
def browser_page(server):
    with chromium_page() as pg:
        yield pg


def test_hostile_place_names_show_as_text_in_the_browser(browser_page, server, tmp_path):
    from playwright.sync_api import expect

    page = browser_page
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    project = hostile_project()
    upload = tmp_path / "hostile.gpkg"
    store.save(project, upload)

    page.goto(server)
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(upload))
    header = page.locator('[data-testid="stHeading"] h2').first
    # the page header shows the project name literally (markdown, LaTeX and HTML escaped)
    expect(header).to_contain_text(PROJECT_NAME, timeout=60_000)
    page.wait_for_selector(IDLE)

    page.wait_for_selector(MAP_IFRAME, state="attached")
    frame = page.frame_locator(MAP_IFRAME)
    places = frame.locator(f"path.{webmap.PLACE_CLASS}")
    expect(places).to_have_count(len(project.places))
    inline_scripts = frame.locator("script:not([src])").count()

    popup = frame.locator(".leaflet-popup-content")
    first_hostile = len(project.places) - len(PAYLOADS)
    for k, (key, payload) in enumerate(PAYLOADS.items()):
        places.nth(first_hostile + k).dispatch_event("click")
        expect(popup).to_have_count(1)
        # the name, as the browser shows it: the first line of the popup, in bold
        shown = popup.locator("b").first.inner_text()
        assert shown == payload, (key, shown[:200])
        # the opening hours with their comment (another payload) as code text
        hours = project.places["opening_hours"].iloc[first_hostile + k]
        assert popup.locator("code").inner_text() == hours, key
        places.nth(first_hostile + k).dispatch_event("mouseover")
        expect(frame.locator(".leaflet-tooltip").last).to_contain_text(payload[:40])
        places.nth(first_hostile + k).dispatch_event("mouseout")

    # the page itself: no element a payload would have created, no dialog
    # (inline scripts: folium's own, the same number as before any popup opened)
    assert frame.locator("img[src='x'], [onerror], [onload]").count() == 0
    assert frame.locator("script:not([src])").count() == inline_scripts
    assert page.locator("img[src='x'], [onerror], [onload]").count() == 0
    page.wait_for_timeout(500)  # an onerror/onload would fire right away
    assert not dialogs, dialogs


def test_rejected_upload_lists_bad_values_as_text(browser_page, server, tmp_path):
    """The error for an invalid upload quotes the file's values: they must not become an image or a link."""
    from playwright.sync_api import expect


    page = browser_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if ":9/" in r.url else None)
    project = load_dataset("vihti")
    places = project.places.copy()
    places.loc[places.index[0], "opening_hours"] = "![kuva](http://127.0.0.1:9/pixel.png) Mo"
    places.loc[places.index[1], "status"] = "[klikkaa](http://127.0.0.1:9/phish)"
    project.places = places
    bad = tmp_path / "bad.gpkg"
    store.save(project, bad)  # saving does not validate; loading (the upload) does

    page.goto(server)
    page.wait_for_selector(IDLE)
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(bad))
    alert = page.locator('[data-testid="stAlert"]').first
    expect(alert).to_contain_text("invalid opening_hours", timeout=60_000)
    page.wait_for_timeout(500)
    injected = alert.locator("img, a").count()
    assert not requests and not injected, (requests, injected, alert.inner_html()[:600])
    shown = alert.inner_text().replace("\u2060", "")  # the word joiner that breaks autolinks is invisible
    assert "![kuva](http://127.0.0.1:9/pixel.png) Mo" in shown
    assert "[klikkaa](http://127.0.0.1:9/phish)" in shown
