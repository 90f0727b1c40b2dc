"""The Suunnittelu page in AppTest: proposals follow K and the objective, the figures are planning.plan()'s,
accepting adds planned places, the hand-made scenario, and the plan reaching the Vienti page's exports.

The map is an opaque component here; tests/test_maps.py tests plan_map's content.
"""

from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from app_pages.common import cache, messages, state
from coverage.analysis.reach import analyze
from coverage.analysis.villages import changed_villages
from coverage.core import i18n
from coverage.core.hours import describe_hours
from coverage.core.model import Settings
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.planning import plan
from coverage.planning import sites as planning_sites

KARTTA, SUUNNITTELU, VIENTI = (f"app_pages/{p}.py" for p in ("kartta", "suunnittelu", "vienti"))
RUN = "plan_run"
HOSTILE = "Kylä**talo** <b>{{ 7*7 }}</b> [x](javascript:alert(1))"
CAR5 = Settings(mode="car", threshold_minutes=5)  # Vihti at 5 min by car: four blind-spot villages


def no_errors(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def frame(at, column: str) -> pd.DataFrame:
    for element in [*at.dataframe, *at.table]:
        value = element.value
        if column in value.columns or column == value.index.name:
            return value
    raise AssertionError(f"no table with column {column!r}")


def proposals(at) -> list[str]:
    return frame(at, "Ehdotus")["Nimi"].tolist()


def expected(settings: Settings = CAR5, project=None, **options) -> plan.PlanResult:
    return plan.plan(project or load_dataset("vihti"), settings, **options)


def fi(value, digits: int = 0) -> str:
    return i18n.fmt_number(value, digits, lang="fi")


def kids(value) -> str:
    """A child count as the page shows it: whole, and an estimate in the embedded data (≈)."""
    return f"≈ {fi(value)}"


def shown_gain(result: plan.PlanResult) -> int:
    return round(result.after["children_covered"]) - round(result.before["children_covered"])


@pytest.fixture
def page(app):
    """The Suunnittelu page at 5 min by car."""
    app.slider(key="threshold_minutes").set_value(5).run()
    app.switch_page(SUUNNITTELU).run()
    no_errors(app)
    return app


def compute(at, *, check: bool = True, **widgets):
    for key, value in widgets.items():
        element = at.radio(key=key) if key in ("plan_objective", "plan_candidates") else None
        if element is None:
            element = {
                "plan_k": at.number_input,
                "plan_time_limit": at.number_input,
                "plan_target": at.slider,
                "plan_spacing": at.select_slider,
                "plan_method": at.selectbox,
            }[key](key=key)
        element.set_value(value)
    at.button(key=RUN).click().run()
    if check:
        no_errors(at)
    return at


def test_page_renders_before_any_plan(page):
    assert page.header[0].value.startswith("Uusien kohtaamispaikkojen suunnittelu: Vihti")
    assert any("laske ehdotus" in i.value for i in page.info)
    assert any("ei ole suunniteltuja paikkoja" in i.value for i in page.info)
    assert not page.metric
    assert cache.PLAN_DEFAULTS["objective"] == page.radio(key="plan_objective").value == "cover"
    assert page.number_input(key="plan_k").value == cache.PLAN_DEFAULTS["k"]
    assert state.K_PLAN not in page.session_state  # nothing computed yet


def test_cover_plan_matches_planning_and_k_changes_the_proposals(page):
    compute(page, plan_k=2)
    want = expected(k=2, objective="cover")
    assert proposals(page) == want.new_sites["name"].tolist()
    assert frame(page, "Ehdotus")["Ehdotus"].tolist() == ["A", "B"]
    gained = plan.whole_numbers(want.new_sites["children_gained"], shown_gain(want))
    assert frame(page, "Ehdotus")["Lapsia lisää"].tolist() == [kids(v) for v in gained]

    # before/after figures are planning.plan()'s
    table = frame(page, "Nyt")
    assert table.loc["Lapsia 0–6 v saavutettavissa", "Nyt"] == kids(want.before["children_covered"])
    assert table.loc["Lapsia 0–6 v saavutettavissa", "Ehdotuksen jälkeen"] == kids(
        want.after["children_covered"]
    )
    assert table.loc["Osuus lapsista", "Ehdotuksen jälkeen"] == i18n.fmt_share(
        want.after["children_covered_share"], lang="fi"
    )
    assert (
        table.loc["Paikkoja laskettu", "Nyt"] == "7"
        and table.loc["Paikkoja laskettu", "Ehdotuksen jälkeen"] == "9"
    )
    blind = {k: str(v["areas_total"] - v["areas_covered"]) for k, v in (("Nyt", want.before),
                                                                        ("Ehdotuksen jälkeen", want.after))}
    assert table.loc["Katvealueita", "Nyt"] == blind["Nyt"]
    assert table.loc["Katvealueita", "Ehdotuksen jälkeen"] == blind["Ehdotuksen jälkeen"]
    metrics = {m.label: m for m in page.metric}
    assert metrics["Lapsia 0–6 v saavutettavissa"].value == (
        f"{kids(want.after['children_covered'])} / {fi(want.after['children_total'])}"
    )
    gain = want.after["children_covered"] - want.before["children_covered"]
    assert gain > 100 and metrics["Lapsia 0–6 v saavutettavissa"].delta == f"+{fi(gain)}"
    # the villages that change status, with the proposal that reaches them
    changed = frame(page, "Kylä")
    assert changed["Kylä"].tolist() == changed_villages(want.changed)["name"].tolist()
    assert {label for cell in changed["Ehdotuksen ansiosta"] for label in cell.split(", ")} == {"A", "B"}
    assert (changed["Muutos"] == "tulee saavutettavaksi").all()
    # honest solver report
    assert any("Todistetusti paras ratkaisu" in s.value for s in page.success)
    assert any(f"{len(want.candidates)} ehdokaspaikkaa" in c.value and "Ratkaisija" in c.value
               for c in page.caption)

    compute(page, plan_k=1)
    assert proposals(page) == expected(k=1, objective="cover").new_sites["name"].tolist()


def test_objective_changes_the_proposals(page):
    compute(page, plan_k=2)
    cover = proposals(page)
    compute(page, plan_objective="median")
    want = expected(k=2, objective="median")
    assert proposals(page) == want.new_sites["name"].tolist() != cover
    assert "Lähin paikka lapsille" in frame(page, "Ehdotus").columns
    minutes = next(m for m in page.metric if m.label == "Keskimatka (min)")
    assert minutes.value == fi(want.solution.after, 1)
    assert minutes.delta.startswith("-")  # shorter trips

    # set cover: the fewest sites bringing the share to 98 %
    compute(page, plan_objective="set_cover", plan_target=98)
    want = expected(objective="set_cover", target_share=0.98)
    assert proposals(page) == want.new_sites["name"].tolist() and len(want.new_sites) >= 2
    assert want.after["children_covered_share"] >= 0.98
    assert frame(page, "Nyt").loc["Osuus lapsista", "Ehdotuksen jälkeen"] == i18n.fmt_share(
        want.after["children_covered_share"], lang="fi"
    )


def test_target_already_met_and_a_grid_setting(page):
    now = analyze(load_dataset("vihti"), CAR5).summary["children_covered_share"]
    compute(page, plan_objective="set_cover", plan_target=int(100 * now))  # already met
    assert any("ei ole uusia paikkoja" in i.value for i in page.info)
    compute(page, plan_objective="cover", plan_k=1, plan_spacing=5000, plan_method="greedy")
    want = expected(k=1, objective="cover", spacing_m=5000, method="greedy")
    assert proposals(page) == want.new_sites["name"].tolist()
    assert any(f"{fi(len(want.candidates))} ehdokaspaikkaa" in c.value for c in page.caption)


def test_accept_adds_planned_places_and_the_scenario_compares_them(page):
    compute(page, plan_k=2)
    page.multiselect(key="plan_accept_pick").set_value(["A", "B"])
    page.button(key="plan_accept").click().run()
    no_errors(page)
    places = page.session_state["project"].places
    assert len(places) == 9
    added = places.iloc[-2:]
    assert added["id"].tolist() == ["V08", "V09"]
    assert added["name"].tolist() == expected(k=2).new_sites["name"].tolist()
    assert (added["status"] == "planned").all()
    assert added["opening_hours"].tolist() == expected(k=2).new_sites["opening_hours"].tolist()
    assert page.session_state["project_dirty"] is True
    assert any("Lisätty 2 suunniteltua paikkaa" in s.value for s in page.success)
    # the plan is in the inventory now: no proposal on show; the hand-made scenario counts the planned places
    assert not page.metric and any("laske ehdotus" in i.value for i in page.info)
    comparison = plan.compare(page.session_state["project"], page.session_state["project"], CAR5)
    table = frame(page, "Suunnitellut mukana")
    assert table.loc["Lapsia 0–6 v saavutettavissa", "Suunnitellut mukana"] == kids(
        comparison.after["children_covered"]
    )
    assert table.loc["Lapsia 0–6 v saavutettavissa", "Nyt"] == kids(comparison.before["children_covered"])
    assert (
        frame(page, "Kylä")["Kylä"].tolist()
        == changed_villages(comparison.changed)["name"].tolist()
    )
    # and the Kartta page counts them with the sidebar option
    page.switch_page(KARTTA).run()
    page.checkbox(key="include_planned").check().run()
    no_errors(page)
    blind = next(m for m in page.metric if m.label == "Kyliä katveessa")
    villages = analyze(page.session_state["project"], CAR5, include_planned=True).villages()
    assert blind.value == str(int((villages["children_uncovered"] > 0).sum()))


def test_accept_only_the_chosen_sites(page):
    compute(page, plan_k=2)
    page.multiselect(key="plan_accept_pick").set_value(["B"])
    page.button(key="plan_accept").click().run()
    no_errors(page)
    places = page.session_state["project"].places
    assert len(places) == 8 and places["name"].iloc[-1] == expected(k=2).new_sites["name"].iloc[1]


def test_current_plan_follows_project_and_settings(page):
    compute(page, plan_k=2)
    stored = page.session_state[state.K_PLAN]
    assert stored is not None and stored[1].new_sites["name"].tolist()
    token, settings_key, at_key, include_planned = stored[0]
    assert token == page.session_state["project_token"]
    assert '"threshold_minutes": 5.0' in settings_key and at_key == "" and include_planned is False
    # another threshold: the page recomputes for it, the stored plan follows
    page.slider(key="threshold_minutes").set_value(10).run()
    no_errors(page)
    assert page.session_state[state.K_PLAN][1].settings.threshold_minutes == 10
    assert (
        proposals(page)
        == expected(Settings(mode="car", threshold_minutes=10), k=2).new_sites["name"].tolist()
    )


def test_unreachable_target_and_candidates_layer(app, projects_dir):
    project = load_dataset("vihti")
    project.candidates = gpd.GeoDataFrame(
        {"id": ["K1", "K2"], "name": [HOSTILE, "Koulu"]},
        geometry=[Point(344_973.0, 6_702_018.0), Point(360_000.0, 6_700_000.0)],  # Jokikunta, and another
        crs="EPSG:3067",
    )
    store.save(project, projects_dir / "ehdokkaat.gpkg")
    app.run()  # the project selector lists the new file
    app.selectbox(key="source").set_value("file:ehdokkaat.gpkg").run()
    app.switch_page(SUUNNITTELU).run()
    no_errors(app)
    assert app.radio(key="plan_candidates").value == "layer"
    assert "projektin ehdokkaat (2)" in app.radio(key="plan_candidates").options[0]
    compute(app, plan_k=1)
    loaded = store.load(projects_dir / "ehdokkaat.gpkg")
    want = plan.plan(loaded, loaded.settings, k=1)
    assert proposals(app) == want.new_sites["name"].tolist() == [HOSTILE]
    assert any("2 ehdokaspaikkaa" in c.value for c in app.caption)
    # accepted: the name is stored as it is and shown as text (markdown escaped)
    app.button(key="plan_accept").click().run()
    no_errors(app)
    assert app.session_state["project"].places["name"].iloc[-1] == HOSTILE
    (message,) = [s.value for s in app.success if "Lisätty 1" in s.value]
    assert messages._md(HOSTILE) in message and "**" not in message.replace("\\*", "")
    # the generated grid instead of the layer
    compute(app, plan_candidates="generated")
    grid = planning_sites.generate_candidates(loaded)
    considered = plan.plan(app.session_state["project"], loaded.settings, k=1, candidates=grid).candidates
    n = len(considered)  # the grid less the points within 300 m of a place (also the one just accepted)
    assert n < len(grid) and any(f"{n} ehdokaspaikkaa" in c.value for c in app.caption)
    # 100 % is out of reach at 5 min: say so, with the best share. K1 is a planned place now (accepted above),
    # so only K2 is a candidate: never a new site on top of a planned one
    app.slider(key="threshold_minutes").set_value(5).run()
    compute(app, check=False, plan_objective="set_cover", plan_target=100, plan_candidates="layer")
    assert not app.exception
    (error,) = app.error
    assert "Tavoitetta 100,0\u00a0% ei saavuteta" in error.value
    assert "ainoan ehdokkaan avaamalla" in error.value
    assert app.session_state[state.K_PLAN] is None


@pytest.fixture
def downloads(monkeypatch):
    """Record every st.download_button of a page run: key -> data callable."""
    import streamlit as st

    recorded: dict[str, object] = {}
    real = st.download_button

    def spy(label, data, **kw):
        recorded[kw["key"]] = data
        return real(label, data, **kw)

    monkeypatch.setattr(st, "download_button", spy)
    return recorded


@pytest.mark.slow  # builds the PDF report
def test_vienti_exports_the_plan(page, downloads, tmp_path):
    import pyogrio
    from pypdf import PdfReader

    compute(page, plan_k=2)
    page.switch_page(VIENTI).run()
    no_errors(page)
    assert any("2 uutta paikkaa" in i.value for i in page.info)
    gpkg = tmp_path / "vienti.gpkg"
    gpkg.write_bytes(downloads["vienti_gpkg"]())
    layers = {name for name, _kind in pyogrio.list_layers(gpkg)}
    proposal_layer = next(name for name in layers if name in ("ehdotukset", "proposals", "förslag"))
    sites = pyogrio.read_dataframe(gpkg, layer=proposal_layer)
    names = expected(k=2).new_sites["name"].tolist()
    assert sites["name"].tolist() == names and sites["label"].tolist() == ["A", "B"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(downloads["vienti_report"]())).pages)
    assert all(n in text for n in names)

    # another threshold than the plan's: the exports leave the proposals out
    page.slider(key="threshold_minutes").set_value(10).run()
    no_errors(page)
    assert not any("uutta paikkaa" in i.value for i in page.info)
    gpkg.write_bytes(downloads["vienti_gpkg"]())
    assert proposal_layer not in {name for name, _kind in pyogrio.list_layers(gpkg)}


def test_plan_page_in_swedish_and_english(page):
    compute(page, plan_k=2)
    try:
        for lang, header, column in (
            ("sv", "Planering av nya mötesplatser", "Förslag"),
            ("en", "Planning new", "Proposal"),
        ):
            page.selectbox(key="lang").set_value(lang).run()
            i18n.set_language(lang)  # AppTest reads format_funcs in this thread
            no_errors(page)
            assert page.header[0].value.startswith(header)
            assert any(column in d.value.columns for d in page.dataframe)
    finally:
        i18n.set_language("fi")


# --- issue 17 part 5: Suunnittelu says one thing ------------------------------------------------------------


def _page_text(at) -> list[str]:
    """Everything the page shows as text: tables' cells, headers and index, messages, captions, options."""
    out: list[str] = []
    for element in [*at.dataframe, *at.table]:
        value = element.value
        out += [str(c) for c in value.columns] + [str(i) for i in value.index]
        out += [str(v) for v in value.to_numpy().ravel()]
    for group in (at.success, at.info, at.warning, at.error, at.caption, at.markdown, at.metric):
        out += [str(getattr(e, "value", "")) for e in group] + [str(getattr(e, "label", "")) for e in group]
    for ms in at.multiselect:
        out += [str(o) for o in ms.options]
    return out


def test_the_page_shows_names_and_whole_children_never_ids(page):
    compute(page, plan_k=3)
    want = expected(k=3)
    ids = want.new_sites["id"].tolist()
    assert all(i.startswith(("area:", "grid:")) for i in ids)
    text = _page_text(page)
    assert not [s for s in text if "area:" in s or "grid:" in s or any(i in s for i in ids)]
    assert "Ehdokas" not in frame(page, "Ehdotus").columns
    assert page.multiselect(key="plan_accept_pick").options == [
        f"{a}: {n}" for a, n in zip("ABC", want.new_sites["name"], strict=True)
    ]
    # whole children, "≈" (the embedded grid's children are estimates), adding up to the change shown
    table = frame(page, "Ehdotus")
    gained = table["Lapsia lisää"].tolist()
    assert all(g.startswith("≈ ") and "," not in g for g in gained)
    delta = next(m for m in page.metric if m.label == "Lapsia 0–6 v saavutettavissa").delta
    assert sum(int(g[2:].replace("\u00a0", "").replace(" ", "")) for g in gained) == int(
        delta.lstrip("+").replace("\u00a0", "").replace(" ", "")
    ) == shown_gain(want)
    village = frame(page, "Kylä")["Lapsia 0–6 v"].tolist()
    assert sum(int(v[2:].replace("\u00a0", "").replace(" ", "")) for v in village) == shown_gain(want)
    assert all(v.startswith("≈ ") for v in frame(page, "Nyt").loc["Lapsia 0–6 v saavutettavissa"])
    # the best time and the session in one column, the session inside that time
    for (day, part, hours), cell in zip(
        want.new_sites[["best_weekday", "best_daypart", "opening_hours"]].itertuples(index=False),
        table["Paras aika ja ehdotettu vuoro"], strict=True,
    ):
        weekday = i18n.weekday_name(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"].index(day), "fi")
        assert cell == f"{weekday} {i18n.t(f'plan17.daypart.{part}', 'fi')}, {describe_hours(hours, 'fi')}"
    # accepting: the success message names the places by name too
    page.button(key="plan_accept").click().run()
    no_errors(page)
    assert not [s for s in _page_text(page) if "area:" in s or "grid:" in s]


def test_k_and_the_accept_picks_survive_another_page(page):
    page.number_input(key="plan_k").set_value(5).run()  # typed, not computed
    page.switch_page(KARTTA).run()
    page.switch_page(SUUNNITTELU).run()
    no_errors(page)
    assert page.number_input(key="plan_k").value == 5
    compute(page, plan_k=2, plan_spacing=3000)
    page.multiselect(key="plan_accept_pick").set_value(["B"]).run()
    page.switch_page(KARTTA).run()
    page.switch_page(SUUNNITTELU).run()
    no_errors(page)
    assert page.multiselect(key="plan_accept_pick").value == ["B"]
    assert (page.number_input(key="plan_k").value, page.select_slider(key="plan_spacing").value) == (2, 3000)
    # accepting ends the plan on show; the form keeps its values (not the defaults)
    page.button(key="plan_accept").click().run()
    page.switch_page(KARTTA).run()
    page.switch_page(SUUNNITTELU).run()
    assert page.number_input(key="plan_k").value == 2


def test_next_to_a_closed_place_accepting_adds_a_session_to_it(app, projects_dir):
    import datetime as dt

    project = load_dataset("vihti")
    project.candidates = gpd.GeoDataFrame(
        {"id": ["K1", "K2"], "name": ["Ojakkalan koulu", "Vihtijärven koulu"]},
        geometry=[Point(356_620.0, 6_695_560.0), Point(364_000.0, 6_712_000.0)],  # K1: 90 m from V03
        crs="EPSG:3067",
    )
    store.save(project, projects_dir / "vuoro.gpkg")
    app.run()
    app.selectbox(key="source").set_value("file:vuoro.gpkg").run()
    app.slider(key="threshold_minutes").set_value(5).run()
    app.radio(key="when").set_value("at").run()
    app.selectbox(key="at_day").set_value(1)  # Tuesday 10:00: the Ojakkala evening café is closed
    app.time_input(key="at_time").set_value(dt.time(10, 0)).run()
    app.switch_page(SUUNNITTELU).run()
    no_errors(app)
    compute(app, plan_k=1)
    table = frame(app, "Ehdotus")
    assert table["Nimi"].tolist() == ["Lisää vuoro: MLL:n iltaperhekahvila Ojakkala"]
    assert table["Paras aika ja ehdotettu vuoro"].tolist() == ["tiistai aamupäivä, ti 10–12"]
    assert table["Lapsia lisää"].iloc[0] == table["Lapsia lisää silloin"].iloc[0]  # one moment, one gain
    assert any("ei lisää uutta paikkaa" in c.value for c in app.caption)
    before = app.session_state["project"].places.copy()
    app.button(key="plan_accept").click().run()
    no_errors(app)
    places = app.session_state["project"].places
    assert len(places) == len(before) == 7  # no place added next to it
    v03 = places["id"].tolist().index("V03")
    assert places["opening_hours"].iloc[v03] == "Sep-May Th 17:30-19:00, Sep-May Tu 10:00-12:00; PH off"
    others = [i for i in range(7) if i != v03]
    assert places["opening_hours"].iloc[others].tolist() == before["opening_hours"].iloc[others].tolist()
    assert app.session_state["project_dirty"] is True
    names = messages._md("A: MLL:n iltaperhekahvila Ojakkala (ti 10–12)")  # shown as text, not markdown
    assert any(f"Lisätty 1 vuoro nykyisiin paikkoihin: {names}." in s.value for s in app.success)
