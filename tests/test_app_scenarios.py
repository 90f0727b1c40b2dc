"""Suunnittelu's named scenarios in the app (issue 17 part 3): keep, compare, survive a save, accept."""

from __future__ import annotations

import pytest

from coverage.core import i18n
from coverage.core.model import Settings
from coverage.planning.scenarios import compare_scenarios

SU = "app_pages/suunnittelu.py"
KP = "app_pages/kohtaamispaikat.py"


def no_errors(at):
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]


def keep(at, key: str, name: str, into: str | None = None):
    """Fill the save form ``key`` (plan / moves) and send it."""
    if into is not None:
        at.selectbox(key=f"scen_into_{key}").set_value(into)
    at.text_input(key=f"scen_name_{key}").input(name)
    at.button(key=f"FormSubmitter:scen_save_{key}-Tallenna skenaario").click().run()


@pytest.mark.slow  # plans, reschedules, compares and writes a GeoPackage
def test_scenarios_are_kept_compared_saved_and_accepted(app, projects_dir):
    app.slider(key="threshold_minutes").set_value(20).run()
    app.radio(key="mode").set_value("walk").run()
    app.switch_page(SU).run()
    no_errors(app)
    assert any("Ei tallennettuja skenaarioita" in i.value for i in app.info)
    # a plan of two sites, kept as a scenario
    app.number_input(key="plan_k").set_value(2)
    app.button(key="plan_run").click().run()
    no_errors(app)
    keep(app, "plan", "Kaksi uutta")
    no_errors(app)
    assert any("Skenaario ”Kaksi uutta” tallennettu" in s.value for s in app.success)
    assert app.text_input(key="scen_name_plan").value == ""  # the name is cleared once kept
    # one session move, kept as another
    app.number_input(key="resched_k").set_value(1)
    app.button(key="resched_run").click().run()
    keep(app, "moves", "Siirto")
    # the same name again is refused in Finnish, nothing replaced
    keep(app, "moves", "siirto")
    assert any("on jo olemassa" in e.value for e in app.error)
    assert app.text_input(key="scen_name_moves").value == "siirto"  # kept to be corrected
    # by hand: the Nummela family café closed
    project = app.session_state["project"]
    app.multiselect(key="scen_hand_close").set_value(["V02"])
    keep(app, "hand", "Ilman V02")
    project = app.session_state["project"]
    assert [s.name for s in project.scenarios] == ["Kaksi uutta", "Siirto", "Ilman V02"]
    assert len(project.places) == 7  # keeping scenarios does not touch the places

    # the comparison shows the three beside the present, with the library's figures
    table = next(t.value for t in app.table if "Nykytilanne" in t.value.columns)
    assert list(table.columns) == ["Nykytilanne", "Kaksi uutta", "Siirto", "Ilman V02"]
    want = compare_scenarios(project, settings=Settings(mode="walk", threshold_minutes=20.0))
    row = table.loc["Lapsia 0–6 v kohtaamispaikan ulottuvilla"]
    for col, fig in zip(table.columns, want.columns, strict=True):
        total = i18n.fmt_number(2008, lang="fi")
        shown = f"≈ {i18n.fmt_number(fig.children_covered, 0, lang='fi')} / {total}"
        assert row[col].startswith(shown)
    gain = round(want.columns[1].children_covered) - round(want.columns[0].children_covered)
    assert row["Kaksi uutta"].endswith(f"(+{i18n.fmt_number(gain, 0, lang='fi')})") and gain > 0
    assert table.loc["Muutokset", "Siirto"] == "1 paikan ajat muutettu"
    strips = [e for e in app.main if type(e).__name__ == "Image"]
    assert len(strips) == 1  # the year strips, one row per column

    # the choice of scenarios to compare survives another page
    app.multiselect(key="scen_pick").set_value(["Siirto"]).run()
    app.switch_page("app_pages/kartta.py").run()
    app.switch_page(SU).run()
    assert app.multiselect(key="scen_pick").value == ["Siirto"]

    # saved with the project and read back
    app.switch_page(KP).run()
    app.text_input(key="draft_save_name").input("skenaariot")
    app.button(key="save_button").click().run()
    no_errors(app)
    from coverage.io import store

    back = store.load(projects_dir / "skenaariot.gpkg")
    assert [s.name for s in back.scenarios] == ["Kaksi uutta", "Siirto", "Ilman V02"]

    # accepting one adds its sites as planned places and keeps every other place as it was
    app.switch_page(SU).run()
    app.selectbox(key="scen_accept_pick").set_value("Kaksi uutta")
    app.button(key="scen_accept").click().run()
    no_errors(app)
    places = app.session_state["project"].places
    assert len(places) == 9 and (places["status"] == "planned").sum() == 2
    assert places.iloc[:7].drop(columns="geometry").equals(back.places.drop(columns="geometry"))
    assert any("otettu käyttöön" in s.value for s in app.success)
