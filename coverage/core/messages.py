"""Problems said in the user's language: Finnish, Swedish or English, without the parser's jargon.

The library finds problems in English (:class:`~coverage.core.errors.Problem`, the form tests and logs
read). :func:`localise` turns one into a sentence a coordinator understands: in her language, naming the
row as Excel shows it (data row 1 is Excel row 2: the header is row 1) and the column by her own header
(the importers already put it in ``field``). The English message, with any parser detail, stays in
``detail``; the machine form ``PATH:ROW: field: message`` keeps ROW as the 1-based data row.

Examples
--------
>>> from coverage.core.errors import Problem
>>> p = Problem("paikat.csv", 1, "aukioloajat",
...             "invalid opening_hours 'tiistaisin klo 10': at character 1, expected EOI")
>>> str(localise(p, "fi"))
"paikat.csv:1: aukioloajat: Excel-rivi 2: aukioloaikoja 'tiistaisin klo 10' ei ymmärretty: kirjoita \
esim. 'ti 9.30–11.30', 'ma-pe 9-12' tai 'syys–toukokuu: to 17.30–19, ei arkipyhinä'"
>>> localise(p, "fi").detail
"invalid opening_hours 'tiistaisin klo 10': at character 1, expected EOI"
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import Problem
from .hours import describe_hours
from .i18n import label, t
from .model import KINDS, ORGANISER_TYPES, STATUSES

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
"""Files whose rows a user sees in a spreadsheet (row N of the data = Excel row N + 1)."""

_CHOICES = {"status": STATUSES, "organiser_type": ORGANISER_TYPES, "kind": KINDS}


def excel_row(row: int) -> int:
    """Return the spreadsheet row of 1-based data row ``row`` (the header is row 1)."""
    return int(row) + 1


def _choices(field: str, lang: str) -> str:
    return ", ".join(label(field, value, lang) for value in _CHOICES.get(field, ()))


def _excel_rows(text: str) -> str:
    return ", ".join(str(excel_row(int(r))) for r in re.findall(r"\d+", text))


def _value(m: re.Match[str], lang: str) -> dict[str, object]:
    return {"value": m["value"]}


def _nothing(m: re.Match[str], lang: str) -> dict[str, object]:
    return {}


# (pattern on the English message, catalogue key, the key's fields from the match)
_Fill = Callable[[re.Match[str], str], dict[str, object]]
_PATTERNS: tuple[tuple[re.Pattern[str], str, _Fill], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key, fill)
    for pattern, key, fill in (
        (
            r"required column '(?P<field>[^']+)' is missing(?: \(in Finnish: '(?P<alias>[^']+)'\))?",
            "problem.missing_column",
            lambda m, lang: {
                "field": m["field"],
                "alias": t("problem.missing_column_alias", lang, alias=m["alias"]) if m["alias"] else "",
            },
        ),
        (r"required value is missing", "problem.missing_value", _nothing),
        (r"invalid opening_hours (?P<value>'.*?'): ", "problem.bad_hours", _value),
        (
            r"(?P<value>'.*') is read as '(?P<osm>.*)'$",
            "problem.hours_read_as",
            lambda m, lang: {"value": m["value"], "osm": m["osm"], "plain": describe_hours(m["osm"], lang)},
        ),
        (
            r"latitude and longitude appear swapped \((?P<values>[^)]*)\)",
            "problem.swapped",
            lambda m, lang: {"values": m["values"]},
        ),
        (r"(?P<value>'.*') is not a number$", "problem.not_a_number", _value),
        (
            r"(coordinates are missing|the location \(geometry / coordinates\) is missing)",
            "problem.no_location",
            _nothing,
        ),
        (r"no coordinates: ", "problem.no_coordinates", _nothing),
        (
            r"duplicate id (?P<value>'.*') \(also on row (?P<rows>[\d, ]+)\)",
            "problem.duplicate_id",
            lambda m, lang: {"value": m["value"], "rows": _excel_rows(m["rows"])},
        ),
        (
            r"unknown (?P<field>status|organiser_type|kind) (?P<value>'.*'); use one of",
            "problem.unknown_choice",
            lambda m, lang: {"value": m["value"], "choices": _choices(m["field"], lang)},
        ),
        (r"the file is not UTF-8: read it as Windows-1252", "problem.not_utf8", _nothing),
        (r"the file holds no data rows", "problem.no_rows", _nothing),
        (r"file not found", "problem.not_found", _nothing),
        (r"no id column: ", "problem.ids_generated", _nothing),
        (r"(?P<km>\d+) km outside the municipality", "problem.far_outside", lambda m, lang: {"km": m["km"]}),
        (
            r"(coordinates are not in Finland|none of the coordinates are in Finland"
            r"|\(.*\) is not in Finland)",
            "problem.not_in_finland",
            _nothing,
        ),
        (r"must not be negative \(got (?P<value>.*)\)", "problem.negative", _value),
        (r"cannot read the date (?P<value>'.*?'):", "problem.bad_date", _value),
        (r"the file has only one column", "problem.one_column", _nothing),
        (
            r"no place with id (?P<value>'.*') in the places layer",
            "problem.unknown_place",
            _value,
        ),
    )
)


def sentence(message: str, lang: str = "fi") -> str | None:
    """Return the English ``message`` of a problem as a sentence in ``lang``, or ``None`` if unknown."""
    for pattern, key, fill in _PATTERNS:
        m = pattern.match(message)
        if m:
            return t(key, lang, **fill(m, lang))
    return None


def localise(problem: Problem, lang: str = "fi", *, spreadsheet: bool | None = None) -> Problem:
    """Return ``problem`` said in ``lang``, with the Excel row named; the English form kept in ``detail``.

    ``spreadsheet`` says whether the rows are spreadsheet rows (default: from the file name's suffix); a
    GeoJSON's or GeoPackage's rows are named as features instead. Messages not known here stay as they are.
    """
    said = sentence(problem.message, lang)
    if said is None:
        said = problem.message
    if problem.row is not None:
        if spreadsheet is None:
            spreadsheet = problem.path.lower().rsplit("#", 1)[0].endswith(TABLE_SUFFIXES)
        where = (
            t("problem.row", lang, row=excel_row(problem.row))
            if spreadsheet
            else t("problem.feature", lang, row=problem.row)
        )
        said = f"{where}: {said}"
    detail = problem.detail or (problem.message if said != problem.message else "")
    return Problem(problem.path, problem.row, problem.field, said, problem.severity, detail=detail)
