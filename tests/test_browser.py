"""The app in a real browser: Playwright drives Debian's chromium against `streamlit run app.py`.

Offline on purpose: chromium runs without background networking, so the map only shows if Leaflet is
served locally. Locally the test skips (with the reason) when chromium or the fetched Leaflet is missing;
with CI=true it fails instead.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import urllib.request

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

from coverage.analysis.reach import analyze, blind_spot_polygons
from coverage.core import i18n
from coverage.core.model import Settings
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.outputs import leaflet, webmap
from coverage.planning import plan as planning_plan

pytestmark = pytest.mark.e2e

with contextlib.suppress(ImportError):  # without playwright the tests skip themselves
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=20_000)  # expect() waits up to 20 s, not 5: a loaded 2-core machine is slow

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


def require_browser() -> None:
    """Skip (fail with CI=true) unless chromium, the fetched Leaflet and playwright are all there."""
    _require(
        CHROMIUM.exists(),
        f"no {CHROMIUM}: install it with `apt-get install chromium` to run the browser test",
    )
    _require(
        (leaflet.LEAFLET_DIR / "leaflet.js").is_file(),
        "Leaflet not fetched: run `make static/leaflet/leaflet.js` (the map is served offline from static/)",
    )
    _require(
        importlib.util.find_spec("playwright") is not None,
        "playwright is not installed (pip install playwright)",
    )


@contextlib.contextmanager
def running_app(tmp_path_factory, projects=None):
    """`streamlit run app.py` (:func:`appserver.start_app`) with an empty projects folder (or ``projects``);
    yields the base URL once /_stcore/health answers ok, stops the server after. Fails the test if it does
    not start."""
    projects = projects or tmp_path_factory.mktemp("projects")
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    try:
        proc, url = start_app(projects, log)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        stop_app(proc)


@contextlib.contextmanager
def chromium_page():
    """A page of a fresh Debian chromium (Playwright): 1400 x 1000, fi-FI, 60 s default time-out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        context.close()
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free port; yields the base URL once it is healthy and serves Leaflet."""
    require_browser()
    with running_app(tmp_path_factory) as url:
        # Leaflet is served by streamlit's static file serving
        with urllib.request.urlopen(f"{url}{leaflet.APP_LEAFLET_JS}", timeout=10) as r:
            assert r.status == 200 and b"Leaflet" in r.read(4000)
        yield url


@pytest.fixture
def page(server):
    with chromium_page() as pg:
        yield pg


def _expected_children(minutes: float) -> str:
    s = analyze(load_dataset("vihti"), Settings(mode="car", threshold_minutes=minutes)).summary
    covered, total = (i18n.fmt_number(s[k], lang="fi") for k in ("children_covered", "children_total"))
    return f"{covered} / {total}"


def _blind_polygons(minutes: float) -> int:
    return len(blind_spot_polygons(load_dataset("vihti"), Settings(mode="car", threshold_minutes=minutes)))


def _headline(pg) -> str:
    return pg.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def test_map_renders_offline_and_threshold_changes_headline(page, server, tmp_path):
    from playwright.sync_api import expect

    failed_assets: list[str] = []

    def failed(request) -> None:
        # ERR_ABORTED: the browser dropped a load because streamlit replaced the component's iframe in a
        # rerun (seen once in a few runs on a busy machine); the map assertions below catch a map that never
        # loads. Anything else (DNS, refused connection, 404) means an asset is not served offline.
        if request.resource_type in ("script", "stylesheet") and "ERR_ABORTED" not in (request.failure or ""):
            failed_assets.append(f"{request.url} ({request.failure})")

    page.on("requestfailed", failed)
    page.goto(server)

    # headline figures for the default 10 min by car
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(
        re.compile(re.escape(_expected_children(10))), timeout=60_000
    )

    # the Leaflet map inside the component iframe, with every place drawn
    page.wait_for_selector(MAP_IFRAME, state="attached")
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    places = frame.locator(f"path.{webmap.PLACE_CLASS}")
    expect(places).to_have_count(len(load_dataset("vihti").places))
    expect(frame.locator(f"path.{webmap.AREA_CLASS}")).to_have_count(len(load_dataset("vihti").areas))
    expect(frame.locator(".katve-legend")).to_contain_text("Selite")
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text("Maanmittauslaitos")
    expect(frame.locator(f"path.{webmap.BLIND_CLASS}")).to_have_count(_blind_polygons(10))

    # a popup opens with the place's details
    places.last.dispatch_event("click")
    expect(frame.locator(".leaflet-popup-content")).to_contain_text("Aukioloajat")

    # move the threshold slider down to 5 minutes with the keyboard
    before = _headline(page)
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(40):  # a key press may land while the app reruns: press until the slider shows 5
        value = int(slider.input_value())
        if value == 5:
            break
        slider.press("ArrowLeft" if value > 5 else "ArrowRight")
        page.wait_for_timeout(150)
    expect(slider).to_have_value("5")
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(
        re.compile(re.escape(_expected_children(5))), timeout=30_000
    )
    assert _headline(page) != before
    page.wait_for_selector(IDLE)
    # the map was rebuilt for 5 minutes: new blind-spot polygons, all markers again, the popup gone
    expect(frame.locator(f"path.{webmap.BLIND_CLASS}")).to_have_count(_blind_polygons(5))
    expect(places).to_have_count(len(load_dataset("vihti").places))
    expect(frame.locator(".leaflet-popup-content")).to_have_count(0)

    assert not failed_assets, f"scripts/stylesheets failed to load: {failed_assets}"
    page.wait_for_timeout(500)  # let the fade-in of the re-rendered elements finish
    shot = tmp_path / "kartta.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("KATVE_SCREENSHOT"):
        shutil.copy(shot, os.environ["KATVE_SCREENSHOT"])


def test_download_project_file(page, server, tmp_path):
    """The Kohtaamispaikat page's download button writes the project on click (deferred) as a valid file."""

    page.goto(f"{server}/kohtaamispaikat")
    button = page.get_by_role("button", name="Lataa projektitiedosto (.gpkg)")
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "vihti.gpkg"
    project = store.load(target)
    assert len(project.places) == len(load_dataset("vihti").places)


def test_planning_page_draws_lettered_proposals(page, server):
    """Suunnittelu: computing a plan draws the proposals as lettered stars (Leaflet divIcons) with popups."""
    from playwright.sync_api import expect


    project = load_dataset("vihti")
    plan = planning_plan.plan(project, Settings(mode="car", threshold_minutes=10), k=3)
    page.goto(f"{server}/suunnittelu")
    page.get_by_role("button", name="Laske ehdotus").click()
    page.wait_for_selector(MAP_IFRAME, state="attached")
    frame = page.frame_locator(MAP_IFRAME)
    stars = frame.locator(f".{webmap.PROPOSAL_CLASS}")
    expect(stars).to_have_count(len(plan.new_sites))
    assert len(plan.new_sites) >= 1
    expect(stars.first).to_contain_text("A")
    expect(frame.locator(f"path.{webmap.PLACE_CLASS}")).to_have_count(len(project.places))
    # one metric scale line: no miles
    expect(frame.locator(".leaflet-control-scale-line")).to_have_count(1)
    expect(frame.locator(".leaflet-control-scale-line")).to_contain_text(re.compile(r"\d+ (k?m)$"))
    stars.first.click()
    expect(frame.locator(".leaflet-popup-content")).to_contain_text(plan.new_sites["name"].iloc[0])
    expect(frame.locator(".katve-legend")).to_contain_text("ehdotettu uusi paikka")
