"""Sign-in in the real browser against a real OpenID Connect provider (issue 19).

`oidc-provider-mock` (a real OIDC provider: discovery, authorization code, signed ID tokens) runs on a free
loopback port; `streamlit run app.py` gets a secrets file with `[auth]` pointing at it and a projects folder
with access.toml. Each person signs in through the provider's own form in Debian's chromium:

- a fresh visitor sees only the sign-in page: no project names, no figures, no map;
- the Vihti coordinator sees her project (not Kauhava's), saves it, and the Versiot page lists the save;
- the viewer gets no save/import/accept controls and no import page; a save button left on her page from
  when she was a coordinator is refused by the server (the file and its versions stay as they were);
- an unknown person gets the no-access page naming the admin;
- a broken access.toml stops everyone, and only the admin is told what is wrong;
- with the provider down, a fresh visitor is told the sign-in service is not answering.

Screenshots go to the test's tmp folder (``auth-*.png``). Same skip rules as tests/test_browser.py.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from appserver import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app
from test_browser import IDLE, MAP_IFRAME, require_browser

from coverage.io import store, versions
from coverage.io.datasets import load_dataset

pytestmark = pytest.mark.e2e

ACCESS = """admins = ["it@hyvinvointialue.fi"]
[projects."vihti.gpkg"]
coordinators = ["Koordinaattori@Vihti.fi"]
viewers = ["verkosto@vihti.fi"]
[projects."kauhava.gpkg"]
coordinators = ["koordinaattori@kauhava.fi"]
"""
COORDINATOR, VIEWER, ADMIN, STRANGER = (
    "koordinaattori@vihti.fi", "verkosto@vihti.fi", "it@hyvinvointialue.fi", "stranger@example.fi",
)  # fmt: skip


def _start_provider(port: int, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oidc-provider-mock exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=2
            ) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("oidc-provider-mock did not answer in 30 s")


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """The provider and the app (sign-in on); yields a dict: url, projects, provider process, tmp."""
    require_browser()
    if importlib.util.find_spec("oidc_provider_mock") is None or importlib.util.find_spec("authlib") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: oidc-provider-mock and Authlib are needed (pip install -e .[test])")
        pytest.skip("oidc-provider-mock / Authlib not installed")
    tmp = tmp_path_factory.mktemp("auth")
    projects = tmp / "projects"
    projects.mkdir()
    store.save(load_dataset("vihti"), projects / "vihti.gpkg", user="setup@region.fi")
    store.save(load_dataset("kaksineuvoinen"), projects / "kauhava.gpkg", user="setup@region.fi")
    (projects / "access.toml").write_text(ACCESS, encoding="utf-8")
    oidc_port, app_port = free_port(), free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "test-only-cookie-secret-0123456789abcdef"\n'
        'client_id = "katve-test"\nclient_secret = "katve-test-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{oidc_port}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with open(tmp / "oidc.log", "wb") as oidc_log:
        provider = _start_provider(oidc_port, oidc_log)
        try:
            proc, url = start_app(
                projects, tmp / "streamlit.log", port=app_port, args=["--secrets.files", str(secrets)]
            )
        except RuntimeError as exc:
            provider.terminate()
            pytest.fail(str(exc))
        try:
            yield {"url": url, "projects": projects, "provider": provider, "tmp": tmp}
        finally:
            stop_app(proc)
            if provider.poll() is None:
                provider.terminate()
                provider.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(hosted):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextlib.contextmanager
def person(browser):
    """A fresh browser context (its own cookies): one person."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fi-FI")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        context.close()


def _idle(pg) -> None:
    pg.wait_for_selector(IDLE)
    pg.wait_for_timeout(800)  # a rerun queued by a callback starts right after an idle state
    pg.wait_for_selector(IDLE)


def sign_in(pg, hosted, who: str) -> None:
    """Sign in through the provider's own form as ``who``; wait for the app."""
    pg.goto(hosted["url"])
    _idle(pg)
    pg.get_by_role("button", name="Kirjaudu sisään").click()
    pg.wait_for_selector('input[name="sub"]')  # the provider's authorization page
    pg.fill('input[name="sub"]', who)
    pg.get_by_role("button", name="Authorize").click()
    pg.wait_for_url(f"{hosted['url']}/**")
    _idle(pg)


def _sidebar_projects(pg) -> list[str]:
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1)
    box.click()
    options = [o.strip() for o in pg.get_by_role("option").all_inner_texts()]
    pg.keyboard.press("Escape")
    return options


def _shot(pg, hosted, name: str) -> None:
    pg.screenshot(path=str(hosted["tmp"] / f"auth-{name}.png"), full_page=True)


def test_fresh_visitor_sees_only_sign_in(browser, hosted):
    with person(browser) as pg:
        pg.goto(hosted["url"])
        _idle(pg)
        _shot(pg, hosted, "visitor")
        text = pg.inner_text("body")
        html = pg.content()
        assert "Kirjaudu Katveen" in text
        for secret in ("vihti.gpkg", "kauhava", "Vihti", "Kauhava", "Kohtaamispaikat", "2 341", "lapsi"):
            assert secret not in text and secret not in html, secret
        assert pg.locator(MAP_IFRAME).count() == 0
        assert pg.locator('[data-testid="stMetricValue"]').count() == 0
        # a page address does not get past the gate either
        pg.goto(f"{hosted['url']}/kohtaamispaikat")
        _idle(pg)
        assert "Kirjaudu Katveen" in pg.inner_text("body")
        assert "vihti.gpkg" not in pg.content()


def test_coordinator_sees_her_project_saves_and_the_version_is_listed(browser, hosted):
    from playwright.sync_api import expect

    path = hosted["projects"] / "vihti.gpkg"
    before = len(versions.history(path))
    with person(browser) as pg:
        sign_in(pg, hosted, COORDINATOR)
        _shot(pg, hosted, "coordinator-map")
        sidebar = pg.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_contain_text(f"Kirjautunut: {COORDINATOR} (koordinaattori)")
        projects = _sidebar_projects(pg)
        assert "vihti.gpkg" in projects and "kauhava.gpkg" not in projects
        assert pg.locator('[data-testid="stMetricValue"]').count() >= 1  # the project's figures

        pg.goto(f"{hosted['url']}/kohtaamispaikat")
        _idle(pg)
        save = pg.get_by_role("button", name="Tallenna projektitiedostoon")
        expect(save).to_be_visible()
        expect(pg.get_by_text("Tuo paikkoja tiedostosta")).to_be_visible()
        save.click()
        _idle(pg)
        expect(pg.get_by_test_id("stMainBlockContainer").get_by_text("Tallennettu")).to_be_visible()
        _shot(pg, hosted, "coordinator-saved")
        kept = versions.history(path)
        assert len(kept) == before + 1 and kept[-1].user == COORDINATOR

        pg.goto(f"{hosted['url']}/versiot")
        _idle(pg)
        _shot(pg, hosted, "coordinator-versions")
        table = pg.locator('[data-testid="stDataFrame"]')
        expect(table).to_be_visible()
        expect(pg.get_by_role("button", name="Palauta versio")).to_be_visible()
        assert "Käyttöoikeudet" not in pg.inner_text("body")  # access.toml is the admin's


def test_viewer_has_no_write_controls_and_a_stale_save_is_refused(browser, hosted):
    from playwright.sync_api import expect

    path = hosted["projects"] / "vihti.gpkg"
    access_file = hosted["projects"] / "access.toml"
    with person(browser) as pg:
        sign_in(pg, hosted, VIEWER)
        expect(pg.locator('[data-testid="stSidebar"]')).to_contain_text("(katselija)")
        assert "kauhava.gpkg" not in _sidebar_projects(pg)
        nav = pg.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Aineisto" not in nav and "Kohtaamispaikat" in nav
        pg.goto(f"{hosted['url']}/kohtaamispaikat")
        _idle(pg)
        _shot(pg, hosted, "viewer-places")
        assert pg.get_by_role("button", name="Tallenna projektitiedostoon").count() == 0
        assert pg.get_by_role("button", name="Tuo", exact=True).count() == 0
        assert pg.get_by_text("Tuo paikkoja tiedostosta").count() == 0
        assert pg.locator('[data-testid="stMain"] input[type="file"]').count() == 0
        # export stays
        expect(pg.get_by_role("button", name="Lataa projektitiedosto (.gpkg)")).to_be_visible()
        pg.goto(f"{hosted['url']}/versiot")
        _idle(pg)
        expect(pg.locator('[data-testid="stDataFrame"]')).to_be_visible()
        assert pg.get_by_role("button", name="Palauta versio").count() == 0

        # The page is bypassed: she is a coordinator while the page is drawn, the access file then makes her
        # a viewer, and she clicks the save button still on her screen. The server checks and refuses.
        promoted = ACCESS.replace('viewers = ["verkosto@vihti.fi"]', "").replace(
            '"Koordinaattori@Vihti.fi"]', f'"Koordinaattori@Vihti.fi", "{VIEWER}"]'
        )
        access_file.write_text(promoted, encoding="utf-8")
        try:
            pg.goto(f"{hosted['url']}/kohtaamispaikat")
            _idle(pg)
            save = pg.get_by_role("button", name="Tallenna projektitiedostoon")
            expect(save).to_be_visible()
            on_disk, kept = store.file_version(path), len(versions.history(path))
            access_file.write_text(ACCESS, encoding="utf-8")
            save.click()
            _idle(pg)
            _shot(pg, hosted, "viewer-refused")
            main = pg.get_by_test_id("stMainBlockContainer")  # the message by the button (a toast repeats it)
            expect(main.get_by_text("Sinulla ei ole oikeutta tallentaa projektia vihti.gpkg")).to_be_visible()
            assert store.file_version(path) == on_disk and len(versions.history(path)) == kept
            assert pg.get_by_role("button", name="Tallenna projektitiedostoon").count() == 0
        finally:
            access_file.write_text(ACCESS, encoding="utf-8")


def test_unknown_person_is_told_whom_to_ask(browser, hosted):
    with person(browser) as pg:
        sign_in(pg, hosted, STRANGER)
        _shot(pg, hosted, "unknown")
        text = pg.inner_text("body")
        assert "Ei käyttöoikeutta" in text and ADMIN in text and STRANGER in text
        for secret in ("vihti.gpkg", "kauhava", "Kohtaamispaikat", "2 341"):
            assert secret not in text and secret not in pg.content(), secret
        assert pg.locator(MAP_IFRAME).count() == 0


def test_broken_access_file_denies_everyone_and_tells_the_admin(browser, hosted):
    access_file = hosted["projects"] / "access.toml"
    access_file.write_text(ACCESS.replace("viewers =", "viewer ="), encoding="utf-8")
    try:
        with person(browser) as pg:
            sign_in(pg, hosted, COORDINATOR)
            text = pg.inner_text("body")
            assert "vika" in text and ADMIN in text and "viewer" not in text
            assert "vihti.gpkg" not in pg.content() and pg.locator(MAP_IFRAME).count() == 0
        with person(browser) as pg:
            sign_in(pg, hosted, ADMIN)
            _shot(pg, hosted, "broken-admin")
            text = pg.inner_text("body")
            assert "access.toml on virheellinen" in text and "unknown key 'viewer'" in text
            assert pg.locator(MAP_IFRAME).count() == 0
    finally:
        access_file.write_text(ACCESS, encoding="utf-8")


def test_provider_down(browser, hosted):
    """Last: stops the provider. A signed-in person keeps working (Streamlit's signed identity cookie); a
    visitor who clicks "sign in" is told the sign-in service does not answer (not Streamlit's bare
    "Authentication error"), and so is the next fresh visitor."""
    from playwright.sync_api import expect

    with person(browser) as signed, person(browser) as waiting:
        sign_in(signed, hosted, COORDINATOR)
        waiting.goto(hosted["url"])
        _idle(waiting)
        assert "Kirjautumispalvelu ei vastaa" not in waiting.inner_text("body")
        hosted["provider"].terminate()
        hosted["provider"].wait(timeout=10)
        waiting.get_by_role("button", name="Kirjaudu sisään").click()
        _idle(waiting)
        expect(waiting.get_by_text("Kirjautumispalvelu ei vastaa")).to_be_visible()
        assert "Authentication error" not in waiting.inner_text("body")
        _shot(waiting, hosted, "provider-down-click")
        with person(browser) as pg:
            pg.goto(hosted["url"])
            _idle(pg)
            _shot(pg, hosted, "provider-down")
            expect(pg.get_by_text("Kirjautumispalvelu ei vastaa")).to_be_visible()
            assert "vihti.gpkg" not in pg.content()
        signed.reload()
        _idle(signed)
        expect(signed.locator('[data-testid="stSidebar"]')).to_contain_text(f"Kirjautunut: {COORDINATOR}")
        assert signed.locator('[data-testid="stMetricValue"]').count() >= 1
