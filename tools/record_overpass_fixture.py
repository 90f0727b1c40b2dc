"""Write the recorded Overpass answer the tests replay: pyrosm's bundled extract as Overpass would send it.

Run: ``.venv/bin/python tools/record_overpass_fixture.py [OUT.osm.gz]``
(default ``tests/data/overpass/pyrosm_test_roads.osm.gz``).

The live query of :func:`coverage.io.official.overpass.roads_query` asks for ``way["highway"]`` and
``way["route"="ferry"]`` with every node they use (``(._;>;); out body;``). Its answer is OSM XML 0.6 with
the Overpass header (``generator``, ``<note>``, ``<meta osm_base>``), nodes first then ways, each sorted by
id, coordinates with seven decimals and no version/user attributes (``out body``). This script writes
exactly that from pyrosm's ``test.osm.pbf`` (a real OpenStreetMap extract, © OpenStreetMap contributors,
ODbL), keeping the ways the query would return and the nodes they use, so the tests exercise the real
schema without a network. The gzip is stored without a timestamp, so the output is reproducible.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "overpass" / "pyrosm_test_roads.osm.gz"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<osm version="0.6" generator="Overpass API 0.7.62.1 084b4234">\n'
    "<note>The data included in this document is from www.openstreetmap.org. "
    "The data is made available under ODbL.</note>\n"
    '<meta osm_base="2024-05-02T12:00:00Z"/>\n\n'
)


def overpass_xml(pbf: str | Path) -> bytes:
    """Return the Overpass ``[out:xml]`` answer for the roads (and ferries) of ``pbf``, as bytes."""
    import osmium

    ways: list[tuple[int, list[int], list[tuple[str, str]]]] = []
    used: set[int] = set()
    for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY):
        tags = {t.k: t.v for t in way.tags}
        if "highway" in tags or tags.get("route") == "ferry":
            refs = [n.ref for n in way.nodes]
            ways.append((way.id, refs, sorted(tags.items())))
            used.update(refs)
    nodes: list[tuple[int, int, int, list[tuple[str, str]]]] = []
    for node in osmium.FileProcessor(str(pbf), osmium.osm.NODE):
        if node.id in used and node.location.valid():
            loc = node.location
            nodes.append((node.id, loc.y, loc.x, sorted((t.k, t.v) for t in node.tags)))
    lines = [HEADER]
    for nid, y, x, tags in sorted(nodes):
        attrs = f'  <node id="{nid}" lat="{_deg(y)}" lon="{_deg(x)}"'
        if not tags:
            lines.append(attrs + "/>\n")
            continue
        lines.append(attrs + ">\n")
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>\n" for k, v in tags]
        lines.append("  </node>\n")
    for wid, refs, tags in sorted(ways):
        lines.append(f'  <way id="{wid}">\n')
        lines += [f'    <nd ref="{r}"/>\n' for r in refs]
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>\n" for k, v in tags]
        lines.append("  </way>\n")
    lines.append("\n</osm>\n")
    return "".join(lines).encode("utf-8")


def _deg(fixed: int) -> str:
    """Fixed-point 1e-7 degrees as Overpass prints them (seven decimals, exact)."""
    sign = "-" if fixed < 0 else ""
    whole, frac = divmod(abs(fixed), 10**7)
    return f"{sign}{whole}.{frac:07d}"


def main(argv: list[str]) -> int:
    """Write the fixture; return the exit code."""
    import pyrosm

    out = Path(argv[0]) if argv else DEFAULT_OUT
    data = overpass_xml(pyrosm.get_data("test_pbf"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    print(f"{out}: {len(data):,} bytes of XML, {out.stat().st_size:,} gzipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
