"""Nothing is lost between the app's editing pages (issue 16): planned places added on Suunnittelu, a cell
edited in the Kohtaamispaikat table, sessions and outreach recorded on Tilastot, saved, reopened: all there.

The places editor is driven the way AppTest allows: its edit state (``edited_rows`` ...) is assigned on
``session_state`` before ``run()``; tests/test_browser.py does the same edit in a real browser.
"""

from __future__ import annotations

import datetime as dt

import pytest

from coverage.io import store

KARTTA, KP, SUUNNITTELU, TILASTOT = (
    f"app_pages/{p}.py" for p in ("kartta", "kohtaamispaikat", "suunnittelu", "tilastot")
)


def no_errors(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def places_editor(at):
    editors = [d for d in at.dataframe if d.key and d.key.startswith("places_editor_")]
    assert len(editors) == 1
    return editors[0]


def edit_cell(at, row: int, column: str, value, *, check: bool = True) -> None:
    """What the browser sends after one edited cell of the places table."""
    at.session_state[places_editor(at).key] = {"edited_rows": {row: {column: value}}, "added_rows": [],
                                                "deleted_rows": []}
    at.run()
    if check:
        no_errors(at)


def accept_plan(at, k: int = 2) -> list[str]:
    """Suunnittelu: compute a plan of ``k`` sites and add them all as planned places; their names."""
    at.slider(key="threshold_minutes").set_value(5).run()
    at.switch_page(SUUNNITTELU).run()
    at.number_input(key="plan_k").set_value(k)
    at.button(key="plan_run").click().run()
    no_errors(at)
    at.multiselect(key="plan_accept_pick").set_value(["A", "B"][:k])
    at.button(key="plan_accept").click().run()
    no_errors(at)
    planned = at.session_state["project"].places
    return planned.loc[planned["status"] == "planned", "name"].tolist()


def save_and_reopen(at, projects_dir, name: str):
    at.switch_page(KP).run()
    at.text_input(key="draft_save_name").input(name)
    at.button(key="save_button").click().run()
    no_errors(at)
    target = projects_dir / f"{name}.gpkg"
    assert target.exists()
    return store.load(target)


@pytest.mark.slow  # plans and a GeoPackage write
def test_planned_places_survive_a_table_edit_save_and_reopen(app, projects_dir):
    app.switch_page(KP).run()  # the table was open before the plan (as in the issue)
    assert len(places_editor(app).value) == 7
    planned = accept_plan(app)
    assert len(planned) == 2

    app.switch_page(KP).run()
    no_errors(app)
    table = places_editor(app).value
    assert len(table) == 9, "the table shows every place, planned ones included"
    assert table["status"].tolist().count("planned") == 2
    assert any("Kaikki 9 paikkaa kunnossa" in s.value for s in app.success)

    # edit another place's cell: only that cell changes, the planned places stay
    before = app.session_state["project"].places.copy()
    edit_cell(app, 0, "notes", "Muutettu muistiinpano")
    after = app.session_state["project"].places
    assert len(after) == 9
    assert after["notes"].iloc[0] == "Muutettu muistiinpano"
    untouched = [c for c in before.columns if c not in ("notes", before.geometry.name)]
    assert before[untouched].astype(str).equals(after[untouched].astype(str))
    assert before.iloc[1:]["notes"].astype(str).tolist() == after.iloc[1:]["notes"].astype(str).tolist()
    assert after.geometry.geom_equals_exact(before.geometry, tolerance=0).all()

    # the planned place's status is editable in the table too
    row = table.index[table["name"] == planned[1]][0]
    edit_cell(app, int(row), "status", "existing")
    assert app.session_state["project"].places.set_index("name").loc[planned[1], "status"] == "existing"

    # the other pages see them
    app.switch_page(SUUNNITTELU).run()
    assert not any("ei ole suunniteltuja paikkoja" in i.value for i in app.info)

    reopened = save_and_reopen(app, projects_dir, "kaikki")
    assert len(reopened.places) == 9
    assert set(planned) <= set(reopened.places["name"])
    assert reopened.places.set_index("name").loc[planned[0], "status"] == "planned"
    assert reopened.places["notes"].iloc[0] == "Muutettu muistiinpano"
    # opened again in the app: still all there
    app.selectbox(key="source").set_value("file:kaikki.gpkg").run()
    app.switch_page(KP).run()
    no_errors(app)
    assert len(places_editor(app).value) == 9


@pytest.mark.slow
def test_unfinished_table_edits_and_planned_places_both_kept(app, projects_dir):
    """An invalid (unfinished) edit in the table is not pushed into the project; planned places added
    meanwhile on Suunnittelu join the draft instead of being dropped, and the edit is still there."""
    app.switch_page(KP).run()
    edit_cell(app, 2, "opening_hours", "Tu 9-11x", check=False)
    assert app.error  # the row is named
    accept_plan(app)
    app.switch_page(KP).run()
    table = places_editor(app).value
    assert len(table) == 9 and table["opening_hours"].iloc[2] == "Tu 9-11x"
    edit_cell(app, 2, "opening_hours", "Tu 09:00-11:00")
    assert len(app.session_state["project"].places) == 9
    assert app.session_state["project"].places["opening_hours"].iloc[2] == "Tu 09:00-11:00"


@pytest.mark.slow
def test_visits_and_outreach_keep_planned_places_and_table_edits(app, projects_dir):
    app.switch_page(KP).run()
    accept_plan(app)
    app.switch_page(KP).run()
    edit_cell(app, 1, "name", "Uusi nimi")
    app.switch_page(TILASTOT).run()
    no_errors(app)
    visits_before = len(app.session_state["project"].visits)
    app.selectbox(key="tilastot_entry_place").set_value("V01")
    app.date_input(key="tilastot_entry_date").set_value(dt.date(2026, 12, 1))
    app.number_input(key="tilastot_entry_adults").set_value(3)
    app.number_input(key="tilastot_entry_children").set_value(4)
    app.button(key="FormSubmitter:tilastot_visit_entry-Kirjaa").click().run()
    no_errors(app)
    assert len(app.session_state["project"].visits) == visits_before + 1
    outreach_before = len(app.session_state["project"].outreach)
    app.text_input(key="tilastot_oentry_profession").input("Terveydenhoitaja")
    app.button(key="FormSubmitter:tilastot_outreach_entry-Lisää").click().run()
    no_errors(app)
    assert len(app.session_state["project"].outreach) == outreach_before + 1
    # back on the table: the edit and the planned places are there; another edit keeps the visits
    app.switch_page(KP).run()
    table = places_editor(app).value
    assert len(table) == 9 and table["name"].iloc[1] == "Uusi nimi"
    edit_cell(app, 3, "notes", "x")
    reopened = save_and_reopen(app, projects_dir, "kaynnit")
    assert len(reopened.places) == 9 and reopened.places["name"].iloc[1] == "Uusi nimi"
    assert len(reopened.visits) == visits_before + 1
    assert len(reopened.outreach) == outreach_before + 1
    assert (reopened.places["status"] == "planned").sum() == 2
