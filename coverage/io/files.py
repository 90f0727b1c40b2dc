"""Reading user files safely: size limits, safe paths, magic bytes, CSV (Finnish Excel), XLSX and zips.

Every reader turns what it cannot read into an :class:`~coverage.core.errors.InputError` naming the file,
the row and the field; nothing here knows the data model beyond the layer names.
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

from ..core.errors import InputError, Problem, UnsafePathError
from ..core.model import SPATIAL_LAYERS, TABLE_LAYERS

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


FILE_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "places": ("places", "place", "paikat", "kohtaamispaikat", "kohtaamispaikka", "motesplatser"),
    "areas": ("areas", "area", "alueet", "kylat", "postinumeroalueet", "vaesto", "omraden", "demand"),
    "candidates": ("candidates", "ehdokkaat", "ehdokaspaikat", "kandidater", "sites"),
    "boundary": ("boundary", "raja", "rajat", "kuntaraja", "kuntarajat", "grans"),
    "visits": ("visits", "kaynnit", "kavijat", "kavijamaarat", "tilastot", "besok"),
    "outreach": ("outreach", "jalkautuminen", "jalkautumiset", "vierailut", "ammattilaiset"),
}
"""Words in a file name that tell :func:`detect_layer` what the file holds when the columns do not."""


_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)


def write_upload(folder: str | os.PathLike, user_name: str, data: bytes) -> Path:
    """Write an uploaded file's bytes under ``folder`` with the user's file name, made safe.

    The name goes through :func:`safe_path`.

    Raises :class:`UnsafePathError` (a :class:`~coverage.core.errors.KatveError`) for a name that would leave
    the folder, and refuses uploads over :data:`MAX_FILE_BYTES` before writing anything.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            [
                Problem(
                    user_name,
                    None,
                    "-",
                    f"the file is too large ({_mb(len(data))}; the limit is {_mb(MAX_FILE_BYTES)})",
                )
            ]
        )
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
    coverage.core.errors.UnsafePathError: '../../etc/passwd': '..' would lead out of the folder; ...
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
