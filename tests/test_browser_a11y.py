"""WCAG 2.1 AA in a real browser: axe-core run on every page of the app and inside the map's iframe.

axe-core is fetched from the npm registry at set-up time like Leaflet (``make static/axe/axe.min.js``; ``make
test`` does it) and injected into the page by Playwright. The rules are axe's WCAG 2.0/2.1 A and AA tags.
Locally the test skips when chromium, Leaflet or axe-core is missing; with CI=true it fails instead.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest
from test_browser import IDLE, MAP_IFRAME, _require, chromium_page, require_browser, running_app

from coverage.outputs import leaflet

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent.parent / "static" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "kartta",
    "kohtaamispaikat",
    "katvealueet",
    "viikko_ohjelma",
    "suunnittelu",
    "tilastot",
    "vienti",
    "aineisto",
]
MAP_PAGES = {"kartta", "kohtaamispaikat"}  # Suunnittelu draws its map once a plan is computed
# Suunnittelu again on a project keeping scenarios: the comparison table, the year strips, the forms
SCENARIO_PAGE = "suunnittelu?project=file:skenaariot.gpkg"


def _scenario_project(folder: Path) -> None:
    from coverage.core.model import Settings
    from coverage.core.scenario import with_scenario
    from coverage.io import store
    from coverage.io.datasets import load_dataset
    from coverage.planning import scenarios
    from coverage.planning.plan import plan
    from coverage.planning.reschedule import reschedule

    project = load_dataset("vihti")
    walk = Settings(mode="walk", threshold_minutes=20)
    project = with_scenario(project, scenarios.from_plan(plan(project, walk, k=2), "Kaksi uutta"))
    project = with_scenario(project, scenarios.from_moves(project, reschedule(project, walk, k=1), "Siirto"))
    store.save(project, folder / "skenaariot.gpkg", keep=0)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_browser()
    _require(AXE.is_file(), "axe-core not fetched: run `make static/axe/axe.min.js`")
    projects = tmp_path_factory.mktemp("projects")
    _scenario_project(projects)
    with running_app(tmp_path_factory, projects) as url:
        with urllib.request.urlopen(f"{url}{leaflet.APP_LEAFLET_JS}", timeout=10) as r:
            assert r.status == 200, "Leaflet is not served from static/"
        yield url


def run_axe(target, *, iframes: bool = False) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations in ``target`` (a Playwright page or frame): id, impact, nodes."""
    target.add_script_tag(path=str(AXE))
    result = target.evaluate(
        """async ([tags, iframes]) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: iframes,
                                              resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary,
                                                      html: n.html.slice(0, 200)})),
                count: v.nodes.length}));
        }""",
        [WCAG_TAGS, iframes],
    )
    return result


def _open(pg, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector('[data-testid="stMain"] h1, [data-testid="stMain"] h2', timeout=90_000)
    pg.wait_for_selector(IDLE, timeout=90_000)
    pg.wait_for_timeout(1500)  # fade-ins finished (axe measures the colours as shown)


def _report(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}")
            lines.extend(f"    {n['target']}: {n['html'][:120]}" for n in v["nodes"][:3])
    return "\n".join(lines)


def test_every_page_and_the_map_frame_pass_axe(server, tmp_path):
    found: dict[str, list[dict]] = {}
    with chromium_page() as pg:
        for name in [*PAGES, SCENARIO_PAGE]:
            print(f"axe: {name}", flush=True)
            _open(pg, f"{server}/{name}")
            found[name] = run_axe(pg)
            if name in MAP_PAGES:
                pg.locator(MAP_IFRAME).first.scroll_into_view_if_needed(timeout=60_000)
                pg.frame_locator(MAP_IFRAME).first.locator(".leaflet-container").wait_for(timeout=60_000)
                pg.wait_for_selector(IDLE, timeout=90_000)
                frame = pg.locator(MAP_IFRAME).first.element_handle().content_frame()
                assert frame is not None, f"{name}: no map frame"
                found[f"{name} (map frame)"] = run_axe(frame)
            if name == SCENARIO_PAGE:  # the comparison was there to be checked
                assert pg.get_by_text("Vertailu (vuosi").count() == 1, "no scenario comparison on the page"
    summary = {where: sum(v["count"] for v in vs) for where, vs in found.items()}
    if os.environ.get("KATVE_AXE_REPORT"):
        Path(os.environ["KATVE_AXE_REPORT"]).write_text(
            json.dumps({"summary": summary, "violations": found}, ensure_ascii=False, indent=1)
        )
    assert not any(found.values()), f"axe-core WCAG 2.1 A/AA violations: {summary}\n{_report(found)}"
