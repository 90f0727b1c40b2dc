"""Feedback where the user acts (issue 16): messages by the button and as a toast, never a server path; the
sidebar's view saved in the project and restored when it opens; the open project survives a reload."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.common import saving
from coverage.io import store
from tests.conftest import ROOT

KP, TILASTOT = "app_pages/kohtaamispaikat.py", "app_pages/tilastot.py"


def no_errors(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def order(at) -> list[tuple[str, str]]:
    """(type, key or text) of the main area's elements in page order."""
    out = []
    for node in at.main:
        for element in _walk(node):
            text = getattr(element, "key", None) or str(getattr(element, "value", ""))[:60]
            out.append((element.type, text))
    return out


def _walk(node):
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _walk(child)
    else:
        yield node


@pytest.mark.slow  # a GeoPackage write
def test_save_message_by_the_button_with_the_file_name_and_the_view_saved(app, projects_dir):
    app.radio(key="mode").set_value("walk").run()
    app.slider(key="threshold_minutes").set_value(20).run()
    app.radio(key="when").set_value("at").run()
    app.selectbox(key="at_day").set_value(1).run()
    app.time_input(key="at_time").set_value(dt.time(10, 0)).run()
    app.selectbox(key="lang").set_value("sv").run()
    app.switch_page(KP).run()
    app.text_input(key="draft_save_name").input("oma").run()
    app.button(key="save_button").click().run()
    no_errors(app)
    texts = [s.value for s in app.success]
    assert "Sparat: oma\\.gpkg" in texts, texts
    assert not any(str(projects_dir) in t or "/" in t for t in texts)
    assert any("oma\\.gpkg" in t.value for t in app.toast)
    # by the save button: after it in the page, not at the top
    seq = order(app)
    where = next(i for i, (_k, v) in enumerate(seq) if v == "save_button")
    said = next(i for i, (k, v) in enumerate(seq) if k == "success" and "oma" in v)
    assert said > where
    # the view is in the project's settings
    saved = store.load(projects_dir / "oma.gpkg").settings
    assert (saved.mode, saved.threshold_minutes, saved.language, saved.at) == ("walk", 20.0, "sv", "Tu 10:00")

    # a reload (a new session with the address the browser had) opens the same project with that view
    assert app.query_params["project"] == ["file:oma.gpkg"] or app.query_params["project"] == "file:oma.gpkg"
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    fresh.query_params["project"] = "file:oma.gpkg"
    fresh.run()
    no_errors(fresh)
    ss = fresh.session_state
    assert ss["source"] == "file:oma.gpkg"
    assert (ss["mode"], ss["threshold_minutes"], ss["when"], ss["at_day"], ss["at_time"], ss["lang"]) == (
        "walk", 20, "at", 1, dt.time(10, 0), "sv"
    )


def test_an_unknown_project_in_the_address_opens_the_default(projects_dir):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["project"] = "file:../../etc/passwd.gpkg"
    at.run()
    no_errors(at)
    assert at.session_state["source"] == "dataset:vihti"


def test_messages_never_show_server_folders(projects_dir):
    text = f"[Errno 13] Permission denied: '{projects_dir}/vihti.gpkg' (copy in /var/tmp/katve/x.gpkg)"
    clean = saving._no_paths(text)
    assert "vihti.gpkg" in clean and "x.gpkg" in clean
    assert str(projects_dir) not in clean and "/var/tmp" not in clean


@pytest.mark.slow
def test_visit_entry_message_by_its_button(app):
    app.switch_page(TILASTOT).run()
    app.number_input(key="tilastot_entry_adults").set_value(2)
    app.button(key="FormSubmitter:tilastot_visit_entry-Kirjaa").click().run()
    no_errors(app)
    seq = order(app)
    button = next(i for i, (_k, v) in enumerate(seq) if v == "FormSubmitter:tilastot_visit_entry-Kirjaa")
    said = [i for i, (k, _v) in enumerate(seq) if k == "success"]
    assert said and all(i > button for i in said), seq[:5]
    assert app.toast


# --- without Leaflet (plain `streamlit run app.py`) ---------------------------------------------------------


@pytest.mark.parametrize("page", ["app_pages/kartta.py", KP])
def test_without_leaflet_the_map_place_says_what_to_run(projects_dir, tmp_path, monkeypatch, page):
    from coverage.outputs import leaflet

    with_map = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    with_map.run()
    with_map.switch_page(page).run()
    maps = [e for e in _walk_all(with_map) if e.type == "component_instance"]
    assert maps, "the map component is there when Leaflet is"

    monkeypatch.setattr(leaflet, "LEAFLET_DIR", tmp_path / "no-leaflet")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    said = [e.value for e in at.error]
    assert any(
        "Leaflet puuttuu" in s and "make run" in s and "make static/leaflet/leaflet.js" in s for s in said
    )
    assert not [e for e in _walk_all(at) if e.type == "component_instance"], "no empty map area"


def _walk_all(at):
    for node in at.main:
        yield from _walk(node)


# --- Tilastot quick entry -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_tilastot_entry_order_period_picker_and_formats(app):
    from coverage.io import datasets

    app.switch_page(KP).run()
    app.text_input(key="add_name").input("Tuleva kerho")
    app.selectbox(key="add_status").set_value("planned")
    app.button(key="FormSubmitter:add_place-Lisää paikka").click().run()
    no_errors(app)
    app.switch_page(TILASTOT).run()
    no_errors(app)
    picker = app.selectbox(key="tilastot_entry_place")
    assert "V08" not in picker.options and "Tuleva kerho" not in picker.options  # planned: not in the picker
    assert len(picker.options) == 7

    # the fields in reading order (Tab follows the page order): Aikuisia, Lapsia, then the next row
    keys = [k for _t, k in order(app) if str(k).startswith("tilastot_entry_")]
    assert keys[keys.index("tilastot_entry_adults"):][:4] == [
        "tilastot_entry_adults", "tilastot_entry_children", "tilastot_entry_first_timers",
        "tilastot_entry_multicultural",
    ]

    visits, _outreach = datasets.example_tables("vihti")
    last = max(visits["date"])
    period = next(d for d in app.date_input if d.label == "Ajanjakso")
    assert period.value[1] == last
    later = last + dt.timedelta(days=11)
    app.date_input(key="tilastot_entry_date").set_value(later)
    app.number_input(key="tilastot_entry_adults").set_value(2)
    app.number_input(key="tilastot_entry_children").set_value(3)
    app.button(key="FormSubmitter:tilastot_visit_entry-Kirjaa").click().run()
    no_errors(app)
    period = next(d for d in app.date_input if d.label == "Ajanjakso")
    assert period.value[1] == later, "a session after the period extends it"

    # the per-place table: Finnish numbers, never "None" or a decimal point
    table = app.dataframe[0].value
    cells = [str(v) for v in table.drop(columns=[table.columns[0], table.columns[-1]]).to_numpy().ravel()]
    assert cells and not [c for c in cells if c == "None" or "." in c or c == "nan"], cells
    assert any("," in c for c in cells)  # shares and means with a decimal comma


def test_chart_axes_in_finnish_numbers():
    import altair as alt
    import pandas as pd

    from app_pages.common import charts
    from coverage.core import i18n

    i18n.set_language("fi")
    expr = charts.number_label_expr()
    assert "regexp(',', 'g')" in expr and "\u00a0" in expr
    spec = charts.bar_chart(
        pd.DataFrame({"a": ["MLL:n kerho", "B"], "b": [1000, 2]}), category="a", value="b", color="a"
    ).to_dict()
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == expr
    assert spec["encoding"]["color"]["legend"]["labelLimit"] == 0  # legends not cut
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
    one = charts.bar_chart(pd.DataFrame({"a": ["x"], "b": [1]}), category="a", value="b")
    assert isinstance(one, alt.Chart)
    i18n.set_language("en")
    assert charts.number_label_expr() == "format(datum.value, ',~f')"
    i18n.set_language("fi")


@pytest.mark.parametrize(
    ("key", "kw", "one", "two"),
    [
        ("kp.problems", {}, "1 ongelma – korjaa se", "2 ongelmaa – korjaa ne"),
        ("kp.all_valid", {}, "Paikka on kunnossa.", "Kaikki 2 paikkaa kunnossa."),
        ("suunnittelu.accepted", {"names": "X"}, "Lisätty 1 suunniteltu paikka", "Lisätty 2 suunniteltua"),
    ],
)
def test_grammar_of_counts(key, kw, one, two):
    from coverage.core import i18n

    assert i18n.t(key, "fi", n=1, **kw).startswith(one)
    assert i18n.t(key, "fi", n=2, **kw).startswith(two)
    assert "|" not in i18n.t(key, "sv", n=1, **kw) + i18n.t(key, "en", n=2, **kw)
