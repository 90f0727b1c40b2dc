"""The Streamlit app in AppTest: every page renders, widgets drive the figures, editing, saving, importing.

The map itself is an opaque component here; its content is tested through coverage.outputs.webmap
(test_maps.py) and in a real browser (test_browser.py).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from app_pages.common import frame as common_frame
from app_pages.common import places as common_places
from app_pages.common import state
from coverage.analysis import week
from coverage.analysis.reach import analyze
from coverage.core import errors, i18n, schedule
from coverage.core.model import Settings
from coverage.io import store
from coverage.io.datasets import load_dataset

KARTTA, KP, KAT, VO = (
    f"app_pages/{p}.py" for p in ("kartta", "kohtaamispaikat", "katvealueet", "viikko_ohjelma")
)
SUBMIT_ADD = "FormSubmitter:add_place-Lisää paikka"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def headline(settings: Settings, *, at=None, include_planned=False, project=None) -> dict[str, str]:
    """The three headline figures as the Kartta page should show them (Finnish formatting)."""
    result = analyze(project or load_dataset("vihti"), settings, at=at, include_planned=include_planned)
    s = result.summary
    return {
        "Lapsia 0–6 v saavutettavissa": f"{i18n.fmt_number(s['children_covered'], lang='fi')} / "
        f"{i18n.fmt_number(s['children_total'], lang='fi')}",
        "Osuus lapsista": i18n.fmt_share(s["children_covered_share"], lang="fi"),
        "Kyliä katveessa": str(int((result.villages()["children_uncovered"] > 0).sum())),
    }


def frame(at, column: str) -> pd.DataFrame:
    """The first st.dataframe/data_editor on the page that has ``column``."""
    for element in at.dataframe:
        value = element.value
        if column in value.columns or column == value.index.name:
            return value
    raise AssertionError(f"no table with column {column!r}")


def no_errors(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


# --- Kartta -------------------------------------------------------------------------------------------------


def test_kartta_headline_matches_the_analysis(app):
    no_errors(app)
    assert app.header[0].value.startswith("Kohtaamispaikkojen kattavuus: Vihti")
    assert metrics(app) == headline(Settings(mode="car", threshold_minutes=10))
    assert any("7/7 paikkaa laskettu" in c.value for c in app.caption)


def test_threshold_slider_changes_the_headline(app):
    before = metrics(app)
    app.slider(key="threshold_minutes").set_value(5).run()
    no_errors(app)
    after = metrics(app)
    assert after == headline(Settings(mode="car", threshold_minutes=5))
    assert after != before
    assert int(after["Kyliä katveessa"]) > int(before["Kyliä katveessa"])


def test_mode_and_km_threshold_change_the_headline(app):
    app.radio(key="mode").set_value("walk").run()
    no_errors(app)
    assert metrics(app) == headline(Settings(mode="walk", threshold_minutes=10))
    app.radio(key="threshold_by").set_value("km").run()
    app.slider(key="threshold_km").set_value(3.0).run()
    no_errors(app)
    assert metrics(app) == headline(Settings(mode="walk", threshold_km=3.0))
    # the minutes slider kept its value while hidden
    app.radio(key="threshold_by").set_value("minutes").run()
    assert app.slider(key="threshold_minutes").value == 10


def test_open_at_time_counts_only_open_places(app):
    app.radio(key="when").set_value("at").run()
    app.selectbox(key="at_day").set_value(5).run()  # Saturday: nothing is open
    no_errors(app)
    assert metrics(app)["Lapsia 0–6 v saavutettavissa"].startswith("0 /")
    assert app.warning and "Yksikään paikka" in app.warning[0].value
    app.selectbox(key="at_day").set_value(1)  # Tuesday 10:00: the two Tuesday morning groups
    app.time_input(key="at_time").set_value(dt.time(10, 0)).run()
    no_errors(app)
    moment = schedule.parse_at("Tu 10:00", schedule.reference_week())
    assert metrics(app) == headline(Settings(mode="car", threshold_minutes=10), at=moment)
    assert any("2/7 paikkaa laskettu" in c.value for c in app.caption)


def test_language_switch(app):
    app.selectbox(key="lang").set_value("sv").run()
    no_errors(app)
    assert app.header[0].value.startswith("Mötesplatsernas täckning")
    assert "Barn 0–6 år inom räckhåll" in metrics(app)
    app.selectbox(key="lang").set_value("en").run()
    assert app.header[0].value.startswith("Meeting-place coverage")
    assert metrics(app)["Share of children"].endswith("%") and "," not in metrics(app)["Share of children"]


def test_switching_to_the_second_dataset(app):
    app.selectbox(key="source").set_value("dataset:kaksineuvoinen").run()
    no_errors(app)
    project = load_dataset("kaksineuvoinen")
    assert metrics(app) == headline(project.settings, project=project)
    assert "Kauhava" in app.header[0].value


# --- Kohtaamispaikat ----------------------------------------------------------------------------------------


def _open_kp(app):
    app.switch_page(KP).run()
    no_errors(app)
    return app


def test_kohtaamispaikat_shows_the_inventory(app):
    _open_kp(app)
    table = app.dataframe[0].value
    assert len(table) == 7 and (table["check"] == "✓").all()
    assert table["name"].iloc[0] == "Annantien perhetupa"
    assert app.success[0].value == "Kaikki 7 paikkaa kunnossa."
    assert app.number_input(key="add_lat").value == pytest.approx(60.4, abs=0.3)


def test_add_place_by_coordinates_then_count_it_as_planned(app):
    _open_kp(app)
    # Jokikunta is the blind spot at 10 min by car; put a planned place there
    lon, lat = common_places._to_lonlat(np.array([344_973.0]), np.array([6_702_018.0]))
    app.text_input(key="add_name").input("Jokikunnan <b>kylätalo</b>")
    app.selectbox(key="add_status").set_value("planned")
    app.number_input(key="add_lat").set_value(round(float(lat[0]), 6))
    app.number_input(key="add_lon").set_value(round(float(lon[0]), 6))
    app.button(key=SUBMIT_ADD).click().run()
    no_errors(app)
    places = app.session_state["project"].places
    assert len(places) == 8 and places["id"].iloc[-1] == "V08" and places["status"].iloc[-1] == "planned"
    assert places.geometry.iloc[-1].distance(gpd.points_from_xy([344_973.0], [6_702_018.0])[0]) < 0.5
    assert app.session_state["project_dirty"] is True
    assert "Jokikunnan <b>kylätalo</b>" in app.dataframe[0].value["name"].tolist()

    app.switch_page(KARTTA).run()
    project = app.session_state["project"]
    car10 = Settings(mode="car", threshold_minutes=10)
    assert metrics(app) == headline(car10, project=project)  # planned places do not count by default
    app.checkbox(key="include_planned").check().run()
    no_errors(app)
    with_planned = headline(car10, project=project, include_planned=True)
    assert metrics(app) == with_planned
    # the planned place in Jokikunta brings Jokikunta's children within reach
    before = analyze(project, car10).villages().set_index("name")
    after = analyze(project, car10, include_planned=True).villages().set_index("name")
    assert after.loc["Jokikunta", "children_uncovered"] < before.loc["Jokikunta", "children_uncovered"]


def test_map_click_fills_the_coordinates(app):
    _open_kp(app)
    # what st_folium stores after a click on the map (the browser test covers the click itself)
    app.session_state["kp_map"] = {"last_clicked": {"lat": 60.5123456, "lng": 24.2345678}}
    app.run()
    no_errors(app)
    assert app.number_input(key="add_lat").value == pytest.approx(60.512346)
    assert app.number_input(key="add_lon").value == pytest.approx(24.234568)
    # typed coordinates win over the (already applied) click when the form is submitted
    app.text_input(key="add_name").input("Klikattu")
    app.number_input(key="add_lat").set_value(60.45)
    app.button(key=SUBMIT_ADD).click().run()
    no_errors(app)
    added = app.session_state["project"].places.to_crs(4326).geometry.iloc[-1]
    assert (added.y, added.x) == pytest.approx((60.45, 24.234568), abs=1e-7)
    assert app.number_input(key="add_lat").value == pytest.approx(60.45)


def test_add_place_with_bad_opening_hours_is_refused(app):
    _open_kp(app)
    app.text_input(key="add_name").input("Huono")
    app.text_input(key="add_hours").input("Tu 9-11x")
    app.button(key=SUBMIT_ADD).click().run()
    assert not app.exception
    assert len(app.session_state["project"].places) == 7
    assert any("opening\\_hours" in e.value and "9\\-11x" in e.value for e in app.error)


@pytest.mark.slow  # several GeoPackage writes
def test_save_embedded_project_then_conflict_then_force(app, projects_dir):
    _open_kp(app)
    app.text_input(key="draft_save_name").input("vihti-testi")
    app.button(key="save_button").click().run()
    no_errors(app)
    target = projects_dir / "vihti-testi.gpkg"
    assert target.exists()
    assert app.session_state["source"] == "file:vihti-testi.gpkg"
    assert app.session_state["project_dirty"] is False
    assert any("Tallennettu" in s.value for s in app.success)
    assert len(store.load(target).places) == 7

    # someone else saves the same file meanwhile
    other = store.load(target)
    other.places = other.places.iloc[:3]
    store.save(other)
    app.text_input(key="add_name").input("Uusi paikka")
    app.button(key=SUBMIT_ADD).click().run()
    app.button(key="save_button").click().run()
    assert not app.exception
    assert any("joku muu tallensi" in w.value for w in app.warning)
    assert len(store.load(target).places) == 3  # not overwritten
    app.button(key="save_force").click().run()
    no_errors(app)
    assert len(store.load(target).places) == 8
    assert store.backup_path(target).exists()


@pytest.mark.slow  # several GeoPackage writes
def test_reload_after_conflict_discards_edits(app, projects_dir):
    _open_kp(app)
    app.text_input(key="draft_save_name").input("r.gpkg")
    app.button(key="save_button").click().run()
    other = store.load(projects_dir / "r.gpkg")
    other.places = other.places.iloc[:2]
    store.save(other)
    app.text_input(key="add_name").input("Uusi paikka")
    app.button(key=SUBMIT_ADD).click().run()
    app.button(key="save_button").click().run()
    app.button(key="save_reload").click().run()
    no_errors(app)
    assert len(app.session_state["project"].places) == 2
    assert len(app.dataframe[0].value) == 2


def _import(app, name: str, raw: bytes) -> None:
    """Upload, preview, then import (the preview changes nothing)."""
    before = len(app.session_state["project"].places)
    app.file_uploader(key="import_file").upload(name, raw, "text/csv").run()
    app.button(key="import_button").click().run()
    no_errors(app)
    assert len(app.session_state["project"].places) == before  # nothing changes on preview
    app.button(key="import_apply").click().run()
    no_errors(app)


def test_import_csv_appends_places(app):
    _open_kp(app)
    csv = (
        "id;name;organiser;organiser_type;opening_hours;status;lat;lon\n"
        "X1;Kylätalon perhekahvila;Kyläyhdistys;other_ngo;Sep-May Mo 10:00-12:00;existing;60,50;24,25\n"
    )
    _import(app, "uudet.csv", csv.encode("utf-8"))
    places = app.session_state["project"].places
    assert len(places) == 8 and places["name"].iloc[-1] == "Kylätalon perhekahvila"
    assert any("Tuotu 1 paikkaa" in s.value for s in app.success)


COORDINATOR_CSV = (
    "nimi;järjestäjä;osoite;lat;lon;aukioloajat\r\n"
    "Perhekahvila Oravanpesä;MLL Vihdin yhdistys;Kylätie 1, Vihti;60,45;24,35;ti 9.30–11.30\r\n"
    "Perhekerho Selki;Vihdin seurakunta;Selkiäntie 5;60,40;24,45;ma-pe 9-12\r\n"
    "Iltaperhe;Vihdin kunta;Koulutie 2;60,35;24,40;tiistaisin klo 10\r\n"
).encode("cp1252")


def test_a_coordinators_own_excel_list_imports_twice(app):
    """cp1252, ';', decimal commas, Finnish headers and hours, no id or status; the bad row is skipped."""
    _open_kp(app)
    app.file_uploader(key="import_file").upload("paikat_excel.csv", COORDINATOR_CSV, "text/csv").run()
    app.button(key="import_button").click().run()
    no_errors(app)
    shown = " ".join(m.value for m in app.markdown)
    assert "Tuodaan 2 riviä; ohitetaan 1 rivi." in shown
    skipped = frame(app, "Excel-rivi")
    assert skipped["Excel-rivi"].tolist() == [4]  # the third data row is row 4 in Excel
    assert "tiistaisin klo 10" in skipped["Syy"].iloc[0] and "EOI" not in skipped["Syy"].iloc[0]
    app.button(key="import_apply").click().run()
    no_errors(app)
    _import(app, "paikat_excel.csv", COORDINATOR_CSV)
    places = app.session_state["project"].places
    new = places.iloc[7:]
    assert new["id"].tolist() == ["V08", "V09", "V10", "V11"] and places["id"].is_unique
    assert new["opening_hours"].tolist() == ["Tu 09:30-11:30", "Mo-Fr 09:00-12:00"] * 2
    assert (new["status"] == "existing").all()
    assert new["organiser_type"].tolist()[:2] == ["mll", "parish"]


def test_import_bad_file_lists_problems(app):
    _open_kp(app)
    csv = "id;name;opening_hours;status;lat;lon\nX1;Huono;Mo 10-12x;existing;60,5;24,25\n"
    app.file_uploader(key="import_file").upload("huono.csv", csv.encode("utf-8"), "text/csv").run()
    app.button(key="import_button").click().run()
    assert not app.exception
    assert len(app.session_state["project"].places) == 7
    assert any("huono\\.csv" in e.value for e in app.error)
    assert not any("/tmp" in e.value for e in app.error)  # never a server path


def test_upload_project_file_opens_it(app, projects_dir, tmp_path):
    project = load_dataset("vihti")
    project.places = project.places.iloc[:4]
    path = tmp_path / "oma kunta.gpkg"
    store.save(project, path)
    app.file_uploader(key="upload_project").upload(path.name, path.read_bytes()).run()
    no_errors(app)
    assert app.session_state["source"] == "file:oma_kunta.gpkg"
    assert (projects_dir / "oma_kunta.gpkg").exists()
    assert any("4/4 paikkaa laskettu" in c.value for c in app.caption)


def test_upload_invalid_project_is_refused(app, projects_dir):
    app.file_uploader(key="upload_project").upload("rikki.gpkg", b"not a geopackage").run()
    assert not app.exception
    assert app.session_state["source"] == "dataset:vihti"
    assert any("rikki\\.gpkg" in e.value for e in app.error)  # markdown-escaped file name
    assert not list(projects_dir.iterdir())


# --- Katvealueet and Viikko-ohjelma -------------------------------------------------------------------------


def test_katvealueet_ranks_blind_spots_and_shows_matrix_and_overlaps(app):
    app.slider(key="threshold_minutes").set_value(5).run()
    app.switch_page(KAT).run()
    no_errors(app)
    ranked = frame(app, "Sija")
    result = analyze(load_dataset("vihti"), Settings(mode="car", threshold_minutes=5))
    expected = result.villages()
    expected = expected[expected["children_uncovered"] > 0]
    assert ranked["Kylä"].tolist() == expected["name"].tolist()
    assert ranked["Lapsia katveessa"].is_monotonic_decreasing
    uncovered = result.summary["children_uncovered"]
    assert ranked["Lapsia katveessa"].sum() == pytest.approx(uncovered, abs=len(ranked))  # rounded per row
    cells = frame(app, "Alue")  # behind the villages: every area beyond reach, by name
    assert sorted(cells["Alue"]) == sorted(result.blind_spots()["name"])
    matrix = frame(app, "Viikonpäivä")
    assert list(matrix.columns) == ["aamupäivä 8–12", "iltapäivä 12–16", "ilta 16–20"]
    assert len(matrix) == 7
    assert {s.value for s in app.subheader} >= {
        "Katveessa olevat kylät, eniten lapsia katveessa ensin",
        "Päällekkäiset vuorot lähekkäisissä paikoissa",
    }
    # a bigger threshold leaves fewer blind spots
    app.slider(key="threshold_minutes").set_value(30).run()
    assert any("Ei katvealueita" in s.value for s in app.success)


def test_viikko_ohjelma_grid(app):
    app.switch_page(VO).run()
    no_errors(app)
    app.date_input(key="vo_week").set_value(dt.date(2026, 10, 7)).run()  # an ordinary autumn week
    no_errors(app)
    table = frame(app, "Päivä")
    assert len(table) == 9
    assert table["Päivä"].tolist()[:3] == ["maanantai", "tiistai", "tiistai"]
    texts = " ".join(m.value for m in app.markdown)
    assert "**Maanantai**" in texts and "5.10.2026" in texts
    app.date_input(key="vo_week").set_value(dt.date(2026, 7, 8)).run()  # summer break
    assert any("kesätauko" in i.value for i in app.info)


# --- pure helpers in app_pages.common -----------------------------------------------------------------------


def test_programme_respects_holidays_and_seasons():
    places = load_dataset("vihti").places
    autumn, _bad = week.programme(places, dt.date(2026, 10, 5))
    assert len(autumn) == 9  # V01 three mornings + six weekly groups
    epiphany, _bad = week.programme(places, dt.date(2027, 1, 4))  # Wed 6.1. is a public holiday
    assert len(epiphany) == 6 and 2 not in set(epiphany["weekday"])
    summer, _bad = week.programme(places, dt.date(2026, 7, 6))
    assert len(summer) == 0
    broken = places.copy()
    broken.loc[0, "opening_hours"] = "Mo 9-11x"
    rows, bad = week.programme(broken, dt.date(2026, 10, 5))
    assert bad == ["Annantien perhetupa"] and len(rows) == 6


def test_places_table_roundtrip_keeps_exact_geometry():
    places = load_dataset("vihti").places
    table = common_places.places_table(places)
    back = common_places.places_from_table(table)
    assert back.geometry.geom_equals_exact(places.geometry.reset_index(drop=True), tolerance=0).all()
    edited = table.copy()
    edited.loc[0, "lat"] = 60.5
    moved = common_places.places_from_table(edited).to_crs(4326).geometry.iloc[0]
    assert moved.y == pytest.approx(60.5, abs=1e-9)
    assert common_places.places_from_table(edited).geometry.iloc[1] == places.geometry.iloc[1]


def test_apply_editor_changes():
    table = common_places.places_table(load_dataset("vihti").places)
    changes = {
        "edited_rows": {1: {"name": "Uusi nimi"}},
        "deleted_rows": [0],
        "added_rows": [
            {
                "id": "V99",
                "name": "Lisätty",
                "opening_hours": "Mo 10:00-11:00",
                "status": "existing",
                "lat": 60.4,
                "lon": 24.3,
            },
            {},
        ],
    }
    out = common_places.apply_editor_changes(table, changes)
    assert len(out) == 7  # 7 - 1 deleted + 1 added (the empty added row is ignored)
    assert out["name"].iloc[0] == "Uusi nimi" and out["id"].iloc[-1] == "V99"
    problems = common_places.table_problems(out)
    assert not [p for p in problems if p.severity == "error"]
    checks = common_places.row_checks(len(out), problems)
    assert checks == ["✓"] * 7


def test_row_checks_name_bad_opening_hours():
    table = common_places.places_table(load_dataset("vihti").places)
    table.loc[2, "opening_hours"] = "Tu 9-11x"
    table.loc[4, "lat"] = np.nan
    checks = common_places.row_checks(len(table), common_places.table_problems(table))
    assert checks[2].startswith("⚠ opening_hours: invalid opening_hours 'Tu 9-11x'")
    assert "geometry" in checks[4]
    assert checks[0] == "✓"


def test_next_place_id():
    assert common_places.next_place_id(["V01", "V07", "V03"]) == "V08"
    assert common_places.next_place_id([]) == "P1"
    assert common_places.next_place_id(["a", "b"]) == "P1"
    assert common_places.next_place_id(["K9", "K10"]) == "K11"


def test_uploaded_project_names_are_sanitised(projects_dir, tmp_path):
    path = tmp_path / "x.gpkg"
    store.save(load_dataset("vihti"), path)
    assert (
        common_frame.open_uploaded_project("../../etc/Oma kunta!.gpkg", path.read_bytes()) == "Oma_kunta.gpkg"
    )
    assert common_frame.open_uploaded_project("Oma kunta!.gpkg", path.read_bytes()) == "Oma_kunta-2.gpkg"
    assert sorted(p.name for p in projects_dir.iterdir()) == ["Oma_kunta-2.gpkg", "Oma_kunta.gpkg"]
    with pytest.raises(errors.KatveError, match="not a project file name"):
        state._project_path("../x.gpkg")


# --- performance --------------------------------------------------------------------------------------------


@pytest.mark.slow  # 7 pages x 3 languages
def test_all_pages_render_in_every_language(app):
    """Every page module in app_pages/ (also those other parts add) renders without an error in fi/sv/en."""
    pages = sorted(
        p.name for p in state.ROOT.joinpath("app_pages").glob("*.py") if p.stem not in ("__init__", "common")
    )
    assert {"kartta.py", "kohtaamispaikat.py", "katvealueet.py", "viikko_ohjelma.py"} <= set(pages)
    try:
        for lang in i18n.LANGUAGES:
            app.switch_page(KARTTA).run()
            app.selectbox(key="lang").set_value(lang).run()
            # AppTest calls widgets' format_func in this thread when it collects their state: give it the
            # app's language (in a real server format_func only runs in the script thread).
            i18n.set_language(lang)
            for page in pages:
                app.switch_page(f"app_pages/{page}").run()
                no_errors(app)
                assert app.header or app.title, (lang, page)
    finally:
        i18n.set_language("fi")
