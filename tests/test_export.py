"""Exports: every format is read back with an independent reader and its content checked.

The synthetic project is small enough to check by hand: at 50 km/h with circuity 1.3 and a 10-minute
threshold a place reaches 8.333 km of travel = 6.41 km straight line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import struct
import subprocess
import sys
import types
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from coverage.analysis import study
from coverage.analysis.reach import analyze
from coverage.cli.main import main
from coverage.core import errors, i18n
from coverage.core.errors import KatveError
from coverage.core.model import Project, Settings
from coverage.io.datasets import load_dataset
from coverage.outputs import calendar, export, gpkg, leaflet, printmap, report, tables, webmap
from coverage.planning import plan as planning_plan

ROOT = Path(__file__).resolve().parent.parent
X0, Y0 = 350_000.0, 6_690_000.0  # southern Finland, EPSG:3067
NASTY = '<script>alert("x")</script> & Co'
TODAY = dt.date(2026, 10, 5)  # a Monday in the autumn term


def _project(*, visits: bool = False) -> Project:
    places = gpd.GeoDataFrame(
        {
            "id": ["P1", "P2", "P3", "P4"],
            "name": ["Keskustan perhekahvila", "Kirkonkylän perhekerho", NASTY, "Suunniteltu kerho"],
            "organiser": ["MLL Testin yhdistys", "Testin seurakunta", "Kunta", "Kunta"],
            "organiser_type": ["mll", "parish", "municipality", "municipality"],
            "kind": ["family_cafe", "family_club", "open_daycare", "family_club"],
            "address": ["Koulutie 1, 03100 Testilä", "Kirkkotie 2, 03400 Testilä", "Kuja 3", "Tie 4"],
            "opening_hours": [
                "Tu 09:30-11:30; PH off",
                "Tu 10:00-12:00; PH off",
                "Th 10:00-12:00; PH off",
                "We 17:00-19:00",
            ],
            "status": ["existing", "existing", "existing", "planned"],
            "notes": ["", "", "Huom: <b>ei</b> HTML:ää", ""],
            "source": ["testi", "testi", "testi", "testi"],
        },
        geometry=[Point(X0, Y0), Point(X0 + 3000, Y0), Point(X0, Y0 + 12_000), Point(X0 + 20_000, Y0)],
        crs="EPSG:3067",
    )
    areas = gpd.GeoDataFrame(
        {
            "id": ["A", "B", "C", "D"],
            "name": ["Keskusta", "Kirkonkylä", "Korpela", "Erämaa"],
            "population": [1000, 500, 300, 200],
            "children_0_6": [80.0, 40.0, 25.0, 15.0],
            "children_estimated": [True, True, True, True],
        },
        # A at P1; B 2 km from P2; C 6 km straight line from P3 (7.8 km travel, covered); D 20 km away
        geometry=[Point(X0, Y0), Point(X0 + 5000, Y0), Point(X0, Y0 + 18_000), Point(X0 + 20_000, Y0 + 1000)],
        crs="EPSG:3067",
    )
    boundary = gpd.GeoDataFrame(
        {"code": ["999"], "name": ["Testilä"]},
        geometry=[box(X0 - 8000, Y0 - 8000, X0 + 24_000, Y0 + 24_000)],
        crs="EPSG:3067",
    )
    project = Project(
        places=places,
        areas=areas,
        boundary=boundary,
        name="Testilä",
        settings=Settings(mode="car", threshold_minutes=10),
    )
    if visits:
        project.visits = pd.DataFrame(
            {
                "place_id": ["P1", "P1", "P2"],
                "date": [dt.date(2026, 9, 1), dt.date(2026, 9, 8), dt.date(2026, 9, 1)],
                "adults": [3, 4, 2],
                "children": [5, 6, 3],
            }
        )
    return project


@pytest.fixture(scope="module")
def data() -> study.Study:
    return study.prepare(_project(), today=TODAY)


@pytest.fixture(scope="module")
def report_fi(data) -> bytes:
    return export.export_bytes(data, "report")


def _plan(data: study.Study) -> types.SimpleNamespace:
    sites = gpd.GeoDataFrame(
        {"id": ["N1"], "name": ["Erämaan kylätalo"], "children_gained": [15.0]},
        geometry=[Point(X0 + 20_000, Y0 + 1000)],
        crs="EPSG:3067",
    )
    before = dict(data.result.summary)
    after = dict(
        before,
        children_covered=before["children_covered"] + 15.0,
        children_covered_share=(before["children_covered"] + 15.0) / before["children_total"],
        places_counted=before["places_counted"] + 1,
    )
    return types.SimpleNamespace(
        new_sites=sites, before=before, after=after, objective="cover", optimal=True, gap=0.0
    )


def _pdf_text(raw: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(raw)).pages]


def _norm(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- the analysis behind the exports -----------------------------------------------------------------------


def test_hand_checked_coverage(data):
    covered = dict(zip(data.result.areas["id"], data.result.areas["covered"], strict=True))
    assert covered == {"A": True, "B": True, "C": True, "D": False}
    assert data.result.summary["children_covered"] == pytest.approx(145.0)


def test_area_table_matches_analysis(data):
    table = tables.area_table(data)
    assert list(table.columns) == [c for c in tables.AREA_COLUMNS if c in table.columns]
    assert table["covered"].tolist() == data.result.areas["covered"].tolist()
    row = table.set_index("id").loc["B"]
    assert row["nearest_place"] == "Kirkonkylän perhekerho"
    assert row["straight_km"] == pytest.approx(2.0)
    assert row["distance_km"] == pytest.approx(2.6)
    assert row["minutes"] == pytest.approx(3.1)  # 2.6 km at 50 km/h


def test_place_table_reach_and_hours(data):
    table = tables.place_table(data).set_index("id")
    # P1 reaches A (0 km) and B (5 km straight < 6.41); P2 reaches A (3 km) and B (2 km); P4 (planned) only D
    assert table.loc["P1", "children_within"] == pytest.approx(120.0)
    assert table.loc["P2", "children_within"] == pytest.approx(120.0)
    assert table.loc["P3", "children_within"] == pytest.approx(25.0)
    assert table.loc["P4", "children_within"] == pytest.approx(15.0)
    assert table.loc["P1", "children_nearest"] == pytest.approx(80.0)
    assert table.loc["P2", "children_nearest"] == pytest.approx(55.0)  # B, and D (uncovered, 17 km)
    assert table.loc["P4", "children_nearest"] == 0.0
    assert table.loc["P1", "hours_per_week"] == pytest.approx(2.0)
    assert not table.loc["P4", "counted"]


def test_place_table_visits_as_the_stats_count_them():
    table = tables.place_table(study.prepare(_project(visits=True), today=TODAY)).set_index("id")
    assert table.loc["P1", ["sessions", "visitors_children", "visitors_adults"]].tolist() == [2, 11, 7]
    assert table.loc["P3", "sessions"] == 0
    assert "sessions" not in tables.place_table(study.prepare(_project(), today=TODAY))


# --- csv / xlsx -------------------------------------------------------------------------------------------


def test_csv_is_what_finnish_excel_reads(data):
    raw = export.export_bytes(data, "csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Tunnus", "Nimi"] and "Lapsia 0–6 v." in rows[0] and "Saavutettavissa" in rows[0]
    body = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(body) == {"A", "B", "C", "D"}
    assert body["B"]["Linnuntie (km)"] == "2,0"  # decimal comma
    assert body["D"]["Saavutettavissa"] == "ei" and body["A"]["Saavutettavissa"] == "kyllä"
    minutes = float(body["C"]["Matka-aika (min)"].replace(",", "."))
    assert minutes == pytest.approx(data.result.areas.set_index("id").loc["C", "minutes"], abs=0.05)


def test_csv_places_in_english(data):
    raw = export.export_bytes(study.prepare(_project(), today=TODAY, lang="en"), "csv", table="places")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["Name"] == "Keskustan perhekahvila"
    assert rows[3]["Status"] == "planned" and rows[3]["Counted"] == "no"
    assert float(rows[0]["Children 0–6 within reach"]) == pytest.approx(120.0)


def test_xlsx_opens_with_finnish_headers_and_formats(data, tmp_path):
    from openpyxl import load_workbook

    path = export.export(data, "xlsx", tmp_path / "taulukot.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Yhteenveto", "Kylät", "Alueet", "Kohtaamispaikat"]
    villages = list(wb["Kylät"].iter_rows(values_only=True))
    assert villages[0][:4] == ("Kylä", "Asukkaita", "Lapsia 0–6 v.", "Lapsia saavutettavissa")
    areas = wb["Alueet"]
    head = [c.value for c in areas[1]]
    assert head[:2] == ["Tunnus", "Nimi"]
    col = {name: i for i, name in enumerate(head)}
    values = {row[0]: row for row in areas.iter_rows(min_row=2, values_only=True)}
    children = sum(row[col["Lapsia 0–6 v."]] for row in values.values())
    assert sum(r[2] for r in villages[1:]) == pytest.approx(children)  # the villages add up to the areas
    assert values["C"][col["Lapsia 0–6 v."]] == pytest.approx(25.0)
    assert values["D"][col["Saavutettavissa"]] == "ei"
    km_cell = areas.cell(row=3, column=col["Matka (km)"] + 1)  # area B
    assert km_cell.value == pytest.approx(2.6) and km_cell.number_format == "0.00"
    assert areas.freeze_panes == "C2" and areas.auto_filter.ref
    from openpyxl.utils import get_column_letter

    nearest = get_column_letter(col["Lähin kohtaamispaikka"] + 1)
    assert areas.column_dimensions[nearest].width > 15  # the nearest place's name fits
    summary = {r[0]: r[1] for r in wb["Yhteenveto"].iter_rows(min_row=2, values_only=True)}
    assert summary["Lapsia 0–6 v. saavutettavissa"] == pytest.approx(145.0)
    places = {r[0]: r for r in wb["Kohtaamispaikat"].iter_rows(min_row=2, values_only=True)}
    assert places["P3"][1] == NASTY  # data kept verbatim (not HTML)


# --- GeoPackage ------------------------------------------------------------------------------------------


def test_gpkg_layers_for_qgis(data, tmp_path):
    import pyogrio

    path = export.export(
        study.prepare(_project(), today=TODAY, plan=_plan(data)), "gpkg", tmp_path / "k.gpkg"
    )
    layers = {name: geom for name, geom in pyogrio.list_layers(path)}
    assert set(layers) == set(gpkg.GPKG_LAYERS.values())
    assert layers["yhteenveto"] is None  # attribute table
    areas = pyogrio.read_dataframe(path, layer="alueet_kattavuus")
    assert areas.crs.to_epsg() == 3067
    assert areas.loc[areas["covered"] == 1, "children_0_6"].sum() == pytest.approx(145.0)
    assert set(areas.columns) >= {"nearest_place", "minutes", "distance_km"}
    places = pyogrio.read_dataframe(path, layer="kohtaamispaikat")
    assert len(places) == 4 and places.loc[places["id"] == "P3", "name"].item() == NASTY
    blind = pyogrio.read_dataframe(path, layer="katvealueet")
    assert blind["children_0_6"].sum() == pytest.approx(15.0)
    assert all(blind.geometry.geom_type == "Polygon")
    reach = pyogrio.read_dataframe(path, layer="saavutettavuusalueet")
    assert sorted(reach["place_id"]) == ["P1", "P2", "P3"]
    assert reach.geometry.area.iloc[0] == pytest.approx(np.pi * (8333.33 / 1.3) ** 2, rel=0.01)
    proposals = pyogrio.read_dataframe(path, layer="ehdotukset")
    assert proposals["name"].tolist() == ["Erämaan kylätalo"] and proposals["label"].tolist() == ["A"]
    summary = pyogrio.read_dataframe(path, layer="yhteenveto")
    assert "Testilä" in summary["value"].tolist()


def test_gpkg_without_plan_has_no_proposals(data, tmp_path):
    import pyogrio

    names = gpkg.write_gpkg(data, tmp_path / "a.gpkg")
    assert "ehdotukset" not in names
    assert "ehdotukset" not in [n for n, _ in pyogrio.list_layers(tmp_path / "a.gpkg")]
    assert not list(tmp_path.glob("*.tmp*"))  # written atomically, nothing left behind


# --- family calendar ---------------------------------------------------------------------------------------


def _events(raw: bytes):
    import icalendar

    cal = icalendar.Calendar.from_ical(raw)
    return cal, list(cal.walk("VEVENT"))


def test_ics_sessions_of_existing_places(data):
    raw = export.export_bytes(
        data, "ics", calendar_start=dt.date(2026, 10, 5), calendar_end=dt.date(2026, 10, 31)
    )
    cal, events = _events(raw)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    by_place = pd.Series([str(e["SUMMARY"]) for e in events]).value_counts().to_dict()
    # Tuesdays Oct 6, 13, 20, 27 and Thursdays Oct 8, 15, 22, 29; the planned place is left out
    assert by_place == {"Keskustan perhekahvila": 4, "Kirkonkylän perhekerho": 4, NASTY: 4}
    first = min(
        (e for e in events if str(e["SUMMARY"]) == "Keskustan perhekahvila"), key=lambda e: e["DTSTART"].dt
    )
    assert first["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert first["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2026, 10, 6, 9, 30)
    assert str(first["LOCATION"]) == "Koulutie 1, 03100 Testilä"
    assert "MLL Testin yhdistys" in str(first["DESCRIPTION"])
    # after the end of summer time (Oct 25) the session is still at 09:30 local time
    last = max(
        (e for e in events if str(e["SUMMARY"]) == "Keskustan perhekahvila"), key=lambda e: e["DTSTART"].dt
    )
    assert last["DTSTART"].dt.hour == 9 and last["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_public_holiday_and_stable_uids():
    project = _project()
    project.places.loc[0, "opening_hours"] = "Th 10:00-12:00; PH off"
    kw = dict(start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 24))
    one = calendar.family_calendar(project, now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), **kw)
    two = calendar.family_calendar(project, now=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc), **kw)
    days = sorted(
        e["DTSTART"].dt.date() for e in one.walk("VEVENT") if str(e["SUMMARY"]) == "Keskustan perhekahvila"
    )
    assert days == [dt.date(2026, 5, 7), dt.date(2026, 5, 21)]  # Ascension Day, May 14, is a holiday
    assert sorted(str(e["UID"]) for e in one.walk("VEVENT")) == sorted(
        str(e["UID"]) for e in two.walk("VEVENT")
    )


def test_ics_default_period_is_the_rest_of_the_term():
    assert calendar.term_period(dt.date(2026, 10, 5)) == (dt.date(2026, 10, 5), dt.date(2026, 12, 20))
    assert calendar.term_period(dt.date(2026, 7, 1)) == (dt.date(2026, 8, 11), dt.date(2026, 12, 20))
    assert calendar.term_period(dt.date(2026, 12, 28)) == (dt.date(2027, 1, 7), dt.date(2027, 5, 31))
    with pytest.raises(errors.ExportError, match="before it starts"):
        calendar.family_calendar(_project(), start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1))


# --- HTML ---------------------------------------------------------------------------------------------------


def test_html_is_offline_and_escaped(data):
    page = export.export_bytes(study.prepare(_project(), today=TODAY, plan=_plan(data)), "html").decode(
        "utf-8"
    )
    assert NASTY not in page and "<b>ei</b>" not in page
    # escaped in the popups/tooltips (inside JSON, & is written \u0026)
    assert "&lt;script&gt;alert" in page.replace("\\u0026", "&")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", page)
    assert "L.map(" in page and "leaflet" in page.lower()  # Leaflet inlined
    assert "Maanmittauslaitos, Tilastokeskus, CC BY 4.0" in page
    assert "Testilä" in page  # the title (plain HTML)
    assert json.dumps("Erämaan kylätalo")[1:-1] in page  # the proposal's tooltip (JSON, ASCII-escaped)


# --- print map ----------------------------------------------------------------------------------------------


def test_png_is_a4_landscape(data):
    raw = export.export_bytes(data, "png")
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", raw[16:24])
    assert (width, height) == (round(11.69 * 200), round(8.27 * 200))


def test_pdf_map_text(data):
    raw = export.export_bytes(data, "pdf")
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(raw)).pages[0]
    assert round(float(page.mediabox.width)) == 842 and round(float(page.mediabox.height)) == 595
    text = _norm(_pdf_text(raw)[0])
    for needed in (
        "Kohtaamispaikkojen saavutettavuus",
        "Testilä",
        "© Maanmittauslaitos, Tilastokeskus, CC BY 4.0",
        "Tulostettu 5.10.2026",
        "km",
        "Keskustan perhekahvila",
        "Kunnan raja",
        "Katvealue",
    ):
        assert needed in text, needed
    assert "91 %" in text  # 145 of 160 children


def test_map_labels_do_not_overlap(data):
    with printmap.style():
        fig = printmap.new_figure()
        printmap.map_page(fig, data)
        ax = fig.axes[0]
        renderer = fig.canvas.get_renderer()
        texts = [t for t in ax.texts if t.get_text().strip()]  # labels, scale bar figures, north arrow
        boxes = [t.get_window_extent(renderer) for t in texts]
    names = [t.get_text() for t in texts]
    assert {"1", "2", "3", "4", "Erämaa"} <= set(names)
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (names, i, j)


def test_scale_bar_and_north_arrow_helpers():
    assert printmap.nice_length(7300) == 5000 and printmap.nice_length(1900) == 1000
    assert printmap.nice_length(23_000) == 20_000
    # grid convergence: zero on the central meridian (27 E), about (lon - 27) * sin(lat) elsewhere
    assert abs(printmap.convergence_deg(500_000, 6_900_000)) < 0.01
    west = printmap.convergence_deg(200_000, 7_000_000)  # about 21.7 E, 63 N
    assert 4.0 < west < 5.5


# --- report -------------------------------------------------------------------------------------------------


def test_report_figures_match_the_analysis(data, report_fi):
    pages = [_norm(p) for p in _pdf_text(report_fi)]
    text = " ".join(pages)
    s = data.result.summary
    assert "Kohtaamispaikkojen saavutettavuus" in pages[0]
    assert _norm(i18n.fmt_number(s["children_covered"], 0, lang="fi")) in pages[0]  # 145
    assert _norm(i18n.fmt_share(s["children_covered_share"], 0, lang="fi")) in pages[0]  # 91 %
    assert "Erämaa" in pages[1]  # the blind-spot village
    assert (
        "Keskustan perhekahvila" in pages[1] and "Kirkonkylän perhekerho" in pages[1]
    )  # overlap Tu 10-11:30
    assert "10.00–11.30" in pages[1]
    assert "maanantai" in text and "aamupäivä 8–12" in text  # the weekday x daypart matrix
    assert "Menetelmä ja lähteet" in text and "Tilastokeskus" in text
    assert f"Sivu 1/{len(pages)}" in pages[0]
    assert NASTY in text  # a PDF shows data as text: nothing to escape, nothing lost


@pytest.mark.slow
def test_report_with_plan_and_visits_in_swedish(data):
    project = _project(visits=True)
    prepared = study.prepare(project, today=TODAY, plan=_plan(data), lang="sv")
    raw = export.export_bytes(prepared, "report")
    text = _norm(" ".join(_pdf_text(raw)))
    assert "Mötesplatsernas tillgänglighet" in text
    assert "Föreslagna nya mötesplatser" in text and "Erämaan kylätalo" in text
    assert "145 160 +15" in text  # children within reach before, after, change
    assert "Besöksstatistik" in text and "23 besökare" in text  # 3 sessions, 9 adults + 14 children


@pytest.mark.slow
def test_report_with_the_real_planner(data):

    plan = planning_plan.plan(_project(), k=1)
    raw = export.export_bytes(study.prepare(_project(), today=TODAY, plan=plan), "report")
    pages = [_norm(p) for p in _pdf_text(raw)]
    page = next(p for p in pages if "Ehdotetut uudet kohtaamispaikat" in p)
    assert "Kartta ehdotusten jälkeen" in page
    assert "A Erämaa 15 ma aamupäivä 8–12" in page  # label, name, children gained, suggested session
    assert "Saavutettaviksi tulevat kylät ja alueet: Erämaa (15)" in page
    before, after = (
        _norm(i18n.fmt_number(plan.before["children_covered"], 0, lang="fi")),
        _norm(i18n.fmt_number(plan.after["children_covered"], 0, lang="fi")),
    )
    assert f"{before} {after} +15" in page


def test_proposal_labels():
    sites = pd.DataFrame(
        {"id": [f"s{i}" for i in range(28)], "name": ["x"] * 28, "lon": [24.0] * 28, "lat": [60.4] * 28}
    )
    props = study.proposals_from_plan(sites)
    assert props["label"].tolist()[:3] == ["A", "B", "C"] and props["label"].tolist()[-2:] == ["AA", "AB"]
    assert props.crs.to_epsg() == 3067 and 6_600_000 < props.geometry.y.iloc[0] < 6_800_000
    assert len(study.proposals_from_plan(None)) == 0


def test_report_pages_are_a4_portrait(report_fi):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(report_fi))
    assert len(reader.pages) >= 3
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {
        (595, 842)
    }
    assert report.A4_PORTRAIT == (8.27, 11.69)


# --- errors and the command line ----------------------------------------------------------------------------


def test_errors_name_the_fix(data, tmp_path):
    with pytest.raises(errors.ExportError, match="unknown export format 'docx'"):
        export.export(data, "docx", tmp_path / "x.docx")
    with pytest.raises(errors.ExportError, match="is a folder"):
        export.export(data, "csv", tmp_path)
    with pytest.raises(errors.ExportError, match="unknown table"):
        export.export_bytes(data, "csv", table="visits")
    with pytest.raises(errors.ExportError, match="unknown language"):
        study.prepare(_project(), lang="de")
    with pytest.raises(KatveError, match="make static/leaflet"):
        old = leaflet.LEAFLET_DIR
        try:
            leaflet.LEAFLET_DIR = tmp_path / "nowhere"
            webmap.html_map(data)
        finally:
            leaflet.LEAFLET_DIR = old


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "sub" / "alueet.csv"
    assert main(["export", "--dataset", "vihti", "--format", "csv", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Tunnus" and len(rows) == 1 + len(load_dataset("vihti").areas)  # header + cells
    assert (
        main(
            [
                "export",
                "--dataset",
                "vihti",
                "--format",
                "ics",
                "--from",
                "32.1.2026",
                "--out",
                str(tmp_path / "k.ics"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--from" in err and "Traceback" not in err


@pytest.mark.slow
def test_cli_subprocess_ics(tmp_path):
    out = tmp_path / "perhekalenteri.ics"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "coverage",
            "export",
            "--dataset",
            "kaksineuvoinen",
            "--format",
            "ics",
            "--from",
            "2026-09-07",
            "--to",
            "2026-09-13",
            "--lang",
            "sv",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    cal, events = _events(out.read_bytes())
    assert str(cal["X-WR-CALNAME"]).startswith("Familjekalender")
    outreach = [e for e in events if e.get("categories") and
                str(e.get("categories").cats[0]) == "Uppsökande besök"]
    sessions = [e for e in events if e not in outreach]
    assert len(sessions) == 7  # six places, one of them twice a week (Mo, We)

    visits = load_dataset("kaksineuvoinen").outreach
    in_week = visits["start"].between("2026-09-07", "2026-09-14")
    assert len(outreach) == int(in_week.sum())


# --- the Vienti page ---------------------------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch):
    """Record every st.download_button of a page run: key -> (data callable, file name, mime)."""
    import streamlit as st

    recorded: dict[str, tuple] = {}
    real = st.download_button

    def spy(label, data, **kw):
        recorded[kw["key"]] = (data, kw.get("file_name"), kw.get("mime"), kw.get("disabled", False))
        return real(label, data, **kw)

    monkeypatch.setattr(st, "download_button", spy)
    return recorded


def test_vienti_page_offers_every_format(app, downloads):

    app.switch_page("app_pages/vienti.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.header[0].value == "Vienti"
    keys = {"report", "pdf", "png", "html", "gpkg", "xlsx", "csv_areas", "csv_places", "ics"}
    assert set(downloads) == {f"vienti_{k}" for k in keys}
    assert len(app.get("download_button")) == len(keys)
    assert downloads["vienti_report"][1] == "katve-vihti-raportti.pdf"
    assert downloads["vienti_gpkg"][2] == "application/geopackage+sqlite3"

    # the files are generated on click (deferred): call the callables the page registered
    rows = list(
        csv.reader(io.StringIO(downloads["vienti_csv_areas"][0]().decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][0] == "Tunnus" and len(rows) == 1 + len(load_dataset("vihti").areas)
    _cal, events = _events(downloads["vienti_ics"][0]())
    assert events and all(e["DTSTART"].params["TZID"] == "Europe/Helsinki" for e in events)
    expected = analyze(load_dataset("vihti"), Settings(mode="car", threshold_minutes=10)).summary
    wb_bytes = downloads["vienti_xlsx"][0]()
    from openpyxl import load_workbook

    summary = {
        r[0]: r[1] for r in load_workbook(io.BytesIO(wb_bytes))["Yhteenveto"].iter_rows(values_only=True)
    }
    assert summary["Lapsia 0–6 v. saavutettavissa"] == pytest.approx(round(expected["children_covered"], 1))


def test_vienti_page_document_language(app, downloads):
    app.switch_page("app_pages/vienti.py").run()
    app.selectbox(key="vienti_lang").set_value("sv").run()
    assert not app.exception, app.exception
    assert app.header[0].value == "Vienti"  # the UI stays Finnish, the documents switch
    rows = list(
        csv.reader(io.StringIO(downloads["vienti_csv_places"][0]().decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:2] == ["Kod", "Namn"]


def test_calendar_includes_outreach_visits_of_the_period():
    import datetime as dt

    import icalendar
    import pandas as pd


    project = load_dataset("vihti")
    project.outreach = pd.DataFrame({
        "place_id": ["V02", "V04"], "start": pd.to_datetime(["2026-12-01 10:30", "2027-03-03 10:00"]),
        "end": pd.to_datetime(["2026-12-01 11:30", None]),
        "profession": ["neuvolan terveydenhoitaja", "perheneuvoja"], "organisation": ["Hyvinvointialue", ""],
        "notes": ["", ""],
    })
    cal = calendar.family_calendar(project, start=dt.date(2026, 11, 30), end=dt.date(2026, 12, 6))
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    events = [e for e in parsed.walk("VEVENT")]
    outreach = [
        e for e in events
        if "Jalkautuminen" in str(e.get("categories").cats[0] if e.get("categories") else "")
    ]
    assert len(outreach) == 1  # the March visit is outside the period
    ev = outreach[0]
    assert "neuvolan terveydenhoitaja" in str(ev.get("summary")) + str(ev.get("description"))
    assert ev.decoded("dtstart").hour == 10 and ev.decoded("dtstart").minute == 30
    assert ev.decoded("dtend").hour == 11 and ev.decoded("dtend").minute == 30
    sessions = [e for e in events if e not in outreach]
    assert len(sessions) > 5  # the places' own sessions are still there
