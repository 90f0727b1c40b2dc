"""The Aineisto page in AppTest: fetch from a local server, see what was read, add it, save."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from test_fetch import FakeServer

from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.travel import osm_graph

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
    cells = len(load_dataset("vihti").areas)
    assert table.iloc[:, 1].tolist() == [7, cells, 1, 0]  # Vihti: places, areas (cells), boundary, candidates
    chooser = app.selectbox(key="aineisto_code")
    assert chooser.value == "927"  # from the boundary
    assert len(chooser.options) == 308 and "Vihti – Vichtis (927)" in chooser.options
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
    # which layer and year, how children 0-6 were made (markdown escapes removed)
    captions = " ".join(c.value for c in app.caption).replace("\\", "")
    assert "väestöruudut: vaestoruutu:vaki2024_1km, vuosi 2024 (uusin palvelun tarjoama)" in captions
    assert "kunta1000k_2026, vuosi 2026" in captions and "Viimeinen keino" in captions
    # the project is unchanged until "Lisää projektiin"
    assert len(app.session_state["project"].areas) == len(load_dataset("vihti").areas)

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


def test_fetch_by_name_with_statfin_ages(app, server, tmp_path, monkeypatch):
    server.pxweb = (Path(__file__).parent / "data" / "sources" / "pxweb_11re_927.json").read_bytes()
    monkeypatch.setenv("KATVE_FETCH_BASE_URL", server.url)
    monkeypatch.setenv("KATVE_CACHE", str(tmp_path / "cache"))
    app.switch_page(PAGE).run()
    app.selectbox(key="aineisto_code").set_value("052").run()  # Evijärvi by its name in the list
    app.multiselect(key="aineisto_what").set_value(["boundary"]).run()
    _button(app, "aineisto_fetch").click().run()
    assert not app.exception, app.exception
    assert any("kunta='052'" in q.get("CQL_FILTER", [""])[0] for q in server.queries)
    app.selectbox(key="aineisto_code").set_value("927").run()
    app.multiselect(key="aineisto_what").set_value(["grid"]).run()
    _button(app, "aineisto_fetch").click().run()
    assert not app.exception, app.exception
    captions = " ".join(c.value for c in app.caption).replace("\\", "")
    assert "StatFin" in captions and "11re (2019: 2 111 / 5 420" in captions.replace("\xa0", " "), [
        e.value for e in app.error
    ]
    areas = app.session_state["aineisto_staged"]["grid"]["result"].data
    assert (areas["children_method"] == "statfin_11re_2019").all()


@pytest.mark.parametrize("lang, header", [("sv", "Data"), ("en", "Data")])
def test_page_in_swedish_and_english(app, lang, header):
    app.selectbox(key="lang").set_value(lang).run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.header[0].value == header
    assert {"Fetch", "Hämta"} & {b.label for b in app.button}


# --- road network -------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::coverage.core.errors.OffNetworkWarning")  # the page names them instead
def test_road_network_from_an_uploaded_extract(app, projects_dir):
    pyrosm = pytest.importorskip("pyrosm")
    from test_network import project_on_extract


    data = Path(pyrosm.get_data("test_pbf")).read_bytes()  # a real OSM extract shipped with pyrosm
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "test.osm.pbf"
        copy.write_bytes(data)
        project = project_on_extract(osm_graph.read_pbf(copy, modes=["car"])["car"])
    store.save(project, projects_dir / "verkko.gpkg")
    app.run()  # the project selector lists the new file
    app.selectbox(key="source").set_value("file:verkko.gpkg").run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert not [b for b in app.button if b.key == "aineisto_network_use"]  # no extract stored yet

    # choose the .pbf under "Files": it is stored in the projects folder
    uploader = next(u for u in app.get("file_uploader") if u.key == "aineisto_files")
    uploader.set_value(("test.osm.pbf", data, "application/octet-stream")).run()
    _button(app, "aineisto_read").click().run()
    assert not app.exception, app.exception
    stored = projects_dir / "osm" / "test.osm.pbf"
    assert stored.read_bytes() == data
    assert app.selectbox(key="aineisto_network_pbf").value == str(stored)

    _button(app, "aineisto_network_use").click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    done = " ".join(s.value for s in app.success).replace("\\", "")  # markdown escapes shown literally
    assert "Tieverkko test.osm.pbf on käytössä: rakennettu" in done and "sekunnissa" in done
    settings = app.session_state["project"].settings
    assert settings.network == str(stored) and app.session_state["project_dirty"]
    # the graph is cached in the projects folder, next to the extract: every mode at once
    cache = projects_dir / "osm" / osm_graph.CACHE_DIRNAME
    assert sorted(p.name.split("-")[1] for p in cache.glob("*.npz")) == ["bike", "car", "walk"]
    texts = " ".join(m.value for m in app.markdown).replace("\\", "")
    assert "Liitetty lähimpään tiehen: 4 aluetta ja 3 kohtaamispaikkaa." in texts
    assert "Pisin matka tielle 2,1 km (alue a9 Kaukana)" in texts
    warning = " ".join(w.value for w in app.warning).replace("\\", "")
    assert "Yli 500 m päässä tiestä, jota pitkin pääsee autolla (1 kpl)" in warning
    assert "alue a9 Kaukana: 2,1 km" in warning
    assert _button(app, "aineisto_network_use").disabled  # in use already

    # the map's headline reports the road network, in every travel mode of the sidebar
    app.switch_page("app_pages/kartta.py").run()
    assert not app.exception, app.exception
    captions = " ".join(c.value for c in app.caption).replace("\\", "")
    assert "Malli: tieverkko (test.osm.pbf)" in captions
    app.radio(key="mode").set_value("walk").run()
    assert not app.exception, app.exception
    captions = " ".join(c.value for c in app.caption).replace("\\", "")
    assert "kävellen" in captions.lower() or "kävely" in captions.lower()
    assert "Malli: tieverkko (test.osm.pbf)" in captions

    # and back to straight lines
    app.switch_page(PAGE).run()
    _button(app, "aineisto_network_off").click().run()
    assert not app.exception, app.exception
    assert app.session_state["project"].settings.network is None
    app.switch_page("app_pages/kartta.py").run()
    assert "Malli: tieverkko" not in " ".join(c.value for c in app.caption)
