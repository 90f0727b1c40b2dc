"""The Aineisto page's "Nouda tieverkko" in AppTest, against a local Overpass server replaying a recording."""

from __future__ import annotations

import pytest
from roads_fixture import OverpassServer, extract_project, recorded_bytes

from coverage.io import store
from coverage.travel import osm_graph

PAGE = "app_pages/aineisto.py"


def _button(at, key):
    return next(b for b in at.button if b.key == key)


@pytest.mark.filterwarnings("ignore::coverage.core.errors.OffNetworkWarning")
def test_fetch_roads_button_sets_the_network_and_the_saved_project_keeps_it(app, projects_dir, monkeypatch):
    store.save(extract_project(), projects_dir / "testikunta.gpkg")
    app.run()
    app.selectbox(key="source").set_value("file:testikunta.gpkg").run()
    with OverpassServer() as server:
        monkeypatch.setenv("KATVE_OVERPASS_URL", server.url)
        monkeypatch.setenv("KATVE_CACHE", str(projects_dir.parent / "cache"))
        app.switch_page(PAGE).run()
        assert not app.exception, app.exception
        button = _button(app, "aineisto_fetch_roads")
        assert button.label == "Nouda tieverkko" and not button.disabled
        button.click().run()
        assert not app.exception, app.exception
        assert len(server.requests) == 1 and server.requests[0]["agent"].startswith("katve/")
    assert not app.error, [e.value for e in app.error]
    done = " ".join(s.value for s in app.success).replace("\\", "")
    assert "Tieverkko noudettu: roads_999.osm" in done and "tietä" in done
    roads = projects_dir / "osm" / "roads_999.osm"
    assert roads.read_bytes() == recorded_bytes()
    settings = app.session_state["project"].settings
    assert settings.network == str(roads) and settings.network_sha256 == osm_graph.file_sha256(roads)
    assert app.session_state["project_dirty"]
    cache = projects_dir / "osm" / osm_graph.CACHE_DIRNAME
    assert sorted(p.name.split("-")[1] for p in cache.glob("*.npz")) == ["bike", "car", "walk"]
    assert app.selectbox(key="aineisto_network_pbf").value == str(roads)  # listed with the stored extracts

    # the Kartta caption names the road network
    app.switch_page("app_pages/kartta.py").run()
    assert not app.exception, app.exception
    assert "Malli: tieverkko (roads_999.osm)" in " ".join(c.value for c in app.caption).replace("\\", "")

    # Katvealueet says what the roads change, by village
    app.switch_page("app_pages/katvealueet.py").run()
    assert not app.exception, app.exception
    assert "Tieverkko verrattuna linnuntiehen" in [h.value for h in app.subheader]
    lines = [m.value.replace("\\", "") for m in app.markdown if "Tieverk" in m.value]
    starts = ("Tieverkolla katveeseen jää lisäksi", "Tieverkolla tavoitetaan lisäksi", "Tieverkko ei")
    assert lines and all(line.startswith(starts) for line in lines)
    named = {n.strip() for line in lines if ":" in line for n in line.split(":", 1)[1].split(",")}
    assert named <= {"Selki", "Haimoo", "Nummela", "Ruutu 35"}

    # saved and opened again: the project remembers its network (file and hash)
    app.switch_page(PAGE).run()
    app.text_input(key="draft_aineisto_save_name").set_value("testikunta.gpkg").run()
    _button(app, "aineisto_save").click().run()
    assert not app.exception, app.exception
    reopened = store.load(projects_dir / "testikunta.gpkg")
    assert reopened.settings.network == str(roads)
    assert reopened.settings.network_sha256 == osm_graph.file_sha256(roads)


def test_fetch_roads_offline_shows_one_error_and_keeps_the_straight_line(app, projects_dir, monkeypatch):
    from test_fetch import _free_port

    monkeypatch.setenv("KATVE_OVERPASS_URL", f"http://127.0.0.1:{_free_port()}/api/interpreter")
    monkeypatch.setenv("KATVE_CACHE", str(projects_dir.parent / "cache"))
    app.switch_page(PAGE).run()
    _button(app, "aineisto_fetch_roads").click().run()  # embedded Vihti: it has a boundary
    assert not app.exception, app.exception
    errors = [e.value for e in app.error]
    assert len(errors) == 1
    assert errors[0].startswith("Tieverkkoa ei voitu noutaa; matka-ajat lasketaan edelleen linnuntietä")
    assert "cannot reach 127" in errors[0]
    assert app.session_state["project"].settings.network is None
    assert not (projects_dir / "osm" / "roads_927.osm").exists()
