"""The Versiot page and the sign-in gate in AppTest: list and restore versions (single-user mode), a
visitor without sign-in sees only the sign-in page, a signed-in viewer gets no write controls and the save
callback refuses her on the server."""

from __future__ import annotations

import pytest
from conftest import ROOT

from app_pages.common import auth
from coverage.cli.history import history_json
from coverage.io import access, store, versions
from coverage.io.datasets import load_dataset

KP, VER = "app_pages/kohtaamispaikat.py", "app_pages/versiot.py"
ACCESS = """admins = ["it@region.fi"]
[projects."vihti.gpkg"]
coordinators = ["koordinaattori@vihti.fi"]
viewers = ["verkosto@vihti.fi"]
"""


def _texts(at) -> str:
    parts = [str(getattr(e, "value", "")) for kind in ("markdown", "caption", "title", "header", "info",
                                                       "error", "warning", "success", "metric")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(parts)


def test_local_mode_says_so_and_versions_list_and_restore(app, projects_dir):
    assert any("Yhden käyttäjän tila" in c.value for c in app.sidebar.caption)
    path = projects_dir / "vihti.gpkg"
    store.save(load_dataset("vihti"), path, user="a@b.fi")
    p = store.load(path)
    p.places = p.places.iloc[:4]
    store.save(p, user="c@d.fi")
    p = store.load(path)
    p.places = p.places.iloc[:5]
    store.save(p, user="a@b.fi")
    app.run()  # the selector lists the new file
    app.selectbox(key="source").set_value("file:vihti.gpkg").run()
    app.switch_page(VER).run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert list(table["Versio"]) == [3, 2, 1]
    assert list(table["Kuka"]) == ["a@b.fi", "c@d.fi", "a@b.fi"]
    assert table["Muutos"].iloc[1] == "kohtaamispaikat 3 poistettu"
    # the same list as `python -m coverage history --json`
    cli = history_json(path, "fi")["versions"]
    assert [(v["version"], v["user"], v["summary"]) for v in reversed(cli)] == list(
        zip(table["Versio"], table["Kuka"], table["Muutos"], strict=True)
    )
    app.selectbox(key="ver_pick").set_value(1).run()
    app.button(key="ver_restore").click().run()
    assert not app.exception, app.exception
    assert any("Versio 1 palautettu (nyt versio 4)" in s.value for s in app.success)
    assert len(store.load(path).places) == 7
    assert [v.number for v in versions.history(path)] == [1, 2, 3, 4]
    assert list(app.dataframe[0].value["Versio"]) == [4, 3, 2, 1]
    assert len(app.session_state["project"].places) == 7  # the working copy is the restored one


@pytest.fixture
def hosted(projects_dir, monkeypatch):
    """Sign-in on (secrets [auth] given to AppTest); the signed-in person is set with ``hosted(who)``."""
    from streamlit.testing.v1 import AppTest

    (projects_dir / "access.toml").write_text(ACCESS, encoding="utf-8")
    store.save(load_dataset("vihti"), projects_dir / "vihti.gpkg", user="setup")

    def start(who: str | None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:1/oauth2callback", "cookie_secret": "x" * 40,
                              "client_id": "c", "client_secret": "s",
                              "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
        if who is not None:
            monkeypatch.setattr(auth, "current_user", lambda: access.User(who))
        return at

    return start


def test_visitor_sees_only_the_sign_in_page(hosted):
    at = hosted(None)
    at.run()
    assert not at.exception, at.exception
    text = _texts(at)
    assert "Kirjaudu Katveen" in text
    assert "Kirjautumispalvelu ei vastaa" in text  # the configured provider does not answer here
    assert not at.metric and not at.dataframe and "Vihti" not in text and "vihti.gpkg" not in text


def test_viewer_gets_no_write_controls_and_the_server_refuses(hosted, projects_dir, monkeypatch):
    at = hosted("verkosto@vihti.fi")
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["source"] == "file:vihti.gpkg"
    at.switch_page(KP).run()
    assert not at.exception, at.exception
    keys = {b.key for b in at.button}
    assert "save_button" not in keys and "import_button" not in keys
    # the page bypassed: it draws the save button anyway; the save callback on the server still refuses
    monkeypatch.setattr(auth, "can_edit", lambda source=None: True)
    at.run()
    path = projects_dir / "vihti.gpkg"
    before, kept = store.file_version(path), len(versions.history(path))
    at.button(key="save_button").click().run()
    assert not at.exception, at.exception
    assert any("Sinulla ei ole oikeutta tallentaa projektia vihti" in e.value for e in at.error)
    assert store.file_version(projects_dir / "vihti.gpkg") == before
    assert len(versions.history(projects_dir / "vihti.gpkg")) == kept


def test_coordinator_has_save_and_unknown_gets_no_access(hosted):
    at = hosted("koordinaattori@vihti.fi")
    at.run()
    at.switch_page(KP).run()
    assert not at.exception, at.exception
    assert "save_button" in {b.key for b in at.button}
    stranger = hosted("stranger@x.fi")
    stranger.run()
    text = _texts(stranger)
    assert "Ei käyttöoikeutta" in text and "it@region.fi" in text and not stranger.metric


def test_admin_edits_access_file_and_a_bad_one_is_refused(hosted, projects_dir):
    at = hosted("it@region.fi")
    at.run()
    at.switch_page(VER).run()
    assert not at.exception, at.exception
    area = at.text_area(key="ver_access_text")
    assert "koordinaattori@vihti.fi" in area.value
    area.input('admins = ["it@region.fi"]\n[projects."vihti.gpkg"]\nviewer = ["x@y.fi"]\n')
    at.button(key="ver_access_save").click().run()
    assert any("unknown key" in e.value for e in at.error)
    assert (projects_dir / "access.toml").read_text(encoding="utf-8") == ACCESS  # the old file stays
    good = ACCESS + '[projects."uusi.gpkg"]\nviewers = ["x@y.fi"]\n'
    at.text_area(key="ver_access_text").input(good)
    at.button(key="ver_access_save").click().run()
    assert any("Käyttöoikeudet tallennettu" in s.value for s in at.success)
    assert access.load_access(projects_dir).role(access.User("X@Y.fi"), "uusi.gpkg") == "viewer"
    # a coordinator has no access editor
    other = hosted("koordinaattori@vihti.fi")
    other.run()
    other.switch_page(VER).run()
    assert not [a for a in other.text_area if a.key == "ver_access_text"]
