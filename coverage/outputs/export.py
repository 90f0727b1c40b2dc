"""Exports for planners and the network meeting: GeoPackage, HTML map, print map, tables, calendar, report.

One entry point, :func:`export` (``python -m coverage export`` and the app's "Vienti" page use it), writes one
of :data:`FORMATS`; :func:`export_bytes` returns the same content as bytes (download buttons). The analysis
behind every format is computed once by :func:`prepare` into an :class:`Study` (or assembled from
cached results with :meth:`Study.from_parts`). Headers, legends and the report are in Finnish, Swedish
or English (``lang``; the strings are the ``export.`` section of :mod:`coverage.core.i18n`).

Formats and their choices
-------------------------
``gpkg``
    A GeoPackage for QGIS, EPSG:3067, with the layers of :data:`GPKG_LAYERS` (Finnish layer names, the data
    model's English field names so that the layers can be copied back into a project):
    ``kohtaamispaikat`` (places + ``counted``, ``children_within``, ``children_nearest``, ``hours_per_week``),
    ``alueet_kattavuus`` (areas + ``nearest_place_id``, ``nearest_place``, ``straight_km``, ``distance_km``,
    ``minutes``, ``covered``), ``kuntaraja``, ``saavutettavuusalueet`` (reach of each counted place),
    ``katvealueet`` (blind-spot polygons), ``ehdotukset`` (proposed new sites with their map letter, children
    gained and suggested session; only with a plan) and the attribute table ``yhteenveto`` (settings, travel
    model and headline figures as key/value rows). Booleans are 0/1 integers (GeoPackage has no booleans).
``html``
    The app's interactive map (:func:`coverage.outputs.webmap.coverage_map`) as one standalone file:
    Leaflet's JS and
    CSS inlined from ``static/leaflet/`` (fetched by ``make static/leaflet/leaflet.js``), no tiles, so it
    works offline; a title box with the headline figure; proposals in yellow. Text from the data is escaped
    (HTML) and embedded with :func:`coverage.outputs.leaflet.script_json` (inert to branca's second Jinja
    pass).
``png`` / ``pdf``
    The A4 landscape print map of :mod:`coverage.outputs.printmap` (matplotlib, no internet). Names are drawn
    as plain text (matplotlib's mathtext is off: ``$x^2$`` stays as typed).
``csv``
    One table (``table="areas"`` or ``"places"``) as Finnish Excel opens it by double-click: ``;`` separator,
    UTF-8 with BOM, decimal comma, CRLF line ends, headers in the chosen language, yes/no as words. With
    ``lang="en"`` the separator is ``,`` and the decimal mark ``.``. Text starting like a spreadsheet formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'`` (OWASP "CSV Injection",
    :func:`defuse_formula`).
``xlsx``
    Sheets *Yhteenveto*, *Alueet* and *Kohtaamispaikat* with localised headers, bold frozen header row,
    autofilter, column widths fitted to the content and number formats (``0.0`` for km and children).
    Text is stored as string cells, never as formulas (formula-like text also carries Excel's quote prefix).
``ics``
    The family calendar (perhekalenteri): one VEVENT per session of every existing place over a term (RFC
    5545, TZID Europe/Helsinki with its VTIMEZONE, stable UIDs so re-imports update instead of duplicating).
    Sessions come from :func:`coverage.core.schedule.open_intervals`, so public holidays (``PH off``) and
    seasons (``Sep-May``) apply. Default period: the rest of the current term (:func:`term_period`).
``report``
    The meeting report of :mod:`coverage.outputs.report` (a multi-page A4 PDF).

Examples
--------
>>> from coverage.io.datasets import load_dataset
>>> data = prepare(load_dataset("vihti"))
>>> table = area_table(data)
>>> int(table["covered"].sum()) == data.result.summary["areas_covered"]
True
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..analysis.study import Study, prepare
from ..core.errors import ExportError
from ..core.model import Project
from .calendar import write_ics
from .document import _atomic_write
from .gpkg import write_gpkg
from .tables import TABLES, area_table, place_table, village_table, write_csv, write_xlsx

FORMATS = ("gpkg", "html", "png", "pdf", "csv", "xlsx", "ics", "report")
"""Export formats, as accepted by ``--format``."""

SUFFIXES = {
    "gpkg": ".gpkg",
    "html": ".html",
    "png": ".png",
    "pdf": ".pdf",
    "csv": ".csv",
    "xlsx": ".xlsx",
    "ics": ".ics",
    "report": ".pdf",
}
MEDIA_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html",
    "png": "image/png",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar",
    "report": "application/pdf",
}


# --- dispatch ----------------------------------------------------------------------------------------------


def export(
    source: Study | Project,
    fmt: str,
    out: str | os.PathLike,
    *,
    table: str = "areas",
    calendar_start: dt.date | None = None,
    calendar_end: dt.date | None = None,
    **prepare_options: Any,
) -> Path:
    """Write ``source`` in format ``fmt`` to the file ``out`` (atomically; folders are created).

    Parameters
    ----------
    source : Study or Project
        A prepared export (:func:`prepare`) or a project (prepared here with ``prepare_options``).
    fmt : str
        One of :data:`FORMATS`.
    out : path
    table : {"areas", "places"}
        Which table a ``csv`` export holds.
    calendar_start, calendar_end : date, optional
        Period of the ``ics`` calendar (default: the current or next term, :func:`term_period`).
    **prepare_options
        Passed to :func:`prepare` when ``source`` is a project (``settings``, ``at``, ``plan``, ``lang``).

    Returns
    -------
    Path
        The file written.
    """
    fmt = _check_format(fmt)
    path = Path(out)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name such as {path / ('katve' + SUFFIXES[fmt])}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{path.parent}: cannot create the folder ({exc.strerror or exc})") from None
    data = source if isinstance(source, Study) else prepare(source, **prepare_options)
    if fmt == "gpkg":
        write_gpkg(data, path)
        return path
    content = _render(data, fmt, table=table, calendar_start=calendar_start, calendar_end=calendar_end)
    _atomic_write(path, content)
    return path


def export_bytes(
    source: Study | Project,
    fmt: str,
    *,
    table: str = "areas",
    calendar_start: dt.date | None = None,
    calendar_end: dt.date | None = None,
    **prepare_options: Any,
) -> bytes:
    """Return the content :func:`export` would write, as bytes (for download buttons)."""
    fmt = _check_format(fmt)
    data = source if isinstance(source, Study) else prepare(source, **prepare_options)
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory(prefix="katve-") as tmp:
            path = Path(tmp) / "katve.gpkg"
            write_gpkg(data, path)
            return path.read_bytes()
    return _render(data, fmt, table=table, calendar_start=calendar_start, calendar_end=calendar_end)


def file_name(data: Study, fmt: str, *, table: str = "areas") -> str:
    """Suggest a download file name, e.g. ``katve-vihti-alueet.csv``."""
    fmt = _check_format(fmt)
    slug = re.sub(r"[^a-z0-9åäö]+", "-", data.name.lower()).strip("-") or "katve"
    label = {
        "report": "raportti",
        "ics": "perhekalenteri",
        "png": "kartta",
        "pdf": "kartta",
        "html": "kartta",
        "csv": "alueet" if table == "areas" else "kohtaamispaikat",
        "xlsx": "taulukot",
        "gpkg": "kattavuus",
    }
    return f"katve-{slug}-{label[fmt]}{SUFFIXES[fmt]}"


def _render(
    data: Study, fmt: str, *, table: str, calendar_start: dt.date | None, calendar_end: dt.date | None
) -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        if table not in TABLES:
            raise ExportError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
        tables = {"areas": area_table, "places": place_table, "villages": village_table}
        write_csv(tables[table](data), buf, lang=data.lang)
    elif fmt == "xlsx":
        write_xlsx(data, buf)
    elif fmt == "ics":
        write_ics(
            data.project,
            buf,
            start=calendar_start,
            end=calendar_end,
            include_planned=data.include_planned,
            lang=data.lang,
            today=data.today,
        )
    elif fmt == "html":
        from .webmap import html_map  # folium: imported when a map is drawn, not at every command

        buf.write(html_map(data).encode("utf-8"))
    elif fmt in ("png", "pdf"):
        from .printmap import print_map  # matplotlib: imported when a map is drawn

        print_map(data, buf, fmt=fmt)
    elif fmt == "report":
        from .report import meeting_report

        meeting_report(data, buf)
    return buf.getvalue()


def _check_format(fmt: str) -> str:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt
