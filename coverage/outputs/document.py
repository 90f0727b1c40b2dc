"""The shared vocabulary of every output: colours, attribution, texts, number and date formats, writes."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.demand import attribution
from ..analysis.reach import CoverageResult
from ..core.errors import ExportError
from ..core.i18n import fmt_number, has, label, t, weekday_name
from ..core.model import Settings
from ..travel.network_file import model_description

ATTRIBUTION = "© Maanmittauslaitos, Tilastokeskus, CC BY 4.0"
"""Data attribution printed on every map (boundaries: NLS; population: Statistics Finland)."""


def credits(areas: Any, lang: str = "fi") -> str:
    """Return a document's attribution line: :data:`ATTRIBUTION`, plus the source of grid cells."""
    grid = attribution(areas, lang) if areas is not None else ""
    return f"{ATTRIBUTION} · {grid}" if grid else ATTRIBUTION


def text(key: str, lang: str = "fi", **values: Any) -> str:
    """Return the document string ``export.<key>`` of :mod:`coverage.core.i18n` in ``lang``, filled in."""
    return t(f"export.{key}", lang, **values)


def header(column: str, lang: str = "fi") -> str:
    """Printable header of a table column (``export.col.<column>``; the column name itself if unknown)."""
    key = f"export.col.{column}"
    return t(key, lang) if has(key) else column


def yes_no(value: Any, lang: str = "fi") -> str:
    """``kyllä`` / ``ei`` (``""`` for a missing value)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return t("common.yes" if bool(value) else "common.no", lang)


def fmt_date(day: dt.date, lang: str = "fi") -> str:
    """Format a date as people write it in ``lang`` (``14.5.2026``)."""
    return f"{day.day}.{day.month}.{day.year}" if lang in ("fi", "sv") else day.strftime("%-d %b %Y")


def describe_settings(
    result: CoverageResult, lang: str = "fi", *, include_planned: bool = False
) -> str:
    """One line: mode, threshold, travel model (and the moment, with ``at``)."""
    s = result.settings
    mode = label("mode", s.mode, lang)
    line = text(
        "travel.km" if s.threshold_km is not None else "travel.minutes",
        lang,
        mode=mode,
        value=threshold_text(s, lang, unit=False),
    )
    line += f" ({travel_model(result, lang)})"
    if result.at is not None:
        line += "; " + text("at", lang, when=weekday_time(result.at, lang))
    if include_planned:
        line += "; " + text("planned_counted", lang)
    return line


def travel_model(result: CoverageResult, lang: str = "fi") -> str:
    """Say how travel is measured, e.g. ``linnuntie × 1,3, 50 km/h`` (as :func:`describe_settings` does)."""
    s = result.settings
    model = result.model or {}
    name = str(model.get("model", ""))
    if name == "road_network" and s.network:  # the file and how speeds are set (issue 18)
        return model_description(s, lang)
    speed = float(model.get("speed_kmh") or s.speed_kmh)
    circuity = fmt_number(model.get("circuity", s.circuity), 2, lang=lang).rstrip("0").rstrip(",.")
    key = name if has(f"export.model.{name}") else "other"
    speed_text = fmt_number(speed, _digits(speed), lang=lang)
    return text(f"model.{key}", lang, circuity=circuity, speed=speed_text, model=name)


def threshold_text(settings: Settings, lang: str = "fi", *, unit: bool = True) -> str:
    """Format the threshold as ``"10 min"`` or ``"8,5 km"`` (without the unit: ``"10"``)."""
    value = settings.threshold_km if settings.threshold_km is not None else settings.threshold_in_minutes
    number = fmt_number(value, _digits(value), lang=lang)
    if not unit:
        return number
    return text("report.km" if settings.threshold_km is not None else "report.minutes", lang, value=number)


def weekday_time(when: dt.datetime, lang: str = "fi") -> str:
    """``"ti 10.00"`` (fi/sv) / ``"Tue 10:00"`` (en)."""
    day = weekday_name(when.weekday(), lang, short=True)
    return f"{day} {when:%H:%M}" if lang == "en" else f"{day} {when:%H.%M}"


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def _s(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


# --- colours -----------------------------------------------------------------------------------------------

COLORS = {
    "boundary": "#333333",
    "reach": "#1f78b4",
    # covered / beyond reach: Okabe-Ito blue and vermillion, apart for red-green colour blindness too; beyond
    # reach is also drawn with a dashed outline (the shape says it without colour)
    "blind": "#d55e00",
    "covered": "#0072b2",
    "uncovered": "#d55e00",
    "neutral": "#7f7f7f",  # areas on a map without an analysis
    "newly_covered": "#ffd92f",  # outline of the areas a proposal would cover (the proposals' yellow)
    "text": "#1a1a1a",
    "accent": "#1f4e79",
    "proposal": "#ffd92f",
    "beyond": "#c51b7d",  # outline of populated grid cells beyond reach (magenta: apart from the blue scale)
}
"""The one colour table of every map and document: the app's map, the HTML map, print maps and the report."""

ORGANISER_COLORS = {
    "municipality": "#1f78b4",
    "mll": "#ff7f00",
    "parish": "#6a3d9a",
    "other_ngo": "#b15928",
    "other": "#555555",
}
"""Place marker colour by ``organiser_type`` (unknown types get ``other``'s colour)."""


CHILDREN_CLASSES = (1, 3, 6, 12, 25, 50)
"""Class breaks of children 0-6 per grid cell: < 1, 1-2, 3-5, 6-11, 12-24, 25-49, 50 or more."""

CHILDREN_PALETTE = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
"""ColorBrewer YlGnBu, 7 classes: sequential, colour-blind safe and readable in greyscale print."""


def children_class(children: Any) -> Any:
    """Return the class (0-6) of each children count, by :data:`CHILDREN_CLASSES`.

    >>> children_class([0, 0.4, 1, 2.9, 5, 12, 49.5, 80]).tolist()
    [0, 0, 1, 1, 2, 4, 5, 6]
    """
    values = np.nan_to_num(np.asarray(children, dtype=float))
    return np.searchsorted(np.asarray(CHILDREN_CLASSES, float), values, side="right")


def children_class_labels(lang: str = "fi") -> list[str]:
    """Legend labels of the classes: ``["alle 1", "1–2", ..., "50 tai enemmän"]`` (fi), sv, en."""
    bounds = CHILDREN_CLASSES
    labels = [t("export.class_below", lang, value=bounds[0])]
    pairs = zip(bounds, bounds[1:], strict=False)
    labels += [f"{lo}–{hi - 1}" if hi - 1 > lo else f"{lo}" for lo, hi in pairs]
    labels.append(t("export.class_at_least", lang, value=bounds[-1]))
    return labels


def _write_bytes(out: Any, raw: bytes) -> None:
    if hasattr(out, "write"):
        out.write(raw)
    else:
        _atomic_write(Path(out), raw)


def _atomic_write(path: Path, raw: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(raw)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
