"""Property-based tests (hypothesis): opening hours and the CSV path.

- any string given as opening hours gets an answer (valid, or a one-line reason), never an exception;
- generated valid rules: ``is_open`` agrees with ``open_intervals`` and with a hand-written model of the rule;
- any table written as Finnish Excel writes CSV (``;``, quoted when needed, cp1252 or UTF-8 with BOM) reads
  back cell for cell, numbers with decimal commas and thousands spaces read back as numbers;
- any bytes (also bytes that start like the right format) give data or an ``InputError``, never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from coverage.cli.main import main
from coverage.core import schedule, validation
from coverage.core.errors import InputError, KatveError, Problem
from coverage.io import importers

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
UTC = dt.timezone.utc

# --- opening hours: anything in, an answer out ------------------------------------------------------------

OH_TOKENS = [
    "Mo",
    "Tu",
    "We",
    "Th",
    "Fr",
    "Sa",
    "Su",
    "PH",
    "SH",
    "off",
    "open",
    "closed",
    "24/7",
    "Sep",
    "May",
    "Jan-Dec",
    "week",
    "01",
    "09:30",
    "11:30",
    "24:00",
    "25:00",
    "-",
    ",",
    ";",
    ":",
    " ",
    "||",
    "+",
    "[1]",
    "[-1]",
    "2026",
    "sunrise",
    "sunset",
    "(",
    ")",
    '"kommentti"',
    "easter",
    "ti",
    "9-12",
    "klo",
    "joka",
]
opening_hours_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(OH_TOKENS), max_size=14).map("".join),
    st.lists(st.sampled_from(OH_TOKENS), max_size=10).map(" ".join),
)


@FAST
@given(value=opening_hours_text)
def test_any_text_as_opening_hours_gets_an_answer(value):
    reason = schedule.check(value)
    assert reason is None or (isinstance(reason, str) and reason and "\n" not in reason)
    places = gpd.GeoDataFrame(
        {"id": ["a"], "name": ["Tupa"], "opening_hours": [value], "status": ["existing"]},
        geometry=[Point(350_000, 6_700_000)],
        crs=3067,
    )
    problems = validation.validate_layer("places", places, path="p.csv")
    assert all(isinstance(p, Problem) for p in problems)
    hours = [p for p in problems if p.field == "opening_hours"]
    if value.strip():
        assert bool(hours) == (reason is not None)
    if reason is None:  # whatever parses can be evaluated
        monday = dt.datetime(2026, 10, 5, tzinfo=schedule.TZ)
        schedule.is_open(value, monday + dt.timedelta(hours=10))
        schedule.open_intervals(value, monday, monday + dt.timedelta(days=7))


# --- opening hours: generated valid rules -----------------------------------------------------------------


@st.composite
def simple_rules(draw):
    """A rule like ``Mo,We 09:30-11:30,13:00-15:00`` and its model: {weekday: [(start min, end min)]}."""
    days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(sorted))
    cuts = draw(st.lists(st.integers(0, 24 * 4), min_size=2, max_size=6, unique=True).map(sorted))
    spans = [(a * 15, b * 15) for a, b in zip(cuts[0::2], cuts[1::2], strict=False)]
    assume(spans)

    def hhmm(minutes):
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    text = (
        ",".join(schedule.WEEKDAYS[d] for d in days)
        + " "
        + ",".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in spans)
    )
    return text, {d: spans for d in days}


def _in_intervals(when: dt.datetime, intervals) -> bool:
    t = when.astimezone(UTC)
    return any(a.astimezone(UTC) <= t < b.astimezone(UTC) for a, b in intervals)


@FAST
@given(
    rule=simple_rules(),
    ph_off=st.booleans(),
    minutes=st.lists(st.integers(0, 14 * 24 * 60 - 1), min_size=1, max_size=12),
    start=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
)
def test_generated_rules_is_open_agrees_with_open_intervals(rule, ph_off, minutes, start):
    text, _model = rule
    if ph_off:
        text += "; PH off"
    assert schedule.check(text) is None, text
    # UTC instants: every one exists in Helsinki (the spring-forward gap has its own test below)
    begin = dt.datetime.combine(start, dt.time(), tzinfo=schedule.TZ)
    end = begin + dt.timedelta(days=14)
    intervals = schedule.open_intervals(text, begin, end)
    for a, b in intervals:
        assert begin.astimezone(UTC) <= a.astimezone(UTC) < b.astimezone(UTC) <= end.astimezone(UTC)
    for m in minutes:
        when = (begin.astimezone(UTC) + dt.timedelta(minutes=m)).astimezone(schedule.TZ)
        assert schedule.is_open(text, when) == _in_intervals(when, intervals), (text, when)


@FAST
@given(rule=simple_rules(), day=st.integers(0, 6), minute=st.integers(0, 24 * 60 - 1))
def test_generated_rules_match_a_hand_written_model(rule, day, minute):
    text, model = rule
    # 2026-10-05..11: an ordinary Finnish week (no public holiday, no clock change)
    when = dt.datetime(2026, 10, 5 + day, minute // 60, minute % 60, tzinfo=schedule.TZ)
    expected = any(a <= minute < b for a, b in model.get(day, []))
    assert schedule.is_open(text, when) == expected, (text, when)
    assert schedule.is_open(text + "; PH off", when) == expected


def test_ph_off_closes_on_finnish_public_holidays():
    # Independence Day (Su 6.12.2026 is a Sunday; 2027: Monday) and Ascension Day 2026 (Th 14.5.)
    assert schedule.is_open("Mo-Su 10:00-12:00", dt.datetime(2027, 12, 6, 11, 0))
    assert not schedule.is_open("Mo-Su 10:00-12:00; PH off", dt.datetime(2027, 12, 6, 11, 0))
    assert not schedule.is_open("Th 10:00-12:00; PH off", dt.datetime(2026, 5, 14, 11, 0))
    assert schedule.is_open("Th 10:00-12:00; PH off", dt.datetime(2026, 5, 21, 11, 0))


def test_wall_times_in_the_spring_forward_gap_do_not_crash():
    # 29.3.2026 03:00-04:00 does not exist in Helsinki; read as the time the clocks show an hour later
    assert schedule.is_open("Su 02:00-05:00", dt.datetime(2026, 3, 29, 3, 30))
    assert not schedule.is_open("Su 02:00-04:00", dt.datetime(2026, 3, 29, 3, 30))
    assert schedule.open_intervals(
        "Su 02:00-05:00", dt.datetime(2026, 3, 29, 3, 30), dt.datetime(2026, 3, 30)
    )


# --- CSV as Finnish Excel writes it -----------------------------------------------------------------------

# cp1252 round trips need text that is not accidentally valid UTF-8: leave out cp1252's 0x80-0xBF
# characters (€, §, ½, ...), which are UTF-8 continuation bytes.
FINNISH = "äöåÄÖÅéüÉÜ"
HEADER_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_()./-" + FINNISH
CELL_CHARS = HEADER_CHARS + "ABCXYZ ;,\"'\n\t|<>&=*:!?#" + FINNISH

headers = st.lists(
    st.text(HEADER_CHARS, min_size=1, max_size=12).map(lambda s: " ".join(s.split())).filter(bool),
    min_size=1,
    max_size=6,
    unique_by=lambda s: s,
)


@st.composite
def tables(draw):
    header = draw(headers)
    cell = st.text(CELL_CHARS, max_size=15)
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=8))
    rows = [r for r in rows if any(c.strip() for c in r)]  # Excel drops wholly blank rows too
    assume(rows)
    return header, rows


def _excel_csv(header, rows, encoding: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


@FAST
@given(table=tables(), encoding=st.sampled_from(["utf-8-sig", "cp1252"]))
def test_finnish_excel_csv_reads_back_cell_for_cell(tmp_path, table, encoding):
    header, rows = table
    path = tmp_path / "taulukko.csv"
    path.write_bytes(_excel_csv(header, rows, encoding))
    got = importers.read_table(path)
    assert list(got.columns) == header
    assert got.astype(object).values.tolist() == rows


@st.composite
def areas_tables(draw):
    n = draw(st.integers(1, 6))
    population = draw(st.lists(st.integers(0, 2_000_000), min_size=n, max_size=n))
    children = [draw(st.integers(0, p * 100)) / 100 for p in population]  # two decimals, at most population
    x = draw(st.lists(st.integers(60_000_00, 740_000_00), min_size=n, max_size=n))  # cm: two decimals
    y = draw(st.lists(st.integers(6_620_000_00, 7_760_000_00), min_size=n, max_size=n))
    return population, children, [v / 100 for v in x], [v / 100 for v in y]


def _finnish_number(value: float, *, thousands: bool) -> str:
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")  # 12 345,67 with a no-break space, as Excel does


@FAST
@given(table=areas_tables(), encoding=st.sampled_from(["utf-8-sig", "cp1252"]), thousands=st.booleans())
def test_decimal_commas_and_thousands_spaces_read_back_as_numbers(tmp_path, table, encoding, thousands):
    population, children, x, y = table
    rows = [
        [
            f"a{i}",
            f"Kylä {i}",
            _finnish_number(p, thousands=thousands).split(",")[0],
            _finnish_number(c, thousands=thousands),
            _finnish_number(xi, thousands=thousands),
            _finnish_number(yi, thousands=thousands),
        ]
        for i, (p, c, xi, yi) in enumerate(zip(population, children, x, y, strict=True))
    ]
    path = tmp_path / "alueet.csv"
    path.write_bytes(_excel_csv(["id", "nimi", "väestö", "lapset 0-6 v", "itä", "pohjoinen"], rows, encoding))
    data = importers.read_areas(path, crs="EPSG:3067").data
    assert data["population"].tolist() == population
    np.testing.assert_allclose(data["children_0_6"].to_numpy(), children, rtol=0, atol=1e-9)
    np.testing.assert_allclose(data.geometry.x.to_numpy(), x, rtol=0, atol=1e-6)
    np.testing.assert_allclose(data.geometry.y.to_numpy(), y, rtol=0, atol=1e-6)


# --- random bytes: data or an InputError, never a traceback -----------------------------------------------


def _valid_xlsx() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame(
        {
            "id": ["1"],
            "nimi": ["A"],
            "aukioloajat": ["Tu 10:00-12:00"],
            "tila": ["olemassa"],
            "lat": [60.3],
            "lon": [24.3],
        }
    ).to_excel(buf, index=False)
    return buf.getvalue()


def _valid_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "paikat.csv", "id;nimi;aukioloajat;tila;lat;lon\n1;A;Tu 10:00-12:00;olemassa;60,3;24,3\n"
        )
    return buf.getvalue()


VALID = {".xlsx": _valid_xlsx(), ".zip": _valid_zip()}
PREFIXES = {
    ".csv": [b"", b"\xef\xbb\xbfid;nimi;lat;lon\n", b"\xff\xfe", b"sep=;\n"],
    ".xlsx": [b"PK\x03\x04"],
    ".zip": [b"PK\x03\x04", b"PK\x05\x06"],
    ".geojson": [b"{", b'{"type": "FeatureCollection", "features": [', b"["],
    ".gpkg": [b"SQLite format 3\x00"],
}


def _read_everything(path: Path) -> None:
    for reader in (importers.read_places, importers.read_areas, importers.read_visits, importers.read_table):
        try:
            reader(path)
        except KatveError as exc:  # InputError included: a message for the user
            assert str(exc)
            if isinstance(exc, InputError):
                assert all(p.row is None or p.row >= 1 for p in exc.problems)


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00",
        b"\xff\xfe\x00\xd8a\x00",
        b"\xfe\xff\xdc\x00",
    ],  # cut / lone surrogates (found by hypothesis)
)
def test_damaged_utf16_csv_is_an_input_error(tmp_path, content):
    path = tmp_path / "paikat.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="starts as UTF-16 text but cannot be decoded"):
        importers.read_places(path)


@FAST
@given(data=st.data(), suffix=st.sampled_from(sorted(PREFIXES)), tail=st.binary(max_size=600))
def test_bytes_that_start_like_the_format_never_traceback(tmp_path, data, suffix, tail):
    prefix = data.draw(st.sampled_from(PREFIXES[suffix]))
    path = tmp_path / f"paikat{suffix}"
    path.write_bytes(prefix + tail)
    _read_everything(path)


@FAST
@given(data=st.data(), suffix=st.sampled_from(sorted(VALID)))
def test_damaged_valid_files_never_traceback(tmp_path, data, suffix):
    good = bytearray(VALID[suffix])
    cut = data.draw(st.integers(1, len(good)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(good) - 1), st.integers(1, 255)), max_size=8))
    for pos, mask in flips:
        good[pos] ^= mask
    path = tmp_path / f"paikat{suffix}"
    path.write_bytes(bytes(good[:cut]))
    _read_everything(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".zip", ".geojson", ".gpkg"])
)
def test_cli_validate_on_random_bytes_exits_cleanly(tmp_path, capsys, content, suffix):
    path = tmp_path / f"paikat{suffix}"
    path.write_bytes(content)
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in out + err
    if code == 2:
        assert all(line.startswith(str(path)) for line in err.splitlines())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_header_with_commas_still_splits_on_semicolons(tmp_path, encoding):
    path = tmp_path / "alueet.csv"
    path.write_bytes(
        _excel_csv(["id", "nimi", "väestö, yhteensä", "lapset, 0-6 v"], [["1", "A", "10", "2,5"]], encoding)
    )
    assert list(importers.read_table(path).columns) == ["id", "nimi", "väestö, yhteensä", "lapset, 0-6 v"]
