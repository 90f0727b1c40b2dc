"""The Overpass download against a local server: the query, the cache, and every way it can go wrong
(refused, timeout, 429 / 504 with Retry-After, oversize, malformed XML, an Overpass runtime error), each one
clear line and nothing half-written."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from roads_fixture import OverpassServer, extract_project, recorded_bytes

from coverage.core.errors import FetchError, KatveError
from coverage.io.official import overpass

RINGS = overpass.boundary_rings(extract_project().boundary)


def _fetch(tmp_path, server_url, **kw):
    waits: list[float] = []
    kw.setdefault("sleep", waits.append)
    result = overpass.fetch_roads(RINGS, tmp_path / "out" / "roads.osm", url=server_url,
                                  cache_dir=tmp_path / "cache", **kw)  # fmt: skip
    return result, waits


def _nothing_written(tmp_path):
    assert not (tmp_path / "out" / "roads.osm").exists()
    cache = tmp_path / "cache"
    assert not cache.exists() or not any(cache.iterdir())
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir())  # no .part file left behind either


def test_boundary_rings_grow_the_boundary_by_the_margin():
    boundary = extract_project().boundary
    rings = overpass.boundary_rings(boundary, margin_m=2000.0)
    assert len(rings) == 1
    lat = [p[0] for p in rings[0]]
    lon = [p[1] for p in rings[0]]
    assert 60.4 < min(lat) < max(lat) < 60.6 and 26.8 < min(lon) < max(lon) < 27.1
    from pyproj import Transformer

    to_3067 = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True)
    xs, ys = to_3067.transform(lon, lat)
    grown = shapely.Polygon(list(zip(xs, ys, strict=True)))
    inner = boundary.geometry.iloc[0]
    assert grown.contains(inner.buffer(1800)) and not grown.contains(inner.buffer(2300))
    # two separate parts: one poly filter each, the larger first
    far = shapely.box(500000, 7000000, 501000, 7001000)
    two = gpd.GeoDataFrame(geometry=[inner, far], crs="EPSG:3067")
    assert len(overpass.boundary_rings(two, margin_m=100.0)) == 2
    query = overpass.roads_query(overpass.boundary_rings(two, margin_m=100.0))
    assert query.count('way["highway"](poly:') == 2 and query.count('way["route"="ferry"](poly:') == 2
    with pytest.raises(KatveError, match="boundary is empty"):
        overpass.boundary_rings(gpd.GeoDataFrame(geometry=[], crs="EPSG:3067"))


def test_download_writes_the_file_and_the_cache_answers_the_same_query(tmp_path):
    progress: list[tuple[str, int, int | None]] = []
    with OverpassServer() as server:
        result, _ = _fetch(tmp_path, server.url, progress=lambda *a: progress.append(a))
        assert not result.from_cache and result.ways > 300 and result.nodes > 1000
        assert (tmp_path / "out" / "roads.osm").read_bytes() == recorded_bytes()
        again, _ = _fetch(tmp_path, server.url)
        assert again.from_cache and len(server.requests) == 1
        other, _ = _fetch(tmp_path, server.url, server_timeout_s=60)
        assert not other.from_cache and len(server.requests) == 2  # another query, another cache entry
        refreshed, _ = _fetch(tmp_path, server.url, refresh=True)
        assert not refreshed.from_cache and len(server.requests) == 3
    assert progress[0] == ("roads", 0, len(recorded_bytes())) and progress[-1][1] == len(recorded_bytes())
    assert overpass.cache_path(server.url, result.query, cache_dir=tmp_path / "cache").exists()


def test_refused_connection(tmp_path):
    from test_fetch import _free_port

    with pytest.raises(FetchError) as exc:
        _fetch(tmp_path, f"http://127.0.0.1:{_free_port()}/api/interpreter")
    message = str(exc.value)
    assert message.startswith("cannot reach 127.0.0.1") and "Connection refused" in message
    assert "straight-line model stays" in message and "\n" not in message
    _nothing_written(tmp_path)


def test_timeout(tmp_path):
    with OverpassServer("slow") as server, pytest.raises(FetchError) as exc:
        _fetch(tmp_path, server.url, timeout=0.5)
    assert "did not answer within 0.5 s" in str(exc.value) and "--timeout" in str(exc.value)
    _nothing_written(tmp_path)


def test_429_waits_for_retry_after_then_succeeds(tmp_path):
    with OverpassServer("busy-then-ok") as server:
        result, waits = _fetch(tmp_path, server.url)
        assert waits == [2.0] and len(server.requests) == 2 and result.ways > 300


def test_504_without_retry_after_waits_the_default(tmp_path):
    with OverpassServer("gateway") as server:
        _, waits = _fetch(tmp_path, server.url)
    assert waits == [overpass.DEFAULT_RETRY_S]


def test_429_with_a_long_retry_after_gives_up_at_once_and_says_when(tmp_path):
    with OverpassServer("busy") as server, pytest.raises(FetchError) as exc:
        _fetch(tmp_path, server.url)
    assert len(server.requests) == 1  # no hammering: 3600 s is beyond the wait allowed
    assert "is busy (429 Too Many Requests); try again in 3600 s" in str(exc.value)
    _nothing_written(tmp_path)


def test_429_retries_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(overpass, "retry_after", lambda value, now=None: 1.0)
    with OverpassServer("busy") as server, pytest.raises(FetchError, match="is busy"):
        _fetch(tmp_path, server.url)
    assert len(server.requests) == overpass.MAX_ATTEMPTS


def test_oversize_by_content_length_and_by_stream(tmp_path):
    with OverpassServer("huge") as server, pytest.raises(FetchError) as exc:
        _fetch(tmp_path, server.url)
    assert "sent more than 512 MB of roads" in str(exc.value)
    _nothing_written(tmp_path)
    with OverpassServer("endless") as server, pytest.raises(FetchError) as exc:
        _fetch(tmp_path, server.url, max_bytes=1_000_000)
    assert "more than 1 MB" in str(exc.value)
    assert "[maxsize:1000000]" in server.requests[0]["query"]  # the server is told the same limit
    _nothing_written(tmp_path)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("cut", r"not well-formed XML at line \d+ \(cut off or damaged\); nothing was saved"),
        ("html", "did not send OpenStreetMap data but an HTML page"),
        ("remark", r"could not finish the road query \(runtime error: Query timed out"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(tmp_path, mode, message):
    with OverpassServer(mode) as server, pytest.raises(FetchError, match=message):
        _fetch(tmp_path, server.url)
    _nothing_written(tmp_path)


def test_a_damaged_cache_entry_is_fetched_again(tmp_path):
    with OverpassServer() as server:
        result, _ = _fetch(tmp_path, server.url)
        cached = overpass.cache_path(server.url, result.query, cache_dir=tmp_path / "cache")
        cached.write_bytes(recorded_bytes()[:5000])
        again, _ = _fetch(tmp_path, server.url)
        assert not again.from_cache and len(server.requests) == 2
        assert cached.read_bytes() == recorded_bytes()


def test_bad_url_and_no_roads(tmp_path):
    with pytest.raises(FetchError, match="give an http:// or https:// URL"):
        _fetch(tmp_path, "ftp://example.org/api")
    with pytest.raises(FetchError, match="found no roads inside the boundary"):
        overpass.check_osm_xml(
            b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="1" lon="2"/></osm>'
        )
