"""A municipality's own age structure from StatFin (table 11re), to turn 0-14-year-olds into children 0-6.

The population grids (Statistics Finland's ``vaki`` 1 km grid, the Eurostat/GISCO census grid) count only the
0-14-year-olds. Children 0-6 are those x the municipality's real ratio of 0-6 to 0-14-year-olds, read from
Statistics Finland's PxWeb API, table 11re "Väestö iän (1-v.) ja sukupuolen mukaan alueittain"
(``statfin_vaerak_pxt_11re.px``, population on 31 December by single year of age, CC BY 4.0). The uniform
7/15 (seven of fifteen one-year age classes) is the last resort when the table cannot be had, and is flagged.

:func:`pxweb_query` is the POST body (json-stat2, the newest year, ages 0-14, both sexes);
:func:`read_age_structure` reads the answer into an :class:`AgeStructure`.

Examples
--------
>>> a = AgeStructure(municipality="927", year=2019, children_0_6=2111, children_0_14=5420)
>>> round(a.ratio, 4)
0.3895
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core.errors import KatveError
from ...core.i18n import fmt_number, t

PXWEB_BASE_URL = "https://pxdata.stat.fi"
"""Statistics Finland's PxWeb API server."""

PXWEB_11RE_PATH = "/PxWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11re.px"
"""Table 11re: population by single year of age and sex, by area (municipalities ``KU927``)."""

UNIFORM_RATIO = 7 / 15
"""The last resort: 0-6 as seven of the fifteen one-year age classes 0-14 (assumes equal cohorts)."""

METHOD_STATFIN = "statfin_11re"
METHOD_UNIFORM = "uniform_7_15"
"""Values of the areas' ``children_method`` column: ``statfin_11re_<year>`` or ``uniform_7_15``."""

_AGES = [f"{a:03d}" for a in range(15)]


@dataclass(frozen=True)
class AgeStructure:
    """Children 0-6 and 0-14 of one municipality on 31 December of ``year`` (StatFin 11re).

    Attributes
    ----------
    municipality : str
        Three-digit code.
    year : int
        Statistical year (population on 31.12.).
    children_0_6, children_0_14 : float
        Residents aged 0-6 and 0-14.
    """

    municipality: str
    year: int
    children_0_6: float
    children_0_14: float

    @property
    def ratio(self) -> float:
        """Children 0-6 per 0-14-year-old (the factor applied to each cell's 0-14 count)."""
        return self.children_0_6 / self.children_0_14 if self.children_0_14 > 0 else UNIFORM_RATIO

    @property
    def method(self) -> str:
        """``"statfin_11re_2024"``: what the areas' ``children_method`` column says."""
        return f"{METHOD_STATFIN}_{self.year}"


def pxweb_url(base_url: str | None = None) -> str:
    """Return the 11re table's API address on ``base_url`` (default :data:`PXWEB_BASE_URL`)."""
    return (base_url or PXWEB_BASE_URL).rstrip("/") + PXWEB_11RE_PATH


def pxweb_query(code: str) -> dict[str, Any]:
    """POST body for 11re: municipality ``KU<code>``, ages 0-14, both sexes, the newest year, json-stat2."""
    return {
        "query": [
            {"code": "Alue", "selection": {"filter": "item", "values": [f"KU{code}"]}},
            {"code": "Ikä", "selection": {"filter": "item", "values": list(_AGES)}},
            {"code": "Sukupuoli", "selection": {"filter": "item", "values": ["SSS"]}},
            {"code": "Vuosi", "selection": {"filter": "top", "values": ["1"]}},
            {"code": "Tiedot", "selection": {"filter": "item", "values": ["vaesto"]}},
        ],
        "response": {"format": "json-stat2"},
    }


def read_age_structure(source: bytes | str | os.PathLike, *, municipality: str | None = None) -> AgeStructure:
    """Read a json-stat2 answer of 11re (bytes, or a file) into an :class:`AgeStructure`.

    The newest year in the answer is used; ``municipality`` picks the area when the answer has several.

    Raises
    ------
    KatveError
        When the answer is not json-stat2 of table 11re with ages 0-14 of the municipality.
    """
    data = Path(source).read_bytes() if isinstance(source, (str, os.PathLike)) else source
    try:
        doc = json.loads(data.decode("utf-8-sig"))
        ids: list[str] = list(doc["id"])
        sizes: list[int] = [int(s) for s in doc["size"]]
        dims = {d: doc["dimension"][d]["category"]["index"] for d in ids}
        values = doc["value"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise KatveError(f"the StatFin 11re answer is not json-stat2 ({type(exc).__name__})") from None
    for needed in ("Alue", "Ikä", "Vuosi"):
        if needed not in dims:
            raise KatveError(f"the StatFin 11re answer has no dimension {needed!r}")
    index = {d: (_positions(dims[d])) for d in ids}
    area = f"KU{municipality}" if municipality else next(iter(index["Alue"]))
    if area not in index["Alue"]:
        raise KatveError(f"the StatFin 11re answer has no figures for {area}")
    year = max(index["Vuosi"], key=lambda y: int(y) if str(y).isdigit() else -1)
    strides = [1] * len(ids)
    for i in range(len(ids) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    fixed = {"Alue": area, "Vuosi": year}
    for d in ids:
        if d not in fixed and d != "Ikä":
            fixed[d] = "SSS" if "SSS" in index[d] else next(iter(index[d]))
    counts: dict[int, float] = {}
    for age_code, age_pos in index["Ikä"].items():
        if not str(age_code)[:3].isdigit() or int(str(age_code)[:3]) > 14:
            continue
        pos = sum(strides[i] * (age_pos if d == "Ikä" else index[d][fixed[d]]) for i, d in enumerate(ids))
        value = (
            values.get(str(pos)) if isinstance(values, dict) else (values[pos] if pos < len(values) else None)
        )
        if value is not None:
            counts[int(str(age_code)[:3])] = float(value)
    if sorted(counts) != list(range(15)):
        missing = sorted(set(range(15)) - set(counts))
        raise KatveError(f"the StatFin 11re answer lacks the ages {missing} for {area} in {year}")
    return AgeStructure(
        municipality=area[2:],
        year=int(year),
        children_0_6=sum(counts[a] for a in range(7)),
        children_0_14=sum(counts.values()),
    )


def _positions(index: Any) -> dict[str, int]:
    """json-stat category index as ``{code: position}`` (it may be a list of codes or a mapping)."""
    if isinstance(index, list):
        return {str(code): i for i, code in enumerate(index)}
    return {str(code): int(pos) for code, pos in index.items()}


def children_basis(age_structure: AgeStructure | None) -> tuple[float, str, str]:
    """Return the factor from 0-14 to 0-6, the ``children_method`` value and the sentence that says so."""
    if age_structure is None:
        return UNIFORM_RATIO, METHOD_UNIFORM, t("fetch.children.uniform")
    a = age_structure
    text = t(
        "fetch.children.statfin",
        ratio=fmt_number(a.ratio, 3),
        code=a.municipality,
        year=a.year,
        c06=fmt_number(a.children_0_6),
        c014=fmt_number(a.children_0_14),
    )
    return a.ratio, a.method, text
