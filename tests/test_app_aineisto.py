"""The Aineisto page in AppTest: fetch from a local server, see what was read, add it, save."""

from __future__ import annotations

import pytest
from test_fetch import FakeServer

from coverage import store

PAGE = "app_pages/aineisto.py"


@pytest.fixture
def server():
    with FakeServer() as s:
        yield s


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_page_shows_the_project_layers(app):
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.header[0].value == "Aineisto"
    table = app.dataframe[0].value
    assert table.iloc[:, 1].tolist() == [7, 9, 1, 0]  # embedded Vihti: places, areas, boundary, candidates
    assert next(t for t in app.text_input if t.key == "aineisto_code").value == "927"  # from the boundary
    assert _button(app, "aineisto_save").disabled  # nothing to save yet


def test_fetch_add_and_save(app, server, tmp_path, monkeypatch, projects_dir):
    monkeypatch.setenv("KATVE_FETCH_BASE_URL", server.url)
    monkeypatch.setenv("KATVE_CACHE", str(tmp_path / "cache"))
    app.switch_page(PAGE).run()
    _button(app, "aineisto_fetch").click().run()
    assert not app.exception, app.exception
    assert any("Noudettu 4 tiedostoa (0 välimuistista)" in s.value for s in app.success)
    texts = " ".join(m.value for m in app.markdown)
    assert "4 aluetta, 460 asukasta, 43 lasta 0–6 v. (4 alueella arvio)" in texts  # the grid
    assert "3 kohtaamispaikkaa" in texts
    assert (projects_dir / "downloads" / "grid_927.geojson").exists()
    # the project is unchanged until "Lisää projektiin"
    assert len(app.session_state["project"].areas) == 9

    app.radio(key="aineisto_areas_from").set_value("paavo").run()
    _button(app, "aineisto_add").click().run()
    assert not app.exception, app.exception
    project = app.session_state["project"]
    assert project.areas["id"].tolist() == ["03100", "03400", "03790", "03430"]
    assert len(project.places) == 7 + 3  # PTV places added to the embedded ones
    assert project.boundary["code"].tolist() == ["927"]
    assert app.session_state["project_dirty"]
    assert app.dataframe[0].value.iloc[:, 1].tolist() == [10, 4, 1, 0]

    app.text_input(key="draft_aineisto_save_name").set_value("vihti_virallinen.gpkg").run()
    _button(app, "aineisto_save").click().run()
    assert not app.exception, app.exception
    saved = store.load(projects_dir / "vihti_virallinen.gpkg")
    assert len(saved.places) == 10 and len(saved.areas) == 4


def test_fetch_offline_shows_one_error(app, tmp_path, monkeypatch):
    from test_fetch import _free_port

    monkeypatch.setenv("KATVE_FETCH_BASE_URL", f"http://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("KATVE_CACHE", str(tmp_path / "cache"))
    app.switch_page(PAGE).run()
    _button(app, "aineisto_fetch").click().run()
    assert not app.exception, app.exception
    errors = [e.value for e in app.error]
    assert len(errors) == 1
    assert errors[0].startswith("Nouto ei onnistunut. Palvelimeen ei saatu yhteyttä.")
    assert "cannot reach 127\\.0\\.0\\.1" in errors[0] and "Connection refused" in errors[0]


@pytest.mark.parametrize("lang, header", [("sv", "Data"), ("en", "Data")])
def test_page_in_swedish_and_english(app, lang, header):
    app.selectbox(key="lang").set_value(lang).run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.header[0].value == header
    assert {"Fetch", "Hämta"} & {b.label for b in app.button}
