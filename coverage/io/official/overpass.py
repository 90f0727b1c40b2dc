"""The municipality's road network from OpenStreetMap through the Overpass API, saved as an ``.osm`` file.

One query (:func:`roads_query`) asks for every way tagged ``highway=*`` and every ``route=ferry`` way inside
the municipality's boundary grown by a margin (:data:`DEFAULT_MARGIN_M`: roads leaving the municipality
and coming back, and places just over the border, stay reachable), with all the nodes they use::

    [out:xml][timeout:180][maxsize:536870912];
    (
      way["highway"](poly:"60.31 24.12 ...");
      way["route"="ferry"](poly:"60.31 24.12 ...");
    );
    (._;>;);
    out body;

The answer is OSM XML (``[out:xml]``), which :mod:`coverage.travel.osm_graph` reads like a ``.osm.pbf``.

Manners (https://dev.overpass-api.de/overpass-doc/en/preface/commons.html): the query carries a server-side
``timeout`` and ``maxsize``; requests name Katve in the ``User-Agent``; a ``429 Too Many Requests`` or
``504 Gateway Timeout`` is retried after the ``Retry-After`` the server gives (at most :data:`MAX_WAIT_S`
seconds in all, else the user is told when to try again); and answers are cached by the query (server
address + query text, :func:`cache_path`), so asking again costs the server nothing.

Nothing half-written: the answer is read whole (at most ``max_bytes``), checked to be well-formed OSM XML
with at least one road and no Overpass runtime error (:func:`check_osm_xml`), and only then written to the
cache and to the ``.osm`` file (atomically). Every failure is one :class:`~coverage.core.errors.FetchError`
line saying what happened and that the straight-line model stays.

Only the standard library is used for the download.

Examples
--------
>>> q = roads_query([[(60.0, 24.0), (60.0, 24.1), (60.1, 24.1)]], server_timeout_s=60, maxsize_bytes=10**8)
>>> q.splitlines()[0]
'[out:xml][timeout:60][maxsize:100000000];'
>>> 'way["route"="ferry"](poly:"60.0000000 24.0000000 60.0000000 24.1000000 60.1000000 24.1000000");' in q
True
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core.errors import FetchError, KatveError
from .fetch import (
    CHUNK,
    USER_AGENT,
    ProgressCallback,
    _host,
    _write_atomic,
    connection_failure,
    default_cache_dir,
)

OVERPASS_URL = "https://overpass-api.de/api/interpreter"
"""The main public Overpass instance (FOSSGIS); ``--overpass-url`` names a mirror or a test server."""

DEFAULT_MARGIN_M = 3000.0
"""The boundary is grown by this much before asking for the roads (metres)."""

SIMPLIFY_M = 100.0
"""The grown boundary is simplified to this tolerance (metres) to keep the query short."""

SERVER_TIMEOUT_S = 180
"""``[timeout:...]``: seconds the Overpass server may spend on the query (its default is 180)."""

MAX_BYTES = 512 * 1024 * 1024
"""Largest answer accepted (bytes); also the query's ``[maxsize:...]``. A municipality is 20-150 MB."""

DEFAULT_TIMEOUT = 300.0
"""Seconds to wait for the server to start answering or send the next chunk (above the server timeout)."""

MAX_WAIT_S = 120.0
"""Longest total wait for ``Retry-After`` on 429/504 before giving up with a message."""

MAX_ATTEMPTS = 4
"""Requests tried at most (the first and three retries after 429/504)."""

DEFAULT_RETRY_S = 10.0
"""Wait before a retry when a 429/504 gives no usable ``Retry-After``."""


@dataclass(frozen=True)
class RoadsFile:
    """The ``.osm`` file written by :func:`fetch_roads`.

    Attributes
    ----------
    path : Path
        The ``.osm`` file.
    url : str
        The Overpass server asked.
    query : str
        The Overpass QL query sent.
    from_cache : bool
        True when nothing was downloaded (the cache had the answer).
    size : int
        Bytes written.
    nodes, ways : int
        Counted in the answer.
    """

    path: Path
    url: str
    query: str
    from_cache: bool
    size: int
    nodes: int
    ways: int


# --- the query ----------------------------------------------------------------------------------------------


def roads_query(
    rings: Sequence[Sequence[tuple[float, float]]],
    *,
    server_timeout_s: int = SERVER_TIMEOUT_S,
    maxsize_bytes: int = MAX_BYTES,
) -> str:
    """Overpass QL for the roads and ferries inside the polygon ``rings`` (each a list of ``(lat, lon)``).

    Every ring is one ``poly:`` filter (a multi-part boundary asks for each part). Coordinates are written
    with seven decimals, so the same boundary always gives the same query (and hits the same cache entry).
    """
    if not rings:
        raise KatveError("no boundary to fetch the roads for")
    lines = [f"[out:xml][timeout:{int(server_timeout_s)}][maxsize:{int(maxsize_bytes)}];", "("]
    for ring in rings:
        poly = " ".join(f"{lat:.7f} {lon:.7f}" for lat, lon in ring)
        lines.append(f'  way["highway"](poly:"{poly}");')
        lines.append(f'  way["route"="ferry"](poly:"{poly}");')
    lines += [");", "(._;>;);", "out body;"]
    return "\n".join(lines) + "\n"


def boundary_rings(
    boundary: Any, *, margin_m: float = DEFAULT_MARGIN_M, simplify_m: float = SIMPLIFY_M
) -> list[list[tuple[float, float]]]:
    """Return the boundary polygons grown by ``margin_m`` and simplified, as ``(lat, lon)`` rings (WGS84).

    ``boundary`` is a GeoDataFrame / GeoSeries of the municipality polygon(s) (any CRS; computed in
    EPSG:3067) or one shapely geometry in EPSG:3067. Holes are dropped: lakes inside the municipality are
    no reason to leave out the roads on their islands.
    """
    import shapely
    from pyproj import Transformer

    from ...core.model import CRS

    if hasattr(boundary, "geometry"):
        gdf = boundary if boundary.crs is None or boundary.crs.equals(CRS) else boundary.to_crs(CRS)
        geoms = [g for g in gdf.geometry if g is not None and not g.is_empty]
        if not geoms:
            raise KatveError("the boundary is empty: fetch or import the municipality boundary first")
        shape = shapely.union_all(geoms)
    else:
        shape = boundary
    if shape is None or shape.is_empty:
        raise KatveError("the boundary is empty: fetch or import the municipality boundary first")
    grown = shapely.simplify(shapely.buffer(shape, max(float(margin_m), 0.0)), simplify_m)
    parts = list(getattr(grown, "geoms", [grown]))
    to_wgs = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    rings = []
    for part in sorted(parts, key=lambda p: -p.area):
        xs, ys = part.exterior.coords.xy
        lon, lat = to_wgs.transform(list(xs)[:-1], list(ys)[:-1])
        rings.append([(float(a), float(o)) for a, o in zip(lat, lon, strict=True)])
    return rings


def cache_path(url: str, query: str, *, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache file of the answer of ``query`` at ``url`` (it may not exist yet)."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    digest = hashlib.sha256(f"{url.rstrip('/')}\n{query}".encode()).hexdigest()[:24]
    return folder / f"overpass-{digest}.osm"


# --- the answer -------------------------------------------------------------------------------------------


def check_osm_xml(data: bytes, *, host: str = "the server") -> tuple[int, int]:
    """Check an Overpass answer; return its number of nodes and ways.

    Raises
    ------
    FetchError
        Not well-formed XML (with the line), not ``<osm>``, an Overpass ``<remark>`` reporting a runtime
        error (timeout, out of memory), or no road at all.
    """
    import io

    nodes = ways = 0
    root = ""
    top: ET.Element | None = None
    remark = ""
    try:
        for event, elem in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "start":
                if not root:
                    root, top = elem.tag, elem
                    if root != "osm":
                        head = data.lstrip()[:15].decode("utf-8", "replace").lower()
                        kind = "an HTML page" if "<!doctype" in head or "<html" in head else f"<{root}>"
                        raise FetchError(f"{host} did not send OpenStreetMap data but {kind}")
                continue
            if elem.tag == "node":
                nodes += 1
            elif elem.tag == "way":
                ways += 1
            elif elem.tag == "remark":
                remark = " ".join((elem.text or "").split())
            if elem.tag in ("node", "way", "relation", "remark") and top is not None:
                top.clear()  # keep memory flat: the parsed elements are not needed once counted
    except ET.ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        where = f" at line {line}" if line else ""
        raise FetchError(
            f"{host} sent road data that is not well-formed XML{where} (cut off or damaged); nothing was "
            "saved, the straight-line model stays: try again later"
        ) from None
    if remark and ("error" in remark.lower() or not ways):
        raise FetchError(
            f"{host} could not finish the road query ({remark[:200]}); nothing was saved: try again later "
            "or use another --overpass-url"
        )
    if not ways:
        raise FetchError(f"{host} found no roads inside the boundary; check the municipality's boundary")
    return nodes, ways


# --- download -------------------------------------------------------------------------------------------


def fetch_roads(
    rings: Sequence[Sequence[tuple[float, float]]],
    out_path: str | os.PathLike[str],
    *,
    url: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    refresh: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
    server_timeout_s: int = SERVER_TIMEOUT_S,
    progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_wait_s: float = MAX_WAIT_S,
) -> RoadsFile:
    """Download the roads inside ``rings`` (see :func:`boundary_rings`) into the ``.osm`` file ``out_path``.

    Parameters
    ----------
    rings : list of (lat, lon) rings
        The area, usually :func:`boundary_rings` of the municipality.
    out_path : path
        Where the ``.osm`` file is written (atomically; its folder is created).
    url : str, optional
        The Overpass interpreter, default :data:`OVERPASS_URL` (a mirror or a local test server).
    cache_dir : path, optional
        Default :func:`coverage.io.official.fetch.default_cache_dir`.
    refresh : bool
        Ask the server even if the cache has the answer.
    timeout : float
        Seconds to wait for the server (to start answering, and between chunks).
    max_bytes : int
        Largest answer accepted; the query asks the server for the same ``maxsize``.
    server_timeout_s : int
        The query's ``[timeout:...]``.
    progress : callable, optional
        ``progress(label, received, total)`` (see :func:`coverage.io.official.fetch.stderr_progress`).
    sleep : callable
        Used to wait for ``Retry-After`` (tests pass a recorder).
    max_wait_s : float
        Longest total wait for ``Retry-After``.

    Raises
    ------
    FetchError
        No connection, a timeout, the server busy beyond ``max_wait_s``, an answer too large, malformed or
        without roads; nothing is written then.
    """
    server = (url or OVERPASS_URL).strip()
    if urllib.parse.urlsplit(server).scheme not in ("http", "https"):
        raise FetchError(f"cannot use the Overpass address {server!r}: give an http:// or https:// URL")
    query = roads_query(rings, server_timeout_s=server_timeout_s, maxsize_bytes=max_bytes)
    cached = cache_path(server, query, cache_dir=cache_dir)
    host = _host(server)
    from_cache = cached.exists() and not refresh
    if from_cache:
        data = cached.read_bytes()
        try:
            nodes, ways = check_osm_xml(data, host=host)
        except FetchError:  # a damaged cache entry: ask again
            from_cache = False
    if not from_cache:
        data = _post(server, query, timeout=timeout, max_bytes=max_bytes, progress=progress, sleep=sleep,
                     max_wait_s=max_wait_s)  # fmt: skip
        nodes, ways = check_osm_xml(data, host=host)
        _write_atomic(cached, data)
        meta = {"url": server, "query": query, "fetched": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "bytes": len(data)}  # fmt: skip
        _write_atomic(cached.with_suffix(".meta.json"), json.dumps(meta, indent=1).encode("utf-8"))
    out = Path(out_path)
    _write_atomic(out, data)
    return RoadsFile(path=out, url=server, query=query, from_cache=from_cache, size=len(data), nodes=nodes,
                     ways=ways)  # fmt: skip


def _post(
    url: str,
    query: str,
    *,
    timeout: float,
    max_bytes: int,
    progress: ProgressCallback | None,
    sleep: Callable[[float], None],
    max_wait_s: float,
) -> bytes:
    body = urllib.parse.urlencode({"data": query}).encode("utf-8")
    host = _host(url)
    waited = 0.0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        request = urllib.request.Request(
            url,
            data=body,
            headers={"User-Agent": USER_AGENT, "Accept": "application/osm3s+xml, application/xml, text/xml",
                     "Content-Type": "application/x-www-form-urlencoded"},  # fmt: skip
            method="POST",
        )
        try:
            return _read(request, host=host, timeout=timeout, max_bytes=max_bytes, progress=progress)
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 504):
                detail = f"{exc.code} {exc.reason}".strip()
                if exc.code == 400:
                    detail += " (the server refused the query)"
                raise FetchError(
                    f"{host} answered {detail}; the road network was not fetched, the straight-line model "
                    "stays"
                ) from None
            wait = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            busy = "busy (429 Too Many Requests)" if exc.code == 429 else "overloaded (504 Gateway Timeout)"
            if attempt == MAX_ATTEMPTS or waited + wait > max_wait_s:
                when = f"in {math.ceil(wait):.0f} s" if wait > 0 else "later"
                raise FetchError(
                    f"{host} is {busy}; try again {when} or use another --overpass-url. The road network "
                    "was not fetched, the straight-line model stays"
                ) from None
            if progress is not None:
                progress(f"wait {wait:.0f}s", 0, None)
            sleep(wait)
            waited += wait
        except OSError as exc:  # URLError, a time-out, a broken connection
            raise connection_failure(
                exc, host, _timeout_message(host, timeout),
                unreachable="no road network without a connection; the straight-line model stays",
                failed="the straight-line model stays: try again later",
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _read(
    request: urllib.request.Request,
    *,
    host: str,
    timeout: float,
    max_bytes: int,
    progress: ProgressCallback | None,
) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked
        total = response.headers.get("Content-Length")
        size = int(total) if total and total.isdigit() else None
        if size is not None and size > max_bytes:
            raise FetchError(_too_large(host, max_bytes))
        chunks: list[bytes] = []
        received = 0
        if progress is not None:
            progress("roads", 0, size)
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                break
            received += len(chunk)
            if received > max_bytes:
                raise FetchError(_too_large(host, max_bytes))
            chunks.append(chunk)
            if progress is not None:
                progress("roads", received, size)
        if progress is not None and size is None:
            progress("roads", received, received)
        return b"".join(chunks)


def retry_after(value: str | None, *, now: float | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); :data:`DEFAULT_RETRY_S` else.

    Examples
    --------
    >>> retry_after("7"), retry_after(None), retry_after("soon")
    (7.0, 10.0, 10.0)
    >>> retry_after("Wed, 02 Dec 2026 12:00:30 GMT", now=1796212800.0)
    30.0
    """
    text = (value or "").strip()
    if not text:
        return DEFAULT_RETRY_S
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_S
    if when is None:  # pragma: no cover - older Pythons
        return DEFAULT_RETRY_S
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def _too_large(host: str, max_bytes: int) -> str:
    return (
        f"{host} sent more than {max_bytes / 1024 / 1024:.0f} MB of roads, more than a municipality needs; "
        "nothing was saved: check the boundary (a smaller margin) or fetch a regional extract instead"
    )


def _timeout_message(host: str, timeout: float) -> str:
    return (
        f"{host} did not answer within {timeout:g} s; the road network was not fetched, the straight-line "
        "model stays: try again later or give a longer --timeout"
    )


