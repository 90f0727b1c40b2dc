"""Suunnittelu's rescheduling section (issue 17): the proposal, the week before/after, accepting a move."""

from __future__ import annotations

from coverage.core import i18n
from coverage.core.model import Settings
from coverage.io.datasets import load_dataset
from coverage.planning.reschedule import reschedule

SU = "app_pages/suunnittelu.py"


def test_reschedule_section_proposes_shows_and_accepts(app):
    app.switch_page(SU).run()
    assert not app.exception, app.exception
    app.number_input(key="resched_k").set_value(1).run()
    app.button(key="resched_run").click().run()
    assert not app.exception, app.exception
    want = reschedule(load_dataset("vihti"), Settings(mode="car", threshold_minutes=10.0), k=1)
    moves = next(d.value for d in app.dataframe if "Lisää lapsipäiviä" in d.value.columns)
    assert moves["Paikka"].tolist() == want.moves["name"].tolist()
    assert moves["Lisää lapsipäiviä"].tolist() == [i18n.fmt_number(g, 0, lang="fi")
                                                  for g in want.moves["gain_child_days"]]
    metric = next(m for m in app.metric if m.label == "Lapsipäivät siirtojen jälkeen")
    assert metric.value == i18n.fmt_number(want.after, 0, lang="fi")
    # K survives a visit to another page
    app.switch_page("app_pages/kartta.py").run()
    app.switch_page(SU).run()
    assert app.number_input(key="resched_k").value == 1
    # accepting rewrites that place's opening hours, keeping the season and PH off
    app.button(key="resched_run").click().run()
    row = int(want.moves["row"].iat[0])
    app.button(key="resched_accept").click().run()
    assert not app.exception, app.exception
    project = app.session_state["project"]
    texts = " ".join(s.value for s in app.success)
    assert "Siirto hyväksytty" in texts
    rule = str(project.places["opening_hours"].iat[row])
    assert rule.startswith("Sep-") and "PH off" in rule and want.moves["to_day"].iat[0] in rule


def test_no_proposal_next_to_a_planned_place(app, projects_dir):
    """The only candidate is 150 m from a planned place: a planned place is already the plan, so nothing is
    proposed there (issue 17 part 5; it used to be proposed with an "add a session there" note)."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from coverage.io import store

    project = load_dataset("vihti")
    planned = gpd.GeoDataFrame(
        {"id": ["V08"], "name": ["Jokikunnan kylätalo"], "status": ["planned"],
         "opening_hours": ["Sep-May Tu 10:00-12:00; PH off"]},
        geometry=[Point(344_973.0, 6_702_018.0)], crs="EPSG:3067")
    both = pd.concat([project.places, planned], ignore_index=True)
    project.places = gpd.GeoDataFrame(both, crs="EPSG:3067")
    project.candidates = gpd.GeoDataFrame(
        {"id": ["K1"], "name": ["Jokikunnan koulu"]}, geometry=[Point(345_100.0, 6_702_100.0)],
        crs="EPSG:3067")
    store.save(project, projects_dir / "vieressa.gpkg")
    app.run()
    app.selectbox(key="source").set_value("file:vieressa.gpkg").run()
    app.switch_page(SU).run()
    app.number_input(key="plan_k").set_value(1)
    app.button(key="plan_run").click().run()
    assert not app.exception, app.exception
    assert not any("Ehdotus" in d.value.columns for d in app.dataframe)
    (error,) = app.error
    assert error.value.startswith("Ei ehdotettavaa: ainoa ehdokaspaikka on alle 300 metrin päässä")
    # the generated grid instead: no proposal within 300 m of the planned place either
    app.radio(key="plan_candidates").set_value("generated")
    app.button(key="plan_run").click().run()
    assert not app.exception and not app.error, app.exception
    near = planned.geometry.iloc[0]
    assert all(p.distance(near) > 300 for p in app.session_state["plan_current"][1].new_sites.geometry)
