# ruff: noqa: E501 - a string catalogue: one entry per line reads best
r"""User-interface strings in Finnish (default), Swedish and English.

Every string the app shows goes through :func:`t`. The catalogue is built from *sections*, one per part of
the UI (common, map, each page). To add a page's strings, append one ``_section({...})`` call at the end of
this module with keys prefixed by the page's name (``"vienti.title"``, ...): :func:`_section` refuses a key
that exists already and a key missing a language, so a clash or a forgotten translation fails at import
(and in ``tests/test_maps.py``), not in front of a user.

The current language is per session and per thread (a :class:`contextvars.ContextVar`): the app sets it at
the start of each script run with :func:`set_language`; the library never imports streamlit.

Examples
--------
>>> t("page.kartta")
'Kartta'
>>> t("page.kartta", "sv")
'Karta'
>>> t("kartta.caption_places", "en", counted=3, total=7)
'3 of 7 meeting places counted'
>>> fmt_number(1304.9, lang="fi"), fmt_number(1304.9, lang="en"), fmt_share(0.8976, lang="fi")
('1\xa0305', '1,305', '89,8\xa0%')
"""

from __future__ import annotations

import contextvars
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .errors import ExportError

LANGUAGES: dict[str, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}
"""Language code -> its own name (what the language switch shows)."""

DEFAULT_LANGUAGE = "fi"

CATALOGUE: dict[str, dict[str, str]] = {}
"""key -> {language: text}. Texts may hold ``str.format`` fields filled from :func:`t`'s keywords."""

_current: contextvars.ContextVar[str] = contextvars.ContextVar("katve_language", default=DEFAULT_LANGUAGE)


def _section(entries: Mapping[str, Mapping[str, str]]) -> None:
    """Add one section of strings to :data:`CATALOGUE` (every key in every language, no duplicates)."""
    for key, texts in entries.items():
        if key in CATALOGUE:
            raise ValueError(f"i18n: key {key!r} is defined twice")
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"i18n: key {key!r} lacks {', '.join(missing)}")
        CATALOGUE[key] = dict(texts)


def set_language(lang: str | None) -> str:
    """Set the language of this session/thread (unknown or ``None`` -> Finnish); return the one set."""
    code = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _current.set(code)
    return code


def get_language() -> str:
    """Return the current language code."""
    return _current.get()


def t(key: str, lang: str | None = None, **kw: object) -> str:
    """Return the text for ``key`` in ``lang`` (default: the current language), formatted with ``kw``.

    Raises
    ------
    KeyError
        For a key that is not in the catalogue (a programming error the tests catch).
    """
    try:
        texts = CATALOGUE[key]
    except KeyError:
        raise KeyError(f"i18n: no text for key {key!r}; add it to coverage/core/i18n.py") from None
    text = texts.get(lang or _current.get()) or texts[DEFAULT_LANGUAGE]
    if not kw:
        return text
    return _plural_forms(text, kw).format(**kw)


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*(?:\{\w+\}[^|{}]*)*)\|([^|{}]*(?:\{\w+\}[^|{}]*)*)\}")


def _plural_forms(text: str, kw: Mapping[str, object]) -> str:
    """Grammar of counts: ``{n|one|other}`` -> ``one`` when ``kw['n']`` is 1, else ``other``.

    "1 ongelma", "2 ongelmaa"; the forms may hold placeholders.
    """

    def pick(m: re.Match[str]) -> str:
        value = kw.get(m.group(1))
        try:
            one = value is not None and float(str(value).replace("\u00a0", "").replace(",", ".")) == 1
        except ValueError:
            one = False
        return m.group(2) if one else m.group(3)

    return _PLURAL.sub(pick, text)


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in CATALOGUE


def label(field: str, value: object, lang: str | None = None) -> str:
    """Display name of a choice value, e.g. ``label("organiser_type", "parish")`` -> ``'seurakunta'``.

    Unknown values are shown as they are.
    """
    key = f"choice.{field}.{value}"
    return t(key, lang) if key in CATALOGUE else ("" if value is None else str(value))


def _separators(lang: str) -> tuple[str, str]:
    return (",", ".") if lang == "en" else ("\u00a0", ",")


def _finite(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` (missing, NaN, infinite, not a number)."""
    try:
        f = float(value)  # type: ignore[arg-type]  # anything float() reads: str, numpy, Decimal, ...
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt_number(value: object, digits: int = 0, *, lang: str | None = None) -> str:
    """Format a number with the language's separators (fi/sv ``1 305,5``, en ``1,305.5``); ``–`` if missing.

    ``value`` may be anything :func:`float` reads; ``None``, ``pd.NA``, NaN and text that is no number give
    ``–``. ``lang`` defaults to the current language (:func:`set_language`).
    """
    f = _finite(value)
    if f is None:
        return "–"
    thousands, decimal = _separators(lang or _current.get())
    text = f"{f:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def fmt_share(share: object, digits: int = 1, *, lang: str | None = None) -> str:
    """Format a 0-1 share as a percentage (``89,8 %`` / ``89.8%``); ``–`` if missing (as :func:`fmt_number`)."""
    f = _finite(share)
    if f is None:
        return "–"
    lang = lang or _current.get()
    number = fmt_number(f * 100.0, digits, lang=lang)
    return f"{number}%" if lang == "en" else f"{number}\u00a0%"


def fmt_range(low: object, high: object, digits: int = 0, *, lang: str | None = None) -> str:
    """Format a range ``22–134`` (one number when both round alike); ``–`` when either is missing.

    >>> fmt_range(22.4, 134.2), fmt_range(5.2, 4.9), fmt_range(None, 3)
    ('22–134', '5', '–')
    """
    if _finite(low) is None or _finite(high) is None:
        return "–"
    a, b = fmt_number(low, digits, lang=lang), fmt_number(high, digits, lang=lang)
    return a if a == b else f"{a}–{b}"


class Texts(Mapping[str, Any]):
    """The strings under one key prefix in one language, read like the nested dict they were written as.

    ``Texts("cli.analyze", "sv")["mode"]["walk"]`` is ``t("cli.analyze.mode.walk", "sv")``; keys ending in
    ``.0``, ``.1``, ... read as one tuple (table headers). The strings are returned unformatted (their
    ``{fields}`` are filled by the caller), so text reports keep their shape while every string lives in the
    one catalogue (and is checked like the rest).

    >>> Texts("cli.analyze", "en")["mode"]["bike"], Texts("cli.analyze", "fi")["cols"][:2]
    ('by bike', ('alue', 'lapset'))
    """

    def __init__(self, prefix: str, lang: str | None = None) -> None:
        self._prefix, self._lang = prefix, lang

    def __getitem__(self, key: str) -> Any:
        full = f"{self._prefix}.{key}"
        if full in CATALOGUE:
            return t(full, self._lang)
        children = _children(full)
        if not children:
            raise KeyError(key)
        if all(c.isdigit() for c in children):
            return tuple(t(f"{full}.{i}", self._lang) for i in range(len(children)))
        return Texts(full, self._lang)

    def __iter__(self) -> Iterator[str]:
        return iter(_children(self._prefix))

    def __len__(self) -> int:
        return len(_children(self._prefix))


def _children(prefix: str) -> list[str]:
    """List the next key parts below ``prefix`` in catalogue order (``"cli.analyze"`` -> ``["mode", ...]``)."""
    start = prefix + "."
    return list(dict.fromkeys(key[len(start):].split(".", 1)[0] for key in CATALOGUE if key.startswith(start)))


def weekday_name(index: int, lang: str | None = None, *, short: bool = False) -> str:
    """Name of weekday ``index`` (0 = Monday)."""
    return t(f"weekday.{'short.' if short else ''}{index}", lang)


# =========================================================================================================
# Sections. Keys are "<section>.<name>". Add a new page's section at the end of the file.
# =========================================================================================================

# --- app, navigation ------------------------------------------------------------------------------------
_section({
    "app.title": {"fi": "Katve – kohtaamispaikkojen kattavuus", "sv": "Katve – mötesplatsernas täckning",
                  "en": "Katve – meeting-place coverage"},
    "app.tagline": {"fi": "Perhekeskuksen kohtaamispaikat kartalla", "sv": "Familjecentrets mötesplatser på kartan",
                    "en": "Family-centre meeting places on the map"},
    "page.kartta": {"fi": "Kartta", "sv": "Karta", "en": "Map"},
    "page.kohtaamispaikat": {"fi": "Kohtaamispaikat", "sv": "Mötesplatser", "en": "Meeting places"},
    "page.katvealueet": {"fi": "Katvealueet", "sv": "Blinda fläckar", "en": "Blind spots"},
    "page.viikko_ohjelma": {"fi": "Viikko-ohjelma", "sv": "Veckoprogram", "en": "Weekly programme"},
    "page.suunnittelu": {"fi": "Suunnittelu", "sv": "Planering", "en": "Planning"},
    "page.vienti": {"fi": "Vienti", "sv": "Export", "en": "Export"},
    "page.aineisto": {"fi": "Aineisto", "sv": "Data", "en": "Data"},
    "page.tilastot": {"fi": "Tilastot", "sv": "Statistik", "en": "Statistics"},
})

# --- demand and villages (issue 15): what the demand is, its source, villages ----------------------------
_section({
    "demand.grid": {"fi": "{n} {n|asuttu|asuttua} {km} km {n|ruutu|ruutua}, {year}", "sv": "{n} {n|bebodd ruta|bebodda rutor} à {km} km, {year}",
                    "en": "{n} populated {km} km grid {n|cell|cells}, {year}"},
    "demand.grid_no_year": {"fi": "{n} {n|asuttu|asuttua} {km} km {n|ruutu|ruutua}", "sv": "{n} {n|bebodd ruta|bebodda rutor} à {km} km",
                            "en": "{n} populated {km} km grid {n|cell|cells}"},
    "demand.areas": {"fi": "{n} {n|alue|aluetta}", "sv": "{n} {n|område|områden}", "en": "{n} {n|area|areas}"},
    "demand.one_area": {"fi": "1 alue", "sv": "1 område", "en": "1 area"},
    "demand.estimated": {"fi": "lasten 0–6 v määrät ovat arvioita", "sv": "antalet barn 0–6 år är uppskattat",
                         "en": "children 0–6 are estimated"},
    "demand.line": {"fi": "Kysyntä: {demand}", "sv": "Efterfrågan: {demand}", "en": "Demand: {demand}"},
    "demand.attribution": {"fi": "Lähde: Eurostat (väestölaskenta {year}, 1 km ruudut), © Tilastokeskus",
                           "sv": "Källa: Eurostat (folkräkningen {year}, 1 km rutor), © Statistikcentralen",
                           "en": "Source: Eurostat (Census {year}, 1 km grid), © Statistics Finland"},
    "demand.cell": {"fi": "{village}, {km} km ruutu", "sv": "{village}, ruta à {km} km", "en": "{village}, {km} km cell"},
    "village.cols.0": {"fi": "kylä", "sv": "by", "en": "village"},
    "village.cols.1": {"fi": "asukkaat", "sv": "invånare", "en": "residents"},
    "village.cols.2": {"fi": "lapset 0–6", "sv": "barn 0–6", "en": "children 0–6"},
    "village.cols.3": {"fi": "saavutettavissa", "sv": "inom räckhåll", "en": "within reach"},
    "village.cols.4": {"fi": "osuus", "sv": "andel", "en": "share"},
    "village.cols.5": {"fi": "katveessa", "sv": "utanför", "en": "beyond reach"},
    "village.blind_cols.0": {"fi": "kylä", "sv": "by", "en": "village"},
    "village.blind_cols.1": {"fi": "lapsia katveessa", "sv": "barn utanför", "en": "children beyond reach"},
    "village.blind_cols.2": {"fi": "ruutuja", "sv": "rutor", "en": "cells"},
    "village.areas_col": {"fi": "alueita", "sv": "områden", "en": "areas"},
    "village.blind_cols.3": {"fi": "lähin paikka", "sv": "närmaste plats", "en": "nearest place"},
    "village.blind_cols.4": {"fi": "min", "sv": "min", "en": "min"},
    "village.title": {"fi": "Kylät", "sv": "Byar", "en": "Villages"},
    "village.blind_title": {"fi": "Katveessa olevat kylät (eniten lapsia katveessa ensin):",
                            "sv": "Byar utanför räckhåll (flest barn utanför först):",
                            "en": "Villages in blind spots (most children beyond reach first):"},
    "village.table_title": {"fi": "Kylät:", "sv": "Byar:", "en": "Villages:"},
    "village.none": {"fi": "  kaikki kylät ovat kynnyksen sisällä", "sv": "  alla byar är inom gränsen",
                     "en": "  every village is within the threshold"},
    "village.blind_count": {"fi": "Kyliä katveessa: {n}", "sv": "Byar utanför räckhåll: {n}",
                            "en": "Villages in blind spots: {n}"},
})

# --- import preview in the app (issue 16) -----------------------------------------------------------------
_section({
    "import.preview.button": {"fi": "Esikatsele tuonti", "sv": "Förhandsgranska importen", "en": "Preview the import"},
    "import.preview.title": {"fi": "Tiedosto {name}: näin se ymmärrettiin", "sv": "Filen {name}: så här tolkades den",
                             "en": "File {name}: how it was understood"},
    "import.preview.columns_help": {
        "fi": "Jokainen sarake ja mihin kenttään se luetaan. Vaihda kenttä tai valitse ”ohita”, jos arvaus on väärä.",
        "sv": "Varje kolumn och vilket fält den läses in i. Byt fält eller välj ”hoppa över” om gissningen är fel.",
        "en": "Each column and the field it fills. Pick another field, or “leave out”, where the guess is wrong."},
    "import.preview.column": {"fi": "Sarake ”{header}” luetaan kenttään", "sv": "Kolumnen ”{header}” läses in i",
                              "en": "Column “{header}” fills"},
    "import.preview.skip": {"fi": "ohita (ei tuoda)", "sv": "hoppa över (importeras inte)", "en": "leave out"},
    "import.preview.remap": {"fi": "Lue uudelleen näillä valinnoilla", "sv": "Läs om med dessa val",
                             "en": "Read again with these choices"},
    "import.preview.counts": {"fi": "Tuodaan {n_in} {rows}; ohitetaan {n_out} {skipped}.",
                              "sv": "{n_in} {rows} importeras; {n_out} {skipped} hoppas över.",
                              "en": "{n_in} {rows} go in; {n_out} {skipped} left out."},
    "import.preview.row_one": {"fi": "rivi", "sv": "rad", "en": "row"},
    "import.preview.row_many": {"fi": "riviä", "sv": "rader", "en": "rows"},
    "import.preview.skipped_title": {"fi": "Ohitetut rivit ja syyt", "sv": "Överhoppade rader och orsaker",
                                     "en": "Rows left out and why"},
    "import.preview.excel_row": {"fi": "Excel-rivi", "sv": "Excel-rad", "en": "Excel row"},
    "import.preview.reason": {"fi": "Syy", "sv": "Orsak", "en": "Reason"},
    "import.preview.download_skipped": {"fi": "Lataa ohitetut rivit korjattaviksi (CSV)",
                                        "sv": "Ladda ned de överhoppade raderna för rättning (CSV)",
                                        "en": "Download the rows left out to fix them (CSV)"},
    "import.preview.guesses_title": {"fi": "Arvatut tiedot – poista rasti, jos arvaus on väärä",
                                     "sv": "Gissade uppgifter – kryssa ur om gissningen är fel",
                                     "en": "Guessed values – untick a wrong guess"},
    "import.preview.more_guesses": {"fi": "… ja {n} muuta arvausta (hyväksytään)", "sv": "… och {n} gissningar till (godkänns)",
                                    "en": "… and {n} more guesses (accepted)"},
    "import.preview.apply": {"fi": "Tuo {n} riviä taulukkoon", "sv": "Importera {n} rader till tabellen",
                             "en": "Import {n} rows into the table"},
    "import.preview.cancel": {"fi": "Peruuta", "sv": "Avbryt", "en": "Cancel"},
    "import.preview.hours": {"fi": "Aukioloajat", "sv": "Öppettider", "en": "Opening hours"},
    "import.preview.osm": {"fi": "OSM-muodossa", "sv": "i OSM-form", "en": "in OSM form"},
    "import.preview.replaced": {"fi": "Aiemmat paikat korvattiin.", "sv": "De tidigare platserna ersattes.",
                                "en": "The earlier places were replaced."},
})

# --- villages in the app (issue 15) ---------------------------------------------------------------------
_section({
    "villages.col.village": {"fi": "Kylä", "sv": "By", "en": "Village"},
    "villages.col.population": {"fi": "Asukkaita", "sv": "Invånare", "en": "Residents"},
    "villages.col.children": {"fi": "Lapsia 0–6 v", "sv": "Barn 0–6 år", "en": "Children 0–6"},
    "villages.col.covered": {"fi": "Saavutettavissa", "sv": "Inom räckhåll", "en": "Within reach"},
    "villages.col.share": {"fi": "Osuus %", "sv": "Andel %", "en": "Share %"},
    "villages.col.uncovered": {"fi": "Lapsia katveessa", "sv": "Barn utanför", "en": "Children beyond reach"},
    "villages.col.cells": {"fi": "Ruutuja katveessa", "sv": "Rutor utanför", "en": "Cells beyond reach"},
    "villages.col.areas": {"fi": "Alueita katveessa", "sv": "Områden utanför", "en": "Areas beyond reach"},
    "villages.col.minutes": {"fi": "Min lähimpään paikkaan", "sv": "Min till närmaste plats",
                             "en": "Min to nearest place"},
    "kartta.blind_villages": {"fi": "Kyliä katveessa", "sv": "Byar utanför räckhåll", "en": "Villages beyond reach"},
    "kartta.blind_villages_help": {
        "fi": "Kylät, joissa asuu lapsia, joilta ei pääse yhteenkään laskettuun kohtaamispaikkaan rajan sisällä",
        "sv": "Byar där det bor barn utan någon räknad mötesplats inom gränsen",
        "en": "Villages where children live with no counted meeting place within the limit"},
    "kartta.demand": {"fi": "Kysyntä: {demand}", "sv": "Efterfrågan: {demand}", "en": "Demand: {demand}"},
    "kartta.villages_table": {"fi": "Kylät taulukkona", "sv": "Byarna i en tabell", "en": "Villages as a table"},
    "kat.ranked_villages": {"fi": "Katveessa olevat kylät, eniten lapsia katveessa ensin",
                            "sv": "Byar utanför räckhåll, flest barn utanför först",
                            "en": "Villages beyond reach, most children beyond reach first"},
    "kat.cells": {"fi": "Katveessa olevat ruudut ja alueet", "sv": "Rutor och områden utanför räckhåll",
                  "en": "Cells and areas beyond reach"},
    "kat.col.village": {"fi": "Kylä", "sv": "By", "en": "Village"},
    "kat.col.cells": {"fi": "Ruutuja", "sv": "Rutor", "en": "Cells"},
})

# --- grid maps (issue 15) ----------------------------------------------------------------------------
_section({
    "export.class_below": {"fi": "alle {value}", "sv": "under {value}", "en": "under {value}"},
    "export.class_at_least": {"fi": "{value} tai enemmän", "sv": "{value} eller fler", "en": "{value} or more"},
    "map.legend_cells": {"fi": "Lapsia 0–6 v 1 km ruudussa (arvio)", "sv": "Barn 0–6 år per 1 km ruta (uppskattat)",
                         "en": "Children 0–6 per 1 km cell (estimated)"},
    "map.legend_beyond": {"fi": "asuttu ruutu katveessa (katkoviivareuna)",
                          "sv": "bebodd ruta utanför räckhåll (streckad kant)",
                          "en": "populated cell beyond reach (dashed outline)"},
    "map.legend_village_blind": {"fi": "kylän katvealue (asutut ruudut)", "sv": "byns blinda fläck (bebodda rutor)",
                                 "en": "a village's blind spot (populated cells)"},
    "map.cell_village": {"fi": "Kylä: {village}", "sv": "By: {village}", "en": "Village: {village}"},
    "map.cell_estimated": {"fi": "lasten määrä on arvio", "sv": "antalet barn är uppskattat",
                           "en": "the number of children is estimated"},
    "map.village_children": {"fi": "lapsia 0–6 v: {children}, saavutettavissa {covered} ({share})",
                             "sv": "barn 0–6 år: {children}, inom räckhåll {covered} ({share})",
                             "en": "children 0–6: {children}, within reach {covered} ({share})"},
    "map.village_beyond": {"fi": "katveessa {children} lasta {cells} ruudussa",
                           "sv": "utanför räckhåll {children} barn i {cells} rutor",
                           "en": "beyond reach: {children} children in {cells} cells"},
    "map.village_blind": {"fi": "Katvealue, {village}: {children} lasta 0–6 v, {cells} ruutua",
                          "sv": "Blind fläck, {village}: {children} barn 0–6 år, {cells} rutor",
                          "en": "Blind spot, {village}: {children} children 0–6, {cells} cells"},
})

# --- shared choices: weekdays, dayparts, modes, organiser types, kinds, statuses ----------------------
_section({
    "weekday.0": {"fi": "maanantai", "sv": "måndag", "en": "Monday"},
    "weekday.1": {"fi": "tiistai", "sv": "tisdag", "en": "Tuesday"},
    "weekday.2": {"fi": "keskiviikko", "sv": "onsdag", "en": "Wednesday"},
    "weekday.3": {"fi": "torstai", "sv": "torsdag", "en": "Thursday"},
    "weekday.4": {"fi": "perjantai", "sv": "fredag", "en": "Friday"},
    "weekday.5": {"fi": "lauantai", "sv": "lördag", "en": "Saturday"},
    "weekday.6": {"fi": "sunnuntai", "sv": "söndag", "en": "Sunday"},
    "weekday.short.0": {"fi": "ma", "sv": "må", "en": "Mon"},
    "weekday.short.1": {"fi": "ti", "sv": "ti", "en": "Tue"},
    "weekday.short.2": {"fi": "ke", "sv": "on", "en": "Wed"},
    "weekday.short.3": {"fi": "to", "sv": "to", "en": "Thu"},
    "weekday.short.4": {"fi": "pe", "sv": "fr", "en": "Fri"},
    "weekday.short.5": {"fi": "la", "sv": "lö", "en": "Sat"},
    "weekday.short.6": {"fi": "su", "sv": "sö", "en": "Sun"},
    "daypart.morning": {"fi": "aamupäivä 8–12", "sv": "förmiddag 8–12", "en": "morning 8–12"},
    "daypart.afternoon": {"fi": "iltapäivä 12–16", "sv": "eftermiddag 12–16", "en": "afternoon 12–16"},
    "daypart.evening": {"fi": "ilta 16–20", "sv": "kväll 16–20", "en": "evening 16–20"},
    "choice.mode.walk": {"fi": "kävellen (lastenvaunut)", "sv": "till fots (barnvagn)", "en": "walking (pram)"},
    "choice.mode.bike": {"fi": "pyörällä", "sv": "med cykel", "en": "cycling"},
    "choice.mode.car": {"fi": "autolla", "sv": "med bil", "en": "by car"},
    "choice.organiser_type.municipality": {"fi": "kunta", "sv": "kommun", "en": "municipality"},
    "choice.organiser_type.mll": {"fi": "MLL", "sv": "MLL", "en": "MLL (child welfare NGO)"},
    "choice.organiser_type.parish": {"fi": "seurakunta", "sv": "församling", "en": "parish"},
    "choice.organiser_type.other_ngo": {"fi": "muu järjestö", "sv": "annan organisation", "en": "other NGO"},
    "choice.organiser_type.other": {"fi": "muu", "sv": "annan", "en": "other"},
    "choice.kind.open_daycare": {"fi": "avoin päiväkoti", "sv": "öppet daghem", "en": "open day-care"},
    "choice.kind.family_cafe": {"fi": "perhekahvila", "sv": "familjecafé", "en": "family café"},
    "choice.kind.family_club": {"fi": "perhekerho", "sv": "familjeklubb", "en": "family club"},
    "choice.kind.other": {"fi": "muu", "sv": "annan", "en": "other"},
    "choice.status.existing": {"fi": "toiminnassa", "sv": "i gång", "en": "existing"},
    "choice.status.planned": {"fi": "suunniteltu", "sv": "planerad", "en": "planned"},
    "choice.status.candidate": {"fi": "ehdokas", "sv": "kandidat", "en": "candidate"},
    "choice.dataset.vihti": {"fi": "Vihti (esimerkkiaineisto)", "sv": "Vichtis (exempeldata)",
                             "en": "Vihti (sample data)"},
    "choice.dataset.kaksineuvoinen": {"fi": "Kauhava + Evijärvi (esimerkkiaineisto)",
                                      "sv": "Kauhava + Evijärvi (exempeldata)",
                                      "en": "Kauhava + Evijärvi (sample data)"},
    "unit.minutes": {"fi": "min", "sv": "min", "en": "min"},
    "unit.km": {"fi": "km", "sv": "km", "en": "km"},
    "common.yes": {"fi": "kyllä", "sv": "ja", "en": "yes"},
    "common.no": {"fi": "ei", "sv": "nej", "en": "no"},
})

# --- sidebar and shared state (app_pages/common/) -------------------------------------------------------
_section({
    "sidebar.language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "sidebar.project": {"fi": "Projekti", "sv": "Projekt", "en": "Project"},
    "sidebar.project_help": {
        "fi": "Esimerkkiaineisto tai projektikansion GeoPackage-tiedosto",
        "sv": "Exempeldata eller en GeoPackage-fil i projektmappen",
        "en": "A sample data set or a GeoPackage file in the projects folder"},
    "sidebar.open_file": {"fi": "Avaa projektitiedosto (.gpkg)", "sv": "Öppna projektfil (.gpkg)",
                          "en": "Open a project file (.gpkg)"},
    "sidebar.opened": {"fi": "Avattu: {name}", "sv": "Öppnad: {name}", "en": "Opened: {name}"},
    "sidebar.settings": {"fi": "Asetukset", "sv": "Inställningar", "en": "Settings"},
    "sidebar.mode": {"fi": "Kulkutapa", "sv": "Färdsätt", "en": "Travel mode"},
    "sidebar.threshold_by": {"fi": "Saavutettavuusraja", "sv": "Gräns för räckvidd", "en": "Reach limit"},
    "sidebar.by_minutes": {"fi": "matka-aika", "sv": "restid", "en": "travel time"},
    "sidebar.by_km": {"fi": "matka", "sv": "avstånd", "en": "distance"},
    "sidebar.threshold_minutes": {"fi": "Matka-aika enintään (min)", "sv": "Restid högst (min)",
                                  "en": "Travel time at most (min)"},
    "sidebar.threshold_km": {"fi": "Matka enintään (km)", "sv": "Avstånd högst (km)",
                             "en": "Distance at most (km)"},
    "sidebar.when": {"fi": "Aukiolo", "sv": "Öppet", "en": "Open"},
    "sidebar.when_any": {"fi": "milloin tahansa", "sv": "när som helst", "en": "any time"},
    "sidebar.when_at": {"fi": "tiettynä hetkenä", "sv": "vid en viss tid", "en": "at a given time"},
    "sidebar.weekday": {"fi": "Viikonpäivä", "sv": "Veckodag", "en": "Weekday"},
    "sidebar.time": {"fi": "Kellonaika", "sv": "Klockslag", "en": "Time"},
    "sidebar.week": {"fi": "Viikko {monday}–{sunday} (seuraava kouluviikko)",
                     "sv": "Vecka {monday}–{sunday} (nästa skolvecka)",
                     "en": "Week {monday}–{sunday} (next school-term week)"},
    "sidebar.include_planned": {"fi": "Laske mukaan suunnitellut paikat", "sv": "Räkna med planerade platser",
                                "en": "Count planned places"},
    "sidebar.model_straight": {
        "fi": "Malli: linnuntie × {circuity} nopeudella {speed} km/h",
        "sv": "Modell: fågelvägen × {circuity} med {speed} km/h",
        "en": "Model: straight line × {circuity} at {speed} km/h"},
    "sidebar.model_network": {"fi": "Malli: tieverkko ({name})", "sv": "Modell: vägnät ({name})",
                              "en": "Model: road network ({name})"},
    "sidebar.unsaved": {"fi": "Tallentamattomia muutoksia", "sv": "Osparade ändringar", "en": "Unsaved changes"},
    "common.when_any": {"fi": "kaikki paikat aukioloajoista riippumatta",
                        "sv": "alla platser oberoende av öppettider",
                        "en": "all places, whatever their opening hours"},
    "common.when_at": {"fi": "auki {weekday} klo {time}", "sv": "öppna {weekday} kl. {time}",
                       "en": "open on {weekday} at {time}"},
    "common.threshold_minutes": {"fi": "{value} min {mode}", "sv": "{value} min {mode}",
                                 "en": "{value} min {mode}"},
    "common.threshold_km": {"fi": "{value} km {mode}", "sv": "{value} km {mode}", "en": "{value} km {mode}"},
    "error.load": {"fi": "Projektia ei voitu avata", "sv": "Projektet kunde inte öppnas",
                   "en": "The project could not be opened"},
    "error.analysis": {"fi": "Analyysi ei onnistunut: {message}", "sv": "Analysen misslyckades: {message}",
                       "en": "The analysis failed: {message}"},
    "error.more": {"fi": "… ja {n} muuta", "sv": "… och {n} till", "en": "… and {n} more"},
})

# --- map (coverage/outputs/webmap.py) -------------------------------------------------------------------------------
_section({
    "map.legend": {"fi": "Selite", "sv": "Teckenförklaring", "en": "Legend"},
    "map.legend_places": {"fi": "Kohtaamispaikka (väri = järjestäjä)", "sv": "Mötesplats (färg = arrangör)",
                          "en": "Meeting place (colour = organiser)"},
    "map.legend_planned": {"fi": "suunniteltu paikka (katkoviiva)", "sv": "planerad plats (streckad)",
                           "en": "planned place (dashed)"},
    "map.legend_not_counted": {"fi": "ei laskettu (esim. kiinni valittuna aikana)",
                               "sv": "räknas inte (t.ex. stängd vid vald tid)",
                               "en": "not counted (e.g. closed at the chosen time)"},
    "map.legend_covered": {"fi": "alue saavutettavissa", "sv": "område inom räckhåll", "en": "area within reach"},
    "map.legend_blind": {"fi": "alue katveessa", "sv": "område i blind fläck", "en": "area in a blind spot"},
    "map.legend_areas": {"fi": "Asuinalue (koko = lapsia 0–6 v)", "sv": "Bostadsområde (storlek = barn 0–6 år)",
                         "en": "Residential area (size = children 0–6)"},
    "map.legend_reach": {"fi": "paikan saavutettava alue", "sv": "platsens räckvidd", "en": "a place's reach"},
    "map.legend_blind_polygon": {"fi": "katvealue", "sv": "blind fläck", "en": "blind spot"},
    "map.legend_boundary": {"fi": "kunnan raja", "sv": "kommungräns", "en": "municipal boundary"},
    "map.organiser": {"fi": "Järjestäjä", "sv": "Arrangör", "en": "Organiser"},
    "map.kind": {"fi": "Toiminta", "sv": "Verksamhet", "en": "Activity"},
    "map.address": {"fi": "Osoite", "sv": "Adress", "en": "Address"},
    "map.opening_hours": {"fi": "Aukioloajat", "sv": "Öppettider", "en": "Opening hours"},
    "map.status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "map.not_counted": {"fi": "ei laskettu valituilla asetuksilla", "sv": "räknas inte med valda inställningar",
                        "en": "not counted with the chosen settings"},
    "map.area_children": {"fi": "lapsia 0–6 v: {children}", "sv": "barn 0–6 år: {children}",
                          "en": "children 0–6: {children}"},
    "map.area_population": {"fi": "asukkaita: {population}", "sv": "invånare: {population}",
                            "en": "residents: {population}"},
    "map.area_nearest": {"fi": "lähimpään paikkaan {minutes} min ({km} km)",
                         "sv": "till närmaste plats {minutes} min ({km} km)",
                         "en": "{minutes} min ({km} km) to the nearest place"},
    "map.area_no_place": {"fi": "ei yhtään laskettua paikkaa", "sv": "ingen plats räknas",
                          "en": "no place counted"},
    "map.area_covered": {"fi": "saavutettavissa", "sv": "inom räckhåll", "en": "within reach"},
    "map.area_blind": {"fi": "katvealue", "sv": "blind fläck", "en": "blind spot"},
    "map.blind_polygon": {"fi": "Katvealue {id}: {km2} km², lapsia {children}",
                          "sv": "Blind fläck {id}: {km2} km², barn {children}",
                          "en": "Blind spot {id}: {km2} km², children {children}"},
    "map.reach_of": {"fi": "Saavutettava alue: {name}", "sv": "Räckvidd: {name}", "en": "Reach of {name}"},
})

# --- Kartta page --------------------------------------------------------------------------------------------
_section({
    "kartta.header": {"fi": "Kohtaamispaikkojen kattavuus: {name}", "sv": "Mötesplatsernas täckning: {name}",
                      "en": "Meeting-place coverage: {name}"},
    "kartta.children_covered": {"fi": "Lapsia 0–6 v saavutettavissa", "sv": "Barn 0–6 år inom räckhåll",
                                "en": "Children 0–6 within reach"},
    "kartta.children_of": {"fi": "{covered} / {total}", "sv": "{covered} / {total}", "en": "{covered} / {total}"},
    "kartta.share": {"fi": "Osuus lapsista", "sv": "Andel av barnen", "en": "Share of children"},
    "kartta.caption": {"fi": "{counted}/{total} paikkaa laskettu · raja {threshold} · {when}",
                       "sv": "{counted}/{total} platser räknas · gräns {threshold} · {when}",
                       "en": "{counted}/{total} places counted · limit {threshold} · {when}"},
    "kartta.caption_places": {"fi": "{counted}/{total} kohtaamispaikkaa laskettu",
                              "sv": "{counted}/{total} mötesplatser räknas",
                              "en": "{counted} of {total} meeting places counted"},
    "kartta.no_places": {"fi": "Yksikään paikka ei ole laskettu valituilla asetuksilla (esim. kaikki kiinni).",
                         "sv": "Ingen plats räknas med valda inställningar (t.ex. alla stängda).",
                         "en": "No place counts with the chosen settings (e.g. all closed)."},
    "kartta.show_reach": {"fi": "Näytä paikkojen saavutettavat alueet", "sv": "Visa platsernas räckvidd",
                          "en": "Show the places' reach"},
    "kartta.show_blind": {"fi": "Näytä katvealueet", "sv": "Visa blinda fläckar", "en": "Show blind spots"},
    "kartta.offline_note": {
        "fi": "Taustakartta tarvitsee verkkoyhteyden; paikat ja alueet näkyvät ilmankin.",
        "sv": "Bakgrundskartan kräver nätförbindelse; platser och områden syns ändå.",
        "en": "The background map needs a network connection; places and areas show without it."},
})

# --- Kohtaamispaikat page --------------------------------------------------------------------------------
_section({
    "kp.header": {"fi": "Kohtaamispaikat", "sv": "Mötesplatser", "en": "Meeting places"},
    "kp.intro": {
        "fi": "Muokkaa taulukkoa suoraan. Aukioloajat OpenStreetMap-muodossa, esim. `Sep-May Tu 09:30-11:30; PH off`.",
        "sv": "Redigera tabellen direkt. Öppettider i OpenStreetMap-format, t.ex. `Sep-May Tu 09:30-11:30; PH off`.",
        "en": "Edit the table directly. Opening hours in OpenStreetMap syntax, e.g. `Sep-May Tu 09:30-11:30; PH off`."},
    "kp.col.check": {"fi": "Tarkistus", "sv": "Kontroll", "en": "Check"},
    "kp.col.id": {"fi": "Tunnus", "sv": "ID", "en": "ID"},
    "kp.col.name": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "kp.col.organiser": {"fi": "Järjestäjä", "sv": "Arrangör", "en": "Organiser"},
    "kp.col.organiser_type": {"fi": "Järjestäjätyyppi", "sv": "Typ av arrangör", "en": "Organiser type"},
    "kp.col.kind": {"fi": "Toiminta", "sv": "Verksamhet", "en": "Activity"},
    "kp.col.address": {"fi": "Osoite", "sv": "Adress", "en": "Address"},
    "kp.col.opening_hours": {"fi": "Aukioloajat", "sv": "Öppettider", "en": "Opening hours"},
    "kp.col.ages": {"fi": "Ikä", "sv": "Ålder", "en": "Ages"},
    "kp.col.languages": {"fi": "Kielet", "sv": "Språk", "en": "Languages"},
    "kp.col.status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "kp.col.notes": {"fi": "Huomiot", "sv": "Anteckningar", "en": "Notes"},
    "kp.col.lat": {"fi": "Leveys (°N)", "sv": "Latitud (°N)", "en": "Latitude (°N)"},
    "kp.col.lon": {"fi": "Pituus (°E)", "sv": "Longitud (°E)", "en": "Longitude (°E)"},
    "kp.ok": {"fi": "✓", "sv": "✓", "en": "✓"},
    "kp.problems": {"fi": "{n} {n|ongelma|ongelmaa} – korjaa {n|se|ne} ennen tallennusta:",
                    "sv": "{n} problem – rätta {n|det|dem} innan du sparar:",
                    "en": "{n} {n|problem|problems} – fix {n|it|them} before saving:"},
    "kp.problem_line": {"fi": "Rivi {row} ({name}): {field}: {message}",
                        "sv": "Rad {row} ({name}): {field}: {message}",
                        "en": "Row {row} ({name}): {field}: {message}"},
    "kp.all_valid": {"fi": "{n|Paikka on kunnossa.|Kaikki {n} paikkaa kunnossa.}", "sv": "{n|Platsen är i ordning.|Alla {n} platser är i ordning.}",
                     "en": "{n|The place is valid.|All {n} places are valid.}"},
    "kp.add.header": {"fi": "Lisää paikka", "sv": "Lägg till en plats", "en": "Add a place"},
    "kp.add.hint": {"fi": "Klikkaa karttaa valitaksesi sijainnin tai kirjoita koordinaatit (WGS84).",
                    "sv": "Klicka på kartan för att välja läge eller skriv koordinaterna (WGS84).",
                    "en": "Click the map to pick the location, or type the coordinates (WGS84)."},
    "kp.add.picked": {"fi": "Valittu kartalta: {lat}, {lon}", "sv": "Valt på kartan: {lat}, {lon}",
                      "en": "Picked on the map: {lat}, {lon}"},
    "kp.add.submit": {"fi": "Lisää paikka", "sv": "Lägg till", "en": "Add the place"},
    "kp.add.added": {"fi": "Lisätty: {name}. Muista tallentaa.", "sv": "Tillagd: {name}. Kom ihåg att spara.",
                     "en": "Added: {name}. Remember to save."},
    "kp.add.rejected": {"fi": "Paikkaa ei lisätty:", "sv": "Platsen lades inte till:", "en": "The place was not added:"},
    "kp.add.default_hours": {"fi": "Sep-May Tu 09:30-11:30; PH off", "sv": "Sep-May Tu 09:30-11:30; PH off",
                             "en": "Sep-May Tu 09:30-11:30; PH off"},
    "kp.save.header": {"fi": "Tallenna ja lataa", "sv": "Spara och ladda ned", "en": "Save and download"},
    "kp.save.filename": {"fi": "Projektitiedoston nimi", "sv": "Projektfilens namn", "en": "Project file name"},
    "kp.save.button": {"fi": "Tallenna projektitiedostoon", "sv": "Spara i projektfilen",
                       "en": "Save to the project file"},
    "kp.save.done": {"fi": "Tallennettu: {path}", "sv": "Sparat: {path}", "en": "Saved: {path}"},
    "kp.save.invalid": {"fi": "Korjaa ongelmat ennen tallennusta.", "sv": "Rätta problemen innan du sparar.",
                        "en": "Fix the problems before saving."},
    "kp.save.conflict": {
        "fi": "Tiedostoa on muutettu sen jälkeen, kun avasit sen (joku muu tallensi). Muutoksesi ovat yhä tallessa tällä sivulla.",
        "sv": "Filen har ändrats efter att du öppnade den (någon annan sparade). Dina ändringar finns kvar på sidan.",
        "en": "The file was changed after you opened it (someone else saved). Your changes are still on this page."},
    "kp.save.force": {"fi": "Korvaa silti", "sv": "Skriv över ändå", "en": "Overwrite anyway"},
    "kp.save.reload": {"fi": "Hylkää muutokseni ja avaa tiedosto uudelleen", "sv": "Släng mina ändringar och öppna filen på nytt",
                       "en": "Discard my changes and reopen the file"},
    "kp.save.error": {"fi": "Tallennus ei onnistunut: {message}", "sv": "Det gick inte att spara: {message}",
                      "en": "Saving failed: {message}"},
    "kp.download": {"fi": "Lataa projektitiedosto (.gpkg)", "sv": "Ladda ned projektfilen (.gpkg)",
                    "en": "Download the project file (.gpkg)"},
    "kp.download_invalid": {"fi": "Korjaa ongelmat, niin voit ladata tiedoston.",
                            "sv": "Rätta problemen för att kunna ladda ned filen.",
                            "en": "Fix the problems to download the file."},
    "kp.import.header": {"fi": "Tuo paikkoja tiedostosta", "sv": "Importera platser från en fil",
                         "en": "Import places from a file"},
    "kp.import.file": {"fi": "CSV-, XLSX-, GeoJSON- tai GPKG-tiedosto", "sv": "CSV-, XLSX-, GeoJSON- eller GPKG-fil",
                       "en": "A CSV, XLSX, GeoJSON or GPKG file"},
    "kp.import.how": {"fi": "Tuodut paikat", "sv": "Importerade platser", "en": "Imported places"},
    "kp.import.append": {"fi": "lisätään nykyisiin", "sv": "läggs till de nuvarande", "en": "are added to the current ones"},
    "kp.import.replace": {"fi": "korvaavat nykyiset", "sv": "ersätter de nuvarande", "en": "replace the current ones"},
    "kp.import.button": {"fi": "Tuo", "sv": "Importera", "en": "Import"},
    "kp.import.done": {"fi": "Tuotu {n} {n|paikka|paikkaa}. Muista tallentaa.", "sv": "{n} {n|plats|platser} importerade. Kom ihåg att spara.",
                       "en": "Imported {n} {n|place|places}. Remember to save."},
    "kp.import.failed": {"fi": "Tiedostoa ei voitu tuoda:", "sv": "Filen kunde inte importeras:",
                         "en": "The file could not be imported:"},
    "kp.import.warnings": {"fi": "Huomautuksia:", "sv": "Anmärkningar:", "en": "Notes:"},
    "kp.import.unavailable": {"fi": "Tuonti ei ole käytettävissä tässä versiossa.",
                              "sv": "Import är inte tillgänglig i den här versionen.",
                              "en": "Import is not available in this version."},
    "kp.duplicate_ids": {"fi": "Tuonnissa päällekkäisiä tunnuksia: {ids}", "sv": "Dubbletter av ID vid import: {ids}",
                         "en": "Duplicate ids in the import: {ids}"},
})

# --- Katvealueet page ---------------------------------------------------------------------------------------
_section({
    "kat.header": {"fi": "Katvealueet", "sv": "Blinda fläckar", "en": "Blind spots"},
    "kat.none": {"fi": "Ei katvealueita: kaikilta alueilta pääsee laskettuun paikkaan rajan sisällä.",
                 "sv": "Inga blinda fläckar: från alla områden når man en räknad plats inom gränsen.",
                 "en": "No blind spots: every area reaches a counted place within the limit."},
    "kat.col.rank": {"fi": "Sija", "sv": "Plats", "en": "Rank"},
    "kat.col.id": {"fi": "Tunnus", "sv": "ID", "en": "ID"},
    "kat.col.name": {"fi": "Alue", "sv": "Område", "en": "Area"},
    "kat.col.children": {"fi": "Lapsia 0–6 v", "sv": "Barn 0–6 år", "en": "Children 0–6"},
    "kat.col.minutes": {"fi": "Min lähimpään paikkaan", "sv": "Min till närmaste plats", "en": "Min to nearest place"},
    "kat.col.nearest": {"fi": "Lähin paikka", "sv": "Närmaste plats", "en": "Nearest place"},
    "kat.uncovered_total": {"fi": "Katveessa yhteensä {children} lasta ({share} lapsista).",
                            "sv": "Totalt {children} barn i blinda fläckar ({share} av barnen).",
                            "en": "{children} children in blind spots in all ({share} of the children)."},
    "kat.polygons": {"fi": "Katvealueet kartalla", "sv": "Blinda fläckar på kartan", "en": "Blind spots on the map"},
    "kat.col.area_km2": {"fi": "Pinta-ala km²", "sv": "Yta km²", "en": "Area km²"},
    "kat.col.areas": {"fi": "Asuinalueita", "sv": "Bostadsområden", "en": "Residential areas"},
    "kat.matrix": {"fi": "Saavutettavat lapset viikonpäivän ja vuorokaudenajan mukaan",
                   "sv": "Barn inom räckhåll per veckodag och tid på dygnet",
                   "en": "Children within reach by weekday and time of day"},
    "kat.matrix_caption": {
        "fi": "Paikka lasketaan jaksoon, kun se on auki vähintään {minutes} min. Viikko {monday}–{sunday}; yhteensä {total} lasta.",
        "sv": "En plats räknas i ett tidsblock när den är öppen minst {minutes} min. Vecka {monday}–{sunday}; totalt {total} barn.",
        "en": "A place counts in a block when open at least {minutes} min of it. Week {monday}–{sunday}; {total} children in all."},
    "kat.matrix_share": {"fi": "Näytä osuutena", "sv": "Visa som andel", "en": "Show as a share"},
    "kat.col.weekday": {"fi": "Viikonpäivä", "sv": "Veckodag", "en": "Weekday"},
    "kat.overlaps": {"fi": "Päällekkäiset vuorot lähekkäisissä paikoissa",
                     "sv": "Överlappande pass på närliggande platser",
                     "en": "Overlapping sessions at nearby places"},
    "kat.overlaps_caption": {
        "fi": "Paikat ovat toistensa rajan sisällä ja auki samaan aikaan: toimintaa voisi porrastaa.",
        "sv": "Platserna ligger inom gränsen från varandra och är öppna samtidigt: verksamheten kunde spridas ut.",
        "en": "The places are within the limit of each other and open at the same time: consider staggering."},
    "kat.overlaps_none": {"fi": "Ei päällekkäisiä vuoroja.", "sv": "Inga överlappande pass.",
                          "en": "No overlapping sessions."},
    "kat.col.place_a": {"fi": "Paikka A", "sv": "Plats A", "en": "Place A"},
    "kat.col.place_b": {"fi": "Paikka B", "sv": "Plats B", "en": "Place B"},
    "kat.col.time": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "kat.col.overlap_minutes": {"fi": "Päällekkäin (min)", "sv": "Överlapp (min)", "en": "Overlap (min)"},
    "kat.col.distance_km": {"fi": "Etäisyys (km)", "sv": "Avstånd (km)", "en": "Distance (km)"},
})

# --- Viikko-ohjelma page ------------------------------------------------------------------------------------
_section({
    "vo.header": {"fi": "Viikko-ohjelma", "sv": "Veckoprogram", "en": "Weekly programme"},
    "vo.week": {"fi": "Viikko (mikä tahansa viikon päivä)", "sv": "Vecka (vilken dag som helst i veckan)",
                "en": "Week (any day of it)"},
    "vo.caption": {"fi": "Kaikkien paikkojen vuorot viikolla {monday}–{sunday}. Arkipyhät ja kauden rajat huomioitu.",
                   "sv": "Alla platsers pass veckan {monday}–{sunday}. Helgdagar och säsonger beaktas.",
                   "en": "All places' sessions in the week {monday}–{sunday}. Public holidays and seasons apply."},
    "vo.empty_day": {"fi": "ei toimintaa", "sv": "ingen verksamhet", "en": "nothing on"},
    "vo.empty_week": {"fi": "Ei yhtään vuoroa tällä viikolla (esim. kesätauko).",
                      "sv": "Inga pass den här veckan (t.ex. sommaruppehåll).",
                      "en": "No sessions this week (e.g. summer break)."},
    "vo.table": {"fi": "Ohjelma taulukkona", "sv": "Programmet som tabell", "en": "The programme as a table"},
    "vo.col.weekday": {"fi": "Päivä", "sv": "Dag", "en": "Day"},
    "vo.col.date": {"fi": "Päivämäärä", "sv": "Datum", "en": "Date"},
    "vo.col.start": {"fi": "Alkaa", "sv": "Börjar", "en": "Starts"},
    "vo.col.end": {"fi": "Päättyy", "sv": "Slutar", "en": "Ends"},
    "vo.col.place": {"fi": "Paikka", "sv": "Plats", "en": "Place"},
    "vo.col.organiser": {"fi": "Järjestäjä", "sv": "Arrangör", "en": "Organiser"},
    "vo.col.address": {"fi": "Osoite", "sv": "Adress", "en": "Address"},
    "vo.col.status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "vo.bad_hours": {"fi": "Aukioloaikoja ei voitu lukea: {names}", "sv": "Öppettiderna kunde inte läsas: {names}",
                     "en": "Opening hours could not be read: {names}"},
})

# --- exports: documents (print map, report, tables, calendar) and the Vienti page ----------------------------
_section({
    "export.title": {"fi": "Kohtaamispaikkojen saavutettavuus", "sv": "Mötesplatsernas tillgänglighet",
                     "en": "Accessibility of meeting places"},
    "export.subtitle": {"fi": "Raportti perhekeskuksen verkostotapaamiseen",
                        "sv": "Rapport till familjecentrets nätverksmöte",
                        "en": "Report for the family centre network meeting"},
    "export.calendar": {"fi": "Perhekalenteri", "sv": "Familjekalender", "en": "Family calendar"},
    "export.outreach": {"fi": "Jalkautuminen", "sv": "Uppsökande besök", "en": "Outreach visit"},
    "export.printed": {"fi": "Tulostettu {date}", "sv": "Utskriven {date}", "en": "Printed {date}"},
    "export.north": {"fi": "P", "sv": "N", "en": "N"},
    "export.travel.minutes": {"fi": "{mode}, enintään {value} min", "sv": "{mode}, högst {value} min",
                              "en": "{mode}, at most {value} min"},
    "export.travel.km": {"fi": "{mode}, enintään {value} km", "sv": "{mode}, högst {value} km",
                         "en": "{mode}, at most {value} km"},
    "export.model.straight_line": {"fi": "linnuntie × {circuity}, {speed} km/h",
                                   "sv": "fågelvägen × {circuity}, {speed} km/h",
                                   "en": "straight line × {circuity}, {speed} km/h"},
    "export.model.road_network": {"fi": "tieverkko (OpenStreetMap), {speed} km/h",
                                  "sv": "vägnät (OpenStreetMap), {speed} km/h",
                                  "en": "road network (OpenStreetMap), {speed} km/h"},
    "export.model.other": {"fi": "malli {model}", "sv": "modell {model}", "en": "model {model}"},
    "export.at": {"fi": "vain {when} avoinna olevat paikat", "sv": "endast platser öppna {when}",
                  "en": "only places open {when}"},
    "export.planned_counted": {"fi": "suunnitellut paikat mukana", "sv": "planerade platser medräknade",
                               "en": "planned places counted"},
    "export.legend.boundary": {"fi": "Kunnan raja", "sv": "Kommungräns", "en": "Municipal boundary"},
    "export.legend.reach": {"fi": "Saavutettavissa", "sv": "Inom räckhåll", "en": "Within reach"},
    "export.legend.blind": {"fi": "Katvealue", "sv": "Blind fläck", "en": "Blind spot"},
    "export.legend.places": {"fi": "Kohtaamispaikka, järjestäjä:", "sv": "Mötesplats, arrangör:",
                             "en": "Meeting place, organiser:"},
    "export.legend.place_planned": {"fi": "Suunniteltu paikka", "sv": "Planerad plats", "en": "Planned place"},
    "export.legend.place_not_counted": {"fi": "Paikka, ei mukana laskennassa", "sv": "Plats, inte medräknad",
                                        "en": "Place, not counted"},
    "export.legend.proposal": {"fi": "Ehdotettu uusi paikka", "sv": "Föreslagen ny plats",
                               "en": "Proposed new place"},
    "export.legend.area_covered": {"fi": "Kylä/alue, saavutettavissa", "sv": "By/område, inom räckhåll",
                                   "en": "Village/area, within reach"},
    "export.legend.area_uncovered": {"fi": "Kylä/alue, katvealueella", "sv": "By/område, i blind fläck",
                                     "en": "Village/area, in a blind spot"},
    "export.legend.size": {"fi": "Pisteen koko: lapsia 0–6 v.", "sv": "Punktens storlek: barn 0–6 år",
                           "en": "Marker size: children aged 0–6"},
    "export.layer.areas": {"fi": "Kylät ja alueet", "sv": "Byar och områden", "en": "Villages and areas"},
    "export.places_list": {"fi": "Kohtaamispaikat", "sv": "Mötesplatser", "en": "Meeting places"},
    "export.covered_line": {"fi": "Lapsia 0–6 v. saavutettavissa: {covered} / {total} ({share})",
                            "sv": "Barn 0–6 år inom räckhåll: {covered} / {total} ({share})",
                            "en": "Children 0–6 within reach: {covered} / {total} ({share})"},
    "export.pop_line": {"fi": "Asukkaita saavutettavissa: {covered} / {total} ({share})",
                        "sv": "Invånare inom räckhåll: {covered} / {total} ({share})",
                        "en": "Residents within reach: {covered} / {total} ({share})"},
    "export.places_line": {"fi": "Laskennassa mukana {n} {n|kohtaamispaikka|kohtaamispaikkaa}", "sv": "{n} {n|mötesplats medräknad|mötesplatser medräknade}",
                           "en": "{n} {n|meeting place|meeting places} counted"},
    "export.sheet.summary": {"fi": "Yhteenveto", "sv": "Sammanfattning", "en": "Summary"},
    "export.sheet.areas": {"fi": "Alueet", "sv": "Områden", "en": "Areas"},
    "export.sheet.villages": {"fi": "Kylät", "sv": "Byar", "en": "Villages"},
    "export.sheet.places": {"fi": "Kohtaamispaikat", "sv": "Mötesplatser", "en": "Meeting places"},
    "export.key": {"fi": "Tieto", "sv": "Uppgift", "en": "Item"},
    "export.value": {"fi": "Arvo", "sv": "Värde", "en": "Value"},
    "export.municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "export.created": {"fi": "Laadittu", "sv": "Uppgjord", "en": "Created"},
    "export.travel": {"fi": "Matka", "sv": "Resa", "en": "Travel"},
    "export.model": {"fi": "Matkamalli", "sv": "Resmodell", "en": "Travel model"},
    "export.sources": {"fi": "Aineistolähteet", "sv": "Datakällor", "en": "Data sources"},
    "export.demand": {"fi": "Kysyntä", "sv": "Efterfrågan", "en": "Demand"},
    "export.sum.children_total": {"fi": "Lapsia 0–6 v. yhteensä", "sv": "Barn 0–6 år totalt",
                                  "en": "Children 0–6 in total"},
    "export.sum.children_covered": {"fi": "Lapsia 0–6 v. saavutettavissa", "sv": "Barn 0–6 år inom räckhåll",
                                    "en": "Children 0–6 within reach"},
    "export.sum.children_share": {"fi": "Lapsista saavutettavissa (%)", "sv": "Andel barn inom räckhåll (%)",
                                  "en": "Share of children within reach (%)"},
    "export.sum.population_total": {"fi": "Asukkaita yhteensä", "sv": "Invånare totalt",
                                    "en": "Residents in total"},
    "export.sum.population_covered": {"fi": "Asukkaita saavutettavissa", "sv": "Invånare inom räckhåll",
                                      "en": "Residents within reach"},
    "export.sum.places_counted": {"fi": "Kohtaamispaikkoja laskennassa", "sv": "Mötesplatser medräknade",
                                  "en": "Meeting places counted"},
    "export.col.id": {"fi": "Tunnus", "sv": "Kod", "en": "ID"},
    "export.col.name": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "export.col.municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "export.col.population": {"fi": "Asukkaita", "sv": "Invånare", "en": "Population"},
    "export.col.children_0_6": {"fi": "Lapsia 0–6 v.", "sv": "Barn 0–6 år", "en": "Children 0–6"},
    "export.col.children_estimated": {"fi": "Lapsimäärä arvio", "sv": "Antal barn uppskattat",
                                      "en": "Children estimated"},
    "export.col.nearest_place_id": {"fi": "Lähimmän paikan tunnus", "sv": "Närmaste platsens kod",
                                    "en": "Nearest place ID"},
    "export.col.nearest_place": {"fi": "Lähin kohtaamispaikka", "sv": "Närmaste mötesplats",
                                 "en": "Nearest meeting place"},
    "export.col.straight_km": {"fi": "Linnuntie (km)", "sv": "Fågelvägen (km)", "en": "Straight line (km)"},
    "export.col.distance_km": {"fi": "Matka (km)", "sv": "Resväg (km)", "en": "Travel (km)"},
    "export.col.minutes": {"fi": "Matka-aika (min)", "sv": "Restid (min)", "en": "Travel time (min)"},
    "export.col.covered": {"fi": "Saavutettavissa", "sv": "Inom räckhåll", "en": "Within reach"},
    "export.col.organiser": {"fi": "Järjestäjä", "sv": "Arrangör", "en": "Organiser"},
    "export.col.organiser_type": {"fi": "Järjestäjätyyppi", "sv": "Typ av arrangör", "en": "Organiser type"},
    "export.col.kind": {"fi": "Toimintamuoto", "sv": "Verksamhetsform", "en": "Kind"},
    "export.col.address": {"fi": "Osoite", "sv": "Adress", "en": "Address"},
    "export.col.opening_hours": {"fi": "Aukioloajat", "sv": "Öppettider", "en": "Opening hours"},
    "export.col.ages": {"fi": "Ikäryhmä", "sv": "Åldersgrupp", "en": "Ages"},
    "export.col.languages": {"fi": "Kielet", "sv": "Språk", "en": "Languages"},
    "export.col.status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "export.col.counted": {"fi": "Mukana laskennassa", "sv": "Medräknad", "en": "Counted"},
    "export.col.hours_per_week": {"fi": "Aukiolotunteja viikossa", "sv": "Öppettimmar per vecka",
                                  "en": "Open hours per week"},
    "export.col.children_within": {"fi": "Lapsia 0–6 v. saavutettavissa", "sv": "Barn 0–6 år inom räckhåll",
                                   "en": "Children 0–6 within reach"},
    "export.col.children_nearest": {"fi": "Lapsia 0–6 v., joille lähin", "sv": "Barn 0–6 år för vilka närmast",
                                    "en": "Children 0–6 for whom nearest"},
    "export.col.sessions": {"fi": "Kirjattuja kokoontumisia", "sv": "Registrerade träffar",
                            "en": "Recorded sessions"},
    "export.col.visitors_children": {"fi": "Lapsikäyntejä", "sv": "Barnbesök", "en": "Child visits"},
    "export.col.visitors_adults": {"fi": "Aikuiskäyntejä", "sv": "Vuxenbesök", "en": "Adult visits"},
    "export.col.notes": {"fi": "Lisätietoja", "sv": "Mer information", "en": "Notes"},
    "export.col.area_km2": {"fi": "Pinta-ala (km²)", "sv": "Areal (km²)", "en": "Area (km²)"},
    "export.col.areas": {"fi": "Alueita", "sv": "Områden", "en": "Areas"},
    "export.col.cells": {"fi": "Ruutuja", "sv": "Rutor", "en": "Cells"},
    "export.col.village": {"fi": "Kylä", "sv": "By", "en": "Village"},
    "export.col.children_uncovered": {"fi": "Lapsia katveessa", "sv": "Barn utanför", "en": "Children beyond reach"},
    "export.col.children_covered": {"fi": "Lapsia saavutettavissa", "sv": "Barn inom räckhåll",
                                    "en": "Children within reach"},
    "export.col.children_covered_share": {"fi": "Osuus saavutettavissa (%)", "sv": "Andel inom räckhåll (%)",
                                          "en": "Share within reach (%)"},
    "export.col.cells_uncovered": {"fi": "Ruutuja katveessa", "sv": "Rutor utanför", "en": "Cells beyond reach"},
    "export.col.minutes_min": {"fi": "Matka-aika vähintään (min)", "sv": "Restid minst (min)",
                               "en": "Travel time at least (min)"},
    "export.col.minutes_max": {"fi": "Matka-aika enintään (min)", "sv": "Restid högst (min)",
                               "en": "Travel time at most (min)"},
    "export.col.children_gained": {"fi": "Lisää lapsia saavutettavissa", "sv": "Fler barn inom räckhåll",
                                   "en": "Children gained"},
    "export.col.weekday": {"fi": "Päivä", "sv": "Dag", "en": "Day"},
    "export.col.time": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "export.col.place_a": {"fi": "Paikka A", "sv": "Plats A", "en": "Place A"},
    "export.col.place_b": {"fi": "Paikka B", "sv": "Plats B", "en": "Place B"},
    "export.col.rank": {"fi": "#", "sv": "#", "en": "#"},
    "export.col.figure": {"fi": "Tunnusluku", "sv": "Nyckeltal", "en": "Figure"},
    "export.col.before": {"fi": "Nyt", "sv": "Nu", "en": "Now"},
    "export.col.after": {"fi": "Ehdotusten jälkeen", "sv": "Efter förslagen", "en": "After the proposals"},
    "export.col.change": {"fi": "Muutos", "sv": "Förändring", "en": "Change"},
    "export.col.visitors": {"fi": "Kävijöitä", "sv": "Besökare", "en": "Visitors"},
    "export.col.mean_visitors": {"fi": "Kävijöitä / kerta", "sv": "Besökare / gång", "en": "Visitors / session"},
    "export.col.first_timer_share": {"fi": "Uusia kävijöitä", "sv": "Nya besökare", "en": "First-timers"},
    "export.report.key_figures": {"fi": "Tärkeimmät luvut", "sv": "Nyckeltal", "en": "Key figures"},
    "export.report.kpi_share": {"fi": "lapsista 0–6 v. asuu enintään {limit} päässä kohtaamispaikasta",
                                "sv": "av barnen 0–6 år bor högst {limit} från en mötesplats",
                                "en": "of children aged 0–6 live within {limit} of a meeting place"},
    "export.report.kpi_covered": {"fi": "lasta 0–6 v. saavutettavissa (yhteensä {total})",
                                  "sv": "barn 0–6 år inom räckhåll (totalt {total})",
                                  "en": "children aged 0–6 within reach (of {total})"},
    "export.report.kpi_blind": {"fi": "lasta 0–6 v. katvealueella", "sv": "barn 0–6 år i blinda fläckar",
                                "en": "children aged 0–6 in blind spots"},
    "export.report.kpi_places": {"fi": "kohtaamispaikkaa mukana laskennassa", "sv": "mötesplatser medräknade",
                                 "en": "meeting places counted"},
    "export.report.findings": {"fi": "Havainnot", "sv": "Iakttagelser", "en": "Findings"},
    "export.report.finding_blind": {
        "fi": "Katvealueella asuu noin {children} lasta 0–6 v. {areas} kylässä tai alueella. Eniten lapsia: {top}.",
        "sv": "I blinda fläckar bor cirka {children} barn 0–6 år i {areas} byar eller områden. Flest barn: {top}.",
        "en": "About {children} children aged 0–6 live in blind spots, in {areas} villages or areas. Most "
              "children: {top}."},
    "export.report.finding_no_blind": {"fi": "Kaikki kylät ja alueet ovat saavutettavissa.",
                                       "sv": "Alla byar och områden är inom räckhåll.",
                                       "en": "Every village and area is within reach."},
    "export.report.finding_overlaps": {
        "fi": "Päällekkäisiä aukioloja lähekkäisillä paikoilla viiteviikolla: {n} (ks. taulukko).",
        "sv": "Överlappande öppettider på närbelägna platser under referensveckan: {n} (se tabellen).",
        "en": "Overlapping sessions at nearby places in the reference week: {n} (see the table)."},
    "export.report.finding_no_overlaps": {
        "fi": "Lähekkäisillä paikoilla ei ole päällekkäisiä aukioloja viiteviikolla.",
        "sv": "Närbelägna platser har inga överlappande öppettider under referensveckan.",
        "en": "Nearby places have no overlapping opening hours in the reference week."},
    "export.report.finding_best": {
        "fi": "Eniten lapsia tavoitetaan: {cell} ({children} lasta, {share}).",
        "sv": "Flest barn nås: {cell} ({children} barn, {share}).",
        "en": "Most children are reached: {cell} ({children} children, {share})."},
    "export.report.finding_empty": {"fi": "Ei lainkaan toimintaa: {cells}.", "sv": "Ingen verksamhet alls: {cells}.",
                                    "en": "Nothing open at all: {cells}."},
    "export.report.finding_estimated_grid": {
        "fi": "Lasten 0–6 v. määrät ovat arvioita: ruudun 0–14-vuotiaat kerrottuna kunnan todellisella "
              "0–6- ja 0–14-vuotiaiden suhteella.",
        "sv": "Antalet barn 0–6 år är uppskattat: rutans 0–14-åringar gånger kommunens faktiska förhållande "
              "mellan 0–6- och 0–14-åringar.",
        "en": "Children 0–6 are estimated: the cell's 0–14-year-olds times the municipality's real ratio of "
              "0–6 to 0–14-year-olds."},
    "export.report.blind_polygons_note_cells": {
        "fi": "Asutut ruudut, joista lähimpään paikkaan on yli kynnyksen, kylittäin (tyhjät metsä- ja järviruudut "
              "eivät ole katvealuetta).",
        "sv": "Bebodda rutor där närmaste plats ligger bortom gränsen, per by (tomma skogs- och sjörutor räknas "
              "inte).",
        "en": "Populated cells whose nearest place is beyond the threshold, per village (empty forest and lake "
              "cells are not blind spots)."},
    "export.report.method_text_grid": {
        "fi": "Kysyntä: {demand} (Eurostatin väestöruudut, Tilastokeskus). Lapset 0–6 v. on arvioitu ruudun "
              "0–14-vuotiaista kunnan 0–6-vuotiaiden todellisen määrän mukaan (Tilastokeskus, 31.12.2020). "
              "Ruutu on saavutettavissa, kun lähin mukana laskettava kohtaamispaikka on enintään {limit} päässä "
              "sen keskipisteestä {travel}. Mukana lasketaan toiminnassa olevat paikat{at}. Katvealueet ovat "
              "asuttuja ruutuja kynnyksen ulkopuolella, kylittäin. Kuntarajat ja kylät: Maanmittauslaitos ja "
              "Tilastokeskus; kohtaamispaikkojen tiedot: {project}. Lähteiden tekijänoikeudet ja lisenssit "
              "ovat jokaisen sivun alareunassa.",
        "sv": "Efterfrågan: {demand} (Eurostats befolkningsrutor, Statistikcentralen). Barn 0–6 år är "
              "uppskattade från rutans 0–14-åringar enligt kommunens faktiska antal 0–6-åringar "
              "(Statistikcentralen, 31.12.2020). En ruta är inom räckhåll när närmaste medräknade mötesplats "
              "ligger högst {limit} från dess mittpunkt {travel}. Platser i bruk räknas{at}. Blinda fläckar är "
              "bebodda rutor bortom gränsen, per by. Kommungränser och byar: Lantmäteriverket och "
              "Statistikcentralen; uppgifter om mötesplatserna: {project}. Källornas upphovsrätt och licenser "
              "står längst ned på varje sida.",
        "en": "Demand: {demand} (Eurostat population grid, Statistics Finland). Children 0–6 are estimated from "
              "the cell's 0–14-year-olds by the municipality's real number of 0–6-year-olds (Statistics Finland, "
              "31 Dec 2020). A cell is within reach when its nearest counted meeting place is at most {limit} "
              "from its centre {travel}. Existing places count{at}. Blind spots are the populated cells beyond "
              "the threshold, per village. Boundaries and villages: National Land Survey of Finland and "
              "Statistics Finland; meeting-place data: {project}. The sources' copyright and licences are at "
              "the foot of every page."},
    "export.report.finding_estimated": {
        "fi": "Lapsimäärät ovat osin arvioita (osuus alueen väestöstä).",
        "sv": "Barnantalen är delvis uppskattningar (andel av områdets befolkning).",
        "en": "Child counts are partly estimates (a share of the area's population)."},
    "export.report.map": {"fi": "Kartta", "sv": "Karta", "en": "Map"},
    "export.report.blind_villages": {"fi": "Katvealueen kylät ja alueet, eniten lapsia ensin",
                                     "sv": "Byar och områden i blinda fläckar, flest barn först",
                                     "en": "Villages and areas in blind spots, most children first"},
    "export.report.blind_polygons": {"fi": "Katvealueet kartalla", "sv": "Blinda fläckar på kartan",
                                     "en": "Blind spots on the map"},
    "export.report.blind_polygons_note": {
        "fi": "Kunnan osat, jotka jäävät kaikkien paikkojen saavutettavuusalueiden ulkopuolelle.",
        "sv": "Delar av kommunen utanför alla platsers räckvidd.",
        "en": "Parts of the municipality outside every place's reach."},
    "export.report.overlaps": {"fi": "Päällekkäiset aukiolot lähekkäisillä paikoilla",
                               "sv": "Överlappande öppettider på närbelägna platser",
                               "en": "Overlapping sessions at nearby places"},
    "export.report.overlaps_note": {
        "fi": "Paikat enintään {limit} päässä toisistaan ja auki samaan aikaan viikolla {week}.",
        "sv": "Platser högst {limit} från varandra och öppna samtidigt veckan {week}.",
        "en": "Places within {limit} of each other that are open at the same time in the week of {week}."},
    "export.report.matrix": {"fi": "Lapsia 0–6 v. saavutettavissa viikonpäivän ja vuorokaudenajan mukaan",
                             "sv": "Barn 0–6 år inom räckhåll per veckodag och tid på dygnet",
                             "en": "Children 0–6 within reach by weekday and time of day"},
    "export.report.matrix_note": {
        "fi": "Solussa lapset, joilla on enintään {limit} matka paikkaan, joka on auki vähintään 30 min "
              "kyseisenä aikana (viikko {week}).",
        "sv": "Cellen visar barnen med högst {limit} till en plats som är öppen minst 30 min under den tiden "
              "(veckan {week}).",
        "en": "Each cell counts the children within {limit} of a place open at least 30 min at that time "
              "(week of {week})."},
    "export.report.schedule": {"fi": "Kohtaamispaikat ja aukioloajat", "sv": "Mötesplatser och öppettider",
                               "en": "Meeting places and opening hours"},
    "export.report.proposals": {"fi": "Ehdotetut uudet kohtaamispaikat", "sv": "Föreslagna nya mötesplatser",
                                "en": "Proposed new meeting places"},
    "export.report.proposals_note": {"fi": "Tavoite: {objective}. Ratkaisu: {quality}.",
                                     "sv": "Mål: {objective}. Lösning: {quality}.",
                                     "en": "Objective: {objective}. Solution: {quality}."},
    "export.report.objective.cover": {"fi": "tavoittaa mahdollisimman monta lasta",
                                      "sv": "nå så många barn som möjligt",
                                      "en": "reach as many children as possible"},
    "export.report.objective.set_cover": {"fi": "tavoitetaso vähimmällä paikkamäärällä",
                                          "sv": "målnivån med minsta antal platser",
                                          "en": "the target share with the fewest places"},
    "export.report.objective.median": {"fi": "lyhyin keskimääräinen matka", "sv": "kortast genomsnittlig resa",
                                       "en": "shortest average travel"},
    "export.report.optimal": {"fi": "todistetusti paras", "sv": "bevisat optimal", "en": "proven optimal"},
    "export.report.not_optimal": {"fi": "paras löydetty (ero optimiin enintään {gap})",
                                  "sv": "bästa funna (högst {gap} från optimum)",
                                  "en": "best found (within {gap} of the optimum)"},
    "export.report.visits": {"fi": "Kävijätilastot", "sv": "Besöksstatistik", "en": "Visitor statistics"},
    "export.report.visits_note": {"fi": "Kirjatut kokoontumiset {period}: {sessions} kertaa, {visitors} kävijää "
                                        "({children} lasta, {adults} aikuista).",
                                  "sv": "Registrerade träffar {period}: {sessions} gånger, {visitors} besökare "
                                        "({children} barn, {adults} vuxna).",
                                  "en": "Recorded sessions {period}: {sessions}, {visitors} visitors "
                                        "({children} children, {adults} adults)."},
    "export.report.method": {"fi": "Menetelmä ja lähteet", "sv": "Metod och källor", "en": "Method and sources"},
    "export.report.method_text": {
        "fi": "Kysyntä: {demand}. Alue on saavutettavissa, kun lähin mukana laskettava kohtaamispaikka on "
              "enintään {limit} päässä sen keskipisteestä {travel}. Mukana lasketaan toiminnassa olevat "
              "paikat{at}. Katvealueet ovat kunnan osia kaikkien paikkojen saavutettavuusalueiden ulkopuolella. "
              "Väestö ja lapset 0–6 v.: Tilastokeskus; kuntarajat: Maanmittauslaitos; kohtaamispaikkojen "
              "tiedot: {project}. Lähteiden tekijänoikeudet ja lisenssit ovat jokaisen sivun alareunassa.",
        "sv": "Efterfrågan: {demand}. Ett område är inom räckhåll när närmaste medräknade mötesplats ligger "
              "högst {limit} från dess mittpunkt {travel}. Platser i bruk räknas{at}. Blinda fläckar är delar "
              "av kommunen utanför alla platsers räckvidd. Befolkning och barn 0–6 år: Statistikcentralen; "
              "kommungränser: Lantmäteriverket; uppgifter om mötesplatserna: {project}. Källornas upphovsrätt "
              "och licenser står längst ned på varje sida.",
        "en": "Demand: {demand}. An area is within reach when its nearest counted meeting place is at most "
              "{limit} from its centre {travel}. Existing places count{at}. Blind spots are the parts of the "
              "municipality outside every place's reach. Population and children 0–6: Statistics Finland; "
              "boundaries: National Land Survey of Finland; meeting-place data: {project}. The sources' "
              "copyright and licences are at the foot of every page."},
    "export.report.page": {"fi": "Sivu {n}/{total}", "sv": "Sida {n}/{total}", "en": "Page {n}/{total}"},
    "export.report.more_rows": {"fi": "… ja {n} muuta", "sv": "… och {n} till", "en": "… and {n} more"},
    "export.report.none": {"fi": "Ei yhtään.", "sv": "Inga.", "en": "None."},
    "export.report.minutes": {"fi": "{value} min", "sv": "{value} min", "en": "{value} min"},
    "export.report.km": {"fi": "{value} km", "sv": "{value} km", "en": "{value} km"},
    "export.report.pp": {"fi": "%-yks.", "sv": "procentenheter", "en": "pp"},
    "export.report.newly_covered": {"fi": "Saavutettaviksi tulevat kylät ja alueet: {names}.",
                                    "sv": "Byar och områden som kommer inom räckhåll: {names}.",
                                    "en": "Villages and areas brought within reach: {names}."},
    "export.report.after_map": {"fi": "Kartta ehdotusten jälkeen", "sv": "Kartan efter förslagen",
                                "en": "The map after the proposals"},
    "export.col.session": {"fi": "Ehdotettu kokoontumisaika", "sv": "Föreslagen tid", "en": "Suggested session"},
    "export.report.visits_per_month": {"fi": "Käynnit kuukausittain", "sv": "Besök per månad",
                                       "en": "Visits per month"},
})

# --- Aineisto page: official data sources (app_pages/aineisto.py; helper "data sources") -------------------
_section({
    "aineisto.header": {"fi": "Aineisto", "sv": "Data", "en": "Data"},
    "aineisto.intro": {
        "fi": "Tuo viralliset aineistot: kuntaraja ja Tilastokeskuksen väestöruudut tai Paavo-postinumeroalueet "
              "(lapset 0–6 v.), Suomi.fi-palvelutietovarannon kohtaamispaikat ja OpenStreetMapin "
              "ehdokaspaikat (koulut, kirjastot, kylätalot, kirkot). Nouda ne verkosta tai valitse ladatut "
              "tiedostot, tarkista luvut ja varoitukset, ja lisää ne projektiin.",
        "sv": "Hämta officiella data: kommungränsen och Statistikcentralens befolkningsrutor eller "
              "Paavo-postnummerområden (barn 0–6 år), mötesplatser ur Suomi.fi-tjänstedatalagret och "
              "kandidatplatser ur OpenStreetMap (skolor, bibliotek, byagårdar, kyrkor). Hämta dem från nätet "
              "eller välj nedladdade filer, granska siffror och varningar och lägg till dem i projektet.",
        "en": "Bring in official data: the municipal boundary and Statistics Finland's population grid or Paavo "
              "postal-code areas (children 0–6), meeting places from the Suomi.fi service register and candidate "
              "sites from OpenStreetMap (schools, libraries, village halls, churches). Fetch them online or choose "
              "downloaded files, check the figures and warnings, and add them to the project."},
    "aineisto.now.header": {"fi": "Projektissa nyt: {name}", "sv": "I projektet nu: {name}",
                            "en": "In the project now: {name}"},
    "aineisto.col.layer": {"fi": "Taso", "sv": "Lager", "en": "Layer"},
    "aineisto.col.rows": {"fi": "Rivejä", "sv": "Rader", "en": "Rows"},
    "aineisto.col.population": {"fi": "Asukkaita", "sv": "Invånare", "en": "Residents"},
    "aineisto.col.children": {"fi": "Lapsia 0–6 v.", "sv": "Barn 0–6 år", "en": "Children 0–6"},
    "aineisto.col.estimated": {"fi": "Arvioituja alueita", "sv": "Uppskattade områden", "en": "Estimated areas"},
    "aineisto.layer.places": {"fi": "Kohtaamispaikat", "sv": "Mötesplatser", "en": "Meeting places"},
    "aineisto.layer.areas": {"fi": "Alueet (väestö)", "sv": "Områden (befolkning)", "en": "Areas (population)"},
    "aineisto.layer.boundary": {"fi": "Kuntaraja", "sv": "Kommungräns", "en": "Boundary"},
    "aineisto.layer.candidates": {"fi": "Ehdokaspaikat", "sv": "Kandidatplatser", "en": "Candidate sites"},
    "aineisto.kind.auto": {"fi": "tunnista automaattisesti", "sv": "känn igen automatiskt",
                           "en": "detect automatically"},
    "aineisto.kind.boundary": {"fi": "Kuntaraja (Tilastokeskus)", "sv": "Kommungräns (Statistikcentralen)",
                               "en": "Boundary (Statistics Finland)"},
    "aineisto.kind.grid": {"fi": "Väestöruudut 1 km (Tilastokeskus)", "sv": "Befolkningsrutor 1 km "
                           "(Statistikcentralen)", "en": "Population grid 1 km (Statistics Finland)"},
    "aineisto.kind.paavo": {"fi": "Postinumeroalueet (Paavo)", "sv": "Postnummerområden (Paavo)",
                            "en": "Postal-code areas (Paavo)"},
    "aineisto.kind.ptv": {"fi": "Kohtaamispaikat (Suomi.fi-palvelutietovaranto)",
                          "sv": "Mötesplatser (Suomi.fi-tjänstedatalagret)",
                          "en": "Meeting places (Suomi.fi service register)"},
    "aineisto.kind.osm": {"fi": "Ehdokaspaikat (OpenStreetMap .osm.pbf)", "sv": "Kandidatplatser (OpenStreetMap "
                          ".osm.pbf)", "en": "Candidate sites (OpenStreetMap .osm.pbf)"},
    "aineisto.family_only": {"fi": "Vain perhepalvelut palvelutietovarannosta",
                             "sv": "Endast familjetjänster ur tjänstedatalagret",
                             "en": "Only family services from the service register"},
    "aineisto.family_only_help": {
        "fi": "Kunnan palvelupaikoista otetaan ne, joiden nimessä on esim. ’perhe’, ’avoin päiväkoti’ tai ’MLL’.",
        "sv": "Av kommunens serviceställen tas de vars namn innehåller t.ex. ’familj’, ’öppen daghem’ eller "
              "’MLL’.",
        "en": "Of the municipality's service locations, those whose name has e.g. 'perhe' (family), "
              "'avoin päiväkoti' (open day care) or 'MLL'."},
    "aineisto.fetch.tab": {"fi": "Nouda verkosta", "sv": "Hämta från nätet", "en": "Fetch online"},
    "aineisto.fetch.intro": {
        "fi": "Noutaa Tilastokeskuksen rajapinnasta (geo.stat.fi) ja palvelutietovarannon avoimesta rajapinnasta. "
              "Haetut tiedostot säilytetään välimuistissa: toinen nouto ei tarvitse verkkoa.",
        "sv": "Hämtar från Statistikcentralens gränssnitt (geo.stat.fi) och tjänstedatalagrets öppna gränssnitt. "
              "Filerna sparas i en cache: en andra hämtning behöver inget nät.",
        "en": "Fetches from Statistics Finland's interface (geo.stat.fi) and the service register's open API. "
              "The files are cached: fetching again needs no network."},
    "aineisto.fetch.code": {"fi": "Kuntanumero", "sv": "Kommunnummer", "en": "Municipality code"},
    "aineisto.fetch.code_help": {"fi": "Esim. 927 Vihti, 233 Kauhava, 052 Evijärvi",
                                 "sv": "T.ex. 927 Vichtis, 233 Kauhava, 052 Evijärvi",
                                 "en": "E.g. 927 Vihti, 233 Kauhava, 052 Evijärvi"},
    "aineisto.fetch.what": {"fi": "Noudettavat", "sv": "Att hämta", "en": "What to fetch"},
    "aineisto.fetch.button": {"fi": "Nouda", "sv": "Hämta", "en": "Fetch"},
    "aineisto.fetch.note": {"fi": "Väestöruudut haetaan kuntarajan alueelta, joten kuntaraja noudetaan aina "
                                  "niiden mukana.",
                            "sv": "Befolkningsrutorna hämtas för kommungränsens område, så gränsen hämtas alltid "
                                  "med dem.",
                            "en": "The grid is fetched for the boundary's extent, so the boundary always comes "
                                  "with it."},
    "aineisto.fetch.nothing": {"fi": "Valitse ainakin yksi noudettava aineisto.",
                               "sv": "Välj minst en datamängd att hämta.", "en": "Choose at least one data set."},
    "aineisto.fetch.progress": {"fi": "Noudetaan: {what}", "sv": "Hämtar: {what}", "en": "Fetching: {what}"},
    "aineisto.fetch.failed": {"fi": "Nouto ei onnistunut", "sv": "Hämtningen misslyckades",
                              "en": "Fetching failed"},
    "aineisto.fetch.offline": {
        "fi": "Palvelimeen ei saatu yhteyttä. Tarkista verkkoyhteys, yritä myöhemmin uudelleen tai valitse aiemmin "
              "ladatut tiedostot.",
        "sv": "Ingen kontakt med servern. Kontrollera nätförbindelsen, försök igen senare eller välj filer som "
              "laddats ned tidigare.",
        "en": "The server could not be reached. Check the network connection, try again later or choose files "
              "downloaded earlier."},
    "aineisto.fetch.done": {"fi": "Noudettu {n} {n|tiedosto|tiedostoa} ({cached} välimuistista). Tarkista ne alla.",
                            "sv": "Hämtade {n} {n|fil|filer} ({cached} ur cachen). Granska dem nedan.",
                            "en": "Fetched {n} {n|file|files} ({cached} from the cache). Check them below."},
    "aineisto.files.tab": {"fi": "Valitse tiedostot", "sv": "Välj filer", "en": "Choose files"},
    "aineisto.files.intro": {
        "fi": "Tilastokeskuksen ruutu- ja Paavo-aineistot (GeoJSON, GeoPackage, CSV), palvelutietovarannon "
              "JSON ja OpenStreetMapin .osm.pbf-ote. Tiedoston laji tunnistetaan sarakkeista.",
        "sv": "Statistikcentralens rut- och Paavo-data (GeoJSON, GeoPackage, CSV), tjänstedatalagrets JSON och "
              "ett OpenStreetMap-utdrag (.osm.pbf). Filens typ känns igen på kolumnerna.",
        "en": "Statistics Finland's grid and Paavo data (GeoJSON, GeoPackage, CSV), the service register's JSON "
              "and an OpenStreetMap extract (.osm.pbf). The kind of file is recognised from its columns."},
    "aineisto.files.choose": {"fi": "Tiedostot", "sv": "Filer", "en": "Files"},
    "aineisto.files.kind": {"fi": "Aineiston laji", "sv": "Datatyp", "en": "Kind of data"},
    "aineisto.files.button": {"fi": "Lue tiedostot", "sv": "Läs filerna", "en": "Read the files"},
    "aineisto.files.unknown": {
        "fi": "{name}: lajia ei tunnistettu. Valitse laji, tai tuo tiedosto Kohtaamispaikat-sivulla.",
        "sv": "{name}: typen kändes inte igen. Välj typ, eller importera filen på sidan Mötesplatser.",
        "en": "{name}: the kind was not recognised. Choose the kind, or import the file on the Meeting places "
              "page."},
    "aineisto.files.failed": {"fi": "{name} ei kelpaa", "sv": "{name} duger inte", "en": "{name} cannot be used"},
    "aineisto.files.done": {"fi": "Luettu {n} {n|tiedosto|tiedostoa}. Tarkista ne alla.", "sv": "Läste {n} {n|fil|filer}. Granska "
                            "dem nedan.", "en": "Read {n} {n|file|files}. Check them below."},
    "aineisto.staged.header": {"fi": "Luettu, ei vielä projektissa", "sv": "Inläst, ännu inte i projektet",
                               "en": "Read, not yet in the project"},
    "aineisto.staged.areas": {"fi": "{n} aluetta, {population} asukasta, {children} lasta 0–6 v. "
                                    "({estimated} alueella arvio)",
                              "sv": "{n} områden, {population} invånare, {children} barn 0–6 år "
                                    "(uppskattning i {estimated} områden)",
                              "en": "{n} areas, {population} residents, {children} children 0–6 "
                                    "(estimated in {estimated} areas)"},
    "aineisto.staged.boundary": {"fi": "Kuntaraja: {names}", "sv": "Kommungräns: {names}",
                                 "en": "Boundary: {names}"},
    "aineisto.staged.places": {"fi": "{n} {n|kohtaamispaikka|kohtaamispaikkaa}", "sv": "{n} {n|mötesplats|mötesplatser}", "en": "{n} {n|meeting place|meeting places}"},
    "aineisto.staged.candidates": {"fi": "{n} {n|ehdokaspaikka|ehdokaspaikkaa}", "sv": "{n} {n|kandidatplats|kandidatplatser}",
                                   "en": "{n} {n|candidate site|candidate sites}"},
    "aineisto.staged.drop": {"fi": "Poista", "sv": "Ta bort", "en": "Remove"},
    "aineisto.staged.warnings": {"fi": "{n} {n|huomautus|huomautusta}", "sv": "{n} {n|anmärkning|anmärkningar}", "en": "{n} {n|note|notes}"},
    "aineisto.add.areas_from": {"fi": "Alueet projektiin", "sv": "Områden till projektet",
                                "en": "Areas for the project"},
    "aineisto.add.areas_help": {"fi": "Projektissa on yksi aluejako: ruudut tai postinumeroalueet.",
                                "sv": "Projektet har en områdesindelning: rutor eller postnummerområden.",
                                "en": "A project has one set of areas: grid cells or postal-code areas."},
    "aineisto.add.areas_replace": {"fi": "Uudet alueet korvaavat projektin nykyiset alueet.",
                                   "sv": "De nya områdena ersätter projektets nuvarande områden.",
                                   "en": "The new areas replace the project's current areas."},
    "aineisto.add.places_how": {"fi": "Kohtaamispaikat", "sv": "Mötesplatser", "en": "Meeting places"},
    "aineisto.add.candidates_how": {"fi": "Ehdokaspaikat", "sv": "Kandidatplatser", "en": "Candidate sites"},
    "aineisto.add.append": {"fi": "lisää nykyisiin", "sv": "lägg till de nuvarande", "en": "add to the current"},
    "aineisto.add.replace": {"fi": "korvaa nykyiset", "sv": "ersätt de nuvarande", "en": "replace the current"},
    "aineisto.add.button": {"fi": "Lisää projektiin", "sv": "Lägg till i projektet", "en": "Add to the project"},
    "aineisto.add.done": {"fi": "Aineisto lisätty projektiin. Muista tallentaa.",
                          "sv": "Data har lagts till i projektet. Kom ihåg att spara.",
                          "en": "The data is in the project. Remember to save."},
    "aineisto.save.header": {"fi": "Tallenna projekti", "sv": "Spara projektet", "en": "Save the project"},
    "aineisto.save.filename": {"fi": "Tiedoston nimi", "sv": "Filnamn", "en": "File name"},
    "aineisto.save.button": {"fi": "Tallenna", "sv": "Spara", "en": "Save"},
    "aineisto.network.header": {"fi": "Tieverkko", "sv": "Vägnät", "en": "Road network"},
    "aineisto.network.in_use": {"fi": "Matka-ajat lasketaan tieverkolla ({name}).",
                                "sv": "Restiderna beräknas längs vägnätet ({name}).",
                                "en": "Travel times use the road network ({name})."},
    "aineisto.network.stored": {"fi": "OpenStreetMap-ote {name} on tallessa.",
                                "sv": "OpenStreetMap-utdraget {name} har sparats.",
                                "en": "The OpenStreetMap extract {name} is stored."},
    "aineisto.network.hint": {"fi": "Matka-ajat lasketaan linnuntietä × kiertokerroin. OpenStreetMap-ote "
                                    "(.osm.pbf) valitaan Valitse tiedostot -välilehdellä.",
                              "sv": "Restiderna beräknas som fågelvägen × omvägsfaktor. Ett OpenStreetMap-utdrag "
                                    "(.osm.pbf) väljs under fliken Välj filer.",
                              "en": "Travel times are the straight line × a detour factor. An OpenStreetMap "
                                    "extract (.osm.pbf) is chosen on the Choose files tab."},
    "aineisto.sources_note": {
        "fi": "Lähteet: Tilastokeskus (väestöruudut, Paavo, kuntarajat; CC BY 4.0), Digi- ja väestötietovirasto "
              "(Suomi.fi-palvelutietovaranto), © OpenStreetMapin tekijät (ODbL). Alle 10 asukkaan ruutujen ja "
              "pienten postinumeroalueiden ikätiedot ovat suojattuja: niiden lapsimäärät ovat arvioita.",
        "sv": "Källor: Statistikcentralen (befolkningsrutor, Paavo, kommungränser; CC BY 4.0), Myndigheten för "
              "digitalisering och befolkningsdata (Suomi.fi-tjänstedatalagret), © OpenStreetMaps bidragsgivare "
              "(ODbL). Åldersuppgifterna för rutor med under 10 invånare och små postnummerområden är skyddade: "
              "deras barnantal är uppskattningar.",
        "en": "Sources: Statistics Finland (population grid, Paavo, boundaries; CC BY 4.0), Digital and Population "
              "Data Services Agency (Suomi.fi service register), © OpenStreetMap contributors (ODbL). The age "
              "groups of cells with fewer than 10 residents and of small postal-code areas are protected: their "
              "children are estimated."},
})

# --- Tilastot page: visitor statistics and outreach (app_pages/tilastot.py; helper "statistics") ----------
_section({
    "tilastot.header": {"fi": "Kävijätilastot ja jalkautuminen: {name}", "sv": "Besöksstatistik och uppsökande "
                        "arbete: {name}", "en": "Visitor statistics and outreach: {name}"},
    "tilastot.intro": {
        "fi": "Kohtaamispaikkojen kävijät kerroittain: aikuiset ja lapset, ensikertalaiset ja monikulttuuriset "
              "osallistujat, halutessa kotikylä. Luvut ovat käyntejä, eivät eri henkilöitä.",
        "sv": "Mötesplatsernas besökare per träff: vuxna och barn, förstagångsbesökare och mångkulturella "
              "deltagare, hemby om man vill. Siffrorna är besök, inte olika personer.",
        "en": "Visitors of the meeting places per session: adults and children, first-timers and multicultural "
              "participants, optionally the home village. The figures are visits, not different persons."},
    "tilastot.none": {
        "fi": "Kävijätilastoja ei ole vielä. Kirjaa kerta lomakkeella tai tuo CSV/XLSX-tiedosto.",
        "sv": "Ingen besöksstatistik ännu. Registrera en träff i formuläret eller importera en CSV/XLSX-fil.",
        "en": "No visitor statistics yet. Record a session with the form or import a CSV/XLSX file."},
    "tilastot.none_in_period": {"fi": "Valitulla ajanjaksolla ei ole kertoja.", "sv": "Inga träffar under den "
                                "valda perioden.", "en": "No sessions in the chosen period."},
    "tilastot.example.button": {"fi": "Lataa esimerkkitilastot (keksittyjä lukuja)",
                                "sv": "Ladda exempelstatistik (påhittade siffror)",
                                "en": "Load example statistics (made-up numbers)"},
    "tilastot.example.loaded": {
        "fi": "Esimerkkitilastot ladattu: {visits} riviä kävijöitä, {outreach} jalkautumista. Luvut ovat keksittyjä.",
        "sv": "Exempelstatistik laddad: {visits} rader besökare, {outreach} uppsökande besök. Siffrorna är påhittade.",
        "en": "Example statistics loaded: {visits} visit rows, {outreach} outreach visits. The numbers are made up."},
    "tilastot.period": {"fi": "Ajanjakso", "sv": "Period", "en": "Period"},
    "tilastot.metric.sessions": {"fi": "Kertoja", "sv": "Träffar", "en": "Sessions"},
    "tilastot.metric.visits": {"fi": "Käyntejä (aikuiset + lapset)", "sv": "Besök (vuxna + barn)",
                               "en": "Visits (adults + children)"},
    "tilastot.metric.children": {"fi": "Lasten käyntejä", "sv": "Barnens besök", "en": "Child visits"},
    "tilastot.metric.first_share": {"fi": "Ensikertalaisia", "sv": "Förstagångsbesökare", "en": "First-timers"},
    "tilastot.metric.multicultural_share": {"fi": "Monikulttuurisia", "sv": "Mångkulturella",
                                            "en": "Multicultural"},
    "tilastot.metric.per_session": {"fi": "Kävijöitä / kerta", "sv": "Besökare / träff",
                                    "en": "Visitors / session"},
    "tilastot.metric.share_help": {
        "fi": "Osuus kävijöistä niillä kerroilla, joilta luku on kirjattu.",
        "sv": "Andel av besökarna vid de träffar där siffran har registrerats.",
        "en": "Share of the visitors at the sessions where the figure was recorded."},
    "tilastot.chart.month": {"fi": "Käynnit kuukausittain paikoittain", "sv": "Besök per månad och plats",
                             "en": "Visits per month and place"},
    "tilastot.chart.first": {"fi": "Ensikertalaisten osuus paikoittain (%)",
                             "sv": "Andel förstagångsbesökare per plats (%)",
                             "en": "Share of first-timers per place (%)"},
    "tilastot.chart.children": {"fi": "Tavoitetut lapset paikoittain (lasten käynnit)",
                                "sv": "Nådda barn per plats (barnens besök)",
                                "en": "Children reached per place (child visits)"},
    "tilastot.table.header": {"fi": "Luvut paikoittain", "sv": "Siffror per plats", "en": "Figures per place"},
    "tilastot.col.place": {"fi": "Kohtaamispaikka", "sv": "Mötesplats", "en": "Meeting place"},
    "tilastot.col.month": {"fi": "Kuukausi", "sv": "Månad", "en": "Month"},
    "tilastot.col.sessions": {"fi": "Kertoja", "sv": "Träffar", "en": "Sessions"},
    "tilastot.col.adults": {"fi": "Aikuisia", "sv": "Vuxna", "en": "Adults"},
    "tilastot.col.children": {"fi": "Lapsia", "sv": "Barn", "en": "Children"},
    "tilastot.col.visitors": {"fi": "Käyntejä", "sv": "Besök", "en": "Visits"},
    "tilastot.col.first_timers": {"fi": "Ensikertalaisia", "sv": "Förstagångsbesökare", "en": "First-timers"},
    "tilastot.col.multicultural": {"fi": "Monikulttuurisia", "sv": "Mångkulturella", "en": "Multicultural"},
    "tilastot.col.first_share": {"fi": "Ensikertalaisia %", "sv": "Förstagångsbesökare %", "en": "First-timers %"},
    "tilastot.col.per_session": {"fi": "Kävijöitä / kerta", "sv": "Besökare / träff", "en": "Visitors / session"},
    "tilastot.col.last_date": {"fi": "Viimeisin kerta", "sv": "Senaste träff", "en": "Last session"},
    "tilastot.col.area": {"fi": "Alue", "sv": "Område", "en": "Area"},
    "tilastot.col.children_0_6": {"fi": "Lapsia 0–6 v. alueella", "sv": "Barn 0–6 år i området",
                                  "en": "Children 0–6 living there"},
    "tilastot.col.per100": {"fi": "Lasten käyntejä / 100 lasta", "sv": "Barnbesök / 100 barn",
                            "en": "Child visits / 100 children"},
    "tilastot.col.places": {"fi": "Paikat", "sv": "Platser", "en": "Places"},
    "tilastot.col.outreach_visits": {"fi": "Käyntejä", "sv": "Besök", "en": "Visits"},
    "tilastot.col.professions": {"fi": "Ammattilaiset", "sv": "Yrkesgrupper", "en": "Professionals"},
    "tilastot.col.organisations": {"fi": "Organisaatiot", "sv": "Organisationer", "en": "Organisations"},
    "tilastot.col.first": {"fi": "Ensimmäinen", "sv": "Första", "en": "First"},
    "tilastot.reach.header": {"fi": "Mistä kävijät tulevat", "sv": "Varifrån besökarna kommer",
                              "en": "Where the visitors come from"},
    "tilastot.reach.caption": {
        "fi": "Kotikylän kirjaaminen on vapaaehtoista. Lasten käyntejä sataa alueella asuvaa 0–6-vuotiasta kohden "
              "(käyntejä, ei eri lapsia).",
        "sv": "Hembyn registreras frivilligt. Barnens besök per hundra barn i åldern 0–6 som bor i området "
              "(besök, inte olika barn).",
        "en": "Recording the home village is optional. Child visits per hundred children aged 0–6 living in the "
              "area (visits, not different children)."},
    "tilastot.reach.none": {
        "fi": "Kotikyliä ei ole kirjattu. Kun kirjaat kotikylän (sarake home_area / kotikylä), näet täällä, "
              "miltä alueilta kävijät tulevat.",
        "sv": "Inga hembyar har registrerats. När du registrerar hembyn (kolumnen home_area / hemby) ser du här "
              "varifrån besökarna kommer.",
        "en": "No home villages are recorded. Record the home village (column home_area) to see here which areas "
              "the visitors come from."},
    "tilastot.reach.unmatched": {"fi": "Ei tunnistettu alueeksi: {names}", "sv": "Inte igenkända som område: "
                                 "{names}", "en": "Not recognised as an area: {names}"},
    "tilastot.outreach.header": {"fi": "Jalkautuminen: ammattilaiset kohtaamispaikoissa",
                                 "sv": "Uppsökande arbete: yrkespersoner på mötesplatserna",
                                 "en": "Outreach: professionals visiting the meeting places"},
    "tilastot.outreach.caption": {"fi": "Lukukausi {start}–{end}", "sv": "Termin {start}–{end}",
                                  "en": "Term {start}–{end}"},
    "tilastot.outreach.term": {"fi": "Lukukausi", "sv": "Termin", "en": "Term"},
    "tilastot.outreach.term.this": {"fi": "tämä lukukausi", "sv": "denna termin", "en": "this term"},
    "tilastot.outreach.term.next": {"fi": "seuraava lukukausi", "sv": "nästa termin", "en": "next term"},
    "tilastot.outreach.term.previous": {"fi": "edellinen lukukausi", "sv": "föregående termin",
                                        "en": "previous term"},
    "tilastot.outreach.none_planned": {"fi": "Tälle lukukaudelle ei ole kirjattu jalkautumisia.",
                                       "sv": "Inga uppsökande besök registrerade för terminen.",
                                       "en": "No outreach visits recorded for the term."},
    "tilastot.outreach.without": {"fi": "Ei ammattilaisten käyntejä: {names}",
                                  "sv": "Inga besök av yrkespersoner: {names}",
                                  "en": "No professional visits: {names}"},
    "tilastot.outreach.all_have": {"fi": "Jokaisessa kohtaamispaikassa käy ammattilainen tällä lukukaudella.",
                                   "sv": "Alla mötesplatser får besök av en yrkesperson denna termin.",
                                   "en": "Every meeting place gets a professional visit this term."},
    "tilastot.outreach.matrix": {"fi": "Käynnit ammattiryhmittäin", "sv": "Besök per yrkesgrupp",
                                 "en": "Visits by profession"},
    "tilastot.entry.header": {"fi": "Kirjaa kerta", "sv": "Registrera en träff", "en": "Record a session"},
    "tilastot.entry.caption": {
        "fi": "Kirjaa kävijät jokaisen kerran jälkeen. Jos kirjaat kotikylät, tee yksi rivi kylää kohden samalle "
              "päivälle: rivit lasketaan yhdeksi kerraksi.",
        "sv": "Registrera besökarna efter varje träff. Om du registrerar hembyar, gör en rad per by för samma dag: "
              "raderna räknas som en träff.",
        "en": "Record the visitors after each session. If you record home villages, add one row per village for "
              "the same day: the rows count as one session."},
    "tilastot.entry.place": {"fi": "Kohtaamispaikka", "sv": "Mötesplats", "en": "Meeting place"},
    "tilastot.entry.date": {"fi": "Päivä", "sv": "Dag", "en": "Date"},
    "tilastot.entry.adults": {"fi": "Aikuisia", "sv": "Vuxna", "en": "Adults"},
    "tilastot.entry.children": {"fi": "Lapsia", "sv": "Barn", "en": "Children"},
    "tilastot.entry.first_timers": {"fi": "Ensikertalaisia (aikuiset + lapset)",
                                    "sv": "Förstagångsbesökare (vuxna + barn)",
                                    "en": "First-timers (adults + children)"},
    "tilastot.entry.multicultural": {"fi": "Monikulttuurisia osallistujia", "sv": "Mångkulturella deltagare",
                                     "en": "Multicultural participants"},
    "tilastot.entry.home_area": {"fi": "Kotikylä (vapaaehtoinen)", "sv": "Hemby (frivilligt)",
                                 "en": "Home village (optional)"},
    "tilastot.entry.no_home": {"fi": "– ei kirjata –", "sv": "– registreras inte –", "en": "– not recorded –"},
    "tilastot.entry.submit": {"fi": "Kirjaa", "sv": "Registrera", "en": "Record"},
    "tilastot.entry.done": {"fi": "Kirjattu: {place} {date}, {visitors} kävijää. Muista tallentaa projekti.",
                            "sv": "Registrerat: {place} {date}, {visitors} besökare. Kom ihåg att spara projektet.",
                            "en": "Recorded: {place} {date}, {visitors} visitors. Remember to save the project."},
    "tilastot.entry.rejected": {"fi": "Ei kirjattu:", "sv": "Inte registrerat:", "en": "Not recorded:"},
    "tilastot.oentry.header": {"fi": "Lisää jalkautuminen", "sv": "Lägg till ett uppsökande besök",
                               "en": "Add an outreach visit"},
    "tilastot.oentry.time": {"fi": "Kellonaika", "sv": "Klockslag", "en": "Time"},
    "tilastot.oentry.minutes": {"fi": "Kesto (min)", "sv": "Längd (min)", "en": "Duration (min)"},
    "tilastot.oentry.profession": {"fi": "Ammattilainen (esim. neuvolan terveydenhoitaja)",
                                   "sv": "Yrkesperson (t.ex. hälsovårdare på rådgivningen)",
                                   "en": "Professional (e.g. child-health-clinic nurse)"},
    "tilastot.oentry.organisation": {"fi": "Organisaatio", "sv": "Organisation", "en": "Organisation"},
    "tilastot.oentry.notes": {"fi": "Lisätiedot", "sv": "Tilläggsuppgifter", "en": "Notes"},
    "tilastot.oentry.submit": {"fi": "Lisää", "sv": "Lägg till", "en": "Add"},
    "tilastot.oentry.done": {"fi": "Lisätty: {profession}, {place} {when}.", "sv": "Tillagt: {profession}, "
                             "{place} {when}.", "en": "Added: {profession}, {place} {when}."},
    "tilastot.import.header": {"fi": "Tuo tiedostosta", "sv": "Importera från fil", "en": "Import from a file"},
    "tilastot.import.file": {"fi": "CSV- tai XLSX-tiedosto", "sv": "CSV- eller XLSX-fil",
                             "en": "CSV or XLSX file"},
    "tilastot.import.what": {"fi": "Tiedostossa on", "sv": "Filen innehåller", "en": "The file holds"},
    "tilastot.import.visits": {"fi": "kävijätilastoja", "sv": "besöksstatistik", "en": "visitor statistics"},
    "tilastot.import.outreach": {"fi": "jalkautumisia", "sv": "uppsökande besök", "en": "outreach visits"},
    "tilastot.import.how": {"fi": "Tuonti", "sv": "Import", "en": "Import"},
    "tilastot.import.update": {"fi": "päivitä (saman paikan ja päivän rivit korvataan)",
                               "sv": "uppdatera (rader för samma plats och dag ersätts)",
                               "en": "update (rows of the same place and day are replaced)"},
    "tilastot.import.replace": {"fi": "korvaa kaikki", "sv": "ersätt allt", "en": "replace all"},
    "tilastot.import.button": {"fi": "Tuo", "sv": "Importera", "en": "Import"},
    "tilastot.import.done": {"fi": "Tuotu {n} {n|rivi|riviä}; {dropped} aiempaa {dropped|riviä|riviä} korvattiin.",
                             "sv": "Importerade {n} {n|rad|rader}; {dropped} tidigare {dropped|rad|rader} ersattes.",
                             "en": "Imported {n} {n|row|rows}; {dropped} earlier {dropped|row was|rows were} replaced."},
    "tilastot.import.failed": {"fi": "Tiedostoa ei voitu tuoda:", "sv": "Filen kunde inte importeras:",
                               "en": "The file could not be imported:"},
    "tilastot.import.warnings": {"fi": "Huomioita tiedostosta:", "sv": "Anmärkningar om filen:",
                                 "en": "Notes on the file:"},
    "tilastot.warnings": {"fi": "Huomioita tilastoista:", "sv": "Anmärkningar om statistiken:",
                          "en": "Notes on the statistics:"},
    "tilastot.save.header": {"fi": "Tallenna", "sv": "Spara", "en": "Save"},
})

# --- Vienti page ------------------------------------------------------------------------------------------
_section({
    "vienti.header": {"fi": "Vienti", "sv": "Export", "en": "Export"},
    "vienti.intro": {"fi": "Lataa kattavuustiedot tiedostoina. Kaikki tiedostot noudattavat sivupalkin asetuksia.",
                     "sv": "Ladda ner täckningen som filer. Alla filer följer inställningarna i sidopanelen.",
                     "en": "Download the coverage as files. Every file follows the settings in the sidebar."},
    "vienti.lang": {"fi": "Asiakirjojen kieli", "sv": "Dokumentens språk", "en": "Language of the documents"},
    "vienti.download": {"fi": "Lataa", "sv": "Ladda ner", "en": "Download"},
    "vienti.with_plan": {"fi": "Mukana suunnittelun ehdotukset: {n} {n|uusi paikka|uutta paikkaa}.",
                         "sv": "Planeringens förslag ingår: {n} {n|ny plats|nya platser}.",
                         "en": "Includes the planning proposals: {n} {n|new place|new places}."},
    "vienti.no_leaflet": {"fi": "HTML-kartta tarvitsee Leafletin: aja `make static/leaflet/leaflet.js`.",
                          "sv": "HTML-kartan behöver Leaflet: kör `make static/leaflet/leaflet.js`.",
                          "en": "The HTML map needs Leaflet: run `make static/leaflet/leaflet.js`."},
    "vienti.calendar_period": {"fi": "Perhekalenterin ajanjakso", "sv": "Familjekalenderns period",
                               "en": "Period of the family calendar"},
    "vienti.fmt.report": {"fi": "Raportti verkostotapaamiseen (PDF)", "sv": "Rapport till nätverksmötet (PDF)",
                          "en": "Report for the network meeting (PDF)"},
    "vienti.help.report": {
        "fi": "Tärkeimmät luvut, kartta, katvealueen kylät, päällekkäiset aukiolot ja viikko-ohjelma.",
        "sv": "Nyckeltal, karta, byar i blinda fläckar, överlappande öppettider och veckoprogram.",
        "en": "Key figures, the map, villages in blind spots, overlapping sessions and the weekly programme."},
    "vienti.fmt.pdf": {"fi": "Tulostettava kartta (PDF, A4 vaaka)", "sv": "Utskriftskarta (PDF, A4 liggande)",
                       "en": "Print map (PDF, A4 landscape)"},
    "vienti.help.pdf": {"fi": "Kartta selitteineen, mittakaavoineen ja pohjoisnuolineen.",
                        "sv": "Karta med teckenförklaring, skala och nordpil.",
                        "en": "The map with legend, scale bar and north arrow."},
    "vienti.fmt.png": {"fi": "Tulostettava kartta (PNG)", "sv": "Utskriftskarta (PNG)", "en": "Print map (PNG)"},
    "vienti.help.png": {"fi": "Sama kartta kuvana esityksiin.", "sv": "Samma karta som bild för presentationer.",
                        "en": "The same map as an image for slides."},
    "vienti.fmt.html": {"fi": "Interaktiivinen kartta (HTML)", "sv": "Interaktiv karta (HTML)",
                        "en": "Interactive map (HTML)"},
    "vienti.help.html": {"fi": "Yksi tiedosto, avautuu selaimessa myös ilman verkkoyhteyttä.",
                         "sv": "En fil som öppnas i webbläsaren, även utan nätverk.",
                         "en": "One file that opens in a browser, also without a network."},
    "vienti.fmt.gpkg": {"fi": "Paikkatietoaineisto (GeoPackage)", "sv": "Geodata (GeoPackage)",
                        "en": "GIS data (GeoPackage)"},
    "vienti.help.gpkg": {
        "fi": "QGIS-tasot: kohtaamispaikat, alueet kattavuuslukuineen, kuntaraja, saavutettavuus- ja katvealueet.",
        "sv": "Lager för QGIS: mötesplatser, områden med täckning, kommungräns, räckvidd och blinda fläckar.",
        "en": "Layers for QGIS: places, areas with coverage figures, boundary, reach areas and blind spots."},
    "vienti.fmt.xlsx": {"fi": "Taulukot (Excel)", "sv": "Tabeller (Excel)", "en": "Tables (Excel)"},
    "vienti.help.xlsx": {"fi": "Yhteenveto, alueet ja kohtaamispaikat omilla välilehdillään.",
                         "sv": "Sammanfattning, områden och mötesplatser på egna flikar.",
                         "en": "Summary, areas and meeting places on their own sheets."},
    "vienti.fmt.csv_areas": {"fi": "Alueet (CSV)", "sv": "Områden (CSV)", "en": "Areas (CSV)"},
    "vienti.help.csv_areas": {"fi": "Puolipiste-eroteltu, desimaalipilkku: avautuu suoraan Exceliin.",
                              "sv": "Semikolonavgränsad, decimalkomma: öppnas direkt i Excel.",
                              "en": "Semicolon-separated with decimal commas (English: commas and points)."},
    "vienti.fmt.csv_places": {"fi": "Kohtaamispaikat (CSV)", "sv": "Mötesplatser (CSV)",
                              "en": "Meeting places (CSV)"},
    "vienti.help.csv_places": {"fi": "Järjestäjä, aukioloajat, tunnit viikossa ja saavutettavat lapset.",
                               "sv": "Arrangör, öppettider, timmar per vecka och barn inom räckhåll.",
                               "en": "Organiser, opening hours, hours per week and children within reach."},
    "vienti.fmt.ics": {"fi": "Perhekalenteri (ICS)", "sv": "Familjekalender (ICS)", "en": "Family calendar (ICS)"},
    "vienti.help.ics": {"fi": "Kaikkien paikkojen kokoontumiset {start}–{end}; tuo kalenterisovellukseen.",
                        "sv": "Alla platsers träffar {start}–{end}; importera i en kalenderapp.",
                        "en": "Every place's sessions {start}–{end}; import into a calendar app."},
})

# --- map: visits, proposals (coverage/outputs/webmap.py) and the Suunnittelu page (app_pages/suunnittelu.py) ----------
_section({
    "map.place_visitors": {"fi": "Kävijöitä kirjattu: {visitors}", "sv": "Registrerade besökare: {visitors}",
                           "en": "Visitors recorded: {visitors}"},
    "map.legend_visits": {"fi": "koko = kirjatut kävijät (aikuiset + lapset)",
                          "sv": "storlek = registrerade besökare (vuxna + barn)",
                          "en": "size = visitors recorded (adults + children)"},
    "map.area_nearest_minutes": {"fi": "lähimpään paikkaan {minutes} min", "sv": "till närmaste plats {minutes} min",
                                 "en": "{minutes} min to the nearest place"},
    "map.area_newly_covered": {"fi": "ehdotus tuo saavutettavaksi", "sv": "förslaget för inom räckhåll",
                               "en": "brought within reach by the proposal"},
    "map.legend_newly_covered": {"fi": "alue, jonka ehdotus tuo saavutettavaksi",
                                 "sv": "område som förslaget för inom räckhåll",
                                 "en": "area the proposal brings within reach"},
    "map.legend_proposal": {"fi": "ehdotettu uusi paikka", "sv": "föreslagen ny plats", "en": "proposed new site"},
    "map.proposal": {"fi": "Ehdotus", "sv": "Förslag", "en": "Proposal"},
    "map.proposal_gained": {"fi": "lapsia 0–6 v uusina saavutettavissa: {children}",
                            "sv": "barn 0–6 år som kommer inom räckhåll: {children}",
                            "en": "children 0–6 newly within reach: {children}"},
    "map.proposal_nearest": {"fi": "lähin paikka {children} lapselle 0–6 v",
                             "sv": "närmaste plats för {children} barn 0–6 år",
                             "en": "the nearest place for {children} children 0–6"},
    "map.proposal_best_time": {"fi": "paras kokoontumisaika: {weekday} {daypart} (+{children} lasta silloin)",
                               "sv": "bästa tid för träffar: {weekday} {daypart} (+{children} barn då)",
                               "en": "best time for a session: {weekday} {daypart} (+{children} children then)"},
    "map.proposal_hours": {"fi": "Ehdotettu aukiolo", "sv": "Föreslagna öppettider", "en": "Suggested opening hours"},

    "suunnittelu.header": {"fi": "Uusien kohtaamispaikkojen suunnittelu: {name}",
                           "sv": "Planering av nya mötesplatser: {name}",
                           "en": "Planning new meeting places: {name}"},
    "suunnittelu.intro": {
        "fi": "Katve valitsee ehdokaspaikoista uudet kohtaamispaikat nykyisten rinnalle. Nykyiset paikat pysyvät "
              "ennallaan; raja, kulkutapa ja aika tulevat sivupalkista.",
        "sv": "Katve väljer nya mötesplatser bland kandidatplatserna vid sidan av de nuvarande. De nuvarande "
              "platserna ligger fast; gräns, färdsätt och tid kommer från sidopanelen.",
        "en": "Katve chooses new meeting places among the candidate sites, next to the current ones. The current "
              "places stay as they are; the limit, travel mode and time come from the sidebar."},
    "suunnittelu.planned_counted": {
        "fi": "Suunnitellut paikat lasketaan nykyiseen verkkoon (sivupalkin valinta).",
        "sv": "Planerade platser räknas till det nuvarande nätet (val i sidopanelen).",
        "en": "Planned places count as part of the current network (sidebar option)."},
    "suunnittelu.objective": {"fi": "Tavoite", "sv": "Mål", "en": "Objective"},
    "suunnittelu.objective.cover": {"fi": "eniten lapsia saavutettaviksi K uudella paikalla",
                                    "sv": "flest barn inom räckhåll med K nya platser",
                                    "en": "most children within reach with K new sites"},
    "suunnittelu.objective.set_cover": {"fi": "vähiten uusia paikkoja tavoiteosuuteen",
                                        "sv": "minst antal nya platser för målandelen",
                                        "en": "fewest new sites to reach a target share"},
    "suunnittelu.objective.median": {"fi": "lyhin keskimatka K uudella paikalla",
                                     "sv": "kortast medelresa med K nya platser",
                                     "en": "shortest average trip with K new sites"},
    "suunnittelu.objective_help": {
        "fi": "Kattavuus: uudet paikat tuovat rajan sisälle mahdollisimman monta lasta. Tavoiteosuus: pienin "
              "määrä paikkoja, jolla tavoiteltu osuus lapsista on rajan sisällä. Keskimatka: lasten keskimääräinen "
              "matka lähimpään paikkaan mahdollisimman lyhyeksi.",
        "sv": "Täckning: de nya platserna för så många barn som möjligt inom gränsen. Målandel: minsta antal "
              "platser som för målandelen av barnen inom gränsen. Medelresa: barnens genomsnittliga resa till "
              "närmaste plats så kort som möjligt.",
        "en": "Coverage: the new sites bring as many children as possible within the limit. Target share: the "
              "fewest sites that bring the target share of children within the limit. Average trip: the "
              "children's mean trip to the nearest place as short as possible."},
    "suunnittelu.k": {"fi": "Uusia paikkoja (K)", "sv": "Nya platser (K)", "en": "New sites (K)"},
    "suunnittelu.target": {"fi": "Tavoiteosuus lapsista (%)", "sv": "Målandel av barnen (%)",
                           "en": "Target share of children (%)"},
    "suunnittelu.target_help": {"fi": "Vain tavoitteelle ”vähiten uusia paikkoja”.",
                                "sv": "Endast för målet ”minst antal nya platser”.",
                                "en": "Only for the objective “fewest new sites”."},
    "suunnittelu.candidates": {"fi": "Ehdokaspaikat", "sv": "Kandidatplatser", "en": "Candidate sites"},
    "suunnittelu.candidates.layer": {"fi": "projektin ehdokkaat ({n})", "sv": "projektets kandidater ({n})",
                                     "en": "the project's candidates ({n})"},
    "suunnittelu.candidates.generated": {"fi": "ruudukko ja asuinalueiden pisteet",
                                         "sv": "rutnät och områdenas punkter", "en": "grid and area points"},
    "suunnittelu.candidates_generated_only": {
        "fi": "Projektissa ei ole ehdokastasoa: ehdokkaat ovat ruudukon pisteet ja asuinalueiden pisteet kunnan "
              "rajan sisällä.",
        "sv": "Projektet har inget kandidatlager: kandidaterna är rutnätets punkter och områdenas punkter inom "
              "kommungränsen.",
        "en": "The project has no candidates layer: the candidates are grid points and area points inside the "
              "municipal boundary."},
    "suunnittelu.spacing": {"fi": "Ruudukon väli", "sv": "Rutnätets avstånd", "en": "Grid spacing"},
    "suunnittelu.solver": {"fi": "Ratkaisijan asetukset", "sv": "Lösarens inställningar", "en": "Solver settings"},
    "suunnittelu.time_limit": {"fi": "Aikaraja (s)", "sv": "Tidsgräns (s)", "en": "Time limit (s)"},
    "suunnittelu.method": {"fi": "Menetelmä", "sv": "Metod", "en": "Method"},
    "suunnittelu.method.auto": {"fi": "automaattinen", "sv": "automatisk", "en": "automatic"},
    "suunnittelu.method.exact": {"fi": "tarkka (HiGHS)", "sv": "exakt (HiGHS)", "en": "exact (HiGHS)"},
    "suunnittelu.method.greedy": {"fi": "nopea (ahne)", "sv": "snabb (girig)", "en": "fast (greedy)"},
    "suunnittelu.run": {"fi": "Laske ehdotus", "sv": "Beräkna förslag", "en": "Compute a proposal"},
    "suunnittelu.start": {"fi": "Valitse tavoite ja laske ehdotus.", "sv": "Välj mål och beräkna ett förslag.",
                          "en": "Choose an objective and compute a proposal."},
    "suunnittelu.running": {"fi": "Lasketaan ehdotusta…", "sv": "Förslaget beräknas…",
                            "en": "Computing the proposal…"},
    "suunnittelu.unreachable": {
        "fi": "Tavoitetta {target} ei saavuteta näillä ehdokkailla: {n|ainoan ehdokkaan|kaikki {n} ehdokasta} avaamalla osuus olisi "
              "{best} (nyt {now}). Laske tavoitetta, väljennä rajaa tai lisää ehdokkaita.",
        "sv": "Målet {target} nås inte med dessa kandidater: {n|med den enda kandidaten öppen|med alla {n} kandidater öppna} vore andelen {best} "
              "(nu {now}). Sänk målet, vidga gränsen eller lägg till kandidater.",
        "en": "The target {target} cannot be reached with these candidates: opening {n|the only one|all {n} of them} would give "
              "{best} (now {now}). Lower the target, widen the limit or add candidates."},
    "suunnittelu.error": {"fi": "Suunnittelu ei onnistunut: {message}", "sv": "Planeringen misslyckades: {message}",
                          "en": "Planning failed: {message}"},
    "suunnittelu.optimal": {"fi": "Todistetusti paras ratkaisu – menetelmä: {method}.",
                            "sv": "Bevisat optimal lösning – metod: {method}.",
                            "en": "Proven optimal – method: {method}."},
    "suunnittelu.pp": {"fi": "{value} %-yks.", "sv": "{value} procentenheter", "en": "{value} pp"},
    "suunnittelu.not_optimal": {
        "fi": "Ei todistetusti paras: tulos on enintään {gap} parhaasta mahdollisesta – menetelmä: {method}, "
              "ratkaisijan tila: {status}.",
        "sv": "Inte bevisat optimal: resultatet ligger högst {gap} från det bästa möjliga – metod: {method}, "
              "lösarens status: {status}.",
        "en": "Not proven optimal: the result is at most {gap} from the best possible – method: {method}, "
              "solver status: {status}."},
    "suunnittelu.solve_time": {
        "fi": "Ratkaisija {solve} s, koko laskenta {total} s · {n} ehdokaspaikkaa · tavoitteen arvo {value} ({unit})",
        "sv": "Lösaren {solve} s, hela beräkningen {total} s · {n} kandidatplatser · målvärde {value} ({unit})",
        "en": "Solver {solve} s, whole computation {total} s · {n} candidate sites · objective value {value} ({unit})"},
    "suunnittelu.unit.cover": {"fi": "lasta lisää", "sv": "barn till", "en": "more children"},
    "suunnittelu.unit.set_cover": {"fi": "uutta paikkaa", "sv": "nya platser", "en": "new sites"},
    "suunnittelu.unit.median": {"fi": "min keskimäärin", "sv": "min i medeltal", "en": "min on average"},
    "suunnittelu.metric.children": {"fi": "Lapsia 0–6 v saavutettavissa", "sv": "Barn 0–6 år inom räckhåll",
                                    "en": "Children 0–6 within reach"},
    "suunnittelu.metric.share": {"fi": "Osuus lapsista", "sv": "Andel av barnen", "en": "Share of children"},
    "suunnittelu.metric.sites": {"fi": "Uusia paikkoja", "sv": "Nya platser", "en": "New sites"},
    "suunnittelu.metric.minutes": {"fi": "Keskimatka (min)", "sv": "Medelresa (min)", "en": "Mean trip (min)"},
    "suunnittelu.metric.minutes_help": {
        "fi": "Lasten määrällä painotettu keskimääräinen matka-aika lähimpään paikkaan",
        "sv": "Barnviktad genomsnittlig restid till närmaste plats",
        "en": "Children-weighted mean travel time to the nearest place"},
    "suunnittelu.proposals": {"fi": "Ehdotetut paikat", "sv": "Föreslagna platser", "en": "Proposed sites"},
    "suunnittelu.no_sites": {
        "fi": "Ehdotuksessa ei ole uusia paikkoja: tavoite täyttyy jo nykyisillä paikoilla, tai yksikään ehdokas "
              "ei toisi uusia lapsia rajan sisälle.",
        "sv": "Förslaget har inga nya platser: målet nås redan med de nuvarande platserna, eller ingen kandidat "
              "skulle föra nya barn inom gränsen.",
        "en": "The proposal has no new sites: the current places already meet the objective, or no candidate "
              "would bring new children within the limit."},
    "suunnittelu.fewer_sites": {
        "fi": "Vain {n} paikkaa {k}:stä tuo lisää lapsia rajan sisälle; muut eivät parantaisi tulosta.",
        "sv": "Bara {n} av {k} platser för fler barn inom gränsen; fler skulle inte förbättra resultatet.",
        "en": "Only {n} of {k} sites bring more children within the limit; more would not improve the result."},
    "suunnittelu.map_caption": {
        "fi": "Tähdet: ehdotetut paikat. Alueiden väri kertoo tilanteen ehdotuksen jälkeen; keltainen reunus = "
              "ehdotus tuo saavutettavaksi.",
        "sv": "Stjärnor: föreslagna platser. Områdenas färg visar läget efter förslaget; gul ring = förslaget "
              "för inom räckhåll.",
        "en": "Stars: proposed sites. Area colours show the situation after the proposal; yellow ring = brought "
              "within reach by the proposal."},
    "suunnittelu.col.label": {"fi": "Ehdotus", "sv": "Förslag", "en": "Proposal"},
    "suunnittelu.col.name": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "suunnittelu.col.gained": {"fi": "Lapsia lisää", "sv": "Barn till", "en": "Children gained"},
    "suunnittelu.col.nearest": {"fi": "Lähin paikka lapsille", "sv": "Närmaste plats för barn",
                                "en": "Nearest place for children"},
    "suunnittelu.col.best": {"fi": "Paras aika", "sv": "Bästa tid", "en": "Best time"},
    "suunnittelu.col.then": {"fi": "Lapsia lisää silloin", "sv": "Barn till då", "en": "Children gained then"},
    "suunnittelu.col.hours": {"fi": "Ehdotettu aukiolo", "sv": "Föreslagna öppettider",
                              "en": "Suggested opening hours"},
    "suunnittelu.col.candidate": {"fi": "Ehdokas", "sv": "Kandidat", "en": "Candidate"},
    "suunnittelu.before_after": {"fi": "Ennen ja jälkeen", "sv": "Före och efter", "en": "Before and after"},
    "suunnittelu.col.figure": {"fi": "Luku", "sv": "Tal", "en": "Figure"},
    "suunnittelu.col.before": {"fi": "Nyt", "sv": "Nu", "en": "Now"},
    "suunnittelu.col.after": {"fi": "Ehdotuksen jälkeen", "sv": "Efter förslaget", "en": "With the proposal"},
    "suunnittelu.col.after_planned": {"fi": "Suunnitellut mukana", "sv": "Med planerade", "en": "With planned"},
    "suunnittelu.col.change": {"fi": "Muutos", "sv": "Förändring", "en": "Change"},
    "suunnittelu.row.children": {"fi": "Lapsia 0–6 v saavutettavissa", "sv": "Barn 0–6 år inom räckhåll",
                                 "en": "Children 0–6 within reach"},
    "suunnittelu.row.share": {"fi": "Osuus lapsista", "sv": "Andel av barnen", "en": "Share of children"},
    "suunnittelu.row.population": {"fi": "Asukkaita saavutettavissa", "sv": "Invånare inom räckhåll",
                                   "en": "Residents within reach"},
    "suunnittelu.row.places": {"fi": "Paikkoja laskettu", "sv": "Platser som räknas", "en": "Places counted"},
    "suunnittelu.row.blind": {"fi": "Katvealueita", "sv": "Blinda fläckar", "en": "Blind-spot areas"},
    "suunnittelu.changed": {"fi": "Kylät, joiden lasten tilanne muuttuu", "sv": "Byar där barnens läge ändras",
                            "en": "Villages whose children change status"},
    "suunnittelu.changed_none": {"fi": "Yhdenkään alueen tilanne ei muutu.", "sv": "Inget områdes läge ändras.",
                                 "en": "No area changes status."},
    "suunnittelu.col.area": {"fi": "Alue", "sv": "Område", "en": "Area"},
    "suunnittelu.col.village": {"fi": "Kylä", "sv": "By", "en": "Village"},
    "suunnittelu.col.cells": {"fi": "Ruutuja tai alueita", "sv": "Rutor eller områden", "en": "Cells or areas"},
    "suunnittelu.col.children": {"fi": "Lapsia 0–6 v", "sv": "Barn 0–6 år", "en": "Children 0–6"},
    "suunnittelu.col.min_before": {"fi": "Min nyt", "sv": "Min nu", "en": "Min now"},
    "suunnittelu.col.min_after": {"fi": "Min jälkeen", "sv": "Min efter", "en": "Min after"},
    "suunnittelu.col.by": {"fi": "Ehdotuksen ansiosta", "sv": "Tack vare förslag", "en": "Thanks to proposal"},
    "suunnittelu.col.status": {"fi": "Muutos", "sv": "Förändring", "en": "Change"},
    "suunnittelu.became_covered": {"fi": "tulee saavutettavaksi", "sv": "kommer inom räckhåll",
                                   "en": "comes within reach"},
    "suunnittelu.became_blind": {"fi": "jää katveeseen", "sv": "hamnar i blind fläck", "en": "falls out of reach"},
    "suunnittelu.accept": {"fi": "Lisää ehdotus kohtaamispaikkoihin", "sv": "Lägg till förslaget bland mötesplatserna",
                           "en": "Add the proposal to the meeting places"},
    "suunnittelu.accept_pick": {"fi": "Lisättävät ehdotukset", "sv": "Förslag att lägga till",
                                "en": "Proposals to add"},
    "suunnittelu.accept_button": {"fi": "Lisää suunniteltuina paikkoina", "sv": "Lägg till som planerade platser",
                                  "en": "Add as planned places"},
    "suunnittelu.accept_help": {
        "fi": "Paikat lisätään tilassa ”suunniteltu” ehdotetuin aukioloin. Ne eivät muuta nykytilan lukuja; "
              "tallenna projekti Kohtaamispaikat-sivulla.",
        "sv": "Platserna läggs till med status ”planerad” och de föreslagna öppettiderna. De ändrar inte dagens "
              "siffror; spara projektet på sidan Mötesplatser.",
        "en": "The places are added with status “planned” and the suggested opening hours. They do not change "
              "today's figures; save the project on the Meeting places page."},
    "suunnittelu.accepted": {
        "fi": "Lisätty {n} {n|suunniteltu paikka|suunniteltua paikkaa}: {names}. Muutokset ovat tallentamatta.",
        "sv": "{n} {n|planerad plats tillagd|planerade platser tillagda}: {names}. Ändringarna är osparade.",
        "en": "Added {n} {n|planned place|planned places}: {names}. The changes are not saved yet."},
    "suunnittelu.scenario": {"fi": "Oma skenaario: suunnitellut paikat", "sv": "Eget scenario: planerade platser",
                             "en": "Your own scenario: planned places"},
    "suunnittelu.scenario_intro": {
        "fi": "Nykyiset toiminnassa olevat paikat verrattuna tilanteeseen, jossa myös suunnitellut paikat ovat "
              "mukana: {names}.",
        "sv": "De nuvarande platserna i gång jämfört med läget där även de planerade platserna räknas: {names}.",
        "en": "The current places in operation compared with the planned places counted too: {names}."},
    "suunnittelu.scenario_none": {
        "fi": "Projektissa ei ole suunniteltuja paikkoja. Merkitse paikka suunnitelluksi Kohtaamispaikat-sivulla "
              "tai lisää ehdotus yllä, niin näet tässä sen vaikutuksen.",
        "sv": "Projektet har inga planerade platser. Markera en plats som planerad på sidan Mötesplatser eller "
              "lägg till förslaget ovan, så ser du dess effekt här.",
        "en": "The project has no planned places. Mark a place as planned on the Meeting places page or add the "
              "proposal above to see its effect here."},
    "suunnittelu.scenario_map_hint": {
        "fi": "Kartta-sivulla suunnitellut paikat lasketaan mukaan sivupalkin valinnalla ”Laske mukaan "
              "suunnitellut paikat”.",
        "sv": "På sidan Karta räknas de planerade platserna med valet ”Räkna med planerade platser” i "
              "sidopanelen.",
        "en": "On the Map page, the sidebar option “Count planned places” counts the planned places."},
})

# Aineisto: the road network (OpenStreetMap .osm.pbf) for travel times
_section({
    "aineisto.network.choose": {"fi": "OpenStreetMap-ote", "sv": "OpenStreetMap-utdrag", "en": "OpenStreetMap extract"},
    "aineisto.network.use": {"fi": "Käytä tätä tieverkkoa", "sv": "Använd det här vägnätet",
                             "en": "Use this road network"},
    "aineisto.network.straight": {"fi": "Palaa linnuntiehen", "sv": "Tillbaka till fågelvägen",
                                  "en": "Back to straight lines"},
    "aineisto.network.step_read": {"fi": "Luetaan tieverkkoa otteesta {name}…", "sv": "Vägnätet läses ur {name}…",
                                   "en": "Reading the road network from {name}…"},
    "aineisto.network.step_snap": {"fi": "Liitetään alueet ja paikat tieverkkoon…",
                                   "sv": "Områdena och platserna kopplas till vägnätet…",
                                   "en": "Snapping the areas and places to the roads…"},
    "aineisto.network.built": {
        "fi": "Tieverkko {name} on käytössä: rakennettu {seconds} sekunnissa{cached}. Muutokset ovat tallentamatta.",
        "sv": "Vägnätet {name} används: byggt på {seconds} sekunder{cached}. Ändringarna är osparade.",
        "en": "The road network {name} is in use: built in {seconds} seconds{cached}. The changes are not saved yet."},
    "aineisto.network.from_cache": {"fi": " (välimuistista)", "sv": " (från cacheminnet)", "en": " (from the cache)"},
    "aineisto.network.failed": {"fi": "Tieverkkoa ei voitu käyttää", "sv": "Vägnätet kunde inte användas",
                                "en": "The road network could not be used"},
    "aineisto.network.off": {
        "fi": "Matka-ajat lasketaan taas linnuntietä × kiertokerroin. Muutokset ovat tallentamatta.",
        "sv": "Restiderna beräknas åter som fågelvägen × omvägsfaktor. Ändringarna är osparade.",
        "en": "Travel times are the straight line × a detour factor again. The changes are not saved yet."},
    "aineisto.network.graph": {"fi": "{mode}: {nodes} risteystä, {edges} tieosuutta.",
                               "sv": "{mode}: {nodes} korsningar, {edges} vägavsnitt.",
                               "en": "{mode}: {nodes} junctions, {edges} road stretches."},
    "aineisto.network.snapped": {
        "fi": "Liitetty lähimpään tiehen: {areas} aluetta ja {places} kohtaamispaikkaa. Pisin matka tielle "
              "{distance} ({name}).",
        "sv": "Kopplade till närmaste väg: {areas} områden och {places} mötesplatser. Längsta avståndet till "
              "vägen {distance} ({name}).",
        "en": "Snapped to the nearest road: {areas} areas and {places} meeting places. Longest distance to a "
              "road {distance} ({name})."},
    "aineisto.network.far": {
        "fi": "Yli {limit} päässä tiestä, jota pitkin pääsee {mode} ({n} kpl); niiden matka-aikaan lasketaan "
              "suora matka tielle:",
        "sv": "Mer än {limit} från en väg som går att färdas {mode} ({n} st.); deras restid räknar med en rak "
              "sträcka till vägen:",
        "en": "More than {limit} from a road for travel {mode} ({n}); their travel times include a straight leg "
              "to the road:"},
    "aineisto.network.area": {"fi": "alue", "sv": "område", "en": "area"},
    "aineisto.network.place": {"fi": "kohtaamispaikka", "sv": "mötesplats", "en": "meeting place"},
    "aineisto.network.missing": {
        "fi": "Tieverkkotiedostoa {name} ei löydy enää; valitse ote uudelleen tai palaa linnuntiehen.",
        "sv": "Vägnätsfilen {name} finns inte längre; välj utdraget på nytt eller gå tillbaka till fågelvägen.",
        "en": "The road network file {name} is gone; choose the extract again or go back to straight lines."},
    "aineisto.network.cache": {
        "fi": "Otteet ja niistä rakennettu tieverkko säilyvät projektikansiossa ({folder}); sama ote avautuu "
              "seuraavalla kerralla välimuistista.",
        "sv": "Utdragen och vägnätet som byggs av dem sparas i projektmappen ({folder}); samma utdrag öppnas "
              "nästa gång från cacheminnet.",
        "en": "The extracts and the road networks built from them stay in the projects folder ({folder}); the "
              "same extract opens from the cache next time."},
})


def check_language(lang: str | None) -> str:
    """Return ``lang`` (default ``"fi"``) or raise :class:`ExportError` naming the choices."""
    lang = (lang or "fi").lower()
    if lang not in LANGUAGES:
        raise ExportError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


# --- the command line: python -m coverage analyze / plan / stats (their text reports) -----------------
_section({
    "cli.analyze.mode.walk": {"fi": "kävellen", "sv": "till fots", "en": "walking"},
    "cli.analyze.mode.bike": {"fi": "pyörällä", "sv": "med cykel", "en": "by bike"},
    "cli.analyze.mode.car": {"fi": "autolla", "sv": "med bil", "en": "by car"},
    "cli.analyze.any_time": {"fi": "aukioloajoista riippumatta", "sv": "oberoende av öppettider", "en": "at any time"},
    "cli.analyze.at": {"fi": "avoinna {at}", "sv": "öppet {at}", "en": "open {at}"},
    "cli.analyze.places": {"fi": "Kohtaamispaikkoja mukana: {counted} / {total}", "sv": "Mötesplatser med: {counted} / {total}", "en": "Meeting places counted: {counted} / {total}"},
    "cli.analyze.children": {"fi": "Lapset 0–6 v kynnyksen sisällä: {covered} / {total} ({share})", "sv": "Barn 0–6 år inom gränsen: {covered} / {total} ({share})", "en": "Children 0-6 within the threshold: {covered} / {total} ({share})"},
    "cli.analyze.population": {"fi": "Väestö kynnyksen sisällä: {covered} / {total} ({share})", "sv": "Befolkning inom gränsen: {covered} / {total} ({share})", "en": "Population within the threshold: {covered} / {total} ({share})"},
    "cli.analyze.areas": {"fi": "Alueet:", "sv": "Områden:", "en": "Areas:"},
    "cli.analyze.cols.0": {"fi": "alue", "sv": "område", "en": "area"},
    "cli.analyze.cols.1": {"fi": "lapset", "sv": "barn", "en": "children"},
    "cli.analyze.cols.2": {"fi": "lähin paikka", "sv": "närmaste plats", "en": "nearest place"},
    "cli.analyze.cols.3": {"fi": "km", "sv": "km", "en": "km"},
    "cli.analyze.cols.4": {"fi": "min", "sv": "min", "en": "min"},
    "cli.analyze.cols.5": {"fi": "katettu", "sv": "täckt", "en": "covered"},
    "cli.analyze.yes": {"fi": "kyllä", "sv": "ja", "en": "yes"},
    "cli.analyze.no": {"fi": "ei", "sv": "nej", "en": "no"},
    "cli.analyze.model.straight_line": {"fi": "linnuntie × {circuity} nopeudella {speed} km/h", "sv": "fågelvägen × {circuity} med {speed} km/h", "en": "straight line × {circuity} at {speed} km/h"},
})
_section({
    "cli.plan.title.cover": {"fi": "Uudet paikat, jotka tavoittavat eniten lapsia ({k})", "sv": "Nya platser som når flest barn ({k})", "en": "New sites reaching the most children ({k})"},
    "cli.plan.title.median": {"fi": "Uudet paikat, jotka lyhentävät matkoja eniten ({k})", "sv": "Nya platser som förkortar resorna mest ({k})", "en": "New sites shortening trips the most ({k})"},
    "cli.plan.title.set_cover": {"fi": "Vähiten uusia paikkoja tavoitteeseen {target}", "sv": "Minst antal nya platser för målet {target}", "en": "Fewest new sites for the target {target}"},
    "cli.plan.none": {"fi": "  Uusia paikkoja ei tarvita tai mikään ehdokas ei lisää kattavuutta.", "sv": "  Inga nya platser behövs eller ingen kandidat ökar täckningen.", "en": "  No new site is needed, or no candidate adds coverage."},
    "cli.plan.cols.0": {"fi": "kartalla", "sv": "på kartan", "en": "on map"},
    "cli.plan.cols.1": {"fi": "paikka", "sv": "plats", "en": "site"},
    "cli.plan.cols.2": {"fi": "lisää lapsia", "sv": "fler barn", "en": "children gained"},
    "cli.plan.cols.3": {"fi": "paras aika", "sv": "bästa tid", "en": "best time"},
    "cli.plan.cols.4": {"fi": "lapsia silloin", "sv": "barn då", "en": "children then"},
    "cli.plan.before": {"fi": "Lapset 0–6 v kynnyksen sisällä nyt: {covered} / {total} ({share})", "sv": "Barn 0–6 år inom gränsen nu: {covered} / {total} ({share})", "en": "Children 0-6 within the threshold now: {covered} / {total} ({share})"},
    "cli.plan.after": {"fi": "Ehdotuksen jälkeen: {covered} / {total} ({share})", "sv": "Efter förslaget: {covered} / {total} ({share})", "en": "With the proposal: {covered} / {total} ({share})"},
    "cli.plan.optimal": {"fi": "Ratkaisu on todistetusti optimaalinen ({method}, {seconds} s).", "sv": "Lösningen är bevisat optimal ({method}, {seconds} s).", "en": "The solution is proven optimal ({method}, {seconds} s)."},
    "cli.plan.gap": {"fi": "Ratkaisu voi olla enintään {gap} optimista ({method}, {seconds} s).", "sv": "Lösningen kan ligga högst {gap} från optimum ({method}, {seconds} s).", "en": "The solution is at most {gap} from the optimum ({method}, {seconds} s)."},
    "cli.plan.changed": {"fi": "Kylät, joiden lapsia tulee saavutettaviksi:", "sv": "Byar vars barn kommer inom räckhåll:", "en": "Villages whose children come within reach:"},
    "cli.plan.dayparts.morning": {"fi": "aamupäivä", "sv": "förmiddag", "en": "morning"},
    "cli.plan.dayparts.afternoon": {"fi": "iltapäivä", "sv": "eftermiddag", "en": "afternoon"},
    "cli.plan.dayparts.evening": {"fi": "ilta", "sv": "kväll", "en": "evening"},
})
_section({
    "cli.stats.no_visits": {"fi": "Ei kirjattuja käyntejä{period}{title}: kirjaa ne sovelluksessa (Tilastot) tai anna --visits TIEDOSTO.", "sv": "Inga registrerade besök{period}{title}: registrera dem i appen (Tilastot) eller ange --visits FIL.", "en": "No visits recorded{period}{title}: enter them in the app (Tilastot) or give --visits FILE."},
    "cli.stats.in_period": {"fi": " ajalla {start} – {end}", "sv": " under {start} – {end}", "en": " in {start} – {end}"},
    "cli.stats.visits": {"fi": "Käynnit {start} – {end}{title}: {sessions} kertaa {places} paikassa, {visitors} käyntiä (aikuiset {adults}, lapset {children})", "sv": "Besök {start} – {end}{title}: {sessions} träffar på {places} platser, {visitors} besök (vuxna {adults}, barn {children})", "en": "Visits {start} – {end}{title}: {sessions} sessions at {places} places, {visitors} visits ({adults} adults, {children} children)"},
    "cli.stats.shares": {"fi": "  ensikertalaiset: {first_timers} ({first_share} kävijöistä, joilta tieto on kirjattu); monikulttuuriset: {multicultural} ({multicultural_share})", "sv": "  förstagångsbesökare: {first_timers} ({first_share} av besökarna där uppgiften har registrerats); mångkulturella: {multicultural} ({multicultural_share})", "en": "  first-timers: {first_timers} ({first_share} of the visitors where recorded); multicultural: {multicultural} ({multicultural_share})"},
    "cli.stats.per_session": {"fi": "  kerralla keskimäärin {visitors} kävijää, joista lapsia {children}", "sv": "  per träff i genomsnitt {visitors} besökare, varav {children} barn", "en": "  per session: {visitors} visitors, {children} children"},
    "cli.stats.per_place": {"fi": "Paikoittain", "sv": "Per plats", "en": "Per place"},
    "cli.stats.place_cols.0": {"fi": "id", "sv": "id", "en": "id"},
    "cli.stats.place_cols.1": {"fi": "paikka", "sv": "plats", "en": "place"},
    "cli.stats.place_cols.2": {"fi": "kertoja", "sv": "träffar", "en": "sessions"},
    "cli.stats.place_cols.3": {"fi": "aikuisia", "sv": "vuxna", "en": "adults"},
    "cli.stats.place_cols.4": {"fi": "lapsia", "sv": "barn", "en": "children"},
    "cli.stats.place_cols.5": {"fi": "käyntejä", "sv": "besök", "en": "visits"},
    "cli.stats.place_cols.6": {"fi": "ensikertalaisia", "sv": "förstagångsbesökare", "en": "first-timers"},
    "cli.stats.place_cols.7": {"fi": "kävijöitä / kerta", "sv": "besökare / träff", "en": "per session"},
    "cli.stats.per_month": {"fi": "Käynnit kuukausittain (aikuiset + lapset)", "sv": "Besök per månad (vuxna + barn)", "en": "Visits per month (adults + children)"},
    "cli.stats.reach": {"fi": "Tavoittavuus kotialueittain (lasten käyntejä sataa alueella asuvaa 0–6-vuotiasta kohden)", "sv": "Räckvidd per hemområde (barnens besök per 100 barn i åldern 0–6 som bor där)", "en": "Reach by home area (child visits per 100 children aged 0-6 living there)"},
    "cli.stats.reach_cols.0": {"fi": "alue", "sv": "område", "en": "area"},
    "cli.stats.reach_cols.1": {"fi": "käyntejä", "sv": "besök", "en": "visits"},
    "cli.stats.reach_cols.2": {"fi": "lapsia", "sv": "barn", "en": "children"},
    "cli.stats.reach_cols.3": {"fi": "/ 100 lasta", "sv": "per 100", "en": "per 100"},
    "cli.stats.reach_cols.4": {"fi": "paikat", "sv": "platser", "en": "places"},
    "cli.stats.unmatched": {"fi": "  ei tunnistettu alueeksi: {names}", "sv": "  inte igenkända som område: {names}", "en": "  not matched to an area: {names}"},
    "cli.stats.outreach": {"fi": "Jalkautuminen {start} – {end}", "sv": "Uppsökande verksamhet {start} – {end}", "en": "Outreach {start} – {end}"},
    "cli.stats.no_outreach_planned": {"fi": "  ei suunniteltuja jalkautumisia", "sv": "  inga planerade uppsökande besök", "en": "  no outreach visits planned"},
    "cli.stats.without_outreach": {"fi": "  ei jalkautumisia: {names}", "sv": "  inga uppsökande besök: {names}", "en": "  no outreach: {names}"},
})

# --- roads (issue 18): the travel model's description, straight line vs roads, fetching the road network ----
_section({
    "roads.model.network": {"fi": "tieverkko: {name} (OpenStreetMap), {mode} {how}", "sv": "vägnät: {name} (OpenStreetMap), {mode} {how}", "en": "road network: {name} (OpenStreetMap), {mode} {how}"},
    "roads.model.car_speeds": {"fi": "tien nopeusrajoitusten mukaan", "sv": "enligt vägarnas hastighetsgränser", "en": "at the roads' speed limits"},
    "roads.model.speed": {"fi": "{speed} km/h", "sv": "{speed} km/h", "en": "{speed} km/h"},
    "roads.model.straight": {"fi": "linnuntie × {circuity} nopeudella {speed} km/h (ei tieverkkoa)", "sv": "fågelvägen × {circuity} med {speed} km/h (inget vägnät)", "en": "straight line × {circuity} at {speed} km/h (no road network)"},
    "roads.change.header": {"fi": "Tieverkko verrattuna linnuntiehen", "sv": "Vägnätet jämfört med fågelvägen", "en": "Road network compared with the straight line"},
    "roads.change.more_blind": {"fi": "Tieverkolla katveeseen jää lisäksi {n} lasta: {names}", "sv": "Med vägnätet hamnar ytterligare {n} barn i skuggområden: {names}", "en": "On the road network {n} more children are left in blind spots: {names}"},
    "roads.change.fewer_blind": {"fi": "Tieverkolla tavoitetaan lisäksi {n} lasta: {names}", "sv": "Med vägnätet nås ytterligare {n} barn: {names}", "en": "On the road network {n} more children are reached: {names}"},
    "roads.change.none": {"fi": "Tieverkko ei muuta yhdenkään lapsen tilannetta linnuntiehen verrattuna.", "sv": "Vägnätet ändrar inte läget för något barn jämfört med fågelvägen.", "en": "The road network changes no child's status compared with the straight line."},
    "roads.change.more": {"fi": "ja {n} muuta", "sv": "och {n} andra", "en": "and {n} more"},
    "roads.fetch.button": {"fi": "Nouda tieverkko", "sv": "Hämta vägnätet", "en": "Fetch the road network"},
    "roads.fetch.help": {"fi": "Noutaa kunnan tiet, kävely- ja pyörätiet, polut ja lautat OpenStreetMapista (Overpass API) rajan ja {margin} km:n reunuksen alueelta ja ottaa ne käyttöön matka-aikoihin.", "sv": "Hämtar kommunens vägar, gång- och cykelvägar, stigar och färjor från OpenStreetMap (Overpass API) inom gränsen och {margin} km utanför och använder dem för restiderna.", "en": "Fetches the municipality's roads, footways, cycleways, paths and ferries from OpenStreetMap (Overpass API) inside the boundary plus {margin} km and uses them for the travel times."},
    "roads.fetch.no_boundary": {"fi": "Nouda tai tuo ensin kunnan raja: tieverkko haetaan sen alueelta.", "sv": "Hämta eller importera först kommungränsen: vägnätet hämtas inom den.", "en": "Fetch or import the municipality boundary first: the roads are fetched for its area."},
    "roads.fetch.step": {"fi": "Noudetaan tieverkkoa OpenStreetMapista…", "sv": "Vägnätet hämtas från OpenStreetMap…", "en": "Fetching the road network from OpenStreetMap…"},
    "roads.fetch.done": {"fi": "Tieverkko noudettu: {name}, {ways} tietä{cached}. Matka-ajat lasketaan nyt tieverkolla; tallenna projekti, niin se muistaa tieverkon.", "sv": "Vägnätet hämtat: {name}, {ways} vägar{cached}. Restiderna beräknas nu längs vägnätet; spara projektet så att det minns vägnätet.", "en": "Road network fetched: {name}, {ways} ways{cached}. Travel times now follow the roads; save the project so that it remembers the network."},
    "roads.fetch.failed": {"fi": "Tieverkkoa ei voitu noutaa; matka-ajat lasketaan edelleen linnuntietä", "sv": "Vägnätet kunde inte hämtas; restiderna beräknas fortfarande längs fågelvägen", "en": "The road network could not be fetched; travel times still use the straight line"},
    "roads.network.moved": {"fi": "Tieverkko {name} löytyi uudesta paikasta (sama tiedosto).", "sv": "Vägnätet {name} hittades på ett nytt ställe (samma fil).", "en": "The road network {name} was found in a new place (the same file)."},
    "roads.network.changed": {"fi": "Tieverkkotiedosto {name} on muuttunut valinnan jälkeen; tulokset lasketaan nykyisestä tiedostosta.", "sv": "Vägnätsfilen {name} har ändrats sedan den valdes; resultaten beräknas från den nuvarande filen.", "en": "The road network file {name} has changed since it was chosen; results use the file as it is now."},
})

# --- fetch: municipality by name, layers from the WFS capabilities, children 0-6 from StatFin 11re ----------
# (coverage/io/official/{municipalities,discovery,ages,fetch}.py, coverage/cli/fetch.py, app_pages/aineisto.py)
_section({
    "fetch.muni.empty": {"fi": "Anna kunnan nimi tai kuntanumero, esim. Vihti tai 927.",
                         "sv": "Ange kommunens namn eller kommunnummer, t.ex. Vichtis eller 927.",
                         "en": "Give the municipality's name or code, e.g. Vihti or 927."},
    "fetch.muni.unknown_code": {"fi": "Kuntanumeroa {code} ei ole Tilastokeskuksen kuntaluokituksessa; anna kolminumeroinen kuntanumero, esim. 927 (Vihti).",
                                "sv": "Kommunnumret {code} finns inte i Statistikcentralens kommunklassificering; ange ett tresiffrigt kommunnummer, t.ex. 927 (Vichtis).",
                                "en": "There is no municipality code {code} in Statistics Finland's classification; give a three-digit code such as 927 (Vihti)."},
    "fetch.muni.ambiguous": {"fi": "”{name}” sopii usealle kunnalle: {matches}. Anna koko nimi tai kuntanumero.",
                             "sv": "”{name}” passar flera kommuner: {matches}. Ange hela namnet eller kommunnumret.",
                             "en": "“{name}” fits several municipalities: {matches}. Give the full name or the code."},
    "fetch.muni.unknown_close": {"fi": "Kuntaa ”{name}” ei löydy. Tarkoititko: {matches}?",
                                 "sv": "Kommunen ”{name}” hittas inte. Menade du: {matches}?",
                                 "en": "No municipality “{name}”. Did you mean: {matches}?"},
    "fetch.muni.unknown": {"fi": "Kuntaa ”{name}” ei löydy Tilastokeskuksen kuntaluokituksesta (2026); anna nimi suomeksi tai ruotsiksi tai kuntanumero.",
                           "sv": "Kommunen ”{name}” finns inte i Statistikcentralens kommunklassificering (2026); ange namnet på finska eller svenska eller kommunnumret.",
                           "en": "No municipality “{name}” in Statistics Finland's classification (2026); give the name in Finnish or Swedish, or the code."},
    "fetch.layer.newest": {"fi": "uusin", "sv": "senaste", "en": "newest"},
    "fetch.layer.absent": {"fi": "palvelun tasoluettelossa ei ollut vuosittaista tasoa",
                           "sv": "tjänstens lagerförteckning hade inget årligt lager",
                           "en": "the service's layer list had no yearly layer"},
    "fetch.layer.fallback": {"fi": "Käytetään tunnettua tasoa {layer} (vuosi {year}), koska uusinta ei saatu selville: {reason}",
                             "sv": "Det kända lagret {layer} (år {year}) används, eftersom det senaste inte kunde tas reda på: {reason}",
                             "en": "Using the known layer {layer} (year {year}): the newest could not be found out ({reason})"},
    "fetch.layer.used": {"fi": "{what}: {layer}, vuosi {year} ({how})", "sv": "{what}: {layer}, år {year} ({how})",
                         "en": "{what}: {layer}, year {year} ({how})"},
    "fetch.layer.discovered": {"fi": "uusin palvelun tarjoama", "sv": "det senaste tjänsten erbjuder",
                               "en": "the newest the service offers"},
    "fetch.layer.known": {"fi": "tunnettu varataso", "sv": "känt reservlager", "en": "the known fallback"},
    "fetch.layer.scale": {"fi": "mittakaava {scale}", "sv": "skala {scale}", "en": "scale {scale}"},
    "fetch.ages.unavailable": {"fi": "Kunnan ikärakennetta ei saatu Tilastokeskuksen StatFin-taulukosta 11re ({reason}); lapset 0–6 v. arvioidaan viimeisenä keinona 7/15:nä 0–14-vuotiaista.",
                               "sv": "Kommunens åldersstruktur kunde inte hämtas ur Statistikcentralens StatFin-tabell 11re ({reason}); barn 0–6 år uppskattas i sista hand som 7/15 av 0–14-åringarna.",
                               "en": "The municipality's age structure could not be had from Statistics Finland's StatFin table 11re ({reason}); children 0-6 are estimated, as a last resort, as 7/15 of the 0-14-year-olds."},
    "fetch.children.statfin": {"fi": "Lapset 0–6 v. = ruudun 0–14-vuotiaat × {ratio}: kunnan {code} oma suhde 0–6/0–14 Tilastokeskuksen StatFin-taulukosta 11re ({year}: {c06} / {c014} lasta).",
                               "sv": "Barn 0–6 år = rutans 0–14-åringar × {ratio}: kommunens {code} egen kvot 0–6/0–14 ur Statistikcentralens StatFin-tabell 11re ({year}: {c06} / {c014} barn).",
                               "en": "Children 0-6 = the cell's 0-14-year-olds × {ratio}: municipality {code}'s own ratio of 0-6 to 0-14 from Statistics Finland's StatFin table 11re ({year}: {c06} / {c014} children)."},
    "fetch.children.uniform": {"fi": "Viimeinen keino: lapset 0–6 v. = 0–14-vuotiaat × 7/15 (oletus tasakokoisista ikäluokista), koska kunnan ikärakennetta (StatFin 11re) ei ollut; arvio on todennäköisesti liian suuri. Merkitty sarakkeeseen children_method = uniform_7_15.",
                               "sv": "Sista utväg: barn 0–6 år = 0–14-åringar × 7/15 (antar lika stora årskullar), eftersom kommunens åldersstruktur (StatFin 11re) saknades; uppskattningen är troligen för stor. Markerat i kolumnen children_method = uniform_7_15.",
                               "en": "Last resort: children 0-6 = 0-14-year-olds × 7/15 (assumes equal birth cohorts), as the municipality's age structure (StatFin 11re) was not available; probably an overestimate. Flagged in the column children_method = uniform_7_15."},
    "fetch.cli.ages": {"fi": "ikärakenne {path}  StatFin 11re, {year}: 0–6 v. {c06}, 0–14 v. {c014} (suhde {ratio})",
                       "sv": "åldersstruktur {path}  StatFin 11re, {year}: 0–6 år {c06}, 0–14 år {c014} (kvot {ratio})",
                       "en": "ages     {path}  StatFin 11re, {year}: 0-6 {c06}, 0-14 {c014} (ratio {ratio})"},
    "fetch.cli.municipality": {"fi": "kunta    {label}", "sv": "kommun   {label}", "en": "municipality {label}"},
    "fetch.kind.boundary": {"fi": "kuntaraja", "sv": "kommungräns", "en": "boundary"},
    "fetch.kind.grid": {"fi": "väestöruudut", "sv": "befolkningsrutor", "en": "population grid"},
    "fetch.kind.paavo": {"fi": "postinumeroalueet", "sv": "postnummerområden", "en": "postal-code areas"},
    "aineisto.fetch.municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "aineisto.fetch.municipality_help": {"fi": "Kaikki Suomen kunnat (Tilastokeskuksen kuntaluokitus 2026); kirjoita nimen alku suomeksi tai ruotsiksi.",
                                         "sv": "Alla kommuner i Finland (Statistikcentralens kommunklassificering 2026); skriv början av namnet på finska eller svenska.",
                                         "en": "Every municipality of Finland (Statistics Finland's classification 2026); type the start of the name in Finnish or Swedish."},
    "aineisto.fetch.choose": {"fi": "– valitse kunta –", "sv": "– välj kommun –", "en": "– choose a municipality –"},
    "aineisto.fetch.layers": {"fi": "Käytetyt aineistot:", "sv": "Använda data:", "en": "Data used:"},
})

# --- year17: the year strip, rescheduling (issue 17) ----------------------------------------------------
_section({
    "year.title": {"fi": "Vuosi {year}: lapset 0–6 v. avoimen kohtaamispaikan kynnyksen sisällä viikoittain",
                   "sv": "År {year}: barn 0–6 år inom gränsen till en öppen mötesplats per vecka",
                   "en": "Year {year}: children 0-6 within reach of an open meeting place, week by week"},
    "year.weeks_one": {"fi": "viikko {a}", "sv": "vecka {a}", "en": "week {a}"},
    "year.weeks_many": {"fi": "viikot {a}–{b}", "sv": "veckorna {a}–{b}", "en": "weeks {a}–{b}"},
    "year.gap.closed": {"fi": "{weeks}: yksikään paikka ei ole auki; {children} lasta ilman kohtaamispaikkaa",
                        "sv": "{weeks}: ingen plats är öppen; {children} barn utan mötesplats",
                        "en": "{weeks}: no place is open; {children} children without a meeting place"},
    "year.gap.low": {"fi": "{weeks}: auki vain {places}/{total} paikkaa; {children} lasta ilman kohtaamispaikkaa",
                     "sv": "{weeks}: bara {places}/{total} platser öppna; {children} barn utan mötesplats",
                     "en": "{weeks}: only {places}/{total} places open; {children} children without a meeting place"},
    "year.no_gaps": {"fi": "Joka viikko yhtä monta lasta kynnyksen sisällä: ei katkoja.",
                     "sv": "Lika många barn inom gränsen varje vecka: inga avbrott.",
                     "en": "The same children within reach every week: no gaps."},
    "year.strip.alt": {"fi": "Vuoden {year} viikot: lasten osuus, joilla on kohtaamispaikka saavutettavissa.",
                       "sv": "Veckorna {year}: andelen barn med en mötesplats inom räckhåll.",
                       "en": "The weeks of {year}: the share of children with a meeting place within reach."},
    "year.ordinary": {"fi": "Tavallisena viikkona {covered} / {total} lasta ({share}) avoimen paikan kynnyksen sisällä.",
                      "sv": "En vanlig vecka {covered} / {total} barn ({share}) inom gränsen till en öppen plats.",
                      "en": "In an ordinary week {covered} / {total} children ({share}) within reach of an open place."},
    "year.strip.title": {"fi": "Vuosi {year}: osuus lapsista avoimen paikan kynnyksen sisällä, viikoittain ja viikonpäivittäin",
                         "sv": "År {year}: andel barn inom gränsen till en öppen plats, per vecka och veckodag",
                         "en": "Year {year}: share of children within reach of an open place, by week and weekday"},
    "year.strip.legend": {"fi": "Tummempi vihreä = suurempi osuus lapsista (0–100 %); harmaa ja × = yksikään paikka ei ole auki sillä viikolla. Numerot ovat ISO-viikkoja.",
                          "sv": "Mörkare grönt = större andel barn (0–100 %); grått och × = ingen plats är öppen den veckan. Siffrorna är ISO-veckor.",
                          "en": "Darker green = a larger share of children (0–100%); grey and × = no place is open that week. The numbers are ISO weeks."},
    "year.strip.children": {"fi": "viikko", "sv": "vecka", "en": "week"},
    "resched.title": {"fi": "Vuorojen siirtoehdotus (enintään {k} siirtoa): lapsipäivät",
                      "sv": "Förslag att flytta träffar (högst {k}): barndagar",
                      "en": "Rescheduling proposal (at most {k} moves): child-days"},
    "resched.move": {"fi": "{name}: {a} {hours} → {b} (+{gain} lapsipäivää)",
                     "sv": "{name}: {a} {hours} → {b} (+{gain} barndagar)",
                     "en": "{name}: {a} {hours} → {b} (+{gain} child-days)"},
    "resched.none": {"fi": "Yksikään siirto ei lisää lapsipäiviä.", "sv": "Ingen flytt ökar barndagarna.",
                     "en": "No move adds child-days."},
    "resched.totals": {"fi": "Lapsipäivät nyt {before}, siirtojen jälkeen {after} (+{gain}).",
                       "sv": "Barndagar nu {before}, efter flyttarna {after} (+{gain}).",
                       "en": "Child-days now {before}, after the moves {after} (+{gain})."},
    "resched.optimal": {"fi": "Ratkaisu on todistetusti paras mahdollinen (HiGHS).",
                        "sv": "Lösningen är bevisat den bästa möjliga (HiGHS).",
                        "en": "The solution is proven the best possible (HiGHS)."},
    "resched.heuristic": {"fi": "Ratkaisu on hyvä mutta ei todistetusti paras (ahne haku).",
                          "sv": "Lösningen är bra men inte bevisat bäst (girig sökning).",
                          "en": "The solution is good but not proven the best (greedy search)."},
    "resched.header": {"fi": "Vuorojen siirrot: sama viikko, useampi päivä", "sv": "Flytta träffar: samma vecka, fler dagar",
                       "en": "Moving sessions: the same week, more days"},
    "resched.intro": {"fi": "Siirrä enintään K nykyistä viikkovuoroa toiseen päivään samaan kellonaikaan niin, että lapsipäiviä (joka päivä avoimen paikan kynnyksen sisällä olevat lapset yhteensä) kertyy eniten. Ehdotus ei muuta mitään ennen kuin hyväksyt siirron.",
                      "sv": "Flytta högst K nuvarande veckoträffar till en annan dag vid samma klockslag så att barndagarna (barn inom gränsen till en öppen plats, summerat över dagarna) blir flest. Förslaget ändrar inget förrän du godkänner en flytt.",
                      "en": "Move at most K existing weekly sessions to another day at the same time so that child-days (children within reach of an open place, summed over the days) are the most. Nothing changes until you accept a move."},
    "resched.k": {"fi": "Siirtoja enintään (K)", "sv": "Högst antal flyttar (K)", "en": "At most K moves"},
    "resched.days": {"fi": "Päivät, joille saa siirtää ja joilta lapsipäivät lasketaan", "sv": "Dagar att flytta till och räkna barndagar på",
                     "en": "Days to move to and count child-days on"},
    "resched.days_none": {"fi": "Valitse ainakin yksi päivä.", "sv": "Välj minst en dag.", "en": "Choose at least one day."},
    "resched.run": {"fi": "Laske siirtoehdotus", "sv": "Beräkna förslaget", "en": "Compute the proposal"},
    "resched.child_days": {"fi": "Lapsipäivät siirtojen jälkeen", "sv": "Barndagar efter flyttarna", "en": "Child-days after the moves"},
    "resched.child_days_help": {"fi": "Lapsipäivä = yksi lapsi, jonka kynnyksen sisällä on avoin kohtaamispaikka yhtenä valituista päivistä (viiteviikko).",
                                "sv": "Barndag = ett barn med en öppen mötesplats inom gränsen en av de valda dagarna (referensveckan).",
                                "en": "Child-day = one child with an open meeting place within reach on one of the chosen days (reference week)."},
    "resched.col.place": {"fi": "Paikka", "sv": "Plats", "en": "Place"},
    "resched.col.from": {"fi": "Nyt", "sv": "Nu", "en": "Now"},
    "resched.col.to": {"fi": "Ehdotus", "sv": "Förslag", "en": "Proposed"},
    "resched.col.hours": {"fi": "Kellonaika", "sv": "Klockslag", "en": "Time"},
    "resched.col.gain": {"fi": "Lisää lapsipäiviä", "sv": "Fler barndagar", "en": "Child-days gained"},
    "resched.sum": {"fi": "Lapsipäivät nyt {before}, siirtojen jälkeen {after}: yhteensä +{gain} (rivien summa).",
                    "sv": "Barndagar nu {before}, efter flyttarna {after}: totalt +{gain} (radernas summa).",
                    "en": "Child-days now {before}, after the moves {after}: +{gain} in all (the rows' sum)."},
    "resched.matrix": {"fi": "Lapsia 0–6 v. saavutettavissa viikonpäivän ja vuorokaudenajan mukaan", "sv": "Barn 0–6 år inom räckhåll per veckodag och tid på dygnet",
                       "en": "Children 0-6 within reach by weekday and time of day"},
    "resched.before": {"fi": "Nyt", "sv": "Nu", "en": "Now"},
    "resched.after": {"fi": "Siirtojen jälkeen", "sv": "Efter flyttarna", "en": "After the moves"},
    "resched.overlaps_gone": {"fi": "Päällekkäisyydet, jotka poistuvat", "sv": "Överlappningar som försvinner", "en": "Overlaps that disappear"},
    "resched.overlaps_none": {"fi": "Siirrot eivät poista päällekkäisyyksiä.", "sv": "Flyttarna tar inte bort några överlappningar.",
                              "en": "The moves remove no overlap."},
    "resched.accept_pick": {"fi": "Hyväksyttävä siirto", "sv": "Flytt att godkänna", "en": "Move to accept"},
    "resched.accept": {"fi": "Hyväksy siirto", "sv": "Godkänn flytten", "en": "Accept the move"},
    "resched.accept_help": {"fi": "Muuttaa vain tämän paikan aukioloajan tämän vuoron päivän; muu sääntö (kaudet, PH off) säilyy. Tallenna projekti, kun olet valmis.",
                            "sv": "Ändrar bara dagen för denna träff i platsens öppettider; resten av regeln (säsonger, PH off) behålls. Spara projektet när du är klar.",
                            "en": "Changes only this session's day in the place's opening hours; the rest of the rule (seasons, PH off) stays. Save the project when done."},
    "resched.accepted": {"fi": "Siirto hyväksytty: {names}. Aukioloaika on päivitetty; projekti on tallentamatta.",
                         "sv": "Flytten godkänd: {names}. Öppettiderna är uppdaterade; projektet är osparat.",
                         "en": "Move accepted: {names}. The opening hours are updated; the project is unsaved."},
    "kat.cell.header": {"fi": "Solun sisältö: ketkä ovat auki ja ketkä jäävät katveeseen", "sv": "Inuti en cell: vilka är öppna och vilka blir utan",
                        "en": "Inside a cell: who is open and who is left out"},
    "kat.cell.weekday": {"fi": "Viikonpäivä", "sv": "Veckodag", "en": "Weekday"},
    "kat.cell.daypart": {"fi": "Vuorokaudenaika", "sv": "Tid på dygnet", "en": "Time of day"},
    "kat.cell.summary": {"fi": "{when}: auki olevia paikkoja {n}, lapsia kynnyksen sisällä {children}.", "sv": "{when}: öppna platser {n}, barn inom gränsen {children}.",
                         "en": "{when}: places open {n}, children within reach {children}."},
    "kat.cell.place": {"fi": "Auki oleva paikka", "sv": "Öppen plats", "en": "Place open"},
    "kat.cell.hours": {"fi": "Aukiolo sinä päivänä", "sv": "Öppet den dagen", "en": "Open that day"},
    "kat.cell.village": {"fi": "Kylä katveessa silloin", "sv": "By utan räckvidd då", "en": "Village beyond reach then"},
    "kat.cell.uncovered": {"fi": "Lapsia katveessa", "sv": "Barn utan räckvidd", "en": "Children beyond reach"},
    "resched.col.note": {"fi": "Huomio", "sv": "Obs", "en": "Note"},
    "resched.add_session": {"fi": "alle 300 m paikasta {name}: lisää sinne vuoro uuden paikan sijaan", "sv": "under 300 m från {name}: lägg till en träff där i stället för en ny plats",
                            "en": "under 300 m from {name}: add a session there instead of a new place"},
    "kat.year.header": {"fi": "Vuosi viikoittain", "sv": "Året vecka för vecka", "en": "The year, week by week"},
    "kat.year.choose": {"fi": "Vuosi", "sv": "År", "en": "Year"},
    "kat.year.table": {"fi": "Viikot taulukkona", "sv": "Veckorna som tabell", "en": "The weeks as a table"},
    "kat.year.open_places": {"fi": "Auki olevat paikat", "sv": "Öppna platser", "en": "Places open"},
    "year.cols.0": {"fi": "viikko", "sv": "vecka", "en": "week"},
    "year.cols.1": {"fi": "maanantai", "sv": "måndag", "en": "Monday"},
    "year.cols.2": {"fi": "lapset", "sv": "barn", "en": "children"},
    "year.cols.3": {"fi": "osuus", "sv": "andel", "en": "share"},
    "year.cols.4": {"fi": "kertoja", "sv": "träffar", "en": "sessions"},
    "year.cols.5": {"fi": "paikkoja auki", "sv": "platser öppna", "en": "places open"},
})

# --- issue 19: sign-in, access (access.toml), versions ------------------------------------------------------
_section({
    "versions.found": {"fi": "tiedosto sellaisena kuin se oli ennen versioiden tallentamista", "sv": "filen som den var innan versioner sparades", "en": "the file as it was before versions were kept"},
    "versions.created": {"fi": "uusi projekti", "sv": "nytt projekt", "en": "new project"},
    "versions.restored": {"fi": "palautettu versio {n}", "sv": "återställd version {n}", "en": "restored version {n}"},
    "versions.replaced": {"fi": "{what} korvattu ({before} → {after})", "sv": "{what} ersatta ({before} → {after})", "en": "{what} replaced ({before} → {after})"},
    "versions.added": {"fi": "{n} lisätty", "sv": "{n} tillagda", "en": "{n} added"},
    "versions.edited": {"fi": "{n} muutettu", "sv": "{n} ändrade", "en": "{n} edited"},
    "versions.removed": {"fi": "{n} poistettu", "sv": "{n} borttagna", "en": "{n} removed"},
    "versions.settings": {"fi": "asetukset: {names}", "sv": "inställningar: {names}", "en": "settings: {names}"},
    "versions.unchanged": {"fi": "ei muutoksia", "sv": "inga ändringar", "en": "no changes"},
    "versions.layer.places": {"fi": "kohtaamispaikat", "sv": "mötesplatser", "en": "places"},
    "versions.layer.areas": {"fi": "alueet", "sv": "områden", "en": "areas"},
    "versions.layer.candidates": {"fi": "ehdokaspaikat", "sv": "kandidatplatser", "en": "candidates"},
    "versions.layer.boundary": {"fi": "kunnan raja", "sv": "kommungräns", "en": "boundary"},
    "versions.layer.visits": {"fi": "käynnit", "sv": "besök", "en": "visits"},
    "versions.layer.outreach": {"fi": "jalkautumiset", "sv": "uppsökande besök", "en": "outreach"},
    "versions.unknown_user": {"fi": "(ei tiedossa)", "sv": "(okänd)", "en": "(unknown)"},
    "cli.history.none": {"fi": "{name}: ei tallennettuja versioita", "sv": "{name}: inga sparade versioner", "en": "{name}: no saved versions"},
    "cli.history.cols.0": {"fi": "versio", "sv": "version", "en": "version"},
    "cli.history.cols.1": {"fi": "aika (UTC)", "sv": "tid (UTC)", "en": "time (UTC)"},
    "cli.history.cols.2": {"fi": "kuka", "sv": "vem", "en": "who"},
    "cli.history.cols.3": {"fi": "muutos", "sv": "ändring", "en": "change"},
    "cli.restore.done": {"fi": "{name}: versio {n} palautettu; se on nyt versio {new}", "sv": "{name}: version {n} återställd; den är nu version {new}", "en": "{name}: version {n} restored; it is now version {new}"},
    "page.versiot": {"fi": "Versiot", "sv": "Versioner", "en": "Versions"},
    "auth.local": {"fi": "Yhden käyttäjän tila: ei kirjautumista, kaikki projektit auki tällä koneella.", "sv": "Enanvändarläge: ingen inloggning, alla projekt öppna på den här datorn.", "en": "Single-user mode: no sign-in, every project open on this computer."},
    "auth.signin.title": {"fi": "Kirjaudu Katveen", "sv": "Logga in i Katve", "en": "Sign in to Katve"},
    "auth.signin.text": {"fi": "Tämä Katve on hyvinvointialueen yhteinen. Kirjaudu sisään työtililläsi nähdäksesi projektisi.", "sv": "Denna Katve delas av välfärdsområdet. Logga in med ditt jobbkonto för att se dina projekt.", "en": "This Katve is shared by the welfare region. Sign in with your work account to see your projects."},
    "auth.signin.button": {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Sign in"},
    "auth.signin.down": {"fi": "Kirjautumispalvelu ei vastaa juuri nyt. Yritä hetken päästä uudelleen; jos vika jatkuu, ota yhteyttä alueen IT-tukeen.", "sv": "Inloggningstjänsten svarar inte just nu. Försök igen om en stund; kontakta områdets IT-stöd om felet fortsätter.", "en": "The sign-in service is not answering right now. Try again in a moment; if it goes on, contact the region's IT support."},
    "auth.signed_in": {"fi": "Kirjautunut: {who} ({role})", "sv": "Inloggad: {who} ({role})", "en": "Signed in: {who} ({role})"},
    "auth.signout": {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Sign out"},
    "auth.role.admin": {"fi": "ylläpitäjä", "sv": "administratör", "en": "admin"},
    "auth.role.coordinator": {"fi": "koordinaattori", "sv": "koordinator", "en": "coordinator"},
    "auth.role.viewer": {"fi": "katselija", "sv": "läsare", "en": "viewer"},
    "auth.noaccess.title": {"fi": "Ei käyttöoikeutta", "sv": "Ingen behörighet", "en": "No access"},
    "auth.noaccess.text": {"fi": "Olet kirjautunut tunnuksella {who}, mutta sitä ei ole lisätty yhteenkään Katven projektiin. Pyydä oikeutta ylläpitäjältä: {admins}.", "sv": "Du är inloggad som {who}, men kontot har inte lagts till i något Katve-projekt. Be administratören om behörighet: {admins}.", "en": "You are signed in as {who}, but this account has not been added to any Katve project. Ask the admin for access: {admins}."},
    "auth.noaccess.no_admins": {"fi": "alueen IT-tuki", "sv": "områdets IT-stöd", "en": "the region's IT support"},
    "auth.broken.admin": {"fi": "Käyttöoikeustiedosto access.toml on virheellinen, joten kukaan muu ei pääse Katveen ennen kuin se on korjattu: {message}", "sv": "Behörighetsfilen access.toml är felaktig, så ingen annan kommer in i Katve förrän den är rättad: {message}", "en": "The access file access.toml is broken, so nobody else can use Katve until it is fixed: {message}"},
    "auth.broken.other": {"fi": "Katven käyttöoikeuksissa on vika, eikä sisään pääse juuri nyt. Ylläpitäjä on saanut virheilmoituksen; kysy häneltä: {admins}.", "sv": "Katves behörigheter har ett fel och ingen kommer in just nu. Administratören ser felet; fråga: {admins}.", "en": "Katve's access rules have a fault and nobody can get in right now. The admin sees the error; ask: {admins}."},
    "auth.secrets_broken": {"fi": "Katven kirjautumisasetuksia (.streamlit/secrets.toml) ei voi lukea, joten sisään ei päästetä ketään. Ylläpitäjä: korjaa tiedosto.", "sv": "Katves inloggningsinställningar (.streamlit/secrets.toml) kan inte läsas, så ingen släpps in. Administratör: rätta filen.", "en": "Katve's sign-in settings (.streamlit/secrets.toml) cannot be read, so nobody is let in. Admin: fix the file."},
    "auth.readonly": {"fi": "Katselijana voit tarkastella, suunnitella ja viedä, mutta et tallentaa.", "sv": "Som läsare kan du granska, planera och exportera men inte spara.", "en": "As a viewer you can look, plan and export, but not save."},
    "auth.denied.write": {"fi": "Sinulla ei ole oikeutta tallentaa projektia {name}.", "sv": "Du har inte behörighet att spara projektet {name}.", "en": "You may not save the project {name}."},
    "auth.denied.new": {"fi": "Vain ylläpitäjä voi luoda uuden projektitiedoston.", "sv": "Endast administratören kan skapa en ny projektfil.", "en": "Only an admin can create a new project file."},
    "auth.denied.read": {"fi": "Sinulla ei ole oikeutta avata projektia {name}.", "sv": "Du har inte behörighet att öppna projektet {name}.", "en": "You may not open the project {name}."},
    "ver.header": {"fi": "Tallennetut versiot", "sv": "Sparade versioner", "en": "Saved versions"},
    "ver.intro": {"fi": "Jokainen tallennus jää talteen. Palauttaminen tekee valitusta versiosta uuden nykyisen version; mitään ei poisteta.", "sv": "Varje sparning bevaras. En återställning gör den valda versionen till en ny aktuell version; inget tas bort.", "en": "Every save is kept. Restoring makes the chosen version a new current version; nothing is deleted."},
    "ver.not_file": {"fi": "Versiot tallentuvat projektitiedostoille. Valitse projekti sivupalkista (esimerkkiaineistoilla ei ole versioita).", "sv": "Versioner sparas för projektfiler. Välj ett projekt i sidofältet (exempeldata har inga versioner).", "en": "Versions are kept for project files. Choose a project in the sidebar (the example data sets have none)."},
    "ver.none": {"fi": "Tästä projektista ei ole vielä tallennettuja versioita.", "sv": "Projektet har inga sparade versioner ännu.", "en": "This project has no saved versions yet."},
    "ver.col.version": {"fi": "Versio", "sv": "Version", "en": "Version"},
    "ver.col.at": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "ver.col.user": {"fi": "Kuka", "sv": "Vem", "en": "Who"},
    "ver.col.summary": {"fi": "Muutos", "sv": "Ändring", "en": "Change"},
    "ver.pick": {"fi": "Palautettava versio", "sv": "Version att återställa", "en": "Version to restore"},
    "ver.restore": {"fi": "Palauta versio", "sv": "Återställ version", "en": "Restore version"},
    "ver.restore_dirty": {"fi": "Sinulla on tallentamattomia muutoksia; palautus korvaa ne.", "sv": "Du har osparade ändringar; återställningen ersätter dem.", "en": "You have unsaved changes; restoring replaces them."},
    "ver.restored": {"fi": "Versio {n} palautettu (nyt versio {new}).", "sv": "Version {n} återställd (nu version {new}).", "en": "Version {n} restored (now version {new})."},
    "ver.kept": {"fi": "Säilytettävien versioiden määrä", "sv": "Antal versioner som bevaras", "en": "Versions kept"},
    "ver.kept_help": {"fi": "Vanhimmat poistuvat, kun määrä ylittyy. Muutos tallentuu seuraavassa tallennuksessa.", "sv": "De äldsta tas bort när antalet överskrids. Ändringen sparas vid nästa sparning.", "en": "The oldest go when there are more. The change is stored with the next save."},
    "ver.access.header": {"fi": "Käyttöoikeudet (access.toml)", "sv": "Behörigheter (access.toml)", "en": "Access (access.toml)"},
    "ver.access.text": {"fi": "access.toml", "sv": "access.toml", "en": "access.toml"},
    "ver.access.save": {"fi": "Tallenna käyttöoikeudet", "sv": "Spara behörigheter", "en": "Save access rules"},
    "ver.access.saved": {"fi": "Käyttöoikeudet tallennettu.", "sv": "Behörigheterna sparade.", "en": "Access rules saved."},
    "ver.access.error": {"fi": "Ei tallennettu: {message}", "sv": "Inte sparat: {message}", "en": "Not saved: {message}"},
})

# --- import and validation messages (issue 16: coverage/core/messages.py, coverage/cli/importing.py) ------
_section({
    "problem.row": {"fi": "Excel-rivi {row}", "sv": "Excel-rad {row}", "en": "Excel row {row}"},
    "problem.feature": {"fi": "kohde {row}", "sv": "objekt {row}", "en": "feature {row}"},
    "problem.missing_column": {"fi": "sarake '{field}' puuttuu{alias}", "sv": "kolumnen '{field}' saknas{alias}", "en": "the column '{field}' is missing{alias}"},
    "problem.missing_column_alias": {"fi": " (lisää sarake, esim. otsikolla '{alias}')", "sv": " (lägg till kolumnen, t.ex. med rubriken '{alias}')", "en": " (add it, e.g. with the header '{alias}')"},
    "problem.missing_value": {"fi": "arvo puuttuu", "sv": "värdet saknas", "en": "the value is missing"},
    "problem.bad_hours": {"fi": "aukioloaikoja {value} ei ymmärretty: kirjoita esim. 'ti 9.30–11.30', 'ma-pe 9-12' tai 'syys–toukokuu: to 17.30–19, ei arkipyhinä'", "sv": "öppettiderna {value} gick inte att tolka: skriv t.ex. 'ti 9.30–11.30', 'må-fr 9-12' eller 'september–maj: to 17.30–19, inte på helgdagar'", "en": "the opening hours {value} could not be understood: write e.g. 'Tu 9:30-11:30', 'ma-pe 9-12' or 'Sep-May Th 17:30-19:00; PH off'"},
    "problem.hours_read_as": {"fi": "aukioloajat {value} luettiin: {plain} (OSM-muodossa {osm})", "sv": "öppettiderna {value} tolkades som: {plain} (i OSM-form {osm})", "en": "the opening hours {value} were read as: {plain} (in OSM form {osm})"},
    "problem.swapped": {"fi": "leveys- ja pituusaste ovat ilmeisesti väärin päin ({values}): Suomessa leveysaste on 59,5–70,1 ja pituusaste 19–31,6", "sv": "latitud och longitud verkar ha bytt plats ({values}): i Finland är latituden 59,5–70,1 och longituden 19–31,6", "en": "latitude and longitude seem to be the wrong way round ({values}): in Finland the latitude is 59.5–70.1 and the longitude 19–31.6"},
    "problem.not_a_number": {"fi": "{value} ei ole luku", "sv": "{value} är inte ett tal", "en": "{value} is not a number"},
    "problem.no_location": {"fi": "sijainti puuttuu: anna leveys- ja pituusaste (lat, lon)", "sv": "platsen saknas: ange latitud och longitud (lat, lon)", "en": "the location is missing: give the latitude and longitude (lat, lon)"},
    "problem.no_coordinates": {"fi": "koordinaatit puuttuvat: lisää sarakkeet lat ja lon (asteina, esim. karttapalvelusta) tai x ja y (ETRS-TM35FIN-metreinä)", "sv": "koordinater saknas: lägg till kolumnerna lat och lon (i grader, t.ex. från en karttjänst) eller x och y (ETRS-TM35FIN-meter)", "en": "no coordinates: add the columns lat and lon (degrees, e.g. from a web map) or x and y (ETRS-TM35FIN metres)"},
    "problem.duplicate_id": {"fi": "tunnus {value} on myös rivillä {rows}", "sv": "id {value} finns också på rad {rows}", "en": "the id {value} is also on row {rows}"},
    "problem.unknown_choice": {"fi": "tuntematon arvo {value}: käytä jotakin näistä: {choices}", "sv": "okänt värde {value}: använd något av: {choices}", "en": "unknown value {value}: use one of {choices}"},
    "problem.not_utf8": {"fi": "tiedosto ei ole UTF-8-muodossa: se luettiin Windows-1252-merkistönä (suomalaisen Excelin tavallinen CSV); tarkista, että ääkköset näkyvät oikein", "sv": "filen är inte i UTF-8: den lästes som Windows-1252 (finländska Excels vanliga CSV); kontrollera att å, ä och ö syns rätt", "en": "the file is not UTF-8: it was read as Windows-1252 (the usual CSV of Finnish Excel); check that ä and ö look right"},
    "problem.no_rows": {"fi": "tiedostossa ei ole yhtään tietoriviä", "sv": "filen har inga datarader", "en": "the file has no data rows"},
    "problem.not_found": {"fi": "tiedostoa ei löydy", "sv": "filen finns inte", "en": "the file was not found"},
    "problem.ids_generated": {"fi": "tunnussarake puuttuu: paikoille annetaan tunnukset", "sv": "id-kolumnen saknas: raderna får id", "en": "no id column: the rows are given ids"},
    "problem.far_outside": {"fi": "{km} km kunnan rajan ulkopuolella: tarkista koordinaatit", "sv": "{km} km utanför kommungränsen: kontrollera koordinaterna", "en": "{km} km outside the municipality: check the coordinates"},
    "problem.not_in_finland": {"fi": "koordinaatit eivät osu Suomeen: tarkista koordinaatit ja niiden koordinaattijärjestelmä", "sv": "koordinaterna ligger inte i Finland: kontrollera koordinaterna och deras koordinatsystem", "en": "the coordinates are not in Finland: check them and their coordinate system"},
    "problem.negative": {"fi": "ei voi olla negatiivinen ({value})", "sv": "kan inte vara negativt ({value})", "en": "cannot be negative ({value})"},
    "problem.bad_date": {"fi": "päivämäärää {value} ei ymmärretty: kirjoita esim. 4.3.2025", "sv": "datumet {value} gick inte att tolka: skriv t.ex. 4.3.2025", "en": "the date {value} could not be understood: write e.g. 4.3.2025 or 2025-03-04"},
    "problem.one_column": {"fi": "tiedostossa on vain yksi sarake: erota sarakkeet puolipisteellä (Excelin 'CSV (puolipisteellä erotettu)'), pilkulla tai sarkaimella", "sv": "filen har bara en kolumn: skilj kolumnerna åt med semikolon (Excels 'CSV (semikolonavgränsad)'), komma eller tabb", "en": "the file has only one column: separate the columns with ';' (Excel's 'CSV (semicolon separated)'), ',' or a tab"},
    "problem.unknown_place": {"fi": "paikkaa tunnuksella {value} ei ole projektissa", "sv": "ingen plats med id {value} i projektet", "en": "no place with the id {value} in the project"},
    "problem.id_renumbered": {"fi": "tunnus {old} oli jo käytössä: paikka sai tunnuksen {new}", "sv": "id {old} användes redan: raden fick id {new}", "en": "the id {old} was taken: the row got the id {new}"},
    "problem.id_given": {"fi": "paikka sai tunnuksen {new}", "sv": "raden fick id {new}", "en": "the row got the id {new}"},
    "problem.guess": {"fi": "arvaus: {value} ({reason}); tarkista", "sv": "gissning: {value} ({reason}); kontrollera", "en": "a guess: {value} ({reason}); check it"},
    "problem.guess_reason": {"fi": "sarakkeen '{field}' arvosta '{word}'", "sv": "från '{word}' i kolumnen '{field}'", "en": "from '{word}' in '{field}'"},
    "cli.import.summary": {"fi": "{path}: {imported} riviä tuotu tasoon {layer}, {skipped} ohitettu", "sv": "{path}: {imported} rader importerade till lagret {layer}, {skipped} överhoppade", "en": "{path}: {imported} rows imported into {layer}, {skipped} skipped"},
    "cli.import.saved": {"fi": "Tallennettu {path} ({total} riviä tasossa {layer}; edellinen versio: {backup})", "sv": "Sparat {path} ({total} rader i lagret {layer}; föregående version: {backup})", "en": "Saved {path} ({total} rows in {layer}; previous version: {backup})"},
    "cli.import.created": {"fi": "Uusi projekti {path}", "sv": "Nytt projekt {path}", "en": "New project {path}"},
    "cli.import.nothing": {"fi": "Mitään ei tuotu: projektia ei muutettu", "sv": "Inget importerades: projektet ändrades inte", "en": "Nothing was imported: the project is unchanged"},
    "cli.validate.ok": {"fi": "kunnossa: {files} tiedosto(a){warnings}", "sv": "ok: {files} fil(er){warnings}", "en": "ok: {files} file(s) valid{warnings}"},
    "cli.validate.warnings": {"fi": ", {n} huomautus(ta)", "sv": ", {n} varning(ar)", "en": ", {n} warning(s)"},
    "cli.warning": {"fi": "huomautus", "sv": "varning", "en": "warning"},
})
_section({
    "import.csv.excel_row": {"fi": "Excel-rivi", "sv": "Excel-rad", "en": "Excel row"},
    "import.csv.problem": {"fi": "ongelma", "sv": "problem", "en": "problem"},
    "import.how.name": {"fi": "{field}", "sv": "{field}", "en": "{field}"},
    "import.how.alias": {"fi": "{field} (tunnistettu otsikosta)", "sv": "{field} (igenkänd från rubriken)", "en": "{field} (recognised from the header)"},
    "import.how.mapped": {"fi": "{field} (valintasi)", "sv": "{field} (ditt val)", "en": "{field} (your choice)"},
    "import.how.coordinates": {"fi": "sijainti ({field})", "sv": "plats ({field})", "en": "location ({field})"},
    "import.how.skipped": {"fi": "ohitetaan (valintasi)", "sv": "hoppas över (ditt val)", "en": "left out (your choice)"},
    "import.how.unknown": {"fi": "ei tunnistettu: tallennetaan lisätietona", "sv": "inte igenkänd: sparas som extra uppgift", "en": "not recognised: kept as an extra column"},
    "import.bad_layer": {"fi": "tähän voi tuoda vain tasoja {layers}", "sv": "bara lagren {layers} kan importeras", "en": "only the layers {layers} can be imported"},
})

# --- issue 16 (app side): Leaflet missing, counts, accessible map legend (branch app16) ---------------------
_section({
    "map.frame_label": {"fi": "Kartta: {name}", "sv": "Karta: {name}", "en": "Map: {name}"},
    "map.leaflet_missing": {
        "fi": "Karttaa ei voi näyttää: karttakirjasto Leaflet puuttuu (kansio `static/leaflet/`). Käynnistä sovellus komennolla `make run`, joka hakee sen, tai hae se erikseen komennolla `make static/leaflet/leaflet.js` ja lataa sivu uudelleen. Kartan tiedot ovat myös sivun taulukoissa.",
        "sv": "Kartan kan inte visas: kartbiblioteket Leaflet saknas (mappen `static/leaflet/`). Starta appen med `make run`, som hämtar det, eller hämta det separat med `make static/leaflet/leaflet.js` och ladda om sidan. Kartans uppgifter finns också i sidans tabeller.",
        "en": "The map cannot be shown: the Leaflet map library is missing (folder `static/leaflet/`). Start the app with `make run`, which fetches it, or fetch it with `make static/leaflet/leaflet.js` and reload the page. The map's facts are also in the page's tables.",
    },
})

# --- issue 17 part 5: Suunnittelu says one thing (branch plan17) ---
_section({
    "plan17.col.when": {"fi": "Paras aika ja ehdotettu vuoro", "sv": "Bästa tid och föreslagen träff",
                        "en": "Best time and suggested session"},
    "plan17.daypart.morning": {"fi": "aamupäivä", "sv": "förmiddag", "en": "morning"},
    "plan17.daypart.afternoon": {"fi": "iltapäivä", "sv": "eftermiddag", "en": "afternoon"},
    "plan17.daypart.evening": {"fi": "ilta", "sv": "kväll", "en": "evening"},
    "plan17.add_session_name": {"fi": "Lisää vuoro: {name}", "sv": "Lägg till en träff: {name}",
                                "en": "Add a session: {name}"},
    "plan17.sessions_added": {
        "fi": "Lisätty {n} {n|vuoro|vuoroa} nykyisiin paikkoihin: {names}.",
        "sv": "{n} {n|träff tillagd|träffar tillagda} på befintliga platser: {names}.",
        "en": "Added {n} {n|session|sessions} to existing places: {names}."},
    "plan17.all_near": {
        "fi": "Ei ehdotettavaa: {n|ainoa ehdokaspaikka on|kaikki {n} ehdokaspaikkaa ovat} alle {m} metrin päässä "
              "nykyisestä tai suunnitellusta paikasta. Uutta paikkaa ei ehdoteta toisen viereen; lisää ehdokkaita "
              "muualle tai valitse ehdokkaiksi ruudukko.",
        "sv": "Inget att föreslå: {n|den enda kandidatplatsen ligger|alla {n} kandidatplatser ligger} under {m} meter "
              "från en befintlig eller planerad plats. En ny plats föreslås inte bredvid en annan; lägg till "
              "kandidater på andra ställen eller välj rutnätet som kandidater.",
        "en": "Nothing to propose: {n|the only candidate site is|all {n} candidate sites are} under {m} metres from "
              "an existing or planned place. A new place is never proposed next to another; add candidates "
              "elsewhere or use the generated grid."},
    "plan17.accept_button_sessions": {"fi": "Lisää valitut paikat ja vuorot",
                                      "sv": "Lägg till de valda platserna och träffarna",
                                      "en": "Add the chosen places and sessions"},
    "plan17.accept_session_help": {
        "fi": "”Lisää vuoro” -ehdotus ei lisää uutta paikkaa: vuoro lisätään sen nykyisen paikan aukioloaikoihin, "
              "ja paikan muut aukioloajat pysyvät ennallaan.",
        "sv": "Ett förslag ”Lägg till en träff” lägger inte till någon ny plats: träffen läggs till i den befintliga "
              "platsens öppettider, och platsens övriga öppettider förblir som de är.",
        "en": "An “add a session” proposal adds no new place: the session goes into that existing place's opening "
              "hours, and the place's other hours stay as they are."},
    "plan17.unsaved": {"fi": "Muutokset ovat tallentamatta.", "sv": "Ändringarna är osparade.",
                       "en": "The changes are not saved yet."},
    "plan17.estimated": {
        "fi": "≈ = arvio: lasten 0–6 v määrät ovat arvioita, ja ne näytetään kokonaisina lapsina. Ehdotusten "
              "lapset laskevat yhteen saavutettavien lasten muutokseksi.",
        "sv": "≈ = uppskattning: antalet barn 0–6 år är uppskattat och visas i hela barn. Förslagens barn blir "
              "tillsammans förändringen av barn inom räckhåll.",
        "en": "≈ = estimate: the numbers of children 0–6 are estimates, shown as whole children. The proposals' "
              "children add up to the change of children within reach."},
})

# --- issue 17 part 3: named scenarios (branch scen17) ------------------------------------------------------
_section({
    "versions.layer.katve_scenarios": {"fi": "skenaariot", "sv": "scenarier", "en": "scenarios"},
    "scen.header": {"fi": "Skenaariot: vaihtoehdot rinnakkain", "sv": "Scenarier: alternativen sida vid sida", "en": "Scenarios: alternatives side by side"},
    "scen.intro": {"fi": "Tallenna vaihtoehtoja nimellä (uudet paikat, siirretyt vuorot, suljetut paikat) ja vertaa enintään kolmea nykytilanteeseen. Skenaario ei muuta paikkaluetteloa ennen kuin otat sen käyttöön.", "sv": "Spara alternativ med namn (nya platser, flyttade pass, stängda platser) och jämför högst tre med nuläget. Ett scenario ändrar inte platslistan förrän du tar det i bruk.", "en": "Keep alternatives under names (new places, moved sessions, closed places) and compare up to three with the present. A scenario does not change the list of places until you accept it."},
    "scen.none": {"fi": "Ei tallennettuja skenaarioita. Tallenna ehdotus yllä (Suunnittele / Vuorojen siirrot) tai tee skenaario käsin.", "sv": "Inga sparade scenarier. Spara ett förslag ovan (Planera / Flytt av pass) eller gör ett scenario för hand.", "en": "No scenarios kept yet. Keep a proposal above (plan / moving sessions) or make one by hand."},
    "scen.now": {"fi": "Nykytilanne", "sv": "Nuläge", "en": "Present"},
    "scen.name": {"fi": "Skenaarion nimi", "sv": "Scenariots namn", "en": "Scenario name"},
    "scen.name_help": {"fi": "Esim. ”Kesä 2027: Otalammen kerho”. Enintään 60 merkkiä.", "sv": "T.ex. ”Sommar 2027: klubb i Otalampi”. Högst 60 tecken.", "en": "E.g. “Summer 2027: club in Otalampi”. At most 60 characters."},
    "scen.save_title": {"fi": "Tallenna {what} skenaarioksi", "sv": "Spara {what} som scenario", "en": "Keep {what} as a scenario"},
    "scen.what.plan": {"fi": "ehdotetut paikat", "sv": "de föreslagna platserna", "en": "the proposed sites"},
    "scen.what.moves": {"fi": "vuorojen siirrot", "sv": "flyttarna av pass", "en": "the session moves"},
    "scen.save_into": {"fi": "Mihin", "sv": "Var", "en": "Into"},
    "scen.save_new": {"fi": "uusi skenaario", "sv": "nytt scenario", "en": "a new scenario"},
    "scen.save_button": {"fi": "Tallenna skenaario", "sv": "Spara scenariot", "en": "Keep the scenario"},
    "scen.saved": {"fi": "Skenaario ”{name}” tallennettu projektiin. Tallenna projekti, niin se säilyy.", "sv": "Scenariot ”{name}” sparat i projektet. Spara projektet så att det finns kvar.", "en": "Scenario “{name}” kept in the project. Save the project to keep it."},
    "scen.deleted": {"fi": "Skenaario ”{name}” poistettu (aiemmat tallennetut versiot säilyvät Versiot-sivulla).", "sv": "Scenariot ”{name}” borttaget (tidigare sparade versioner finns på sidan Versioner).", "en": "Scenario “{name}” removed (earlier saved versions stay on the Versions page)."},
    "scen.by_hand": {"fi": "Tee skenaario käsin: suunnitellut paikat mukaan, paikkoja kiinni", "sv": "Gör ett scenario för hand: planerade platser med, platser stängda", "en": "Make a scenario by hand: planned places in, places closed"},
    "scen.by_hand.planned": {"fi": "Suunnitellut paikat, jotka lasketaan auki", "sv": "Planerade platser som räknas som öppna", "en": "Planned places counted as open"},
    "scen.by_hand.close": {"fi": "Paikat, jotka suljetaan", "sv": "Platser som stängs", "en": "Places closed"},
    "scen.col.name": {"fi": "Skenaario", "sv": "Scenario", "en": "Scenario"},
    "scen.col.changes": {"fi": "Muutokset", "sv": "Ändringar", "en": "Changes"},
    "scen.col.created": {"fi": "Tehty", "sv": "Gjort", "en": "Made"},
    "scen.col.author": {"fi": "Tekijä", "sv": "Av", "en": "By"},
    "scen.col.figure": {"fi": "Luku", "sv": "Uppgift", "en": "Figure"},
    "scen.changes.none": {"fi": "nykyiset paikat ja ajat", "sv": "nuvarande platser och tider", "en": "the places and times as they are"},
    "scen.changes.empty": {"fi": "ei muutoksia", "sv": "inga ändringar", "en": "no changes"},
    "scen.changes.add": {"fi": "{n} {n|uusi paikka|uutta paikkaa}", "sv": "{n} {n|ny plats|nya platser}", "en": "{n} new {n|place|places}"},
    "scen.changes.count": {"fi": "{n} {n|suunniteltu paikka|suunniteltua paikkaa} auki", "sv": "{n} {n|planerad plats|planerade platser} öppna", "en": "{n} planned {n|place|places} open"},
    "scen.changes.close": {"fi": "{n} {n|paikka|paikkaa} kiinni", "sv": "{n} {n|plats|platser} stängda", "en": "{n} {n|place|places} closed"},
    "scen.changes.hours": {"fi": "{n} {n|paikan|paikan} ajat muutettu", "sv": "tiderna ändrade för {n} {n|plats|platser}", "en": "times changed at {n} {n|place|places}"},
    "scen.compare_pick": {"fi": "Vertailtavat skenaariot (enintään {n})", "sv": "Scenarier att jämföra (högst {n})", "en": "Scenarios to compare (at most {n})"},
    "scen.computing": {"fi": "Lasketaan vertailua…", "sv": "Jämförelsen beräknas…", "en": "Computing the comparison…"},
    "scen.compare_title": {"fi": "Vertailu (vuosi {year})", "sv": "Jämförelse (år {year})", "en": "Comparison (year {year})"},
    "scen.row.changes": {"fi": "Muutokset", "sv": "Ändringar", "en": "Changes"},
    "scen.row.children": {"fi": "Lapsia 0–6 v kohtaamispaikan ulottuvilla", "sv": "Barn 0–6 år inom räckhåll för en mötesplats", "en": "Children 0–6 within reach of a place"},
    "scen.row.share": {"fi": "Osuus lapsista", "sv": "Andel av barnen", "en": "Share of children"},
    "scen.row.child_days": {"fi": "Lapsipäivät viikossa ({days})", "sv": "Barndagar per vecka ({days})", "en": "Child-days a week ({days})"},
    "scen.row.places": {"fi": "Paikkoja laskennassa", "sv": "Platser i beräkningen", "en": "Places counted"},
    "scen.row.blind": {"fi": "Kyliä katvealueella", "sv": "Byar i skuggområde", "en": "Villages in a blind spot"},
    "scen.row.blind_names": {"fi": "Katvealueen kylät", "sv": "Byarna i skuggområdet", "en": "The blind-spot villages"},
    "scen.row.overlaps": {"fi": "Päällekkäiset vuorot (lähekkäiset paikat samaan aikaan)", "sv": "Överlappande pass (närliggande platser samtidigt)", "en": "Overlapping sessions (nearby places at the same time)"},
    "scen.row.closed_weeks": {"fi": "Viikot {year}, joina mikään paikka ei ole auki", "sv": "Veckor {year} då ingen plats är öppen", "en": "Weeks of {year} with no place open"},
    "scen.children": {"fi": "lasta", "sv": "barn", "en": "children"},
    "scen.weeks_none": {"fi": "ei yhtään", "sv": "inga", "en": "none"},
    "scen.days_workdays": {"fi": "ma–pe", "sv": "mån–fre", "en": "Mon–Fri"},
    "scen.compare_caption": {"fi": "Kylä on katvealueella, kun vähintään {share} sen lapsista on kynnysajan ulkopuolella. Lapsipäivät = arkipäivien summa lapsista, joilla on sinä päivänä auki oleva paikka ulottuvilla (viiteviikko).", "sv": "En by är i ett skuggområde när minst {share} av dess barn är utom räckhåll. Barndagar = summan över vardagarna av barnen med en öppen plats inom räckhåll den dagen (referensveckan).", "en": "A village is in a blind spot when at least {share} of its children are beyond reach. Child-days = the sum over the weekdays of the children with a place open that day within reach (reference week)."},
    "scen.estimated": {"fi": "Lasten määrät ovat arvioita (≈).", "sv": "Barnantalen är uppskattningar (≈).", "en": "Children are estimates (≈)."},
    "report.scen.title": {"fi": "Skenaariot rinnakkain ({year})", "sv": "Scenarier sida vid sida ({year})", "en": "Scenarios side by side ({year})"},
    "report.scen.intro": {"fi": "Nykytilanne ja {n} {n|tallennettu skenaario|tallennettua skenaariota} samoilla asetuksilla. Skenaario on suunnitelma: se ei ole paikkaluettelossa ennen kuin verkosto ottaa sen käyttöön. Suluissa muutos nykytilanteeseen.", "sv": "Nuläget och {n} {n|sparat scenario|sparade scenarier} med samma inställningar. Ett scenario är en plan: det finns inte i platslistan förrän nätverket tar det i bruk. Inom parentes ändringen mot nuläget.", "en": "The present and {n} kept {n|scenario|scenarios} with the same settings. A scenario is a plan: it is not in the list of places until the network accepts it. In brackets the change against the present."},
    "report.scen.blind_now": {"fi": "{name}: katvealueen kylät {names}.", "sv": "{name}: byarna i skuggområde {names}.", "en": "{name}: the blind-spot villages {names}."},
    "report.scen.blind_out": {"fi": "pois katvealueelta {names}", "sv": "ut ur skuggområdet {names}", "en": "out of the blind spot {names}"},
    "report.scen.blind_in": {"fi": "katvealueelle {names}", "sv": "in i skuggområdet {names}", "en": "into a blind spot {names}"},
    "report.scen.blind_same": {"fi": "{name}: samat katvealueen kylät kuin nyt.", "sv": "{name}: samma byar i skuggområde som nu.", "en": "{name}: the same blind-spot villages as now."},
    "report.scen.maps": {"fi": "Pienet kartat: kunkin vaihtoehdon paikat ja asutut ruudut (saavutettavissa / katvealueella); skenaarion uudet paikat suunniteltuina.", "sv": "Små kartor: varje alternativs platser och bebodda rutor (inom räckhåll / i skuggområde); scenariots nya platser som planerade.", "en": "Small maps: each alternative's places and populated cells (within reach / in a blind spot); a scenario's new places drawn as planned."},
    "scen.strip_alt": {"fi": "{name}: viikot ilman avointa paikkaa {weeks}.", "sv": "{name}: veckor utan öppen plats {weeks}.", "en": "{name}: weeks with no place open {weeks}."},
    "scen.accept_pick": {"fi": "Skenaario", "sv": "Scenario", "en": "Scenario"},
    "scen.accept": {"fi": "Ota käyttöön", "sv": "Ta i bruk", "en": "Accept"},
    "scen.delete": {"fi": "Poista skenaario", "sv": "Ta bort scenariot", "en": "Remove the scenario"},
    "scen.accept_help": {"fi": "Käyttöönotto lisää skenaarion uudet paikat suunniteltuina, siirtää vuorot ja poistaa suljetut paikat luettelosta. Muutos on tallentamaton, kunnes tallennat projektin; aiemmat versiot säilyvät.", "sv": "Att ta i bruk lägger till scenariots nya platser som planerade, flyttar passen och tar bort stängda platser ur listan. Ändringen är osparad tills du sparar projektet; tidigare versioner finns kvar.", "en": "Accepting adds the scenario's new places as planned, moves the sessions and removes closed places from the list. The change is unsaved until you save the project; earlier versions are kept."},
    "scen.accepted": {"fi": "Skenaario ”{name}” otettu käyttöön (tallentamatta).", "sv": "Scenariot ”{name}” taget i bruk (osparat).", "en": "Scenario “{name}” accepted (unsaved)."},
    "scen.accepted.added": {"fi": "Lisätty suunniteltuina: {names}.", "sv": "Tillagda som planerade: {names}.", "en": "Added as planned: {names}."},
    "scen.accepted.closed": {"fi": "Poistettu luettelosta: {names}.", "sv": "Borttagna ur listan: {names}.", "en": "Removed from the list: {names}."},
    "scen.accepted.rescheduled": {"fi": "Aukioloajat muutettu: {names}.", "sv": "Öppettider ändrade: {names}.", "en": "Opening hours changed: {names}."},
    "scen.skipped.hours_edited": {"fi": "Paikan {name} aukioloaikoja on muutettu skenaarion teon jälkeen: niitä ei muutettu. Tarkista ne käsin.", "sv": "Öppettiderna för {name} har ändrats efter att scenariot gjordes: de ändrades inte. Kontrollera dem för hand.", "en": "The opening hours of {name} were edited after the scenario was made: they were left as they are. Check them by hand."},
    "scen.skipped.missing": {"fi": "Paikkaa {name} ei enää ole luettelossa: sitä koskeva muutos ohitettiin.", "sv": "Platsen {name} finns inte längre i listan: ändringen hoppades över.", "en": "The place {name} is no longer in the list: its change was skipped."},
    "scen.err.name": {"fi": "Anna skenaariolle nimi.", "sv": "Ge scenariot ett namn.", "en": "Give the scenario a name."},
    "scen.err.long": {"fi": "Skenaarion nimessä voi olla enintään {n} merkkiä.", "sv": "Scenariots namn kan ha högst {n} tecken.", "en": "A scenario name can have at most {n} characters."},
    "scen.err.exists": {"fi": "Skenaario nimeltä ”{name}” on jo olemassa: valitse toinen nimi tai tallenna siihen.", "sv": "Ett scenario som heter ”{name}” finns redan: välj ett annat namn eller spara i det.", "en": "A scenario named “{name}” exists already: choose another name or keep into it."},
    "scen.err.unknown": {"fi": "Ei löydy: {name}.", "sv": "Finns inte: {name}.", "en": "Not found: {name}."},
    "scen.err.too_many": {"fi": "Vertaa enintään {n} skenaariota kerrallaan.", "sv": "Jämför högst {n} scenarier åt gången.", "en": "Compare at most {n} scenarios at a time."},
    "scen.err.unreadable": {"fi": "Skenaariota ei voitu lukea.", "sv": "Scenariot kunde inte läsas.", "en": "The scenario could not be read."},
    "hours_edit.several_times": {"fi": "Aukioloaikoja ”{rule}” ei voi muuttaa automaattisesti: samana päivänä on useita aikoja ({session}). Muuta ne käsin Kohtaamispaikat-sivulla.", "sv": "Öppettiderna ”{rule}” kan inte ändras automatiskt: samma dag har flera tider ({session}). Ändra dem för hand på sidan Mötesplatser.", "en": "The opening hours “{rule}” cannot be changed automatically: that day has several times ({session}). Edit them by hand on the Meeting places page."},
    "hours_edit.not_found": {"fi": "Vuoroa {session} ei löydy aukioloajoista ”{rule}” (onko niitä muutettu?). Muuta ne käsin Kohtaamispaikat-sivulla.", "sv": "Passet {session} finns inte i öppettiderna ”{rule}” (har de ändrats?). Ändra dem för hand på sidan Mötesplatser.", "en": "The session {session} is not in the opening hours “{rule}” (were they edited?). Edit them by hand on the Meeting places page."},
    "hours_edit.changes_others": {"fi": "Vuoron {session} muuttaminen aukioloaikoihin ”{rule}” muuttaisi myös muita vuoroja, joten Katve ei tee sitä itse. Muuta ne käsin Kohtaamispaikat-sivulla.", "sv": "Att ändra passet {session} i öppettiderna ”{rule}” skulle ändra även andra pass, så Katve gör det inte själv. Ändra dem för hand på sidan Mötesplatser.", "en": "Changing the session {session} in the opening hours “{rule}” would change other sessions too, so Katve does not do it by itself. Edit them by hand on the Meeting places page."},
    "cli.scenarios.now": {"fi": "Nykytilanne", "sv": "Nuläge", "en": "Present"},
    "cli.scenarios.title": {"fi": "skenaariot rinnakkain (vuosi {year})", "sv": "scenarier sida vid sida (år {year})", "en": "scenarios side by side (year {year})"},
    "cli.scenarios.none": {"fi": "{name}: ei tallennettuja skenaarioita; tallenna esim. komennolla plan --new 2 --save-scenario NIMI", "sv": "{name}: inga sparade scenarier; spara t.ex. med plan --new 2 --save-scenario NAMN", "en": "{name}: no scenarios kept; keep one with e.g. plan --new 2 --save-scenario NAME"},
    "cli.scenarios.saved": {"fi": "Skenaario ”{name}” tallennettu projektiin {path}", "sv": "Scenariot ”{name}” sparat i projektet {path}", "en": "Scenario “{name}” kept in the project {path}"},
    "cli.scenarios.removed": {"fi": "Skenaario ”{name}” poistettu", "sv": "Scenariot ”{name}” borttaget", "en": "Scenario “{name}” removed"},
    "cli.scenarios.accepted": {"fi": "Skenaario ”{name}” otettu käyttöön ja tallennettu: {added} uutta suunniteltua paikkaa, {closed} suljettu, {rescheduled} paikan ajat muutettu", "sv": "Scenariot ”{name}” taget i bruk och sparat: {added} nya planerade platser, {closed} stängda, tiderna ändrade för {rescheduled} platser", "en": "Scenario “{name}” accepted and saved: {added} new planned places, {closed} closed, times changed at {rescheduled} places"},
    "cli.scenarios.skipped_hours_edited": {"fi": "paikan {name} aukioloaikoja on muutettu skenaarion teon jälkeen: niitä ei muutettu", "sv": "öppettiderna för {name} har ändrats efter att scenariot gjordes: de ändrades inte", "en": "the opening hours of {name} were edited after the scenario was made: left as they are"},
    "cli.scenarios.skipped_missing": {"fi": "paikkaa {name} ei enää ole: sen muutos ohitettiin", "sv": "platsen {name} finns inte längre: ändringen hoppades över", "en": "the place {name} is no longer there: its change was skipped"},
    "cli.scenarios.nothing": {"fi": "Skenaario ”{name}” on jo paikkaluettelossa: mitään ei muutettu", "sv": "Scenariot ”{name}” finns redan i platslistan: inget ändrades", "en": "Scenario “{name}” is in the list of places already: nothing changed"},
    "cli.scenarios.skipped_already": {"fi": "{name} on jo luettelossa", "sv": "{name} finns redan i listan", "en": "{name} is in the list already"},
    "scen.skipped.already": {"fi": "{name} on jo luettelossa: sitä ei lisätty toista kertaa.", "sv": "{name} finns redan i listan: den lades inte till en gång till.", "en": "{name} is in the list already: it was not added twice."},
    "cli.scenarios.cols.0": {"fi": "skenaario", "sv": "scenario", "en": "scenario"},
    "cli.scenarios.cols.1": {"fi": "lapset", "sv": "barn", "en": "children"},
    "cli.scenarios.cols.2": {"fi": "osuus", "sv": "andel", "en": "share"},
    "cli.scenarios.cols.3": {"fi": "lapsipäivät", "sv": "barndagar", "en": "child-days"},
    "cli.scenarios.cols.4": {"fi": "katvekyliä", "sv": "skuggbyar", "en": "blind villages"},
    "cli.scenarios.cols.5": {"fi": "päällekkäisiä", "sv": "överlapp", "en": "overlaps"},
    "cli.scenarios.cols.6": {"fi": "viikot kiinni", "sv": "veckor stängt", "en": "weeks closed"},
})

# --- issue 17 part 6: the meeting report (branch report17) ---
_section({
    "export.legend.place_planned_counted": {"fi": "Suunniteltu paikka, mukana laskennassa",
                                            "sv": "Planerad plats, medräknad", "en": "Planned place, counted"},
})
