"""The municipalities of Finland by code and by Finnish or Swedish name (embedded list).

``geodata/municipalities.csv`` holds Statistics Finland's classification of municipalities 2026
(``kunta_1_20260101``, 308 municipalities, with their regions), CC BY 4.0; see ``geodata/SOURCES.md``.
:func:`find_municipality` turns what a person types -- ``Vihti``, ``Vichtis``, ``vihti``, ``927``, ``91`` --
into one :class:`Municipality`, or refuses with a message (in Finnish, Swedish or English) that lists the
close matches.

Examples
--------
>>> find_municipality("Vichtis").code
'927'
>>> find_municipality("927").name("sv")
'Vichtis'
>>> find_municipality("mariehamn").label()
'Maarianhamina - Mariehamn (478)'
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...core.errors import KatveError
from ...core.i18n import get_language, t

MUNICIPALITIES_CSV = Path(__file__).resolve().parents[3] / "geodata" / "municipalities.csv"
"""The embedded list (code, name_fi, name_sv, region_code, region_fi, region_sv)."""

CLASSIFICATION = "kunta_1_20260101"
"""Statistics Finland's classification the list is taken from (municipalities on 1 January 2026)."""


@dataclass(frozen=True)
class Municipality:
    """One municipality of the classification.

    Attributes
    ----------
    code : str
        Three digits, e.g. ``"927"``.
    name_fi, name_sv : str
        The official names in Finnish and Swedish (the same for a monolingual municipality).
    region_fi, region_sv : str
        Its region (maakunta / landskap).
    """

    code: str
    name_fi: str
    name_sv: str
    region_fi: str = ""
    region_sv: str = ""

    def name(self, lang: str | None = None) -> str:
        """Return the name in ``lang`` (Swedish for ``"sv"``, else Finnish)."""
        return self.name_sv if (lang or get_language()) == "sv" else self.name_fi

    def label(self, lang: str | None = None) -> str:
        """``"Vihti (927)"``; a bilingual one also names the other language: ``"Vihti – Vichtis (927)"``."""
        first = self.name(lang)
        other = self.name_fi if first == self.name_sv else self.name_sv
        names = first if other == first or other in first else f"{first} – {other}"
        return f"{names} ({self.code})"


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    """All municipalities of the embedded list, by code."""
    with open(MUNICIPALITIES_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Municipality(
            code=r["code"].strip().zfill(3),
            name_fi=r["name_fi"].strip(),
            name_sv=r["name_sv"].strip(),
            region_fi=r.get("region_fi", "").strip(),
            region_sv=r.get("region_sv", "").strip(),
        )
        for r in sorted(rows, key=lambda r: r["code"])
    )


def by_code(code: str) -> Municipality | None:
    """Return the municipality with this code (``"91"`` and ``"091"`` alike), or None."""
    text = str(code).strip()
    if not re.fullmatch(r"\d{1,3}", text):
        return None
    return {m.code: m for m in municipalities()}.get(text.zfill(3))


def _fold(text: str, *, accents: bool = False) -> str:
    """Lower case, single spaces, dashes alike; ``accents`` also drops ä/ö/å to a/o/a."""
    text = " ".join(str(text).replace("–", "-").replace("—", "-").split()).casefold()
    if accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


def _names(m: Municipality) -> set[str]:
    """Every written form the municipality answers to: both names, the halves of ``A - B``, no ``kunta``."""
    names = {m.name_fi, m.name_sv}
    for name in list(names):
        names.update(part for part in re.split(r"\s+-\s+", name) if part)
        names.add(re.sub(r"\s+(kunta|kaupunki|kommun|stad|tl)$", "", name, flags=re.IGNORECASE))
    return {_fold(n) for n in names if n}


def find_municipality(text: str | int, *, lang: str | None = None) -> Municipality:
    """Return the municipality named or numbered by ``text``.

    A code (one to three digits) or a name in Finnish or Swedish, in any case; ä/ö/å may be typed as a/o/a
    when that leaves only one municipality.

    Raises
    ------
    KatveError
        For an unknown code or name, or a name that fits several municipalities; the message (in ``lang``,
        default the current language) lists the close matches.
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise KatveError(t("fetch.muni.empty", lang))
    if re.fullmatch(r"\d+", raw):
        found = by_code(raw)
        if found is None:
            raise KatveError(t("fetch.muni.unknown_code", lang, code=raw))
        return found
    everyone = municipalities()
    for accents in (False, True):
        wanted = _fold(raw, accents=accents)
        hits = [m for m in everyone if wanted in {_fold(n, accents=accents) for n in _names(m)}]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise KatveError(t("fetch.muni.ambiguous", lang, name=raw, matches=_list(hits, lang)))
    return _refuse(raw, everyone, lang)


def _refuse(raw: str, everyone: tuple[Municipality, ...], lang: str | None) -> Municipality:
    wanted = _fold(raw, accents=True)
    forms = {n: m for m in everyone for n in (_fold(x, accents=True) for x in _names(m))}
    starts = {m.code: m for n, m in forms.items() if len(wanted) >= 2 and n.startswith(wanted)}
    close = {
        forms[n].code: forms[n] for n in difflib.get_close_matches(wanted, list(forms), n=5, cutoff=0.72)
    }
    if len(starts) > 1:
        raise KatveError(
            t("fetch.muni.ambiguous", lang, name=raw, matches=_list(list(starts.values())[:8], lang))
        )
    matches = list({**starts, **close}.values())[:8]
    if matches:
        raise KatveError(t("fetch.muni.unknown_close", lang, name=raw, matches=_list(matches, lang)))
    raise KatveError(t("fetch.muni.unknown", lang, name=raw))


def _list(found: list[Municipality], lang: str | None) -> str:
    return ", ".join(m.label(lang) for m in found)
