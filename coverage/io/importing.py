r"""Bring a coordinator's own list into a project: preview, then import the good rows.

:func:`preview_import` reads a file the way people keep their lists (no ids, no status, Finnish headers,
``ti 9.30–11.30`` hours, cp1252 with ``;`` and decimal commas, Excel) and tells, in the user's language, how
each column was understood, which rows can go in (with the ids they will get, unique in the project: ``V08,
V09, ...`` after ``V07``), which rows are skipped and why, and what was guessed (organiser type and kind
from the organiser and name: MLL, seurakunta/srk, kunta/kaupunki, perhekahvila, perhekerho, perhetupa, ...).
:func:`apply_import` then appends the rows (or replaces the layer) and returns the new project; saving it
is the caller's (:func:`coverage.io.store.save`: atomic, keeps a backup). Skipped rows can be handed back
as a CSV to fix (:meth:`ImportPreview.skipped_csv`).

Examples
--------
>>> import tempfile, pathlib
>>> from coverage.io.datasets import load_dataset
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> csv = folder / "paikat.csv"
>>> _ = csv.write_bytes("nimi;järjestäjä;lat;lon;aukioloajat\n"
...     "Kerho;Vihdin seurakunta;60,41;24,32;ti 9.30–11.30\nX;;;;ti\n".encode("cp1252"))
>>> project = load_dataset("vihti")
>>> preview = preview_import(csv, "places", project)
>>> preview.data.loc[0, ["id", "opening_hours", "organiser_type", "status"]].tolist()
['V08', 'Tu 09:30-11:30', 'parish', 'existing']
>>> [(s.excel_row, s.problems[0].field) for s in preview.skipped]
[(3, 'lat/lon')]
>>> len(apply_import(project, preview).places) - len(project.places)
1
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core.errors import InputError, Problem
from ..core.i18n import label, t
from ..core.messages import excel_row, localise
from ..core.model import SPATIAL_LAYERS, TABLE_LAYERS, Project, conform, next_ids
from .importers import detect_layer, read_layer_lenient, understand_columns

IMPORT_LAYERS = ("places", "areas", "candidates", "visits")
"""The layers a user's file can be imported into."""

ID_PREFIXES = {"places": "P", "areas": "A", "candidates": "C"}
"""The id prefix of a layer that has no ids yet (then numbered 01, 02, ...)."""

ORGANISER_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bmll\b", "mll"),
    (r"mannerheimin", "mll"),
    (r"seurakun", "parish"),
    (r"\bsrk\b", "parish"),
    (r"församling", "parish"),
    (r"\bev\.?-?lut", "parish"),
    (r"\bkirkko", "parish"),
    (r"hyvinvointialue", "municipality"),
    (r"välfärdsområde", "municipality"),
    (r"perhekeskus", "municipality"),
    (r"\bkunta\b|\bkunnan\b", "municipality"),
    (r"\bkaupunki\b|\bkaupungin\b", "municipality"),
    (r"\bkommun\b|\bstad\b|\bstaden\b", "municipality"),
    (r"\bry\b|\br\.y\.|yhdistys|järjestö|förening|\brf\b", "other_ngo"),
)
"""Words of an organiser (or a place's name) and the organiser type they suggest, first match wins."""

KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"perhekahvila|iltaperhekahvila|familjecaf|familjekaf|family caf", "family_cafe"),
    (r"perhekerho|vauvakerho|familjeklubb|family club", "family_club"),
    (r"perhetupa|avoin päiväkoti|avoin varhaiskasvatus|öppe[nt] dag|open daycare|leikkitupa", "open_daycare"),
    (r"kahvila|\bcafé\b|\bkafé\b", "family_cafe"),
    (r"kerho|klubb", "family_club"),
)
"""Words of a place's name and the kind they suggest, first match wins."""


@dataclass(frozen=True)
class ColumnReading:
    """How one column of the file is understood.

    ``field`` is the layer's field it fills (or ``lat``/``lon``/``x``/``y``/``coordinates``), ``None`` when
    it is not used; ``how`` is ``name``, ``alias``, ``mapped``, ``coordinates``, ``skipped`` or ``unknown``
    (kept as an extra column); ``shown`` says it in the user's language; ``examples`` are first values.
    """

    header: str
    field: str | None
    how: str
    shown: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guess:
    """A value filled in from another column, to be confirmed: ``data`` row ``position`` gets ``value``."""

    position: int
    row: int  # the file's 1-based data row (Excel row: row + 1)
    field: str
    value: str
    word: str  # what the guess rests on
    source: str  # the user's header of the column it came from
    message: str  # the guess said in the user's language


@dataclass(frozen=True)
class SkippedRow:
    """A row left out: the file's data row, the Excel row, its problems (in the user's language)."""

    row: int
    excel_row: int
    problems: tuple[Problem, ...]
    values: dict[str, str] = field(default_factory=dict)  # the row as the file has it (user's headers)


@dataclass(frozen=True)
class ImportPreview:  # noqa: PLR0902 - a record
    """What an import would do, for the user to see before anything changes.

    ``data`` holds the rows that can go in (schema-conformed, EPSG:3067, ids assigned, guesses filled);
    ``new_ids`` the ids given ({position in ``data``: id}); ``warnings`` the file's notes (hours read as,
    encoding, ids renumbered), all in ``lang``.
    """

    path: str
    layer: str
    lang: str
    columns: list[ColumnReading]
    data: pd.DataFrame
    skipped: list[SkippedRow]
    warnings: list[Problem]
    guesses: list[Guess]
    new_ids: dict[int, str]
    replace: bool = False
    rejected: pd.DataFrame | None = None

    @property
    def problems(self) -> list[Problem]:
        """Every problem of the skipped rows, in row order (for ``PATH:ROW: field: message`` lines)."""
        return [p for row in self.skipped for p in row.problems]

    def skipped_csv(self) -> bytes:
        """Return the skipped rows as a CSV to fix: the file's columns plus Excel row and problem.

        UTF-8 with BOM and ``;`` (what Finnish Excel opens as it is); empty bytes when nothing was skipped.
        """
        if not self.skipped:
            return b""
        table = pd.DataFrame([row.values for row in self.skipped]).astype(object).fillna("")
        table.insert(0, t("import.csv.excel_row", self.lang), [row.excel_row for row in self.skipped])
        table[t("import.csv.problem", self.lang)] = [
            "; ".join(f"{p.field}: {p.message.split(': ', 1)[-1]}" for p in row.problems)
            for row in self.skipped
        ]
        buffer = io.StringIO()
        table.map(_defuse).to_csv(buffer, sep=";", index=False)
        return buffer.getvalue().encode("utf-8-sig")


def _defuse(value: Any) -> Any:
    """Keep a spreadsheet from running a cell as a formula (``=...``, ``+...``, ``@...``)."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "@") else value


def _assign_ids(
    data: pd.DataFrame, generated: Iterable[int], existing: Iterable[Any], *, prefix: str
) -> tuple[pd.DataFrame, dict[int, str], list[tuple[int, str, str]]]:
    """Give placeholder ids and ids the project already has new ones; (data, {pos: id}, [(pos, old, new)])."""
    data = data.copy()
    existing = {str(i) for i in existing}
    ids = data["id"].astype(str).tolist()
    todo = set(generated)
    renamed_from: dict[int, str] = {}
    for pos, value in enumerate(ids):
        if pos not in todo and value in existing:
            todo.add(pos)
            renamed_from[pos] = value
    own = [v for pos, v in enumerate(ids) if pos not in todo]
    fresh = next_ids([*existing, *own], len(todo), prefix=prefix)
    new_ids = dict(zip(sorted(todo), fresh, strict=True))
    for pos, value in new_ids.items():
        ids[pos] = value
    data["id"] = ids
    renamed = [(pos, renamed_from[pos], new_ids[pos]) for pos in sorted(renamed_from)]
    return data, new_ids, renamed


# --- guesses ---------------------------------------------------------------------------------------------


def guess_organiser_type(*texts: Any) -> tuple[str, str] | None:
    """Return (organiser type, the word it rests on) from an organiser's or a place's name, or ``None``.

    Examples
    --------
    >>> guess_organiser_type("MLL:n Vihdin yhdistys"), guess_organiser_type("Nummelan srk")
    (('mll', 'MLL'), ('parish', 'srk'))
    """
    return _guess(ORGANISER_WORDS, texts)


def guess_kind(*texts: Any) -> tuple[str, str] | None:
    """Return (kind, the word it rests on) from a place's name, or ``None``.

    Examples
    --------
    >>> guess_kind("MLL:n iltaperhekahvila Ojakkala")
    ('family_cafe', 'iltaperhekahvila')
    """
    return _guess(KIND_WORDS, texts)


def _guess(table: tuple[tuple[str, str], ...], texts: tuple[Any, ...]) -> tuple[str, str] | None:
    for text in texts:
        text = "" if text is None else str(text)
        for pattern, value in table:
            m = re.search(pattern, text, flags=re.IGNORECASE)
            if m:
                start = text.rfind(" ", 0, m.start()) + 1
                end = re.search(r"[\s,;:()]|$", text[m.end() :])
                stop = m.end() + (end.start() if end else 0)
                return value, text[start:stop].strip(",;:()") if value != "mll" else m.group()
    return None


def _fill_guesses(
    data: pd.DataFrame, rows: tuple[int, ...], headers: dict[str, str], lang: str
) -> tuple[pd.DataFrame, list[Guess]]:
    data = data.copy()
    guesses: list[Guess] = []
    for pos in range(len(data)):
        organiser, name = data.at[pos, "organiser"], data.at[pos, "name"]
        for fld, found, source in (
            ("organiser_type", guess_organiser_type(organiser), "organiser"),
            ("organiser_type", guess_organiser_type(name), "name"),
            ("kind", guess_kind(name), "name"),
        ):
            if found is None or str(data.at[pos, fld] or "").strip():
                continue
            value, word = found
            data.at[pos, fld] = value
            header = headers.get(source, source)
            reason = t("problem.guess_reason", lang, field=header, word=word)
            message = t("problem.guess", lang, value=label(fld, value, lang), reason=reason)
            row = rows[pos] if pos < len(rows) else pos + 1
            guesses.append(Guess(pos, row, fld, value, word, header, message))
    return data, guesses


# --- preview and apply -----------------------------------------------------------------------------------


_HOW = {
    "name": "import.how.name",
    "alias": "import.how.alias",
    "mapped": "import.how.mapped",
    "coordinates": "import.how.coordinates",
    "skipped": "import.how.skipped",
    "unknown": "import.how.unknown",
}


def preview_import(
    path: str | os.PathLike,
    layer: str | None = None,
    project: Project | None = None,
    *,
    mapping: dict[str, str | None] | None = None,
    lang: str = "fi",
    replace: bool = False,
    crs: Any = None,
) -> ImportPreview:
    """Read ``path`` for ``layer`` of ``project`` and tell what importing it would do; change nothing.

    Parameters
    ----------
    path : str or path-like
        CSV (also cp1252 with ``;`` and decimal commas), XLSX, GeoJSON, GeoPackage or zipped Shapefile.
    layer : str, optional
        ``places``, ``areas``, ``candidates`` or ``visits``; detected from the columns when not given.
    project : Project, optional
        The project the rows go into: its ids are continued and never clashed with (unless ``replace``)
        and its boundary checks the locations.
    mapping : dict, optional
        {the file's header: field, or ``None`` to leave the column out} where the guesses are wrong.
    lang : str
        ``fi``, ``sv`` or ``en``: the language of every message.
    replace : bool
        The rows will replace the layer (ids are then only kept unique within the file).
    crs : str or int, optional
        The coordinate system of ``x``/``y`` columns; detected when not given.

    Returns
    -------
    ImportPreview

    Raises
    ------
    InputError
        When no row can be imported (the file unreadable, a required column missing, every row bad); its
        problems are in ``lang`` (the English in each one's ``detail``).
    """
    layer = layer or detect_layer(path)
    if layer not in IMPORT_LAYERS:
        text = t("import.bad_layer", lang, layers=", ".join(IMPORT_LAYERS))
        raise InputError([Problem(str(path), None, "-", text)])
    boundary = project.boundary if project is not None and len(project.boundary) else None
    try:
        columns = [
            ColumnReading(header, fld, how, t(_HOW[how], lang, field=fld or ""), examples)
            for header, fld, how, examples in understand_columns(path, layer, mapping=mapping)
        ]
        result = read_layer_lenient(
            layer,
            path,
            boundary=boundary if layer in SPATIAL_LAYERS else None,
            crs=crs,
            mapping=mapping,
        )
    except InputError as exc:
        raise InputError([localise(p, lang) for p in exc.problems + exc.warnings]) from None
    headers = {c.field: c.header for c in columns if c.field}
    data = result.data.reset_index(drop=True)
    warnings = [localise(p, lang) for p in result.warnings if not p.message.startswith("no id column")]
    new_ids: dict[int, str] = {}
    if "id" in data.columns and layer in ID_PREFIXES:
        existing = [] if replace or project is None else project.layer(layer)["id"].tolist()
        prefix = ID_PREFIXES[layer]
        data, new_ids, renamed = _assign_ids(data, result.generated, existing, prefix=prefix)
        for pos, old, new in renamed:
            text = t("problem.id_renumbered", lang, old=old, new=new)
            detail = f"id {old!r} is in the project already: renumbered {new!r}"
            where = (result.source, result.rows[pos], headers.get("id", "id"))
            problem = Problem(*where, text, "warning", detail)
            warnings.append(localise(problem, lang))
    guesses: list[Guess] = []
    if layer == "places":
        data, guesses = _fill_guesses(data, result.rows, headers, lang)
    skipped = _skipped_rows(result, lang)
    return ImportPreview(
        path=result.source or str(path),
        layer=layer,
        lang=lang,
        columns=columns,
        data=data,
        skipped=skipped,
        warnings=warnings,
        guesses=guesses,
        new_ids=new_ids,
        replace=replace,
        rejected=result.rejected,
    )


def _skipped_rows(result: Any, lang: str) -> list[SkippedRow]:
    by_row: dict[int, list[Problem]] = {}
    for problem in result.skipped:
        by_row.setdefault(int(problem.row), []).append(localise(problem, lang))
    rejected = result.rejected if result.rejected is not None else pd.DataFrame()
    out = []
    for i, (row, problems) in enumerate(sorted(by_row.items())):
        values = {}
        if i < len(rejected):
            values = {str(k): "" if pd.isna(v) else str(v) for k, v in rejected.iloc[i].items()}
        out.append(SkippedRow(row, excel_row(row), tuple(problems), values))
    return out


def apply_import(project: Project, preview: ImportPreview, *, declined: Iterable[int] = ()) -> Project:
    """Return a copy of ``project`` with the previewed rows appended (or the layer replaced).

    ``declined`` are indexes into ``preview.guesses`` the user did not confirm: those cells stay empty.
    The project is not saved: call :func:`coverage.io.store.save` (atomic, keeps a backup).
    """
    out = project.copy()
    data = preview.data.copy()
    for index in declined:
        guess = preview.guesses[index]
        data.at[guess.position, guess.field] = ""
    layer = preview.layer
    fields = SPATIAL_LAYERS.get(layer) or TABLE_LAYERS[layer]
    spatial = layer in SPATIAL_LAYERS
    current = out.layer(layer)
    if preview.replace or len(current) == 0:
        combined = data
    elif len(data) == 0:
        combined = current
    else:
        combined = pd.concat([current, data], ignore_index=True)
    if spatial:
        import geopandas as gpd

        combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=current.crs or data.crs)
    setattr(out, layer, conform(combined.reset_index(drop=True), fields, spatial=spatial))
    return out
