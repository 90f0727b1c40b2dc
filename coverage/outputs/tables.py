"""The area and place tables, and writing them as CSV (Finnish Excel) and XLSX."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.demand import describe_demand
from ..analysis.study import Study
from ..analysis.villages import village_of
from ..core.i18n import check_language, label
from .document import _write_bytes, credits, describe_settings, fmt_date, header, text, yes_no

TABLES = ("areas", "places", "villages")


# --- columns ------------------------------------------------------------------------------------------------

AREA_COLUMNS = (
    "id",
    "name",
    "village",
    "municipality",
    "population",
    "children_0_6",
    "children_estimated",
    "nearest_place_id",
    "nearest_place",
    "straight_km",
    "distance_km",
    "minutes",
    "covered",
)
PLACE_COLUMNS = (
    "id",
    "name",
    "organiser",
    "organiser_type",
    "kind",
    "address",
    "opening_hours",
    "ages",
    "languages",
    "status",
    "counted",
    "hours_per_week",
    "children_within",
    "children_nearest",
)
VISIT_COLUMNS = ("sessions", "visitors_children", "visitors_adults")
_BOOL_COLUMNS = ("children_estimated", "covered", "counted")
_CODED_COLUMNS = ("status", "kind", "organiser_type")  # translated with i18n.label
_DECIMALS = {
    "children_0_6": 1,
    "children_covered": 1,
    "children_uncovered": 1,
    "children_covered_share": 1,
    "minutes_min": 1,
    "minutes_max": 1,
    "straight_km": 2,
    "distance_km": 2,
    "minutes": 1,
    "hours_per_week": 1,
    "children_within": 1,
    "children_nearest": 1,
    "area_km2": 2,
    "children_gained": 1,
}


# --- tables ------------------------------------------------------------------------------------------------


def area_table(data: Study) -> pd.DataFrame:
    """One row per area: demand, nearest counted place, distances and whether it is covered.

    Columns :data:`AREA_COLUMNS` (English keys; see :func:`localise` for printable headers).
    """
    a = data.result.areas
    places = data.result.places
    names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    out = pd.DataFrame(index=range(len(a)))
    for col in AREA_COLUMNS:
        if col == "nearest_place":
            out[col] = [names.get(str(p), "") if p is not None else "" for p in a["nearest_place_id"]]
        elif col == "nearest_place_id":
            out[col] = [("" if p is None else str(p)) for p in a["nearest_place_id"]]
        elif col == "village":
            out[col] = village_of(a).to_numpy(object)
        elif col in a:
            out[col] = a[col].to_numpy()
    out["population"] = pd.to_numeric(out["population"], errors="coerce").round().astype("Int64")
    out["covered"] = a["covered"].to_numpy(bool)
    return _rounded(out)


def village_table(data: Study) -> pd.DataFrame:
    """One row per village, most children beyond reach first (:meth:`CoverageResult.villages`).

    Columns ``village, population, children_0_6, children_covered, children_covered_share`` (%),
    ``children_uncovered, cells, cells_uncovered, nearest_place`` (of most children beyond reach) and
    ``minutes_min, minutes_max`` (travel minutes of the cells beyond reach).
    """
    v = data.result.villages()
    places = data.result.places
    names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    share = pd.to_numeric(v["children_covered_share"], errors="coerce") * 100.0
    out = pd.DataFrame({
        "village": v["name"].to_numpy(object),
        "population": v["population"].astype("Int64").to_numpy(),
        "children_0_6": v["children_0_6"].to_numpy(float),
        "children_covered": v["children_covered"].to_numpy(float),
        "children_covered_share": share.to_numpy(float),
        "children_uncovered": v["children_uncovered"].to_numpy(float),
        "cells": v["cells"].to_numpy(int),
        "cells_uncovered": v["cells_uncovered"].to_numpy(int),
        "nearest_place": [names.get(str(p), "") if isinstance(p, str) else "" for p in v["nearest_place_id"]],
        "minutes_min": v["minutes_min"].to_numpy(float),
        "minutes_max": v["minutes_max"].to_numpy(float),
    })  # fmt: skip
    return _rounded(out)


def place_table(data: Study) -> pd.DataFrame:
    """One row per place: who runs it, when it is open, whether it counts and whom it reaches.

    ``hours_per_week`` is in the reference week; ``children_within`` the children 0-6 whose area is within
    the threshold of the place (counted or not); ``children_nearest`` the children for whom it is the nearest
    counted place. With visits in the project: ``sessions``, ``visitors_children``, ``visitors_adults``
    (as :func:`coverage.analysis.stats.visits_per_place` counts them).
    """
    p = data.result.places
    areas = data.result.areas
    out = pd.DataFrame({col: p[col].to_numpy() for col in PLACE_COLUMNS if col in p})
    out["counted"] = p["counted"].to_numpy(bool)
    out["hours_per_week"] = data.hours_per_week
    out["children_within"] = data.children_within
    kids = pd.to_numeric(areas["children_0_6"], errors="coerce").fillna(0.0).to_numpy(float)
    nearest = (
        pd.Series(kids, index=areas["nearest_place_id"].astype(object).to_numpy()).groupby(level=0).sum()
    )
    out["children_nearest"] = [float(nearest.get(str(i), 0.0)) for i in p["id"].astype(str)]
    per_place = data.visits_per_place
    if per_place is not None:
        ids = p["id"].astype(str)
        for col, source in (
            ("sessions", "sessions"),
            ("visitors_children", "children"),
            ("visitors_adults", "adults"),
        ):
            values = per_place[source].reindex(ids).fillna(0).astype("int64").to_numpy()
            out[col] = pd.array(values, dtype="Int64")
    return _rounded(out)


def summary_rows(data: Study) -> list[tuple[str, Any]]:
    """Key/value rows for the summary sheet and the GeoPackage's ``yhteenveto`` table (in ``data.lang``)."""
    lang = data.lang
    s = data.result.summary
    share = s["children_covered_share"]
    return [
        (text("municipality", lang), data.name),
        (text("created", lang), fmt_date(data.today, lang)),
        (text("travel", lang), describe_settings(data.result, lang, include_planned=data.include_planned)),
        (text("sum.children_total", lang), _round(s["children_total"], 1)),
        (text("sum.children_covered", lang), _round(s["children_covered"], 1)),
        (text("sum.children_share", lang), None if share is None else _round(100.0 * share, 1)),
        (text("sum.population_total", lang), s["population_total"]),
        (text("sum.population_covered", lang), s["population_covered"]),
        (text("sum.places_counted", lang), s["places_counted"]),
        (text("model", lang), json.dumps(data.result.model, ensure_ascii=False)),
        (text("sources", lang), credits(data.result.areas, lang)),
        (text("demand", lang), describe_demand(data.result.areas, lang)),
    ]


def localise(df: pd.DataFrame, lang: str = "fi") -> pd.DataFrame:
    """Printable copy of a table: headers, yes/no and coded values (status, kind, ...) in ``lang``."""
    lang = check_language(lang)
    out = df.copy()
    for col in _BOOL_COLUMNS:
        if col in out:
            out[col] = [yes_no(x, lang) for x in out[col].astype("boolean")]
    for col in _CODED_COLUMNS:
        if col in out:
            out[col] = [label(col, v, lang) if not pd.isna(v) else "" for v in out[col]]
    return out.rename(columns={c: header(c, lang) for c in out.columns})


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    for col, digits in _DECIMALS.items():
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float).round(digits)
    return df


def _round(value: Any, digits: int) -> Any:
    try:
        return round(float(value), digits)
    except (TypeError, ValueError):
        return value


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection", plus the
full-width forms some spreadsheet programs fold to ASCII)."""


def defuse_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (OWASP "CSV Injection").

    ``"=HYPERLINK(...)"`` becomes ``"'=HYPERLINK(...)"``: Excel and LibreOffice show the text and run
    nothing. Non-text values (numbers) and other text are returned unchanged.

    >>> defuse_formula("=1+1"), defuse_formula("+358 40 123"), defuse_formula("Nummela"), defuse_formula(-1.5)
    ("'=1+1", "'+358 40 123", 'Nummela', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(df: pd.DataFrame, out: Any, *, lang: str = "fi") -> None:
    """Write a table as Finnish Excel reads it: ``;``-separated UTF-8 with BOM, decimal comma.

    ``out`` is a path or a binary file object. English output (``lang="en"``) uses ``,`` and ``.``.
    Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return) is written with a leading ``'`` (:func:`defuse_formula`): a CSV file has no cell
    types, so the prefix is the only way to keep Excel from evaluating a place named ``=HYPERLINK(...)``.
    """
    printable = localise(df, lang)
    for col in printable.columns:
        if printable[col].dtype == object or isinstance(printable[col].dtype, pd.StringDtype):
            printable[col] = [defuse_formula(v) for v in printable[col].astype(object)]
    sep, decimal = (",", ".") if lang == "en" else (";", ",")
    data = printable.to_csv(sep=sep, decimal=decimal, index=False, lineterminator="\r\n")
    raw = ("\ufeff" + data).encode("utf-8")
    _write_bytes(out, raw)


def write_xlsx(data: Study, out: Any) -> None:
    """Write the summary, area and place tables as an Excel workbook (``out``: path or binary file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = data.lang
    wb = Workbook()
    ws = wb.active
    ws.title = text("sheet.summary", lang)
    ws.append([text("key", lang), text("value", lang)])
    for key, value in summary_rows(data):
        ws.append([key, value])
        _as_text(ws[ws.max_row])
    sheets = [
        (text("sheet.villages", lang), village_table(data)),
        (text("sheet.areas", lang), area_table(data)),
        (text("sheet.places", lang), place_table(data)),
    ]
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="2F5D62")
    for title, df in sheets:
        sheet = wb.create_sheet(title)
        printable = localise(df, lang)
        sheet.append(list(printable.columns))
        for row in printable.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
            _as_text(sheet[sheet.max_row])
        for j, col in enumerate(df.columns, start=1):
            digits = _DECIMALS.get(col)
            fmt = "0" if digits == 0 else ("0." + "0" * digits if digits else None)
            if col == "population":
                fmt = "#,##0"
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = sheet.dimensions
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for j, column in enumerate(sheet.iter_cols(values_only=True), start=1):
            head = len(str(column[0] or ""))
            body = max((len(_shown(v)) for v in column[1:]), default=0)
            width = min(max(body, min(head, 18), 6) + 2, 60)
            sheet.column_dimensions[get_column_letter(j)].width = width
        sheet.row_dimensions[1].height = 32
    buf = io.BytesIO()
    wb.save(buf)
    _write_bytes(out, buf.getvalue())


def _as_text(cells: Any) -> None:
    """Keep text cells text: openpyxl stores a string starting with ``=`` as a formula.

    The cell is written as a string (shown verbatim, never evaluated) and, when it starts like a formula,
    carries Excel's quote prefix so that editing it does not turn it into one either.
    """
    for cell in cells:
        if isinstance(cell.value, str):
            if cell.data_type == "f":
                cell.data_type = "s"
            if cell.value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)
