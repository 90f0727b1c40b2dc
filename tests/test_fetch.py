"""Downloads against a local HTTP server on 127.0.0.1 serving files shaped like the real responses."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from coverage.cli.main import main
from coverage.core import errors
from coverage.io import store
from coverage.io.official import fetch, ptv

DATA = Path(__file__).parent / "data" / "sources"
ROOT = Path(__file__).resolve().parent.parent


def _ptv_pages() -> list[bytes]:
    doc = json.loads((DATA / "ptv_927.json").read_text(encoding="utf-8"))
    items = doc["itemList"]
    half = len(items) // 2
    pages = [items[:half], items[half:]]
    return [
        json.dumps(
            {"pageNumber": i + 1, "pageSize": half, "pageCount": 2, "itemList": page}, ensure_ascii=False
        ).encode("utf-8")
        for i, page in enumerate(pages)
    ]


class FakeServer:
    """geo.stat.fi and the PTV API in one local server; counts the requests per path."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.queries: list[dict[str, list[str]]] = []
        self.mode = "ok"  # ok | slow | error500 | xml
        self.capabilities: bytes | None = (DATA / "wfs_capabilities.xml").read_bytes()  # None: 404
        self.pxweb: bytes | None = None  # the StatFin 11re answer to POSTs; None: 404 (the table is down)
        self.posts: list[dict] = []
        pages = _ptv_pages()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                server.requests[url.path] += 1
                server.queries.append(query)
                if server.mode == "slow":
                    time.sleep(1.5)
                if server.mode == "error500":
                    self._send(500, b"boom", "text/plain")
                    return
                if server.mode == "xml":
                    body = (
                        b'<?xml version="1.0"?><ows:ExceptionReport><ows:Exception><ows:ExceptionText>'
                        b"Feature type vaestoruutu:vaki2022_1km unknown</ows:ExceptionText></ows:Exception>"
                        b"</ows:ExceptionReport>"
                    )
                    self._send(200, body, "text/xml")
                    return
                if url.path == "/wfs" and query.get("request") == ["GetCapabilities"]:
                    if server.capabilities is None:
                        self._send(404, b"not found", "text/plain")
                    else:
                        self._send(200, server.capabilities, "application/xml")
                    return
                wfs = {
                    "/tilastointialueet/wfs": "boundary_927.geojson",
                    "/vaestoruutu/wfs": "grid_927.geojson",
                    "/postialue/wfs": "paavo_927.geojson",
                }
                if url.path in wfs:
                    cql = query.get("CQL_FILTER", [""])[0]
                    if cql and "'927'" not in cql:
                        body = b'{"type":"FeatureCollection","features":[],"totalFeatures":0}'
                    else:
                        body = (DATA / wfs[url.path]).read_bytes()
                    self._send(200, body, "application/json;charset=UTF-8")
                    return
                if url.path == "/api/v11/ServiceChannel/list/area/Municipality/code/927":
                    page = int(query.get("page", ["1"])[0])
                    self._send(200, pages[page - 1], "application/json; charset=utf-8")
                    return
                self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests[url.path] += 1
                server.posts.append(body)
                if url.path == "/PxWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11re.px" and server.pxweb:
                    self._send(200, server.pxweb, "application/json; charset=utf-8")
                    return
                self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with FakeServer() as s:
        yield s


def _free_port() -> int:
    """A port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- URLs -------------------------------------------------------------------------------------------------


def test_wfs_url_names_layer_filter_and_crs():
    url = fetch.wfs_url("https://geo.stat.fi/geoserver/", "postialue:pno_tilasto", cql_filter="kunta='927'")
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    assert parts.path == "/geoserver/postialue/wfs"
    assert query["typeNames"] == ["postialue:pno_tilasto"]
    assert query["CQL_FILTER"] == ["kunta='927'"]
    assert query["srsName"] == ["EPSG:3067"]
    assert query["outputFormat"] == ["application/json"]


def test_wfs_url_bbox_in_easting_northing_order():
    url = fetch.wfs_url(fetch.STATFI_BASE_URL, fetch.GRID_LAYER, bbox=(335000.4, 6680000, 375000, 6720000))
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["bbox"] == [
        "335000,6680000,375000,6720000,EPSG:3067"
    ]


@pytest.mark.parametrize("raw, code", [("927", "927"), (91, "091"), (" 52 ", "052")])
def test_municipality_code_is_three_digits(raw, code):
    assert fetch.municipality_code(raw) == code


@pytest.mark.parametrize("raw", ["Vihti", "9270", "", "92a"])
def test_bad_municipality_code_is_refused(raw):
    with pytest.raises(errors.KatveError, match="three digits"):
        fetch.municipality_code(raw)


def test_unknown_what_is_refused(tmp_path):
    with pytest.raises(errors.KatveError, match="cannot fetch roads"):
        fetch.fetch("927", what="grid,roads", out_dir=tmp_path, cache_dir=tmp_path / "c")


# --- downloading ------------------------------------------------------------------------------------------


def test_fetch_everything_then_reuse_the_cache(server, tmp_path):
    server.pxweb = (DATA / "pxweb_11re_927.json").read_bytes()
    cache = tmp_path / "cache"
    files = fetch.fetch("927", out_dir=tmp_path / "out", base_url=server.url, cache_dir=cache)
    assert list(files) == ["boundary", "grid", "paavo", "ptv"]
    assert not any(f.from_cache for f in files.values())
    assert files["grid"].path.read_bytes() == (DATA / "grid_927.geojson").read_bytes()
    # PTV: both pages followed and combined into one itemList
    assert server.requests["/api/v11/ServiceChannel/list/area/Municipality/code/927"] == 2
    combined = json.loads(files["ptv"].path.read_text(encoding="utf-8"))
    original = json.loads((DATA / "ptv_927.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in combined["itemList"]] == [i["id"] for i in original["itemList"]]
    # the grid is asked for the extent of the boundary (easting first)
    grid_query = next(q for q in server.queries if q.get("typeNames") == [files["grid"].layer.layer])
    assert grid_query["bbox"] == ["335000,6680000,375000,6720000,EPSG:3067"]
    first = sum(server.requests.values())
    assert first == 7  # capabilities, boundary, grid, the age structure (11re), paavo, 2 PTV pages

    again = fetch.fetch("927", out_dir=tmp_path / "out2", base_url=server.url, cache_dir=cache)
    assert sum(server.requests.values()) == first  # nothing downloaded
    assert all(f.from_cache for f in again.values())
    assert again["paavo"].path.read_bytes() == files["paavo"].path.read_bytes()

    fetch.fetch(
        "927", what=["paavo"], out_dir=tmp_path / "out3", base_url=server.url, cache_dir=cache, refresh=True
    )
    assert server.requests["/postialue/wfs"] == 2  # --refresh downloads again


def test_fetch_grid_also_writes_the_boundary(server, tmp_path):
    files = fetch.fetch("927", what="grid", out_dir=tmp_path, base_url=server.url, cache_dir=tmp_path / "c")
    assert set(files) == {"boundary", "grid"}
    assert (tmp_path / "boundary_927.geojson").exists()


def test_unknown_municipality_is_a_clear_error(server, tmp_path):
    with pytest.raises(errors.FetchError, match="no municipality with code 999"):
        fetch.fetch("999", what="boundary", out_dir=tmp_path, base_url=server.url, cache_dir=tmp_path / "c")


def test_refused_connection_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(
        errors.FetchError, match=r"cannot reach 127\.0\.0\.1:\d+ .*check the internet connection"
    ) as err:
        fetch.fetch("927", what="paavo", out_dir=tmp_path, base_url=url, cache_dir=tmp_path / "c")
    assert "\n" not in str(err.value)
    assert not list(tmp_path.rglob("*.bin"))  # nothing cached


def test_timeout_is_reported(server, tmp_path):
    server.mode = "slow"
    with pytest.raises(errors.FetchError, match="did not answer within 0.3 s"):
        fetch.fetch(
            "927", what="paavo", out_dir=tmp_path, base_url=server.url, cache_dir=tmp_path / "c", timeout=0.3
        )


def test_server_error_is_reported_and_not_cached(server, tmp_path):
    server.mode = "error500"
    with pytest.raises(errors.FetchError, match="answered 500"):
        fetch.fetch("927", what="paavo", out_dir=tmp_path, base_url=server.url, cache_dir=tmp_path / "c")
    server.mode = "ok"
    files = fetch.fetch("927", what="paavo", out_dir=tmp_path, base_url=server.url, cache_dir=tmp_path / "c")
    assert not files["paavo"].from_cache


def test_wfs_exception_report_is_reported(server, tmp_path):
    server.mode = "xml"
    with pytest.raises(errors.FetchError, match="Feature type vaestoruutu:vaki2022_1km unknown"):
        fetch.fetch("927", what="paavo", out_dir=tmp_path, base_url=server.url, cache_dir=tmp_path / "c")


def test_progress_bar_on_a_stream(server, tmp_path):
    stream = io.StringIO()
    fetch.fetch(
        "927",
        what="paavo",
        out_dir=tmp_path,
        base_url=server.url,
        cache_dir=tmp_path / "c",
        progress=fetch.stderr_progress(stream),
    )
    text = stream.getvalue()
    size = (DATA / "paavo_927.geojson").stat().st_size
    assert "paavo" in text and "100%" in text and "#" * 24 in text
    assert text.endswith("\n")
    assert fetch._size(size) in text


def test_cache_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KATVE_CACHE", str(tmp_path / "k"))
    assert fetch.default_cache_dir() == tmp_path / "k"
    assert fetch.cache_path("http://x/y").parent == tmp_path / "k"
    assert fetch.cache_path("http://x/y") != fetch.cache_path("http://x/z")


# --- command line -----------------------------------------------------------------------------------------


def test_cli_fetch_prints_a_summary_and_saves_a_project(server, tmp_path, capsys):
    out = tmp_path / "out"
    args = [
        "fetch",
        "--municipality",
        "927",
        "--out",
        str(out),
        "--base-url",
        server.url,
        "--cache",
        str(tmp_path / "cache"),
        "--no-progress",
        "--project",
        str(tmp_path / "vihti.gpkg"),
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("boundary") and "Vihti (927)" in lines[0] and "(downloaded)" in lines[0]
    grid = next(line for line in lines if line.startswith("grid"))
    assert "4 grid cells, 460 residents, 43 children 0-6 (4 estimated)" in grid
    paavo = next(line for line in lines if line.startswith("paavo"))
    assert "4 postal-code areas, 1 540 residents, 113 children 0-6 (2 estimated)" in paavo
    assert "3 meeting places" in next(line for line in lines if line.startswith("ptv"))
    assert "warning:" in captured.err and "protected" in captured.err


    project = store.load(tmp_path / "vihti.gpkg")
    assert project.name == "Vihti"
    assert len(project.areas) == 4 and project.areas["id"].str.startswith("1kmN").all()
    assert len(project.places) == 3 and len(project.boundary) == 1

    assert main(args[:-2]) == 0  # second run: from the cache
    assert "(cache)" in capsys.readouterr().out


def test_cli_fetch_offline_exits_2_with_one_line(tmp_path, capsys):
    url = f"http://127.0.0.1:{_free_port()}"
    code = main(
        [
            "fetch",
            "--municipality",
            "927",
            "--what",
            "paavo",
            "--out",
            str(tmp_path),
            "--base-url",
            url,
            "--cache",
            str(tmp_path / "c"),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: cannot reach 127.0.0.1:")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_fetch_bad_municipality(capsys):
    assert main(["fetch", "--municipality", "Vihdi"]) == 2  # a name now works, but not a misspelt one
    err = capsys.readouterr().err
    assert err.startswith("error: No municipality “Vihdi”. Did you mean: Vihti – Vichtis (927)?")
    assert main(["fetch", "--municipality", "9270"]) == 2
    assert "three digits" in capsys.readouterr().err


def test_python_m_coverage_fetch_subprocess(server, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "coverage",
            "fetch",
            "--municipality",
            "927",
            "--what",
            "boundary,paavo",
            "--out",
            str(tmp_path),
            "--base-url",
            server.url,
            "--cache",
            str(tmp_path / "c"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "4 postal-code areas" in proc.stdout
    assert "100%" in proc.stderr  # the progress bar
    assert (tmp_path / "paavo_927.geojson").exists()


def test_cli_fetch_unusable_file_is_reported_but_the_rest_is_read(server, tmp_path, capsys, monkeypatch):
    """A municipality without family places in PTV: exit 2 with the reason, the other files still read."""

    monkeypatch.setattr(ptv, "FAMILY_KEYWORDS", ("no such word",))
    code = main(
        [
            "fetch",
            "--municipality",
            "927",
            "--what",
            "paavo,ptv",
            "--out",
            str(tmp_path),
            "--base-url",
            server.url,
            "--cache",
            str(tmp_path / "c"),
            "--no-progress",
            "--project",
            str(tmp_path / "p.gpkg"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert "4 postal-code areas" in captured.out
    assert "ptv       " in captured.out and "not usable" in captured.out
    assert "no service locations left to import" in captured.err
    assert (tmp_path / "p.gpkg").exists()
