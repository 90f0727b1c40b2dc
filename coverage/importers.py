r"""Read places, areas, candidates, visits and outreach from the files coordinators have.

Formats: CSV (also as Finnish Excel writes it: ``;`` separator, decimal comma, UTF-8 with BOM or
Windows-1252), XLSX, GeoJSON, GeoPackage and a Shapefile in a ``.zip`` (or a bare ``.shp`` with its side
files).

Tables locate their rows with ``lat``/``lon`` columns (WGS84 degrees; also ``leveys``/``pituus``,
``latitude``/``longitude``, ``lat``/``lng``, or one ``koordinaatit`` column as Google Maps copies it:
``60.31, 24.39``) or ``x``/``y`` columns (also ``itä``/``pohjoinen``, ``E``/``N``) in EPSG:3067 or an
ETRS-GK zone such as EPSG:3879, detected from the magnitudes unless a ``crs`` is given. Headers may be
Finnish, Swedish or English, in any case and with stray spaces (see :data:`HEADER_ALIASES`).

Every reader returns an :class:`ImportResult` (data in EPSG:3067, conformed to the schema of
:mod:`coverage.model`) or raises :class:`~coverage.model.InputError` listing *every* problem, each naming the
file, the 1-based data row (the header is not counted) and the column as the user wrote it.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> csv = folder / "paikat.csv"
>>> _ = csv.write_text("nimi;aukioloajat;tila;lat;lon\n"
...                    "Perhetupa;Tu 09:30-11:30;olemassa;60,417;24,322\n", encoding="utf-8-sig")
>>> result = read_places(csv)
>>> result.data.loc[0, ["id", "name", "status"]].tolist(), result.data.crs.to_epsg()
(['1', 'Perhetupa', 'existing'], 3067)
>>> [str(w) for w in result.warnings]  # doctest: +ELLIPSIS
['...paikat.csv:-: id: no id column: ids are the row numbers (1, 2, ...)']
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import warnings as _warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import validation
from .model import CRS, SPATIAL_LAYERS, TABLE_LAYERS, InputError, KatveError, Problem, conform

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest input file accepted (50 MB): a municipality's places or areas are a few hundred kilobytes."""

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size of a ``.zip`` / ``.xlsx`` (checked before extracting: zip bombs)."""

MAX_COMPRESSION_RATIO = 200
"""A zip member that expands more than this is refused (real data compresses 2-20x)."""

TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SPATIAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
ZIP_SUFFIXES = (".zip",)
SUPPORTED_SUFFIXES = TABLE_SUFFIXES + EXCEL_SUFFIXES + SPATIAL_SUFFIXES + ZIP_SUFFIXES

LAYERS = (*SPATIAL_LAYERS, *TABLE_LAYERS)

_COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("tunnus", "tunniste", "nro", "numero", "fid_id", "identifier", "nummer", "kod"),
    "name": ("nimi", "namn", "nimike"),
    "municipality": ("kunta", "kommun", "kunnan nimi"),
    "source": ("lähde", "källa", "tietolähde"),
    "notes": (
        "huomiot",
        "huomautukset",
        "lisätiedot",
        "lisätietoja",
        "muistiinpanot",
        "anteckningar",
        "kommentit",
        "note",
        "comments",
    ),
    "kind": ("tyyppi", "laji", "typ", "type"),
}
HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "places": {
        **_COMMON_ALIASES,
        "name": ("nimi", "namn", "paikka", "kohtaamispaikka", "paikan nimi", "mötesplats", "place"),
        "organiser": ("järjestäjä", "ylläpitäjä", "toimija", "arrangör", "organizer", "organisation"),
        "organiser_type": (
            "järjestäjätyyppi",
            "järjestäjän tyyppi",
            "toimijatyyppi",
            "ylläpitäjätyyppi",
            "arrangörstyp",
            "organizer type",
            "organizer_type",
        ),
        "kind": ("tyyppi", "laji", "paikan tyyppi", "toimintamuoto", "typ", "type"),
        "address": ("osoite", "katuosoite", "adress", "käyntiosoite"),
        "opening_hours": (
            "aukioloajat",
            "aukioloaika",
            "aukiolo",
            "avoinna",
            "öppettider",
            "opening hours",
            "hours",
            "aukiolot",
        ),
        "ages": ("ikäryhmä", "ikäryhmät", "ikä", "åldrar", "ålder", "age group", "age"),
        "languages": ("kielet", "kieli", "språk", "language"),
        "status": ("tila", "tilanne"),
        "thl_criteria": ("thl kriteerit", "thl kriteeri", "kriteerit", "thl"),
    },
    "areas": {
        **_COMMON_ALIASES,
        "id": (
            "tunnus",
            "tunniste",
            "nro",
            "numero",
            "postinumero",
            "postinro",
            "postnummer",
            "alue id",
            "identifier",
            "kod",
        ),
        "name": ("nimi", "namn", "alue", "alueen nimi", "kylä", "taajama", "område", "by", "area", "village"),
        "population": (
            "väestö",
            "asukkaat",
            "asukasluku",
            "väkiluku",
            "asukkaita",
            "asukasmäärä",
            "väestö yhteensä",
            "befolkning",
            "invånare",
            "pop",
            "inhabitants",
            "asukkaat yhteensä",
        ),
        "children_0_6": (
            "lapset_0_6",
            "lapset 0 6 v",
            "lapsia 0 6",
            "0 6 vuotiaat",
            "alle kouluikäiset",
            "barn 0 6",
            "children 0 6",
            "lapset",
            "lapsia",
            "children",
        ),
        "children_estimated": (
            "lapset arvioitu",
            "lapset arvio",
            "arvioitu",
            "arvio",
            "uppskattad",
            "estimated",
        ),
        "families_with_children": (
            "lapsiperheet",
            "lapsiperheitä",
            "lapsiperheiden määrä",
            "barnfamiljer",
            "families",
        ),
    },
    "candidates": {
        **_COMMON_ALIASES,
        "name": ("nimi", "namn", "paikka", "kohde", "rakennus", "place", "site"),
    },
    "boundary": {
        "code": ("kuntakoodi", "kuntanumero", "koodi", "kommunkod", "kuntanro", "natcode", "kunta id"),
        "name": ("nimi", "kunta", "kunnan nimi", "namn", "kommun", "nimi fi", "namefin"),
    },
    "visits": {
        "place_id": (
            "paikka id",
            "paikan id",
            "paikka",
            "kohtaamispaikka",
            "paikan tunnus",
            "place",
            "mötesplats",
        ),
        "date": ("päivämäärä", "pvm", "päivä", "datum", "day"),
        "adults": ("aikuiset", "aikuisia", "aikuisten määrä", "vuxna", "aikuiset lkm"),
        "children": ("lapset", "lapsia", "lasten määrä", "barn", "lapset lkm"),
        "first_timers": (
            "ensikertalaiset",
            "ensikertalaisia",
            "uudet",
            "uusia",
            "uudet kävijät",
            "första gången",
            "new",
        ),
        "multicultural": ("monikulttuuriset", "monikulttuurisia", "maahanmuuttajat", "mångkulturella"),
        "home_area": ("kotialue", "asuinalue", "kotikylä", "hemområde"),
    },
    "outreach": {
        "place_id": ("paikka id", "paikan id", "paikka", "kohtaamispaikka", "paikan tunnus", "place"),
        "start": ("alkaa", "alku", "aloitus", "alkuaika", "alkamisaika", "börjar", "starts", "from"),
        "end": ("loppuu", "loppu", "päättyy", "loppuaika", "päättymisaika", "slutar", "ends", "to", "until"),
        "profession": ("ammatti", "ammattilainen", "ammattiryhmä", "työntekijä", "yrke", "professional"),
        "organisation": ("organisaatio", "työnantaja", "yksikkö", "organization", "organisation"),
        "notes": _COMMON_ALIASES["notes"],
    },
}
"""Accepted headers per layer and field (besides the field's own English name), Finnish / Swedish /
English. Matching ignores case, surrounding spaces, and treats spaces, ``-``, ``–`` and ``_`` alike;
Shapefile's 10-character truncations of the English names are accepted too."""

COORDINATE_ALIASES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "leveys", "leveysaste", "lat wgs84", "wgs84 lat", "latitud", "breddgrad"),
    "lon": (
        "lon",
        "lng",
        "long",
        "longitude",
        "pituus",
        "pituusaste",
        "lon wgs84",
        "wgs84 lon",
        "longitud",
        "längdgrad",
    ),
    "x": (
        "x",
        "itä",
        "ita",
        "e",
        "easting",
        "east",
        "itäkoordinaatti",
        "x koordinaatti",
        "e koordinaatti",
        "x 3067",
        "e 3067",
        "x 3879",
        "etrs e",
        "öst",
        "ost",
    ),
    "y": (
        "y",
        "pohjoinen",
        "n",
        "northing",
        "north",
        "pohjoiskoordinaatti",
        "y koordinaatti",
        "n koordinaatti",
        "y 3067",
        "n 3067",
        "y 3879",
        "etrs n",
        "nord",
    ),
    "coordinates": (
        "koordinaatit",
        "coordinates",
        "koordinater",
        "lat lon",
        "latlon",
        "lat lng",
        "sijainti",
        "location",
    ),
}
"""Headers of coordinate columns in tables (``coordinates``: one ``"lat, lon"`` text column)."""

FILE_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "places": ("places", "place", "paikat", "kohtaamispaikat", "kohtaamispaikka", "motesplatser"),
    "areas": ("areas", "area", "alueet", "kylat", "postinumeroalueet", "vaesto", "omraden", "demand"),
    "candidates": ("candidates", "ehdokkaat", "ehdokaspaikat", "kandidater", "sites"),
    "boundary": ("boundary", "raja", "rajat", "kuntaraja", "kuntarajat", "grans"),
    "visits": ("visits", "kaynnit", "kavijat", "kavijamaarat", "tilastot", "besok"),
    "outreach": ("outreach", "jalkautuminen", "jalkautumiset", "vierailut", "ammattilaiset"),
}
"""Words in a file name that tell :func:`detect_layer` what the file holds when the columns do not."""

_DISTINGUISHING: dict[str, tuple[frozenset[str], ...]] = {
    "visits": (frozenset({"date", "adults"}), frozenset({"date", "children"})),
    "outreach": (frozenset({"start", "profession"}),),
    "places": (frozenset({"opening_hours"}), frozenset({"organiser"}), frozenset({"organiser_type"})),
    "areas": (frozenset({"population"}), frozenset({"children_0_6"})),
}


@dataclass(frozen=True)
class ImportResult:
    """What a reader returns.

    Attributes
    ----------
    data : GeoDataFrame or DataFrame
        The layer, schema-conformed (:func:`coverage.model.conform`); spatial layers in EPSG:3067.
    warnings : list of Problem
        Things worth telling the user that did not stop the import (encoding guessed, ids generated, ...).
    source : str
        The file read.
    layer : str
        The layer the data is for (``"places"``, ``"areas"``, ...).
    """

    data: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    source: str = ""
    layer: str = ""


# --- public readers ---------------------------------------------------------------------------------------


def read_places(path: str | os.PathLike, *, boundary: Any = None, crs: Any = None) -> ImportResult:
    """Read meeting places (points) from a CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile.

    Parameters
    ----------
    path : str or path-like
        The file.
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        The municipality; points farther than :data:`coverage.validation.FAR_OUTSIDE_KM` are errors.
    crs : str or int, optional
        CRS of ``x``/``y`` columns (or of a spatial file that has none); detected when not given.

    Returns
    -------
    ImportResult
        ``data`` is a GeoDataFrame in EPSG:3067 with the places schema.

    Raises
    ------
    InputError
        Listing every problem (``PATH:ROW: field: message``).
    """
    return _read_layer("places", path, boundary=boundary, crs=crs)


def read_areas(path: str | os.PathLike, *, boundary: Any = None, crs: Any = None) -> ImportResult:
    """Read demand areas (village points or postal-area / grid polygons) with population and children.

    Parameters and errors as :func:`read_places`; ``data`` has the areas schema.
    """
    return _read_layer("areas", path, boundary=boundary, crs=crs)


def read_candidates(path: str | os.PathLike, *, boundary: Any = None, crs: Any = None) -> ImportResult:
    """Read candidate sites for new meeting places (village halls, schools, libraries ...).

    Parameters and errors as :func:`read_places`; ``data`` has the candidates schema.
    """
    return _read_layer("candidates", path, boundary=boundary, crs=crs)


def read_boundary(path: str | os.PathLike, *, crs: Any = None) -> ImportResult:
    """Read a municipality boundary (polygons). Parameters and errors as :func:`read_places`."""
    return _read_layer("boundary", path, boundary=None, crs=crs)


def read_visits(path: str | os.PathLike) -> ImportResult:
    """Read visitor statistics: place_id, date, adults, children (+ first_timers, multicultural, home_area).

    Raises
    ------
    InputError
        Listing every problem.
    """
    return _read_layer("visits", path)


def read_outreach(path: str | os.PathLike) -> ImportResult:
    """Read professionals' outreach visits: place_id, start, end, profession (+ organisation, notes).

    Raises
    ------
    InputError
        Listing every problem.
    """
    return _read_layer("outreach", path)


def read_table(path: str | os.PathLike, *, layer: str | None = None) -> pd.DataFrame:
    """Read a file as it is: no validation, no value conversion, no coordinates turned into geometry.

    Parameters
    ----------
    path : str or path-like
        Any supported file.
    layer : str, optional
        When given, headers are mapped to that layer's field names (``nimi`` -> ``name``, ...) and, in a
        GeoPackage with several layers, the layer of that name is read.

    Returns
    -------
    DataFrame or GeoDataFrame
        Cells of CSV files as text (``""`` when empty), of XLSX files as Excel holds them. Spatial files
        give a GeoDataFrame in the file's own CRS.

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, empty, too large, unknown format, corrupt).
    """
    raw = _read_raw(Path(path), layer=layer)
    return _map_headers(raw.df, layer)[0] if layer else raw.df


def detect_layer(path: str | os.PathLike) -> str:
    """Guess which layer a file holds from its columns (then its geometry and its name).

    Returns
    -------
    str
        One of ``"places"``, ``"areas"``, ``"candidates"``, ``"boundary"``, ``"visits"``, ``"outreach"``.

    Raises
    ------
    InputError
        When the file cannot be read.
    KatveError
        When nothing tells what the file holds; the message asks for ``--layer``.
    """
    p = Path(path)
    raw = _read_raw(p, layer=None)
    for layer, keys in _DISTINGUISHING.items():
        mapped = set(_map_headers(raw.df, layer)[0].columns)
        if any(key <= mapped for key in keys):
            return layer
    stem = _key(p.stem)
    words = set(stem.split("_")) | {stem}
    for layer, hints in FILE_NAME_HINTS.items():
        if words & set(hints) or any(stem.startswith(h) for h in hints):
            return layer
    if isinstance(raw.df, gpd.GeoDataFrame) and len(raw.df):
        types = set(raw.df.geometry.dropna().geom_type)
        mapped = set(_map_headers(raw.df, "candidates")[0].columns)
        if types and types <= {"Polygon", "MultiPolygon"} and "id" not in mapped:
            return "boundary"
        if types and types <= {"Point", "MultiPoint"} and {"id", "name"} <= mapped:
            return "candidates"
    raise KatveError(
        f"{p}: cannot tell what the file holds from its columns ({', '.join(map(str, raw.df.columns))}); "
        f"name the layer (--layer {'|'.join(LAYERS)})"
    )


# --- file names from users -------------------------------------------------------------------------------


class UnsafePathError(KatveError):
    """A file name from a user would lead out of the folder it must stay in (or cannot be a file name)."""


_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)


def write_upload(folder: str | os.PathLike, user_name: str, data: bytes) -> Path:
    """Write an uploaded file's bytes under ``folder`` with the user's file name, made safe by :func:`safe_path`.

    Raises :class:`UnsafePathError` (a :class:`~coverage.model.KatveError`) for a name that would leave the
    folder, and refuses uploads over :data:`MAX_FILE_BYTES` before writing anything.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InputError([Problem(user_name, None, "-", f"the file is too large ({_mb(len(data))}; "
                                                       f"the limit is {_mb(MAX_FILE_BYTES)})")])
    path = safe_path(folder, user_name)
    path.write_bytes(data)
    return path


def safe_path(folder: str | os.PathLike, user_name: str, *, suffixes: tuple[str, ...] | None = None) -> Path:
    """Return the path of ``user_name`` inside ``folder``; refuse names that would leave the folder.

    Use it for every file name that comes from a user (an upload's name, a "save as" name) before
    opening or writing the file.

    Parameters
    ----------
    folder : str or path-like
        The folder the file must be in (e.g. the projects folder).
    user_name : str
        The name as the user gave it: a file name, or a relative path with ``/`` inside the folder.
    suffixes : tuple of str, optional
        Accepted extensions (lower case, with the dot), e.g. ``(".gpkg",)``.

    Returns
    -------
    Path
        ``folder / user_name``, resolved (symbolic links followed).

    Raises
    ------
    UnsafePathError
        For an empty name, NUL or other control characters, an absolute path, a Windows drive letter or
        UNC path, ``..`` or any part starting with ``.``, a Windows device name (``CON``, ``NUL``, ...), a
        part longer than 255 bytes, a path that a symbolic link leads out of the folder, or another
        extension than ``suffixes``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> safe_path(folder, "vihti 2025.gpkg") == folder.resolve() / "vihti 2025.gpkg"
    True
    >>> safe_path(folder, "../../etc/passwd")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coverage.importers.UnsafePathError: '../../etc/passwd': '..' would lead out of the folder; ...
    """
    name = str(user_name)

    def refuse(reason: str) -> UnsafePathError:
        return UnsafePathError(f"{name!r}: {reason}; give a plain file name")

    if not name.strip():
        raise refuse("the name is empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise refuse("the name holds control characters (e.g. NUL)")
    if name.startswith(("/", "\\")) or os.path.isabs(name):
        raise refuse("an absolute path is not allowed")
    if re.match(r"^[A-Za-z]:", name):
        raise refuse("a drive letter is not allowed")
    parts = [part for part in re.split(r"[/\\]", name)]
    if any(part == ".." for part in parts):
        raise refuse("'..' would lead out of the folder")
    for part in parts:
        if not part:
            raise refuse("empty folder names ('//') are not allowed")
        if part.startswith("."):
            raise refuse(f"names starting with '.' ({part!r}) are not allowed")
        if part != part.rstrip(" ."):
            raise refuse("a name must not end in a space or a dot")
        if part.split(".")[0].lower() in _WINDOWS_DEVICES:
            raise refuse(f"{part!r} is a reserved device name on Windows")
        if len(part.encode("utf-8")) > 255:
            raise refuse("the name is too long (more than 255 bytes)")
    if suffixes is not None and not name.lower().endswith(tuple(s.lower() for s in suffixes)):
        raise refuse(f"the name must end in {' or '.join(suffixes)}")
    base = Path(folder).resolve()
    target = base.joinpath(*parts).resolve()  # follows symbolic links that already exist
    if target == base or not target.is_relative_to(base):
        raise refuse("the name leads out of the folder (through a symbolic link)")
    return target


# --- reading files ----------------------------------------------------------------------------------------


@dataclass
class _Raw:
    """A file read as it is: the frame, the user's 1-based row number of each frame row, and messages."""

    df: pd.DataFrame
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    shown: str | None = None  # how to name the source in problems (a zip member: "x.zip!inner.csv")

    @classmethod
    def from_records(
        cls, kept: list[list], header: list[str], rows: list[int], problems: list[Problem]
    ) -> _Raw:
        """Text-table records (one list a row, ``header`` from :func:`_unique_headers`) as an object frame.

        Columns whose header was blank are dropped.
        """
        df = (
            pd.DataFrame(kept, columns=header, dtype=object)
            if kept
            else pd.DataFrame(columns=header, dtype=object)
        )
        df = df[[c for c in df.columns if not c.startswith("\0blank")]]
        return cls(df, np.array(rows, dtype=int), problems)


def _fail(path: Path, message: str, field_name: str = "-") -> InputError:
    return InputError([Problem(str(path), None, field_name, message)])


def _mb(size: float) -> str:
    """Bytes as the megabytes of the limits (MB = 2**20 bytes, as in ``50 * 1024 * 1024``)."""
    mb = size / 2**20
    return f"{mb:.1f} MB" if mb < 10 and not float(mb).is_integer() else f"{mb:.0f} MB"


def _check_file(path: Path, *, shown: Path | None = None) -> int:
    """Refuse a file that cannot be read, before reading it; return its size in bytes.

    Refused: missing, a folder, an unknown type, empty, too large, or content that does not match the
    extension (:func:`sniff_content`).
    """
    shown = shown or path
    if not path.exists():
        raise _fail(shown, "file not found")
    if path.is_dir():
        raise _fail(shown, "is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _fail(shown, "old Excel .xls files are not supported: save it as .xlsx or CSV")
    if suffix not in SUPPORTED_SUFFIXES:
        raise _fail(
            shown,
            f"unknown file type {path.suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
        )
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise _fail(shown, f"cannot open the file ({exc.strerror or exc})") from None
    if size == 0:
        raise _fail(shown, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise _fail(shown, f"the file is too large ({_mb(size)}; the limit is {_mb(MAX_FILE_BYTES)})")
    message = _content_mismatch(suffix, head)
    if message:
        raise _fail(shown, message)
    return size


# --- what a file really is (magic bytes) ------------------------------------------------------------------

_HEAD_BYTES = 4096

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip
    (b"SQLite format 3\x00", "sqlite"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!", "rar"),
    (b"\x00\x00\x27\x0a", "shp"),  # big-endian 9994, the Shapefile file code
)

CONTENT_NAMES: dict[str, str] = {
    "zip": "a zip archive (an .xlsx workbook is one too)",
    "sqlite": "a SQLite database (a GeoPackage is one)",
    "ole2": "an old Excel 97-2003 (.xls) workbook or a password-protected Excel file",
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "gzip": "a gzip archive",
    "7z": "a 7-Zip archive",
    "rar": "a RAR archive",
    "shp": "the .shp part of a Shapefile",
    "html": "a web page (HTML)",
    "xml": "an XML document",
    "json": "a JSON text",
    "text": "a text file",
    "binary": "binary data",
}
"""What :func:`sniff_content` can tell, in words for messages."""

_EXPECTED: dict[str, tuple[tuple[str, ...], str]] = {
    ".csv": (("text", "json"), "a CSV text file"),
    ".txt": (("text", "json"), "a CSV text file"),
    ".tsv": (("text", "json"), "a CSV text file"),
    ".xlsx": (("zip",), "an Excel .xlsx workbook"),
    ".xlsm": (("zip",), "an Excel .xlsm workbook"),
    ".zip": (("zip",), "a zip archive"),
    ".gpkg": (("sqlite",), "a GeoPackage"),
    ".geojson": (("json",), "a GeoJSON file"),
    ".json": (("json",), "a GeoJSON file"),
    ".shp": (("shp",), "a Shapefile"),
}


def sniff_content(head: bytes) -> str:
    r"""Tell what a file is from its first bytes, whatever its name.

    Parameters
    ----------
    head : bytes
        The first few kilobytes of the file.

    Returns
    -------
    str
        A key of :data:`CONTENT_NAMES`: ``"zip"``, ``"sqlite"``, ``"ole2"``, ``"pdf"``, ``"png"``,
        ``"jpeg"``, ``"gif"``, ``"gzip"``, ``"7z"``, ``"rar"``, ``"shp"``, ``"html"``, ``"xml"``,
        ``"json"``, ``"text"`` or ``"binary"``.

    Examples
    --------
    >>> sniff_content(b"PK\x03\x04..."), sniff_content(b'\xef\xbb\xbf{"type": "FeatureCollection"')
    ('zip', 'json')
    >>> sniff_content(b"nimi;lat;lon\n"), sniff_content(b"<!DOCTYPE html><html>")
    ('text', 'html')
    """
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with a byte-order mark (Excel's "Unicode text")
    if b"\x00" in head and _utf16_without_bom(head) is None:
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\x1e")  # BOM, white space, GeoJSON-sequence separator
    lower = start[:200].lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        lower.startswith(b"<!--") and b"<html" in head.lower()
    ):
        return "html"
    if lower.startswith(b"<"):
        return "xml"
    if start.startswith((b"{", b"[")):
        return "json"
    return "text"


def _content_mismatch(suffix: str, head: bytes) -> str | None:
    """Explain how the content does not fit the extension (None when it does)."""
    if suffix not in _EXPECTED:
        return None
    accepted, wanted = _EXPECTED[suffix]
    kind = sniff_content(head)
    if kind in accepted:
        return None
    what = CONTENT_NAMES[kind]
    if suffix in TABLE_SUFFIXES:
        if kind == "html":
            return (
                f"the file is {what}, not {wanted}: the server sent a page (a login or error page?) instead "
                "of the data; download the data again"
            )
        if kind == "zip":
            return (
                f"not a text file: it holds binary data (an Excel workbook renamed to {suffix}?); "
                "save it as CSV or XLSX"
            )
        if kind == "xml":
            return None  # a one-column CSV may start with '<'; the columns will tell
        if kind == "binary":
            return "not a text file: it holds binary data; save it as CSV or XLSX"
        return f"not a text file: it is {what}; save it as CSV or XLSX"
    hint = ""
    if suffix in EXCEL_SUFFIXES and kind in ("text", "json"):
        hint = ": it is a CSV or other text file renamed; rename it to .csv"
    elif suffix in EXCEL_SUFFIXES and kind == "ole2":
        hint = ": open it in Excel and save it as .xlsx (Excel workbook) without a password"
    elif kind == "html":
        hint = ": the server sent a page (a login or error page?) instead of the data; download it again"
    elif kind in ("zip", "sqlite", "json", "shp"):
        right = {"zip": ".zip or .xlsx", "sqlite": ".gpkg", "json": ".geojson", "shp": ".shp"}[kind]
        hint = f" (the extension {suffix} does not match the content: is it a {right} file?)"
    return f"the file is {what}, not {wanted}{hint}"


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when text looks like UTF-16 without a byte-order mark, else None."""
    sample = data[: _HEAD_BYTES - (_HEAD_BYTES % 2)]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _read_raw(path: Path, *, layer: str | None) -> _Raw:
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return _read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        _check_zip(path, what="Excel file")
        return _read_xlsx(path, layer=layer)
    if suffix in ZIP_SUFFIXES:
        return _read_zip(path, layer=layer)
    return _read_spatial(path, layer=layer, shown=path)


def _decode(path: Path, data: bytes) -> tuple[str, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise _fail(
                path,
                f"the file starts as UTF-16 text but cannot be decoded at byte {exc.start} (cut short or "
                "damaged?): save it again as CSV UTF-8",
            ) from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise _fail(
                path, "the file looks like UTF-16 text but cannot be decoded: save it as CSV (UTF-8)"
            ) from None
        read_as = f"the file has no byte-order mark: read it as {utf16.upper()} text"
        return text, [Problem(str(path), None, "-", read_as, "warning")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    # UTF-8 letters (ä = C3 A4, ö = C3 B6, ...) in a file that is not UTF-8: two encodings mixed up, e.g. a
    # UTF-8 file edited in a program that saved new rows as Windows-1252. Decoding either way garbles text.
    if re.search(rb"[\xc3\xc5][\x80-\xbf]", data):
        line = data[:bad_at].count(b"\n")  # 0 = the header line
        where = f"row {line}" if line else "the header"
        raise InputError(
            [
                Problem(
                    str(path),
                    line or None,
                    "-",
                    f"the file mixes text encodings (UTF-8 and another, first at {where}): ä and ö would be "
                    "garbled; open it in a text editor or Excel and save it again as CSV UTF-8",
                )
            ]
        )
    note = Problem(
        str(path),
        None,
        "-",
        "the file is not UTF-8: read it as Windows-1252 (cp1252), the encoding of Finnish Excel's "
        "'CSV (semicolon separated)'; check that ä and ö look right",
        "warning",
    )
    try:
        return data.decode("cp1252"), [note]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [note]


_SEPARATORS = (";", "\t", ",", "|")
"""Column separators tried, in order of preference on ties (Finnish Excel writes ';': ',' is the decimal
separator)."""


def _sniff_separator(text: str) -> str:
    """Choose the column separator.

    The one that splits the header into the most columns *and* gives the following rows the same number
    of values; when none is consistent, the one giving the header the most columns.
    """
    sample = "\n".join(text.splitlines()[:_SNIFF_LINES])
    widths: dict[str, list[int]] = {}
    for sep in _SEPARATORS:
        try:
            records = [
                r
                for r in csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
                if any(c.strip() for c in r)
            ]
        except csv.Error:
            records = []
        if records:
            widths[sep] = [len(r) for r in records[: _SNIFF_LINES // 2]]
    if not widths:
        return ";"
    # the last sampled record may be cut off: leave it out of the consistency check
    consistent = [
        sep
        for sep, w in widths.items()
        if w[0] > 1 and all(n == w[0] for n in (w[1:-1] if len(w) > 2 else w[1:]))
    ]
    if consistent:
        best = max(widths[sep][0] for sep in consistent)
        return next(sep for sep in consistent if widths[sep][0] == best)
    best = max(w[0] for w in widths.values())
    if best <= 1:
        return ";"
    return next(sep for sep in _SEPARATORS if sep in widths and widths[sep][0] == best)


_SNIFF_LINES = 40


def _unterminated_quote(text: str, sep: str) -> int | None:
    """Find the row (0 = header) of a quoted value still open at the end of the text (None if none)."""
    if '"' not in text:
        return None
    count = leading = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True):
            if count == leading and not any(cell.strip() for cell in record):
                leading += 1
            count += 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return count - leading
    return None


def _fail_row(path: Path, row: int | None, message: str, field_name: str = "-") -> InputError:
    return InputError([Problem(str(path), row or None, field_name, message)])


def _read_csv(path: Path) -> _Raw:
    data = path.read_bytes()
    if (
        b"\x00" in data[:65536]
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
        and _utf16_without_bom(data) is None
    ):
        hint = " (an Excel workbook renamed to .csv?)" if data.startswith(b"PK") else ""
        raise _fail(path, f"not a text file: it holds binary data{hint}; save it as CSV or XLSX")
    text, problems = _decode(path, data)
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    match = re.fullmatch(r'"?sep=(.)"?', first)
    if match:  # Excel's separator hint line
        sep = match.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
        lines = lines[1:]
    else:
        sep = _sniff_separator(text)
    unterminated = _unterminated_quote(text, sep)
    if unterminated is not None:
        raise _fail_row(
            path,
            unterminated,
            "the file ends inside a quoted value that starts on this row: the file is cut short (an "
            "interrupted download or copy?), or a closing '\"' is missing",
        )
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise _fail(path, f"cannot read the CSV file ({exc})") from None
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
    if not records:
        raise _fail(path, "the file is empty")
    header = [cell.strip() for cell in records[0]]
    body = records[1:]
    if not any(header):
        raise _fail(path, "the header row is empty")
    width = len(header)
    kept: list[list[str]] = []
    rows: list[int] = []
    for number, record in enumerate(body, start=1):
        if not any(cell.strip() for cell in record):
            continue  # blank line (Excel leaves ';;;;' rows at the end)
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            hint = ""
            if sep == "," and re.search(r"\d,\d", ",".join(record)):
                hint = " (a decimal comma in a comma-separated file? use ';' as separator or quote the value)"
            elif sep in ";|":
                hint = (
                    f" (a '{sep}' inside a value, e.g. in the opening hours? put that value in double quotes)"
                )
            problems.append(
                Problem(
                    str(path),
                    number,
                    "-",
                    f"has {len(record)} values but the header has {width} columns{hint}",
                )
            )
            continue
        record = (record + [""] * width)[:width]
        kept.append(record)
        rows.append(number)
    header = _unique_headers(header, path, problems)
    return _Raw.from_records(kept, header, rows, problems)


def _unique_headers(header: list[Any], path: Path, problems: list[Problem]) -> list[str]:
    out: list[str] = []
    seen: Counter[str] = Counter()
    for i, raw in enumerate(header):
        name = "" if raw is None else " ".join(str(raw).split())
        if not name:
            out.append(f"\0blank{i}")
            continue
        seen[name] += 1
        if seen[name] > 1:
            problems.append(
                Problem(
                    str(path),
                    None,
                    name,
                    f"the column {name!r} appears {seen[name]} times; the first one is used",
                    "warning",
                )
            )
            name = f"{name} ({seen[name]})"
        out.append(name)
    return out


def _check_zip(path: Path, *, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _fail(
            path,
            f"not a readable {what}: it is damaged or cut short (an interrupted download or copy?) ({exc})",
        ) from None
    infos = archive.infolist()
    encrypted = [info.filename for info in infos if info.flag_bits & 0x1]
    if encrypted:
        archive.close()
        raise _fail(
            path,
            f"the {what} is password-protected ({encrypted[0]!r}): "
            + (
                "save it again without a password"
                if what != "zip file"
                else "zip the files again without a password"
            ),
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED_BYTES:
        archive.close()
        raise _fail(
            path,
            f"the {what} expands to {_mb(total)}; the limit is {_mb(MAX_UNZIPPED_BYTES)}",
        )
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            archive.close()
            raise _fail(
                path,
                f"the {what} member {info.filename!r} expands "
                f"{info.file_size / max(info.compress_size, 1):.0f}-fold: refused as a possible zip bomb",
            )
    return archive


def _read_xlsx(path: Path, *, layer: str | None) -> _Raw:
    import openpyxl

    problems: list[Problem] = []
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # openpyxl's style / data-validation notices
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for corrupt files
        raise _fail(path, f"cannot read the Excel file ({' '.join(str(exc).split())})") from None
    try:
        values, sheet_name = _xlsx_values(book, path, layer=layer, problems=problems)
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML (ParseError, entity limits), bad cells, ...
        raise _fail(
            path, f"cannot read the Excel file: a sheet is damaged ({' '.join(str(exc).split())})"
        ) from None
    finally:
        book.close()
    while values and all(_blank(v) for v in values[0]):
        values.pop(0)
    if not values:
        raise _fail(path, f"the sheet {sheet_name!r} is empty")
    header = _unique_headers(values[0], path, problems)
    width = len(header)
    kept, rows = [], []
    for number, record in enumerate(values[1:], start=1):
        if all(_blank(v) for v in record):
            continue
        record = (list(record) + [None] * width)[:width]
        kept.append([v.strip() if isinstance(v, str) else v for v in record])
        rows.append(number)
    return _Raw.from_records(kept, header, rows, problems)


def _xlsx_values(book: Any, path: Path, *, layer: str | None, problems: list[Problem]) -> tuple[list, str]:
    names = book.sheetnames
    sheet_name = names[0]
    if layer:
        wanted = {_key(layer), *(_key(h) for h in FILE_NAME_HINTS.get(layer, ()))}
        sheet_name = next((n for n in names if _key(n) in wanted), sheet_name)
    if len(names) > 1:
        problems.append(
            Problem(
                str(path),
                None,
                "-",
                f"the workbook has {len(names)} sheets; read the sheet {sheet_name!r}",
                "warning",
            )
        )
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        values = [list(r) for r in book[sheet_name].iter_rows(values_only=True)]
    return values, sheet_name


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_zip(path: Path, *, layer: str | None) -> _Raw:
    archive = _check_zip(path, what="zip file")
    with archive:
        for info in archive.infolist():
            if _unsafe_member(info.filename):
                raise _fail(
                    path,
                    f"the zip member {info.filename!r} has a path that leads out of its folder: refused; "
                    "zip the "
                    "files again from their own folder",
                )
        members = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
        shps = [i for i in members if i.filename.lower().endswith(".shp")]
        others = [
            i
            for i in members
            if Path(i.filename).suffix.lower()
            in (".gpkg", ".geojson", ".json", *TABLE_SUFFIXES, *EXCEL_SUFFIXES)
        ]
        if shps:
            chosen = _choose_member(path, shps, layer)
            stem = chosen.filename[:-4]
            wanted = [i for i in members if i.filename.rsplit(".", 1)[0] == stem]
            names = {Path(i.filename).suffix.lower() for i in wanted}
            missing = [s for s in (".shx", ".dbf") if s not in names]
            if missing:
                raise _fail(
                    path,
                    f"the Shapefile {Path(chosen.filename).name!r} lacks its {' and '.join(missing)} "
                    "file; zip all the files that share its name",
                )
        elif others:
            chosen = _choose_member(path, others, layer)
            wanted = [chosen]
        elif any(i.filename.lower().endswith(ZIP_SUFFIXES) for i in members):
            raise _fail(path, "the zip holds another zip file: unzip it once and choose the inner zip")
        else:
            raise _fail(path, "the zip holds no Shapefile (.shp) or other data file")
        with tempfile.TemporaryDirectory(prefix="katve-import-") as tmp:
            budget = MAX_UNZIPPED_BYTES
            for info in wanted:
                target = Path(tmp) / _member_name(info.filename)  # never trust member paths (../../)
                try:
                    with archive.open(info) as src, open(target, "wb") as dst:
                        while chunk := src.read(1 << 20):
                            budget -= len(chunk)
                            if budget < 0:
                                raise _fail(path, "the zip file expands beyond its declared size: refused")
                            dst.write(chunk)
                except NotImplementedError as exc:  # deflate64, lzma, ... in older tools' zips
                    raise _fail(
                        path,
                        f"the zip member {info.filename!r} uses a compression method that cannot be read "
                        f"({exc}); zip it again with the ordinary method (deflate)",
                    ) from None
                except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
                    raise _fail(
                        path,
                        f"the zip file is damaged: its member {info.filename!r} cannot be unpacked "
                        f"({' '.join(str(exc).split())}); download or zip it again",
                    ) from None
            inner = Path(tmp) / _member_name(chosen.filename)
            shown = Path(f"{path}!{chosen.filename}") if not shps else path
            with open(inner, "rb") as fh:
                mismatch = _content_mismatch(inner.suffix.lower(), fh.read(_HEAD_BYTES))
            if mismatch:
                raise _fail(Path(f"{path}!{chosen.filename}"), mismatch)
            if inner.suffix.lower() in TABLE_SUFFIXES:
                raw = _read_csv(inner)
            elif inner.suffix.lower() in EXCEL_SUFFIXES:
                raw = _read_xlsx(inner, layer=layer)
            else:
                raw = _read_spatial(inner, layer=layer, shown=shown)
            raw.problems = [_repath(p, str(shown)) for p in raw.problems]
            raw.shown = str(shown)
            return raw


def _member_name(name: str) -> str:
    r"""Return the file name of a zip member without its folders (``/`` or ``\`` separated)."""
    return re.split(r"[/\\]", name)[-1]


def _unsafe_member(name: str) -> bool:
    """Tell whether a member path is absolute, has a drive letter or climbs up with ``..`` (zip slip)."""
    parts = re.split(r"[/\\]", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts


def _hidden(name: str) -> bool:
    parts = Path(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _choose_member(path: Path, members: list[zipfile.ZipInfo], layer: str | None) -> zipfile.ZipInfo:
    if len(members) == 1:
        return members[0]
    if layer:
        wanted = {_key(layer), *(_key(h) for h in FILE_NAME_HINTS.get(layer, ()))}
        for info in members:
            if _key(Path(info.filename).stem) in wanted:
                return info
    names = ", ".join(Path(i.filename).name for i in members)
    raise _fail(path, f"the zip holds several data files ({names}); zip one per layer")


def _repath(problem: Problem, path: str) -> Problem:
    return Problem(path, problem.row, problem.field, problem.message, problem.severity)


_FORMAT_NAMES = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile"}


def _unreadable(path: Path, exc: Exception) -> str:
    what = _FORMAT_NAMES.get(path.suffix.lower(), "data")
    text = " ".join(str(exc).split())
    if (
        "not recognized as being in a supported file format" in text
        or "not recognized as a supported" in text
        or "file is not a database" in text
        or "database disk image is malformed" in text
    ):
        return f"not a valid {what} file (damaged, or another format with the wrong extension)"
    text = text.replace(str(path), path.name)
    return f"cannot read the {what} file ({text})"


def _read_spatial(path: Path, *, layer: str | None, shown: Path) -> _Raw:
    import pyogrio

    problems: list[Problem] = []
    layer_name = None
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # GDAL notices such as "bad application_id"
            listed = pyogrio.list_layers(path)
    except Exception as exc:  # noqa: BLE001 - pyogrio's DataSourceError and friends
        raise _fail(shown, _unreadable(path, exc)) from None
    names = [str(n) for n, _g in listed]
    if len(names) > 1:
        wanted = {_key(layer), *(_key(h) for h in FILE_NAME_HINTS.get(layer, ()))} if layer else set()
        layer_name = next((n for n in names if _key(n) in wanted), None)
        if layer_name is None:
            raise _fail(
                shown,
                f"the file has several layers ({', '.join(names)})"
                + (f" and none is called {layer!r}" if layer else "")
                + ": name the layer to read, or save it as a file of its own",
            )
    elif not names:
        raise _fail(shown, "the file holds no layers")
    elif layer and names[0] in LAYERS and names[0] != layer:
        raise _fail(
            shown,
            f"the file holds only the layer {names[0]!r}, not {layer!r}: "
            f"choose the file that holds the {layer}",
        )
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")  # pyogrio notices (e.g. measured geometries)
            gdf = gpd.read_file(path, layer=layer_name, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001
        raise _fail(shown, _unreadable(path, exc)) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.isna().all():
        df = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
        return _Raw(df, np.arange(1, len(df) + 1), problems)
    return _Raw(gdf.reset_index(drop=True), np.arange(1, len(gdf) + 1), problems)


# --- headers ----------------------------------------------------------------------------------------------


def _key(text: Any) -> str:
    """Header key: lower case, accents kept, spaces / dashes / dots / slashes as one ``_``, no ``*``."""
    s = str(text).strip().lower().replace("\ufeff", "")
    s = re.sub(r"[*:()\[\]]", " ", s)
    s = re.sub(r"[\s\-–—_/.,]+", "_", s)
    return s.strip("_")


def _alias_table(layer: str) -> dict[str, str]:
    fields = {**SPATIAL_LAYERS, **TABLE_LAYERS}[layer]
    table: dict[str, str] = {}
    for name in fields:
        table.setdefault(_key(name), name)
        if len(name) > 10:
            table.setdefault(_key(name[:10]), name)  # Shapefile truncates field names to 10 characters
    for name, aliases in HEADER_ALIASES.get(layer, {}).items():
        if name in fields:
            for alias in aliases:
                table.setdefault(_key(alias), name)
    return table


def _map_headers(df: pd.DataFrame, layer: str | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename columns to the layer's field names; return the frame and {field: the user's header}."""
    if layer is None:
        return df, {}
    table = _alias_table(layer)
    geometry_name = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    renames: dict[str, str] = {}
    original: dict[str, str] = {}
    columns = [c for c in df.columns if c != geometry_name]
    # exact English names win over aliases
    for column in columns:
        if _key(column) in {_key(f) for f in table.values()} and table[_key(column)] not in original:
            target = table[_key(column)]
            renames[column], original[target] = target, str(column)
    for column in columns:
        if column in renames:
            continue
        alias_of = table.get(_key(column))
        if alias_of and alias_of not in original:
            renames[column], original[alias_of] = alias_of, str(column)
    # then headers with a suffix such as a year or a source: "asukkaat_2022", "väestö (Paavo)"
    coordinate_keys = {_key(a) for aliases in COORDINATE_ALIASES.values() for a in aliases}
    for column in columns:
        key = _key(column)
        if column in renames or key in coordinate_keys or key in table:
            continue
        for alias, target in table.items():
            if len(alias) >= 5 and key.startswith(alias + "_") and target not in original:
                renames[column], original[target] = target, str(column)
                break
    out = df.rename(columns=renames)
    return out, original


def _find_coordinate_columns(df: pd.DataFrame) -> dict[str, str]:
    """Coordinate columns by role (lat, lon, x, y, coordinates); exact headers first, then ``*_lat`` forms."""
    found: dict[str, str] = {}
    keys = {str(c): _key(c) for c in df.columns}
    for role, aliases in COORDINATE_ALIASES.items():
        wanted = {_key(a) for a in aliases}
        hits = [c for c, k in keys.items() if k in wanted]
        if hits:
            found[role] = hits[0]
    suffixes = {
        "lat": {"lat", "latitude", "leveys", "leveysaste"},
        "lon": {"lon", "lng", "longitude", "pituus", "pituusaste"},
    }
    for role, wanted in suffixes.items():  # "centroid_lat", "wgs84_lon", "keskipiste_leveys"
        if role not in found:
            hits = [c for c, k in keys.items() if k.rsplit("_", 1)[-1] in wanted and "_" in k]
            if len(hits) == 1:
                found[role] = hits[0]
    return found


# --- coordinates ------------------------------------------------------------------------------------------

_N_RANGE = (6_570_000.0, 7_830_000.0)
_E_RANGE_3067 = (20_000.0, 790_000.0)


def _gk_zone(easting: np.ndarray) -> np.ndarray:
    """ETRS-GK zone (19..31) from an easting with the zone prefix (25 496 000 -> 25), else 0."""
    zone = np.floor(easting / 1_000_000.0)
    with np.errstate(invalid="ignore"):
        ok = (
            (zone >= 19)
            & (zone <= 31)
            & (easting - zone * 1_000_000 >= 150_000)
            & (easting - zone * 1_000_000 <= 850_000)
        )
    return np.where(ok, zone, 0).astype(int)


def _classify_xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per point: the EPSG code its magnitudes fit (3067, GK 3873-3885); negative if swapped; 0: none."""
    with np.errstate(invalid="ignore"):
        north_y = (y >= _N_RANGE[0]) & (y <= _N_RANGE[1])
        north_x = (x >= _N_RANGE[0]) & (x <= _N_RANGE[1])
        tm_x = (x >= _E_RANGE_3067[0]) & (x <= _E_RANGE_3067[1])
        tm_y = (y >= _E_RANGE_3067[0]) & (y <= _E_RANGE_3067[1])
    gk_x, gk_y = _gk_zone(x), _gk_zone(y)
    code = np.zeros(len(x), dtype=int)
    code = np.where(north_y & tm_x, 3067, code)
    code = np.where(north_y & (gk_x > 0), 3873 + gk_x - 19, code)
    code = np.where((code == 0) & north_x & tm_y, -3067, code)
    code = np.where((code == 0) & north_x & (gk_y > 0), -(3873 + gk_y - 19), code)
    return code


def _coerce_crs(crs: Any) -> Any:
    import pyproj

    try:
        return pyproj.CRS.from_user_input(crs)
    except Exception as exc:  # noqa: BLE001 - pyproj.exceptions.CRSError
        raise KatveError(
            f"unknown coordinate system {crs!r} ({exc}); use e.g. EPSG:3067 or EPSG:3879"
        ) from None


def _geometry_from_columns(
    df: pd.DataFrame, *, path: str, rows: np.ndarray, crs: Any, problems: list[Problem]
) -> tuple[gpd.GeoSeries | None, str, list[str]]:
    """Point geometry from coordinate columns: (GeoSeries or None, field name for problems, columns used)."""
    cols = _find_coordinate_columns(df)
    n = len(df)

    def add(pos: int | None, fld: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, None if pos is None else int(rows[pos]), fld, message, severity))

    def numbers(column: str) -> tuple[np.ndarray, np.ndarray]:
        values, bad = validation.to_numbers(df[column])
        raw = df[column].astype(object).to_numpy()
        for pos in np.flatnonzero(bad):
            add(int(pos), column, f"{str(raw[pos])!r} is not a number")
        return values, bad

    if "lat" in cols and "lon" in cols:
        fld = f"{cols['lat']}/{cols['lon']}"
        (lat, bad_lat), (lon, bad_lon) = numbers(cols["lat"]), numbers(cols["lon"])
        geoms = _points_from_lat_lon(lat, lon, bad_lat | bad_lon, fld=fld, add=add, crs=crs)
        return geoms, fld, [cols["lat"], cols["lon"]]
    if "x" in cols and "y" in cols:
        fld = f"{cols['x']}/{cols['y']}"
        (x, bad_x), (y, bad_y) = numbers(cols["x"]), numbers(cols["y"])
        for pos in np.flatnonzero((np.isnan(x) | np.isnan(y)) & ~bad_x & ~bad_y):
            add(int(pos), fld, "coordinates are missing")
        return _xy_to_points(x, y, fld=fld, add=add, crs=crs), fld, [cols["x"], cols["y"]]
    if "coordinates" in cols:
        fld = cols["coordinates"]
        lat, lon = np.full(n, np.nan), np.full(n, np.nan)
        bad = np.zeros(n, dtype=bool)
        for i, value in enumerate(df[fld].astype(object)):
            if validation.is_missing(value):
                continue
            parts = re.findall(r"[-\u2212]?\d+(?:[.,]\d+)?", re.sub(r",\s+", " ", str(value)))
            if len(parts) != 2:
                bad[i] = True
                add(
                    i,
                    fld,
                    f"cannot read the coordinates {str(value)!r}: write 'lat, lon', e.g. '60.4170, 24.3220'",
                )
                continue
            lat[i], lon[i] = (float(p.replace(",", ".").replace("\u2212", "-")) for p in parts)
        return _points_from_lat_lon(lat, lon, bad, fld=fld, add=add, crs=crs), fld, [fld]
    return None, "lat/lon", []


def _points_from_lat_lon(
    lat: np.ndarray, lon: np.ndarray, bad: np.ndarray, *, fld: str, add: Any, crs: Any
) -> gpd.GeoSeries:
    both = ~np.isnan(lat) & ~np.isnan(lon)
    for pos in np.flatnonzero(~both & ~bad):
        add(int(pos), fld, "coordinates are missing")
    with np.errstate(invalid="ignore"):
        metres = both & (np.abs(lat) > 1000) & (np.abs(lon) > 1000)
    if both.any() and metres[both].all():
        add(
            None,
            fld,
            f"the {fld} columns hold metres, not degrees: read as north/east coordinates",
            "warning",
        )
        return _xy_to_points(lon, lat, fld=fld, add=add, crs=crs)
    swapped = both & validation.swapped_lat_lon(lon, lat)
    for pos in np.flatnonzero(swapped):
        add(
            int(pos),
            fld,
            f"latitude and longitude appear swapped (lat {lat[pos]:g}, lon {lon[pos]:g}): in "
            f"Finland the latitude is {validation.FINLAND_LAT[0]:g}-{validation.FINLAND_LAT[1]:g} "
            f"and the longitude {validation.FINLAND_LON[0]:g}-{validation.FINLAND_LON[1]:g}",
        )
    with np.errstate(invalid="ignore"):
        out_of_range = both & ~swapped & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    for pos in np.flatnonzero(out_of_range):
        add(
            int(pos),
            fld,
            f"lat {lat[pos]:g}, lon {lon[pos]:g} are not degrees (latitude -90..90, longitude "
            "-180..180); metre coordinates go in columns x and y",
        )
    ok = both & ~swapped & ~out_of_range
    geoms = np.full(len(lat), None, dtype=object)
    geoms[ok] = shapely.points(lon[ok], lat[ok])
    return gpd.GeoSeries(list(geoms), crs="EPSG:4326")


def _c(value: float) -> str:
    """Format a coordinate for a message: whole metres, or ``1e+300`` for absurd values."""
    return f"{value:.0f}" if abs(value) < 1e12 else f"{value:.3g}"


def _xy_to_points(x: np.ndarray, y: np.ndarray, *, fld: str, add: Any, crs: Any) -> gpd.GeoSeries:
    both = ~np.isnan(x) & ~np.isnan(y)
    geoms = np.full(len(x), None, dtype=object)
    if crs is not None:
        geoms[both] = shapely.points(x[both], y[both])
        return gpd.GeoSeries(list(geoms), crs=_coerce_crs(crs))
    code = _classify_xy(x, y)
    fits = both & (code != 0)
    if not fits.any():
        if both.any():
            add(
                None,
                fld,
                "the coordinates fit no Finnish coordinate system (EPSG:3067: east 50 000-760 000, "
                "north 6 600 000-7 800 000; EPSG:3879: east 25 400 000-25 600 000): check them or "
                "give the coordinate system (CRS)",
            )
        return gpd.GeoSeries(list(geoms), crs=CRS)
    counts = Counter(abs(int(c)) for c in code[fits])
    epsg = counts.most_common(1)[0][0]
    all_swapped = bool((code[fits] == -epsg).all())
    if all_swapped:
        add(
            None,
            fld,
            f"the {fld.split('/')[0]} column holds northings (the Finnish geodetic convention): "
            f"read it as north and {fld.split('/')[1]} as east",
            "warning",
        )
        x, y = y, x
        code = -code
    for pos in np.flatnonzero(both):
        c = int(code[pos])
        if c == epsg:
            continue
        if c == -epsg:
            add(
                int(pos),
                fld,
                f"x and y appear swapped ({_c(x[pos])}, {_c(y[pos])}) compared with the other rows",
            )
        elif c != 0:
            add(
                int(pos),
                fld,
                f"these coordinates look like EPSG:{abs(c)} but the rest of the file is EPSG:{epsg}",
            )
        else:
            add(int(pos), fld, f"({_c(x[pos])}, {_c(y[pos])}) is not in Finland in EPSG:{epsg}")
    keep = both & (code == epsg)
    geoms[keep] = shapely.points(x[keep], y[keep])
    return gpd.GeoSeries(list(geoms), crs=f"EPSG:{epsg}")


def _spatial_frame_crs(
    gdf: gpd.GeoDataFrame, *, crs: Any, path: str, problems: list[Problem]
) -> gpd.GeoDataFrame:
    """Give a spatial file without a CRS one: the ``crs`` argument, else guessed from the magnitudes."""
    if gdf.crs is not None:
        return gdf
    if crs is not None:
        return gdf.set_crs(_coerce_crs(crs))
    geoms = gdf.geometry
    ok = ~(geoms.isna() | geoms.is_empty)
    if not ok.any():
        return gdf.set_crs(CRS)
    pts = geoms[ok].representative_point()
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    if (np.abs(x) <= 180).all() and (np.abs(y) <= 90).all():
        guess = "EPSG:4326"
    else:
        codes = _classify_xy(x, y)
        fitting = [abs(int(c)) for c in codes if c > 0]
        guess = f"EPSG:{Counter(fitting).most_common(1)[0][0]}" if fitting else CRS
    problems.append(
        Problem(
            path,
            None,
            "geometry",
            f"the file has no coordinate system (no .prj?): read it as {guess} from the coordinates",
            "warning",
        )
    )
    return gdf.set_crs(guess)


# --- the common pipeline ----------------------------------------------------------------------------------


def _read_layer(
    layer: str, path: str | os.PathLike, *, boundary: Any = None, crs: Any = None
) -> ImportResult:
    p = Path(path)
    spath = str(p)
    if crs is not None:
        _coerce_crs(crs)  # an unknown CRS is the caller's mistake: say so before reading
    raw = _read_raw(p, layer=layer)
    spath = raw.shown or spath
    problems = list(raw.problems)
    spatial = layer in SPATIAL_LAYERS
    fields = SPATIAL_LAYERS.get(layer) or TABLE_LAYERS[layer]
    df, original = _map_headers(raw.df, layer)
    rows = raw.rows

    if len(df) == 0:
        problems.append(Problem(spath, None, "-", "the file holds no data rows"))
        raise InputError(problems)
    required = [name for name, (_kind, needed) in fields.items() if needed]
    columns = [c for c in df.columns if not (isinstance(df, gpd.GeoDataFrame) and c == df.geometry.name)]
    if len(columns) == 1 and len(required) > 1 and columns[0] not in fields:
        problems.append(
            Problem(
                spath,
                None,
                "-",
                f"the file has only one column ({_shorten(columns[0])!r}): separate the columns with ';' "
                "(Finnish Excel's 'CSV (semicolon separated)'), ',' or a tab",
            )
        )
        raise InputError(problems)

    geometry_field = "geometry"
    coordinate_rows: set[int | None] = set()  # rows (file-level: None) whose coordinates were reported
    if spatial:
        if isinstance(df, gpd.GeoDataFrame):
            df = _spatial_frame_crs(df, crs=crs, path=spath, problems=problems)
            df = _single_parts(df)
            if df.geometry.name != "geometry":
                df = df.rename_geometry("geometry")
        else:
            n_before = len(problems)
            geoms, geometry_field, used = _geometry_from_columns(
                df, path=spath, rows=rows, crs=crs, problems=problems
            )
            if geoms is None:
                problems.append(
                    Problem(
                        spath,
                        None,
                        "lat/lon",
                        "no coordinates: add columns lat and lon (WGS84 degrees, e.g. from a web "
                        "map) or x and y (EPSG:3067 or EPSG:3879 metres)",
                    )
                )
                geoms = gpd.GeoSeries([None] * len(df), crs=CRS)
            df = gpd.GeoDataFrame(df.drop(columns=used), geometry=list(geoms.to_numpy()), crs=geoms.crs)
            coordinate_rows = {pr.row for pr in problems[n_before:] if pr.severity == "error"}
        if "id" in fields and "id" not in df.columns and layer != "boundary":
            df = df.copy()
            df.insert(0, "id", [str(r) for r in rows])
            problems.append(
                Problem(spath, None, "id", "no id column: ids are the row numbers (1, 2, ...)", "warning")
            )
        if layer == "areas":
            types = set(df.geometry.dropna().geom_type)
            if "Point" in types and types & {"Polygon", "MultiPolygon"}:
                problems.append(
                    Problem(
                        spath,
                        None,
                        "geometry",
                        "the file mixes points and polygons: polygon demand is taken at its "
                        "representative point",
                        "warning",
                    )
                )
    else:
        if isinstance(df, gpd.GeoDataFrame):
            df = pd.DataFrame(df.drop(columns=df.geometry.name))

    found = validation.validate_layer(layer, df, path=spath, boundary=boundary)
    if coordinate_rows:
        # coordinates already reported (per row, or for the whole file): do not report them twice
        found = [
            pr
            for pr in found
            if not (
                pr.field == "geometry"
                and (
                    None in coordinate_rows
                    or (pr.row is not None and int(rows[pr.row - 1]) in coordinate_rows)
                )
            )
        ]
    problems += [
        _to_user(pr, rows=rows, original=original, geometry_field=geometry_field, layer=layer) for pr in found
    ]
    problems = _sorted(problems)
    if any(pr.severity == "error" for pr in problems):
        raise InputError(problems)

    data = validation.normalise_layer(layer, df)
    if spatial:
        data = data.to_crs(CRS)
        invalid = ~data.geometry.is_valid
        if invalid.any():
            data.loc[invalid, "geometry"] = data.geometry[invalid].make_valid()
    warnings = [pr for pr in problems if pr.severity != "error"]
    return ImportResult(
        data=conform(data, fields, spatial=spatial), warnings=warnings, source=spath, layer=layer
    )


def _shorten(text: Any, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _single_parts(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop Z and turn one-part MultiPoints into Points (QGIS and Shapefiles often store points as multi)."""
    geoms = gdf.geometry.to_numpy()
    present = np.array([g is not None for g in geoms], dtype=bool)
    if present.any() and shapely.has_z(geoms[present]).any():
        geoms = geoms.copy()
        geoms[present] = shapely.force_2d(geoms[present])
    types = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    multi = types == "MultiPoint"
    if multi.any():
        geoms = geoms.copy()
        for pos in np.flatnonzero(multi):
            if shapely.get_num_geometries(geoms[pos]) == 1:
                geoms[pos] = shapely.get_geometry(geoms[pos], 0)
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return out


def _to_user(
    pr: Problem, *, rows: np.ndarray, original: dict[str, str], geometry_field: str, layer: str
) -> Problem:
    """Map a validation problem to the user's file: original row numbers and headers."""
    row = None if pr.row is None else int(rows[pr.row - 1])
    fld, message = pr.field, pr.message
    if fld == "geometry":
        fld = geometry_field
    elif fld in original:
        fld = original[fld]
    elif message.startswith("required column"):
        aliases = HEADER_ALIASES.get(layer, {}).get(fld, ())
        if aliases:
            message = f"{message} (in Finnish: '{aliases[0]}')"
    return Problem(pr.path, row, fld, message, pr.severity)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.row or 0)
