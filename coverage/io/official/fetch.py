"""Download the official data for one municipality from the public interfaces, with a cache.

What can be fetched (``what``):

``boundary``
    The municipality polygon from Statistics Finland's WFS, the newest ``tilastointialueet:kunta1000k_YYYY``
    (1:1 000 000) the capabilities offer, else ``kunta4500k_YYYY`` (1:4 500 000), filtered with
    ``kunta='927'``.
``grid``
    The 1 km population grid, the newest ``vaestoruutu:vakiYYYY_1km``, for the bounding box of the boundary
    (the neighbours' cells are dropped when the file is read:
    :func:`coverage.io.official.statistics.read_population_grid`), and the municipality's age structure from
    StatFin table 11re (PxWeb, ``ages_927.json``) to turn the grid's 0-14-year-olds into children 0-6
    (:mod:`coverage.io.official.ages`). Without it the reader falls back to 7/15 and says so.
``paavo``
    Paavo postal-code areas with their statistics, the newest ``postialue:pno_tilasto_YYYY``, by ``kunta``.
``ptv``
    Service channels of the municipality from the Suomi.fi service register (Palvelutietovaranto, PTV) REST
    API v11: ``/api/v11/ServiceChannel/list/area/Municipality/code/927``, every page, combined into one JSON
    file (``{"itemList": [...]}``).

The layers are chosen from the WFS GetCapabilities (:mod:`coverage.io.official.discovery`); when those cannot
be read, known layers are used, and each :class:`FetchedFile` names its layer and year either way. The
municipality may be given by code (``927``) or by its Finnish or Swedish name (``Vihti``, ``Vichtis``).

Every response is cached under :func:`default_cache_dir` (one file per URL, named by its hash), so a second
call works offline and does not touch the network. Without a network the user gets one line
(:class:`FetchError`, a :class:`~coverage.core.errors.KatveError`) that says what could not be reached and
what to do, never a traceback. Progress goes to ``stderr`` (or to a callback).

Only the standard library (:mod:`urllib`) is used.

Examples
--------
>>> url = wfs_url("https://geo.stat.fi/geoserver", "tilastointialueet:kunta4500k", cql_filter="kunta='927'")
>>> url.split("?")[0]
'https://geo.stat.fi/geoserver/tilastointialueet/wfs'
>>> "CQL_FILTER=kunta%3D'927'" in url
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ...core.errors import FetchError, KatveError
from ...core.i18n import t
from . import ages as _ages
from .discovery import LayerChoice, capabilities_url, choose_layers, feature_type_names
from .municipalities import find_municipality

STATFI_BASE_URL = "https://geo.stat.fi/geoserver"
"""Statistics Finland's GeoServer (WFS for statistical areas, the population grid and Paavo)."""

PTV_BASE_URL = "https://api.palvelutietovaranto.suomi.fi"
"""Suomi.fi service register (Palvelutietovaranto) open API."""

BOUNDARY_LAYER = "tilastointialueet:kunta4500k"
GRID_LAYER = "vaestoruutu:vaki2022_1km"
PAAVO_LAYER = "postialue:pno_tilasto_2025"
"""The layers used when the WFS capabilities cannot be read (see :data:`discovery.FALLBACK`)."""

CAPABILITIES_MAX_AGE = 7 * 24 * 3600.0
"""Seconds a cached GetCapabilities (or StatFin age structure) is trusted before it is asked again; a stale
copy is still used when the server cannot be reached."""
PTV_CHANNELS_PATH = "/api/v11/ServiceChannel/list/area/Municipality/code/{code}"

WHAT = ("boundary", "grid", "paavo", "ptv")
"""Everything :func:`fetch` can download, in the order it is downloaded."""

FILE_NAMES = {
    "boundary": "boundary_{code}.geojson",
    "grid": "grid_{code}.geojson",
    "paavo": "paavo_{code}.geojson",
    "ptv": "ptv_{code}.json",
    "ages": "ages_{code}.json",
}
"""Names of the files :func:`fetch` writes into its output folder."""

DEFAULT_TIMEOUT = 60.0
"""Seconds to wait for a server to answer (per request, also between received chunks)."""

MAX_PTV_PAGES = 200
"""Safety limit on the number of PTV pages followed (a municipality has a handful)."""

USER_AGENT = "katve/0.1 (+https://github.com/; coverage of family-centre meeting places)"
CHUNK = 64 * 1024

ProgressCallback = Callable[[str, int, "int | None"], None]
"""``callback(label, bytes_received, total_bytes_or_None)``: called while downloading."""


@dataclass(frozen=True)
class FetchedFile:
    """One file written by :func:`fetch`.

    Attributes
    ----------
    what : str
        ``"boundary"``, ``"grid"``, ``"paavo"`` or ``"ptv"``.
    path : Path
        The file in the output folder.
    urls : tuple of str
        Where it came from (several for the pages of PTV).
    from_cache : bool
        True when every part came from the cache (nothing was downloaded).
    size : int
        Size of the written file in bytes.
    layer : LayerChoice or None
        For the WFS downloads: the layer used, its year and whether the capabilities offered it.
    ages : Path or None
        For the grid: the StatFin 11re answer (``ages_927.json``), None when it could not be had.
    notes : tuple of str
        What the user should know (a fallback layer, the age structure not reached).
    """

    what: str
    path: Path
    urls: tuple[str, ...]
    from_cache: bool
    size: int
    layer: LayerChoice | None = None
    ages: Path | None = None
    notes: tuple[str, ...] = ()


@dataclass
class _Downloader:
    cache_dir: Path
    timeout: float
    refresh: bool
    progress: ProgressCallback | None
    fetched: list[str] = field(default_factory=list)

    def get(
        self, url: str, *, label: str, body: bytes | None = None, max_age: float | None = None
    ) -> tuple[bytes, bool]:
        """Content of ``url`` (POSTing ``body`` when given) and whether it came from the cache.

        With ``max_age`` a cached answer older than that many seconds is asked again; if that fails the
        old answer is used.
        """
        key = url if body is None else url + "#" + hashlib.sha256(body).hexdigest()
        path = cache_path(key, cache_dir=self.cache_dir)
        if path.exists() and not self.refresh:
            fresh = max_age is None or time.time() - path.stat().st_mtime <= max_age
            if fresh:
                return path.read_bytes(), True
            try:
                return self._download(url, path, label, body), False
            except FetchError:
                return path.read_bytes(), True
        return self._download(url, path, label, body), False

    def _download(self, url: str, path: Path, label: str, body: bytes | None) -> bytes:
        data = _download(url, timeout=self.timeout, label=label, progress=self.progress, body=body)
        _write_atomic(path, data)
        meta = {"url": url, "fetched": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "bytes": len(data)}
        _write_atomic(path.with_suffix(".meta.json"), json.dumps(meta, indent=1).encode("utf-8"))
        self.fetched.append(url)
        return data


# --- public helpers -----------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """Return the download cache folder.

    ``$KATVE_CACHE``, else ``$XDG_CACHE_HOME/katve``, else ``~/.cache/katve``.
    """
    if os.environ.get("KATVE_CACHE"):
        return Path(os.environ["KATVE_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "katve"


def cache_path(url: str, *, cache_dir: str | os.PathLike | None = None) -> Path:
    """Return the cache file of ``url`` (it may not exist yet)."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]
    return folder / f"{digest}.bin"


def municipality_code(value: str | int) -> str:
    """Normalise a municipality code to three digits (``91`` -> ``"091"``).

    Raises
    ------
    KatveError
        When ``value`` is not a number of one to three digits.
    """
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,3}", text):
        raise KatveError(
            f"municipality must be a Statistics Finland code of up to three digits, such as 927 (Vihti), "
            f"got {text!r}"
        )
    return text.zfill(3)


def wfs_url(
    base_url: str,
    layer: str,
    *,
    cql_filter: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    srs: str = "EPSG:3067",
) -> str:
    """Build a WFS 2.0 GetFeature URL that returns GeoJSON in ``srs``.

    Parameters
    ----------
    base_url : str
        The GeoServer root, e.g. :data:`STATFI_BASE_URL`; the workspace (the part of ``layer`` before the
        colon) is appended, as geo.stat.fi publishes one WFS endpoint per workspace.
    layer : str
        ``workspace:name``.
    cql_filter : str, optional
        A GeoServer CQL filter such as ``kunta='927'``.
    bbox : (minx, miny, maxx, maxy), optional
        In ``srs`` coordinates (x = easting first; GeoServer reads ``EPSG:xxxx`` codes in x/y order).
    srs : str
        Output CRS.
    """
    workspace = layer.split(":", 1)[0]
    params = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": layer,
        "outputFormat": "application/json",
        "srsName": srs,
    }
    if cql_filter:
        params["CQL_FILTER"] = cql_filter
    if bbox is not None:
        params["bbox"] = ",".join(f"{v:.0f}" for v in bbox) + f",{srs}"
    return f"{base_url.rstrip('/')}/{workspace}/wfs?" + urllib.parse.urlencode(params, safe=":,'")


def ptv_url(base_url: str, code: str, *, page: int = 1) -> str:
    """URL of one page of the PTV v11 service channels of a municipality."""
    path = PTV_CHANNELS_PATH.format(code=code)
    return f"{base_url.rstrip('/')}{path}?" + urllib.parse.urlencode({"page": page})


def stderr_progress(stream: IO[str] | None = None) -> ProgressCallback:
    """Make a progress callback that draws a one-line bar on ``stream`` (default ``sys.stderr``).

    The bar is redrawn in place (a carriage return) at most every 0.2 s and ends with a newline when the
    download is complete. Without a known size it shows the bytes received.
    """
    state: dict[str, float] = {"last": 0.0}

    def report(label: str, received: int, total: int | None) -> None:
        out = stream if stream is not None else sys.stderr
        now = time.monotonic()
        done = total is not None and received >= total
        if not done and received and now - state["last"] < 0.2:
            return
        state["last"] = now
        if total:
            share = min(received / total, 1.0)
            filled = int(share * 24)
            bar = "#" * filled + "-" * (24 - filled)
            line = f"\r{label:<9} [{bar}] {share:4.0%} {_size(received)}/{_size(total)}"
        else:
            line = f"\r{label:<9} {_size(received)}"
        out.write(line)
        if done:
            out.write("\n")
        out.flush()

    return report


# --- fetch ----------------------------------------------------------------------------------------------


def fetch(
    municipality: str | int,
    *,
    what: Iterable[str] = WHAT,
    out_dir: str | os.PathLike = ".",
    base_url: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    refresh: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress: ProgressCallback | None = None,
) -> dict[str, FetchedFile]:
    """Download the official data of one municipality into ``out_dir``.

    Parameters
    ----------
    municipality : str or int
        Statistics Finland municipality code, e.g. ``927`` (Vihti), ``233`` (Kauhava), ``052`` (Evijärvi), or
        the name in Finnish or Swedish (``Vihti``, ``Vichtis``): see :func:`resolve_municipality`.
    what : iterable of str
        A subset of :data:`WHAT` (or one comma-separated string). The grid is requested for the extent of
        the boundary and needs it to drop the neighbours' cells, so asking for the grid fetches and writes
        the boundary too.
    out_dir : path
        Folder for the files (created if missing); names are in :data:`FILE_NAMES`.
    base_url : str, optional
        Use this server for every request instead of geo.stat.fi and the PTV API (a mirror, or a test
        server); the paths stay the same (``/tilastointialueet/wfs?...``, ``/api/v11/...``).
    cache_dir : path, optional
        Default :func:`default_cache_dir`.
    refresh : bool
        Download again even when the cache has the answer.
    timeout : float
        Seconds to wait for a server.
    progress : callable, optional
        ``progress(label, received, total)``; see :func:`stderr_progress`.

    Returns
    -------
    dict of str to FetchedFile
        One entry per file written, in the order of :data:`WHAT`.

    Raises
    ------
    FetchError
        When a server cannot be reached or answers with an error; the message is one line naming the
        server and what to do.
    KatveError
        For an unknown item in ``what``, a malformed code or an unknown or ambiguous name.
    """
    code = resolve_municipality(municipality)
    wanted = _parse_what(what)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    statfi = (base_url or STATFI_BASE_URL).rstrip("/")
    ptv = (base_url or PTV_BASE_URL).rstrip("/")
    dl = _Downloader(
        cache_dir=Path(cache_dir) if cache_dir is not None else default_cache_dir(),
        timeout=timeout,
        refresh=refresh,
        progress=progress,
    )
    results: dict[str, FetchedFile] = {}
    layers, layer_note = discover_layers(dl, statfi) if wanted & {"boundary", "grid", "paavo"} else ({}, "")
    boundary: tuple[bytes, str, bool] | None = None
    if "boundary" in wanted or "grid" in wanted:
        choice = layers["boundary"]
        url = wfs_url(statfi, choice.layer, cql_filter=f"kunta='{code}'")
        data, cached = dl.get(url, label="boundary")
        features = _geojson_features(data, url=url, what="boundary")
        if not features:
            raise FetchError(f"Statistics Finland has no municipality with code {code} in {choice.layer}")
        boundary = (data, url, cached)
        results["boundary"] = _write(
            out, "boundary", code, data, (url,), cached, layer=choice, notes=_layer_notes(choice, layer_note)
        )
    if "grid" in wanted:
        assert boundary is not None
        choice = layers["grid"]
        bbox = _features_bbox(_geojson_features(boundary[0], url=boundary[1], what="boundary"))
        url = wfs_url(statfi, choice.layer, bbox=bbox)
        data, cached = dl.get(url, label="grid")
        _geojson_features(data, url=url, what="population grid")
        ages_path, ages_note = _fetch_ages(dl, base_url, code, out)
        notes = _layer_notes(choice, layer_note) + ((ages_note,) if ages_note else ())
        results["grid"] = _write(
            out, "grid", code, data, (url,), cached, layer=choice, ages=ages_path, notes=notes
        )
    if "paavo" in wanted:
        choice = layers["paavo"]
        url = wfs_url(statfi, choice.layer, cql_filter=f"kunta='{code}'")
        data, cached = dl.get(url, label="paavo")
        _geojson_features(data, url=url, what="Paavo postal areas")
        results["paavo"] = _write(
            out, "paavo", code, data, (url,), cached, layer=choice, notes=_layer_notes(choice, layer_note)
        )
    if "ptv" in wanted:
        results["ptv"] = _fetch_ptv(dl, ptv, code, out)
    return {name: results[name] for name in WHAT if name in results}


def resolve_municipality(value: str | int) -> str:
    """Return the three-digit code of a municipality given by code (``927``) or name (``Vihti``, ``Vichtis``).

    A code is taken as it is (the server is the judge: the embedded list is of 2026 and an older grid may
    know a municipality that has merged since); a name must be in the embedded list
    (:func:`coverage.io.official.municipalities.find_municipality`).

    Raises
    ------
    KatveError
        For an unknown or ambiguous name (the message lists close matches) or a malformed code.
    """
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return municipality_code(text)
    return find_municipality(text).code


def discover_layers(dl: _Downloader, statfi: str) -> tuple[dict[str, LayerChoice], str]:
    """Return the layers to use (:func:`discovery.choose_layers`) and, when the capabilities failed, why."""
    url = capabilities_url(statfi)
    try:
        data, _cached = dl.get(url, label="layers", max_age=CAPABILITIES_MAX_AGE)
        names = feature_type_names(data)
    except FetchError as exc:
        return choose_layers(None), str(exc)
    return choose_layers(names), ""


def _layer_notes(choice: LayerChoice, failure: str) -> tuple[str, ...]:
    if choice.discovered:
        return ()
    year = str(choice.year) if choice.year else t("fetch.layer.newest")
    reason = failure or t("fetch.layer.absent")
    return (t("fetch.layer.fallback", layer=choice.layer, year=year, reason=reason),)


def _fetch_ages(dl: _Downloader, base_url: str | None, code: str, out: Path) -> tuple[Path | None, str]:
    """Write the StatFin 11re answer for ``code`` as ``ages_<code>.json``; return it, or None and why."""
    url = _ages.pxweb_url(base_url)
    body = json.dumps(_ages.pxweb_query(code)).encode("utf-8")
    try:
        data, _cached = dl.get(url, label="ages", body=body, max_age=CAPABILITIES_MAX_AGE)
        _ages.read_age_structure(data, municipality=code)
    except KatveError as exc:  # FetchError included: offline, or an answer that is not 11re
        return None, t("fetch.ages.unavailable", reason=str(exc))
    path = out / FILE_NAMES["ages"].format(code=code)
    _write_atomic(path, data)
    return path, ""


def _parse_what(what: Iterable[str]) -> set[str]:
    if isinstance(what, str):
        what = what.split(",")
    wanted = {w.strip().lower() for w in what if w.strip()}
    unknown = sorted(wanted - set(WHAT))
    if unknown:
        raise KatveError(f"cannot fetch {', '.join(unknown)}; choose from {', '.join(WHAT)}")
    if not wanted:
        raise KatveError(f"nothing to fetch; choose from {', '.join(WHAT)}")
    return wanted


def _fetch_ptv(dl: _Downloader, base: str, code: str, out: Path) -> FetchedFile:
    items: list = []
    urls: list[str] = []
    all_cached = True
    page, page_count = 1, 1
    while page <= page_count:
        url = ptv_url(base, code, page=page)
        data, cached = dl.get(url, label=f"ptv {page}")
        all_cached &= cached
        urls.append(url)
        doc = _json(data, url=url, what="PTV service channels")
        if not isinstance(doc, dict) or not isinstance(doc.get("itemList", []), list):
            raise FetchError(f"{_host(url)} answered with something else than a page of service channels")
        items.extend(doc.get("itemList") or [])
        try:
            page_count = min(int(doc.get("pageCount") or 1), MAX_PTV_PAGES)
        except (TypeError, ValueError):
            page_count = 1
        page += 1
    combined = {"source": urls[0], "municipality": code, "pageCount": len(urls), "itemList": items}
    text = json.dumps(combined, ensure_ascii=False, indent=1).encode("utf-8")
    return _write(out, "ptv", code, text, tuple(urls), all_cached)


def _write(
    out: Path,
    what: str,
    code: str,
    data: bytes,
    urls: tuple[str, ...],
    cached: bool,
    *,
    layer: LayerChoice | None = None,
    ages: Path | None = None,
    notes: tuple[str, ...] = (),
) -> FetchedFile:
    path = out / FILE_NAMES[what].format(code=code)
    _write_atomic(path, data)
    return FetchedFile(what, path, urls, cached, len(data), layer=layer, ages=ages, notes=notes)


# --- HTTP -----------------------------------------------------------------------------------------------


def _download(
    url: str, *, timeout: float, label: str, progress: ProgressCallback | None, body: bytes | None = None
) -> bytes:
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, headers=headers)
    host = _host(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            total = response.headers.get("Content-Length")
            size = int(total) if total and total.isdigit() else None
            chunks: list[bytes] = []
            received = 0
            if progress is not None:
                progress(label, 0, size)
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
                if progress is not None:
                    progress(label, received, size)
            if progress is not None and size is None:
                progress(label, received, received)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{host} answered {exc.code} {exc.reason} for {url}") from None
    except OSError as exc:  # URLError, a time-out, a broken connection
        raise connection_failure(
            exc, host, _timeout_message(host, timeout),
            unreachable="check the internet connection, or read files you have downloaded earlier",
            failed="try again later",
        ) from None
    except ValueError as exc:  # malformed URL (a bad --base-url)
        raise FetchError(f"cannot use the address {url!r}: {exc}") from None


def _timeout_message(host: str, timeout: float) -> str:
    return f"{host} did not answer within {timeout:g} s; try again later or give a longer --timeout"


def connection_failure(
    exc: OSError, host: str, timed_out: str, *, unreachable: str, failed: str
) -> FetchError:
    """Say why ``host`` could not be read (``exc``: a URLError, a time-out or a broken connection).

    ``timed_out`` is the sentence for a time-out; ``unreachable`` and ``failed`` end the sentences for a
    host that cannot be reached and a connection that broke (what the user can do, what stays as it was).
    Shared by every download of :mod:`coverage.io.official` (HTTP errors are each caller's own).
    """
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, (socket.timeout, TimeoutError)):
            return FetchError(timed_out)
        return FetchError(f"cannot reach {host} ({_reason(exc.reason)}): {unreachable}")
    if isinstance(exc, TimeoutError):
        return FetchError(timed_out)
    return FetchError(f"the connection to {host} failed ({_reason(exc)}); {failed}")


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split()) or type(reason).__name__


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _json(data: bytes, *, url: str, what: str):  # noqa: ANN202 - parsed JSON
    text = data.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("<"):
        message = re.search(r"<(?:ows:)?ExceptionText>(.*?)</(?:ows:)?ExceptionText>", text, re.S)
        detail = " ".join(message.group(1).split()) if message else "an XML/HTML page"
        raise FetchError(f"{_host(url)} did not return {what} ({detail[:200]})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FetchError(
            f"{_host(url)} returned {what} that is not valid JSON ({exc.msg} at {exc.pos})"
        ) from None


def _geojson_features(data: bytes, *, url: str, what: str) -> list:
    doc = _json(data, url=url, what=what)
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise FetchError(f"{_host(url)} did not return {what} as GeoJSON features")
    return doc["features"]


def _features_bbox(features: list) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: object) -> None:
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        elif isinstance(coords, (list, tuple)):
            for c in coords:
                walk(c)

    for feature in features:
        geometry = (feature or {}).get("geometry") or {}
        walk(geometry.get("coordinates"))
    if not xs:
        raise FetchError("the municipality boundary has no coordinates")
    return (min(xs), min(ys), max(xs), max(ys))


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"
