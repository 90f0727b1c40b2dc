"""The meeting report as the network meeting reads it (issue 17 part 6), read back with pypdf.

Plain-language opening hours, planned places marked in the place table and on the map's legend, no
near-empty page, no legend under a heading, long names wrapped (not cut) and the method said once.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import types

import pandas as pd
import pytest
import shapely

from coverage.analysis import study
from coverage.core.hours import describe_hours
from coverage.core.model import Settings
from coverage.io.datasets import load_dataset
from coverage.outputs import export, report
from coverage.outputs.printmap import style

TODAY = dt.date(2026, 12, 2)
PLANNED = "Uusi perhekahvila Nummelan kirjastossa"
ORGANISER = "Vihdin kunta, varhaiskasvatus"  # was cut to "Vihdin kunta, varha…"
LONG_PLACE = "Perhekerho, Nummelan seurakuntakeskus"  # was cut to "Perhekerho, Nummelan seurakun…"


def _vihti(*, planned: bool = False, include_planned: bool = False, lang: str = "fi") -> study.Study:
    """Vihti on foot, 20 minutes (its made-up visits included), with one planned place if asked."""
    project = load_dataset("vihti")
    project.settings = Settings(mode="walk", threshold_minutes=20)
    if planned:
        row = project.places.iloc[[0]].copy()
        row["id"], row["name"], row["status"] = "PLAN1", PLANNED, "planned"
        row["opening_hours"] = "Sep-May Th 09:30-11:30; PH off"
        row["geometry"] = shapely.affinity.translate(row.geometry.iloc[0], 2500.0, 1500.0)
        project.places = pd.concat([project.places, row], ignore_index=True)
    return study.prepare(project, today=TODAY, include_planned=include_planned, lang=lang)


def _pages(raw: bytes) -> list[str]:
    from pypdf import PdfReader

    return [
        " ".join((p.extract_text() or "").split()).replace("\u00a0", " ").replace("\u202f", " ")
        for p in PdfReader(io.BytesIO(raw)).pages
    ]


def _lines(raw: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(raw)).pages
    return [[ln for ln in (p.extract_text() or "").splitlines() if ln.strip()] for p in pages]


@pytest.fixture(scope="module")
def planned_fi() -> tuple[study.Study, list[str]]:
    data = _vihti(planned=True)
    return data, _pages(export.export_bytes(data, "report"))


def _page_with(pages: list[str], heading: str) -> str:
    found = [p for p in pages if heading in p]
    assert len(found) == 1, heading
    return found[0]


# --- 1. opening hours in plain language ---------------------------------------------------------------------


def test_place_table_says_the_hours_in_plain_finnish(planned_fi):
    data, pages = planned_fi
    text = " ".join(pages)
    assert "Sep-May" not in text and "PH off" not in text and "09:30" not in text  # no OSM syntax anywhere
    page = _page_with(pages, "Kohtaamispaikat ja aukioloajat")
    for hours in data.project.places["opening_hours"]:
        plain = describe_hours(hours, "fi")
        assert plain != hours and plain in page, plain
    assert "syys–toukokuu: ma, ke, pe 9–12, ei arkipyhinä" in page


@pytest.mark.parametrize(
    ("lang", "want"),
    [("sv", "september–maj: mån, ons, fre 9–12, inte på helgdagar"), ("en", "Mon, Wed, Fri 9:00–12:00")],
)
def test_place_table_hours_in_swedish_and_english(lang, want):
    from matplotlib.backends.backend_pdf import PdfPages

    data = _vihti(lang=lang)
    with style():
        doc = report._Document(data)
        report._week_page(doc)
        buf = io.BytesIO()
        with PdfPages(buf) as pdf:
            for fig in doc.pages:
                pdf.savefig(fig)
    text = " ".join(_pages(buf.getvalue()))
    assert want in text and "Sep-May" not in text and "PH off" not in text


# --- 2. planned places marked -------------------------------------------------------------------------------


def test_planned_place_is_tagged_in_the_table_and_the_legend(planned_fi):
    _data, pages = planned_fi
    page = _page_with(pages, "Kohtaamispaikat ja aukioloajat")
    assert f"{PLANNED} (suunniteltu)" in page
    assert page.count("(suunniteltu)") == 1  # only the planned one
    assert "Suunniteltu paikka" in pages[0]  # the map's legend


def test_planned_place_counted_in_a_scenario_is_still_marked():
    data = _vihti(planned=True, include_planned=True)
    assert data.result.places.set_index("id").loc["PLAN1", "counted"]
    pages = _pages(export.export_bytes(data, "report"))
    assert f"{PLANNED} (suunniteltu)" in _page_with(pages, "Kohtaamispaikat ja aukioloajat")
    assert "Suunniteltu paikka, mukana laskennassa" in pages[0]


# --- 3. no near-empty page ----------------------------------------------------------------------------------


def test_no_near_empty_page_when_a_section_spills_over():
    """Kaksineuvoinen by car: the overlaps spilled onto a page of their own (3 lines and the footer)."""
    raw = export.export_bytes(study.prepare(load_dataset("kaksineuvoinen"), today=TODAY), "report")
    counts = [len(lines) for lines in _lines(raw)]
    assert min(counts) >= 15, counts
    pages = _pages(raw)
    overlaps = _page_with(pages, "Päällekkäiset aukiolot lähekkäisillä paikoilla")
    assert "Lapsia 0–6 v. saavutettavissa viikonpäivän" in overlaps  # the next section runs on


def _fake() -> types.SimpleNamespace:
    return types.SimpleNamespace(lang="fi")


def _block(height: float):
    return lambda doc: doc.figure_axes(height)


def _check(doc: report._Document) -> list[float]:
    fills = [doc.fill(k) for k in range(len(doc.pages))]
    assert min(fills[1:]) >= report.MIN_FILL, fills
    return fills


def test_layout_runs_a_section_on_after_a_short_tail():
    def build(doc):
        doc.section_break()
        doc.figure_axes(0.9)
        doc.table([("a", 0.5, "left"), ("b", 0.5, "right")], [[f"rivi {k}", str(k)] for k in range(8)])
        doc.section_break()
        doc.figure_axes(0.5)

    with style():
        doc = report._Document.lay_out(_fake(), build)
    assert len(doc.pages) == 2 and _check(doc)


def test_layout_pulls_a_short_last_section_up():
    def build(doc):
        doc.figure_axes(0.5)
        doc.section_break()
        doc.figure_axes(0.1)

    with style():
        plain = report._Document(_fake())
        build(plain)
        assert len(plain.pages) == 2 and plain.fill(1) < report.MIN_FILL  # what one pass does
        doc = report._Document.lay_out(_fake(), build)
    assert len(doc.pages) == 1


def test_layout_lets_more_of_a_long_table_flow_over():
    rows = [[f"rivi {k}", str(k)] for k in range(62)]

    def build(doc):
        doc.figure_axes(0.3)
        doc.section_break()
        doc.table([("a", 0.5, "left"), ("b", 0.5, "right")], rows)

    with style():
        plain = report._Document(_fake())
        build(plain)
        assert plain.fill(len(plain.pages) - 1) < report.MIN_FILL  # two rows on the last page
        doc = report._Document.lay_out(_fake(), build)
    _check(doc)
    drawn = [t.get_text() for fig in doc.pages for t in fig.axes[0].texts]
    assert all(f"rivi {k}" in drawn for k in range(62))  # every row once, none lost
    assert sum(t.startswith("rivi ") for t in drawn) == 62


# --- 4. no heading over a legend ----------------------------------------------------------------------------


def test_month_chart_legend_is_below_the_chart_not_under_the_heading():
    from matplotlib.legend import Legend

    data = _vihti()
    with style():
        doc = report._Document(data)
        report._visits_page(doc)
        fig = doc.pages[-1]
        renderer = fig.canvas.get_renderer()
        heading = next(t for t in doc.ax.texts if t.get_text() == "Käynnit kuukausittain")
        chart = fig.axes[-1]
        assert chart.get_legend() is None  # no legend inside (or on top of) the chart
        legends = [c for c in doc.ax.get_children() if isinstance(c, Legend)]
        assert len(legends) == 1
        box = legends[0].get_window_extent(renderer)
        head = heading.get_window_extent(renderer)
        plot = chart.get_tightbbox(renderer)  # the bars, the axis and its tick labels
    assert [t.get_text() for t in legends[0].get_texts()] == ["Lapsikäyntejä", "Aikuiskäyntejä"]
    assert not box.overlaps(head) and not box.overlaps(plot)
    assert box.y1 < plot.y0 < plot.y1 < head.y0  # heading, chart, legend: top down


# --- 5. long names wrapped, not cut -------------------------------------------------------------------------


def test_long_names_are_wrapped_whole(planned_fi):
    _data, pages = planned_fi
    text = " ".join(pages)
    assert ORGANISER in _page_with(pages, "Kohtaamispaikat ja aukioloajat")
    assert LONG_PLACE in _page_with(pages, "Katvealueen kylät ja alueet")
    assert "…" not in text.replace("… ja", "")  # nothing ellipsized (only "… ja N muuta" may use it)


def test_table_cells_stay_inside_their_columns():
    columns = [
        ("Nimi", 0.2, "left"),
        ("Aukioloajat", 0.3, "left"),
        ("Lapsia 0–6 v. saavutettavissa", 0.1, "right"),  # a word too long even at 6 pt
    ]
    rows = [
        ["Perhekerho, Nummelan seurakuntakeskus ja Vihtijärven kappeli", "syys–toukokuu: ma, pe 9–12", "438"],
        ["Lyhyt", "Kuusamontienperhekeskuskohtaamispaikka", "1"],  # one word wider than its column
        ["Toinen", "ti 10–12", "2"],
    ]
    with style():
        doc = report._Document(_fake())
        doc.table(columns, rows)
        fig = doc.pages[0]
        renderer = fig.canvas.get_renderer()
        to_page = doc.ax.transData.inverted()
        cells = [t for t in doc.ax.texts if t.get_text() and t.get_color() != "white"]
        boxes = [t.get_window_extent(renderer).transformed(to_page) for t in cells]
        heads = [t for t in doc.ax.texts if t.get_color() == "white"]
        head_boxes = [t.get_window_extent(renderer).transformed(to_page) for t in heads]
    edges = [0.0, 0.2, 0.5, 0.6]
    assert len(heads) == 3
    for col, (t, b) in enumerate(zip(heads, head_boxes, strict=True)):  # headers too: shrunk, then broken
        assert edges[col] - 1e-6 <= b.x0 and b.x1 <= edges[col + 1] + 1e-6, t.get_text()
    assert "".join(heads[2].get_text().split()) == "Lapsia0–6v.saavutettavissa"  # every letter kept
    assert len(cells) == 9
    for k, (t, b) in enumerate(zip(cells, boxes, strict=True)):
        col = k % 3
        assert edges[col] - 1e-6 <= b.x0 and b.x1 <= edges[col + 1] + 1e-6, t.get_text()
    joined = [t.get_text().replace("\n", " ") for t in cells]
    assert joined[0] == rows[0][0]  # wrapped at spaces: the whole name, nothing cut
    assert cells[0].get_text().count("\n") >= 1
    assert cells[4].get_text().replace("\n", "") == rows[1][1]  # the long word broken, not cut
    first, second = boxes[0], boxes[3]
    assert second.y1 <= first.y0  # the first row grew: the next row is below its two lines


# --- 6. the method said once --------------------------------------------------------------------------------


def _method_text(data: study.Study) -> str:
    with style():
        doc = report._Document(data)
        report._method(doc)
    return " ".join(doc.ax.texts[-1].get_text().split())


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text) if s.strip()]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_method_text_says_each_thing_once(lang):
    data = _vihti(lang=lang)
    text = _method_text(data)
    sentences = _sentences(text)
    assert len(sentences) == len(set(sentences)) >= 5
    limit = {"fi": "enintään 20 min", "sv": "högst 20 min", "en": "at most 20 min"}[lang]
    estimate = {"fi": "arvio", "sv": "uppskatt", "en": "estimated"}[lang]
    assert text.count(limit) == 1  # was "enintään 20 min päässä (lastenvaunut), enintään 20 min (...)"
    assert text.lower().count(estimate) == 1  # the estimate once, with how it is made
    assert text.count("2021") == 1 and text.count("© ") == 0  # the census year once; credits in the footer
    assert "4 km/h" in text


def test_method_of_the_report_has_no_repeated_sentence(planned_fi):
    _data, pages = planned_fi
    page = _page_with(pages, "Menetelmä ja lähteet")
    method = page.split("Menetelmä ja lähteet", 1)[1].split(f"Vihti · {TODAY.day}.{TODAY.month}.", 1)[0]
    sentences = _sentences(method)
    assert len(sentences) == len(set(sentences)) >= 5
    assert method.count("enintään 20 min") == 1
    assert "kävellen (lastenvaunut; linnuntie × 1,3, 4 km/h)" in method


def test_an_absurdly_long_cell_is_shown_on_a_few_lines_not_across_pages():
    """A 3000-letter name (the hostile-text fixture's) wraps to at most a few lines, ending in "…"."""
    long = "Hyvin pitkä nimi " + "ä" * 3000 + " loppu"
    with style():
        doc = report._Document(_fake())
        doc.table([("Nimi", 0.3, "left"), ("Lapsia", 0.7, "right")], [[long, "1"], ["Lyhyt", "2"]])
        cell = next(t.get_text() for t in doc.ax.texts if t.get_text().startswith("Hyvin"))
    assert len(doc.pages) == 1 and doc.fill(0) < 0.5
    assert cell.startswith("Hyvin pitkä nimi\nää") and cell.endswith("ä…")
    assert cell.count("\n") + 1 == report._MAX_CELL_LINES
