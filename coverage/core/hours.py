"""Opening hours as Finns (and Finland-Swedes) write them, to and from OpenStreetMap syntax.

:func:`normalise_hours` reads what a coordinator types into a spreadsheet (``ti 9.30–11.30``,
``ma-pe 9-12``, ``to klo 17.30-19``, ``ma, ke 9-12``, ``tisdag kl. 10–12``, ``syys–toukokuu: ti 9.30–11.30,
ei arkipyhinä``) and returns the OSM ``opening_hours`` form the library computes with. :func:`describe_hours`
goes the other way: OSM hours in plain Finnish, Swedish or English for the people who read them.

Examples
--------
>>> normalise_hours("ti 9.30–11.30")
'Tu 09:30-11:30'
>>> normalise_hours("ma-pe 9-12")
'Mo-Fr 09:00-12:00'
>>> normalise_hours("syys–toukokuu: ti 9.30–11.30, ei arkipyhinä")
'Sep-May Tu 09:30-11:30; PH off'
>>> describe_hours("Sep-May Tu 09:30-11:30; PH off", "fi")
'syys–toukokuu: ti 9.30–11.30, ei arkipyhinä'
>>> describe_hours("Sep-May Tu 09:30-11:30; PH off", "en")
'September–May: Tue 9:30–11:30, not on public holidays'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schedule import WEEKDAYS, check

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""OSM month abbreviations, January first."""

_FI_MONTH_STEMS = (
    "tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka", "marras", "joulu",
)  # fmt: skip
_SV_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december",
)  # fmt: skip
_EN_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip

# weekday words: abbreviations (exact) and stems of the full names, plural and adverb forms
# ("tiistaisin", "tisdagar"); Finnish, Swedish and English
_DAY_WORDS: dict[str, int] = {
    "ma": 0, "må": 0, "mo": 0, "mon": 0, "mån": 0,
    "ti": 1, "tu": 1, "tue": 1, "tis": 1,
    "ke": 2, "on": 2, "we": 2, "wed": 2, "ons": 2,
    "to": 3, "th": 3, "thu": 3, "tor": 3,
    "pe": 4, "fr": 4, "fri": 4, "fre": 4,
    "la": 5, "lö": 5, "sa": 5, "sat": 5, "lör": 5,
    "su": 6, "sö": 6, "sun": 6, "sön": 6,
}  # fmt: skip
_DAY_STEMS: tuple[tuple[str, int], ...] = (
    ("maanant", 0), ("månd", 0), ("monday", 0),
    ("tiist", 1), ("tisd", 1), ("tuesday", 1),
    ("keskiv", 2), ("onsd", 2), ("wednesday", 2),
    ("torst", 3), ("torsd", 3), ("thursday", 3),
    ("perjant", 4), ("fred", 4), ("friday", 4),
    ("lauant", 5), ("lörd", 5), ("saturday", 5),
    ("sunnunt", 6), ("sönd", 6), ("sunday", 6),
)  # fmt: skip
_HOLIDAY_STEMS = ("arkipyh", "pyhä", "pyhin", "juhlapyh", "helgd", "helgon", "holiday", "ph")
_OFF_WORDS = {"ei", "suljettu", "kiinni", "stängt", "stängd", "inte", "ej", "closed", "off", "not", "no"}
_FILLER_WORDS = {
    "klo", "kl", "kello", "at", "på", "kaikkina", "alla", "ja", "och", "and", "sekä", "paitsi", "except",
    "utom",
    "utan",
}  # fmt: skip
_JOINERS = {"ja", "och", "and", "sekä"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # day | month | time | dash | sep | ph | off
    value: object = None


def _word_token(word: str) -> _Tok | None:
    """One word as a token, or ``None`` when it is not understood."""
    w = word.lower().rstrip(".")
    if w in _DAY_WORDS:
        return _Tok("day", _DAY_WORDS[w])
    for stem, day in _DAY_STEMS:
        if w.startswith(stem):
            return _Tok("day", day)
    for i, stem in enumerate(_FI_MONTH_STEMS):
        if w == stem or (w.startswith(stem + "kuu")):
            return _Tok("month", i)
    for names in (_SV_MONTHS, _EN_MONTHS):
        for i, name in enumerate(names):
            if w == name or (len(w) >= 3 and name.startswith(w) and w not in _DAY_WORDS):
                return _Tok("month", i)
    if any(w.startswith(s) for s in _HOLIDAY_STEMS):
        return _Tok("ph")
    if w in _OFF_WORDS:
        return _Tok("off")
    if w in _JOINERS:
        return _Tok("sep", ",")
    if w in _FILLER_WORDS:
        return _Tok("sep", "")
    return None


_TOKEN_RE = re.compile(
    r"(?P<time>\d{1,2}(?:[.:]\d{2})?)(?![\d])|(?P<word>[^\W\d_]+\.?)|(?P<dash>-)|(?P<sep>[,;/:&])|(?P<space>\s+)"
    r"|(?P<other>.)"
)


def _tokens(text: str) -> list[_Tok] | None:
    text = re.sub(r"[\u2012\u2013\u2014\u2015\u2212\u2010\u2011]", "-", text)
    text = re.sub(r"\s+(?:-|till)\s+(?=\d)", "-", text)  # "9 - 12", "9 to 12"
    out: list[_Tok] = []
    for m in _TOKEN_RE.finditer(text):
        group = m.lastgroup
        value = m.group()
        if group == "time":
            hour, _, minute = value.replace(":", ".").partition(".")
            h, mi = int(hour), int(minute or 0)
            if h > 24 or mi > 59 or (h == 24 and mi):
                return None
            out.append(_Tok("time", f"{h:02d}:{mi:02d}"))
        elif group == "word":
            tok = _word_token(value)
            if tok is None:
                return None
            if tok.kind != "sep" or tok.value:
                out.append(tok)
        elif group == "dash":
            out.append(_Tok("dash"))
        elif group == "sep":
            out.append(_Tok("sep", value))
        elif group == "other":
            return None
    return out


@dataclass
class _Rule:
    months: str = ""
    days: list[str] | None = None
    times: list[str] | None = None


def _range(toks: list[_Tok], i: int, kind: str) -> tuple[tuple[int, int], int]:
    """Read ``A`` or ``A - B`` of ``kind`` from ``toks[i]``: ((a, b), next index)."""
    a = int(str(toks[i].value))
    if i + 2 < len(toks) and toks[i + 1].kind == "dash" and toks[i + 2].kind == kind:
        return (a, int(str(toks[i + 2].value))), i + 3
    return (a, a), i + 1


def _build(toks: list[_Tok]) -> tuple[list[_Rule], bool] | None:
    rules: list[_Rule] = []
    rule = _Rule()
    holidays_off = False
    saw_ph = saw_off = False
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "month":
            (a, b), i = _range(toks, i, "month")
            if rule.days or rule.times:
                rules.append(rule)
                rule = _Rule()
            rule.months = MONTHS[a] if a == b else f"{MONTHS[a]}-{MONTHS[b]}"
            continue
        if tok.kind == "day":
            (a, b), i = _range(toks, i, "day")
            if rule.times:
                rules.append(rule)
                rule = _Rule(months=rule.months)
            text = WEEKDAYS[a] if a == b else f"{WEEKDAYS[a]}-{WEEKDAYS[b]}"
            rule.days = [*(rule.days or []), text]
            continue
        if tok.kind == "time":
            if not (i + 2 < len(toks) and toks[i + 1].kind == "dash" and toks[i + 2].kind == "time"):
                return None  # a start without an end
            start, end = str(tok.value), str(toks[i + 2].value)
            if end <= start and end != "00:00":
                return None
            rule.times = [*(rule.times or []), f"{start}-{end}"]
            i += 3
            continue
        if tok.kind == "ph":
            saw_ph = True
        elif tok.kind == "off":
            saw_off = True
        elif tok.kind == "dash":
            return None
        i += 1
    if rule.days or rule.times:
        rules.append(rule)
    if saw_ph:
        if not saw_off:
            return None  # "arkipyhinä 9-12" (open on holidays?) is not something to guess
        holidays_off = True
    elif saw_off:
        return None
    if not rules or any(not r.times for r in rules):
        return None
    return rules, holidays_off


def normalise_hours(text: str) -> str | None:
    """Return opening hours in OSM syntax: valid OSM as is, Finnish/Swedish forms converted, else ``None``.

    Accepts weekday names and abbreviations in Finnish, Swedish and English (``ti``, ``tiistaisin``,
    ``tisdag``), ranges and lists (``ma-pe``, ``ma, ke``, ``ma ja ke``), times with dots, colons or whole
    hours (``9.30``, ``9:30``, ``9``), ``klo``/``kl.``, en and em dashes, month ranges (``syys–toukokuu``,
    ``september–maj``) and "closed on public holidays" (``ei arkipyhinä``, ``stängt på helgdagar``).

    Examples
    --------
    >>> normalise_hours("to klo 17.30-19"), normalise_hours("ma, ke 9-12")
    ('Th 17:30-19:00', 'Mo,We 09:00-12:00')
    >>> normalise_hours("tisdag kl. 10–12"), normalise_hours("tiistaisin klo 10") is None
    ('Tu 10:00-12:00', True)
    """
    raw = " ".join(str(text or "").split())
    if not raw:
        return None
    if check(raw) is None:
        return raw
    toks = _tokens(raw)
    if not toks:
        return None
    built = _build(toks)
    if built is None:
        return None
    rules, holidays_off = built
    parts = []
    for rule in rules:
        words = [rule.months] if rule.months else []
        if rule.days:
            words.append(",".join(rule.days))
        words.append(",".join(rule.times or []))
        parts.append(" ".join(words))
    if holidays_off:
        parts.append("PH off")
    result = "; ".join(parts)
    return result if check(result) is None else None


# --- OSM hours in plain language ----------------------------------------------------------------------

_FI_MONTH_NAMES = tuple(s + "kuu" for s in _FI_MONTH_STEMS)
_DAY_SHORT = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_HOLIDAYS_OFF = {"fi": "ei arkipyhinä", "sv": "inte på helgdagar", "en": "not on public holidays"}
_HOLIDAYS_ONLY = {"fi": "arkipyhinä", "sv": "helgdagar", "en": "public holidays"}
_CLOSED = {"fi": "suljettu", "sv": "stängt", "en": "closed"}
_RULE_RE = re.compile(
    r"^(?:(?P<months>[A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?(?:,[A-Z][a-z]{2}(?:-[A-Z][a-z]{2})?)*)\s+)?"
    r"(?:(?P<days>(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)(?:[-,](?:Mo|Tu|We|Th|Fr|Sa|Su|PH))*)\s*)?"
    r"(?P<times>\d{2}:\d{2}-\d{2}:\d{2}(?:,\d{2}:\d{2}-\d{2}:\d{2})*|off|closed)?$"
)


def _month_text(span: str, lang: str) -> str:
    out = []
    for part in span.split(","):
        a, _, b = part.partition("-")
        ia, ib = MONTHS.index(a), MONTHS.index(b or a)
        if lang == "fi":
            out.append(_FI_MONTH_NAMES[ia] if ia == ib else f"{_FI_MONTH_STEMS[ia]}–{_FI_MONTH_NAMES[ib]}")
        else:
            names = _SV_MONTHS if lang == "sv" else [m.capitalize() for m in _EN_MONTHS]
            out.append(names[ia] if ia == ib else f"{names[ia]}–{names[ib]}")
    return ", ".join(out)


def _time_text(hhmm: str, lang: str) -> str:
    hour, minute = int(hhmm[:2]), hhmm[3:]
    if lang == "en":
        return f"{hour}:{minute}"
    return str(hour) if minute == "00" else f"{hour}.{minute}"


def _days_text(days: str, lang: str) -> str:
    def one(day: str) -> str:
        return _HOLIDAYS_ONLY[lang] if day == "PH" else _DAY_SHORT[lang][WEEKDAYS.index(day)]

    return ", ".join("–".join(one(d) for d in part.split("-")) for part in days.split(","))


def describe_hours(value: str, lang: str = "fi") -> str:
    """Say OSM opening hours in plain language (``fi``, ``sv``, ``en``); the value itself when too intricate.

    Examples
    --------
    >>> describe_hours("Sep-May Mo,We,Fr 09:00-12:00; PH off", "sv")
    'september–maj: mån, ons, fre 9–12, inte på helgdagar'
    >>> describe_hours("Mo-Fr 09:00-12:00", "fi")
    'ma–pe 9–12'
    """
    lang = lang if lang in _DAY_SHORT else "fi"
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    groups: dict[str, list[str]] = {}
    tail: list[str] = []
    for rule in (r.strip() for r in text.split(";")):
        if not rule:
            continue
        m = _RULE_RE.match(rule)
        if not m or not (m.group("days") or m.group("times")):
            return text
        days, times = m.group("days"), m.group("times")
        if days == "PH" and times in ("off", "closed"):
            tail.append(_HOLIDAYS_OFF[lang])
            continue
        if times in ("off", "closed"):
            shown_times = _CLOSED[lang]
        elif times:
            shown_times = ", ".join(
                "–".join(_time_text(t, lang) for t in span.split("-")) for span in times.split(",")
            )
        else:
            shown_times = ""
        words = " ".join(w for w in (_days_text(days, lang) if days else "", shown_times) if w)
        groups.setdefault(m.group("months") or "", []).append(words)
    parts = []
    for months, rules in groups.items():
        joined = ", ".join(rules)
        parts.append(f"{_month_text(months, lang)}: {joined}" if months else joined)
    return ", ".join(["; ".join(parts), *tail]) if parts else ", ".join(tail)
