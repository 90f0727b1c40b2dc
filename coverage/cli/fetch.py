"""``python -m coverage fetch``: download the official data of a municipality.

See :mod:`coverage.io.official.fetch`.

::

    python -m coverage fetch --municipality 927|Vihti|Vichtis [--what boundary,grid,paavo,ptv,roads]
                             [--out DIR] [--base-url URL] [--cache DIR] [--refresh] [--timeout S]
                             [--no-progress] [--all-services] [--project FILE.gpkg [--areas grid|paavo]]
                             [--lang fi|sv|en] [--json] [--overpass-url URL] [--margin KM]

``--what roads`` fetches the OpenStreetMap road network (roads, footways, cycleways, tracks, paths and
ferries) inside the boundary plus ``--margin`` from the Overpass API into ``roads_927.osm`` and, with an
existing ``--project``, sets it as the project's road network (see :mod:`coverage.io.official.overpass`).

Writes ``boundary_927.geojson``, ``grid_927.geojson``, ``paavo_927.geojson`` and ``ptv_927.json`` into
``--out`` (default: the current folder), reads them back and prints one line per file (counts and totals).
Warnings from reading go to stderr. With ``--project`` the data is also saved as a project GeoPackage
(boundary, areas from the grid or Paavo, places from PTV) ready for ``analyze --project``.

Offline, or when a server fails, it prints one line (``error: cannot reach geo.stat.fi ...``) and exits 2.
A downloaded file that cannot be used (e.g. no family places in PTV) is reported with its problems on stderr
and the command exits 2, but the others are still read (and saved with ``--project``).
Downloads are cached (``--cache``, default ``~/.cache/katve``): a second run needs no network.

Under each WFS file a ``layer`` line names the layer and year used and whether the service offered it
(the newest in its GetCapabilities) or it is the known fallback; under the grid an ``ages`` line gives the
StatFin 11re year and ratio used for children 0-6, or says that 7/15 was the last resort. ``--json`` prints
the same as one JSON object. ``--lang`` is the language of those lines and of the messages (default English,
like the rest of this command's summary).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..core import i18n
from ..core.errors import KatveError
from ..core.i18n import LANGUAGES
from ..core.model import MODES
from ..io.official import overpass, ptv
from ..io.official.fetch import DEFAULT_TIMEOUT, WHAT, fetch, resolve_municipality, stderr_progress
from ..io.official.sources import describe, project_from_results, read_fetched
from ..io.official.statistics import read_boundary
from ..io.store import load, save
from ..travel.network_file import remember_network
from ..travel.osm_graph import load_graph
from .fetch_summary import extra_lines, file_json, municipality_json


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``fetch`` command's parser to ``sub``."""
    p = sub.add_parser("fetch", help="download boundary, population grid, Paavo areas and PTV places")
    p.add_argument(
        "--municipality",
        required=True,
        metavar="NAME|CODE",
        help="the municipality by name in Finnish or Swedish (Vihti, Vichtis) or by Statistics Finland code, "
        "e.g. 927 (Vihti), 233 (Kauhava), 052 (Evijärvi)",
    )
    p.add_argument(
        "--what",
        default=",".join(WHAT),
        metavar="LIST",
        help=f"comma-separated subset of {','.join(WHAT)} (default: all)",
    )
    p.add_argument("--out", default=".", metavar="DIR", help="folder for the files (default: current folder)")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="one server for every request instead of geo.stat.fi and the PTV API (mirror or test)",
    )
    p.add_argument("--cache", metavar="DIR", help="download cache (default: $KATVE_CACHE or ~/.cache/katve)")
    p.add_argument("--refresh", action="store_true", help="download again even if the cache has it")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds to wait for a server (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument(
        "--all-services",
        action="store_true",
        help="keep every PTV service location, not only family meeting places",
    )
    p.add_argument("--project", metavar="FILE.gpkg", help="also save the data as a new project file")
    p.add_argument(
        "--areas",
        choices=("grid", "paavo"),
        help="demand areas of the --project (default: the grid when fetched, else Paavo)",
    )
    p.add_argument(
        "--lang", choices=tuple(LANGUAGES), default="en", help="language of the notes (default: en)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object: files, layers, years, counts")
    add_road_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage fetch``; return the exit code."""
    if wants_roads(args):  # --what ...,roads: the road network from Overpass (run_roads, below)
        return run_with_roads(args, run)
    before = i18n.get_language()
    i18n.set_language(getattr(args, "lang", None) or "en")
    try:
        return _run(args)
    finally:
        i18n.set_language(before)


def _run(args: argparse.Namespace) -> int:
    if args.timeout is not None and not args.timeout > 0:
        raise KatveError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    code = resolve_municipality(args.municipality)
    files = fetch(
        code,
        what=args.what,
        out_dir=args.out,
        base_url=args.base_url,
        cache_dir=args.cache,
        refresh=args.refresh,
        timeout=args.timeout,
        progress=None if args.no_progress else stderr_progress(),
    )
    keywords = None if args.all_services else ptv.FAMILY_KEYWORDS
    errors: dict[str, KatveError] = {}
    paths: dict[str, str | os.PathLike] = {k: f.path for k, f in files.items()}
    if "grid" in files and files["grid"].ages is not None:
        paths["ages"] = files["grid"].ages
    results = read_fetched(paths, municipality=code, keywords=keywords, errors=errors)
    summary: dict = {"municipality": municipality_json(code), "files": {}}
    for kind, fetched in files.items():
        origin = "cache" if fetched.from_cache else "downloaded"
        line = "not usable (see below)" if kind in errors else describe(kind, results[kind])
        summary["files"][kind] = file_json(fetched, line, origin)
        if not args.json:
            print(f"{kind:<9} {fetched.path}  {line}  ({origin})")
            for extra in extra_lines(fetched):
                print(f"  {extra}")
        for note in fetched.notes:
            print(f"  note: {note}", file=sys.stderr)
        if kind in errors:
            continue
        for warning in results[kind].warnings:
            print(f"  warning: {warning}", file=sys.stderr)
    for exc in errors.values():
        problems = getattr(exc, "problems", None)
        for line in [str(p) for p in problems] if problems else [f"error: {exc}"]:
            print(line, file=sys.stderr)
    if args.project:
        if not results:
            raise KatveError("nothing could be read: no project was saved")
        project = project_from_results(results, areas=args.areas, name=_name(results, code))
        save(project, args.project)
        summary["project"] = str(args.project)
        if not args.json:
            print(f"project   {args.project}  {len(project.places)} places, {len(project.areas)} areas")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 2 if errors else 0


def _name(results: dict, code: str) -> str:
    boundary = results.get("boundary")
    if boundary is not None and len(boundary.data):
        return " + ".join(str(n) for n in boundary.data["name"] if str(n)) or code
    return code


# --- roads (issue 18): --what roads, the OpenStreetMap road network from the Overpass API ----------------


def add_road_options(p: argparse.ArgumentParser) -> None:
    """Add ``--overpass-url`` and ``--margin`` (used with ``--what roads``)."""
    p.add_argument(
        "--overpass-url",
        metavar="URL",
        help=f"Overpass API interpreter for --what roads (default {overpass.OVERPASS_URL}; a mirror or test)",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=overpass.DEFAULT_MARGIN_M / 1000.0,
        metavar="KM",
        help=f"roads this far outside the boundary too (default {overpass.DEFAULT_MARGIN_M / 1000:g} km)",
    )


def wants_roads(args: argparse.Namespace) -> bool:
    """Whether ``--what`` names ``roads``."""
    return "roads" in {w.strip().lower() for w in str(args.what).split(",")}


def run_with_roads(args: argparse.Namespace, official: Callable[[argparse.Namespace], int]) -> int:
    """Fetch the other items of ``--what`` with ``official`` (the plain command), then the roads."""
    rest = [w.strip() for w in str(args.what).split(",") if w.strip() and w.strip().lower() != "roads"]
    code = 0
    if rest:
        code = official(argparse.Namespace(**{**vars(args), "what": ",".join(rest)}))
    return max(code, run_roads(args))


def run_roads(args: argparse.Namespace) -> int:
    """Fetch ``roads_<code>.osm`` into ``--out``, check that it builds a graph, set it in ``--project``.

    The boundary is the ``--project``'s when it has one, else Statistics Finland's (fetched, cached).
    Offline, or when Overpass fails, one ``error:`` line says so and nothing is written or changed.
    """
    if args.margin is None or not (args.margin >= 0 and math.isfinite(args.margin)):
        raise KatveError(f"--margin must be zero or more kilometres, got {args.margin}")
    code = resolve_municipality(args.municipality)
    project = load(args.project) if args.project and Path(args.project).is_file() else None
    boundary = project.boundary if project is not None and len(project.boundary) else None
    if boundary is None:
        files = fetch(code, what="boundary", out_dir=args.out, base_url=args.base_url, cache_dir=args.cache,
                      refresh=args.refresh, timeout=args.timeout)  # fmt: skip
        boundary = read_boundary(files["boundary"].path, municipality=code).data
    rings = overpass.boundary_rings(boundary, margin_m=args.margin * 1000.0)
    out = Path(args.out) / f"roads_{code}.osm"
    roads = overpass.fetch_roads(
        rings,
        out,
        url=args.overpass_url,
        cache_dir=args.cache,
        refresh=args.refresh,
        # Overpass may think for minutes before its first byte: its own default unless --timeout was given
        timeout=overpass.DEFAULT_TIMEOUT if args.timeout == DEFAULT_TIMEOUT else args.timeout,
        progress=None if args.no_progress else stderr_progress(),
    )
    lengths = []
    for mode in MODES:  # builds the graph cache next to the file, where analyze --network looks
        try:
            graph = load_graph(out, mode)
        except KatveError as exc:
            lengths.append(f"{mode}: {exc}")
            continue
        lengths.append(f"{mode} {graph.edge_length_m.sum() / 1000.0:,.0f} km")
    origin = "cache" if roads.from_cache else "downloaded"
    shown = sys.stderr if getattr(args, "json", False) else sys.stdout  # --json: stdout stays one JSON object
    print(f"roads     {out}  {roads.ways:,} ways, {'; '.join(lengths)}  ({origin})", file=shown)
    if project is not None:
        saved = dataclasses.replace(project, settings=remember_network(project.settings, out.resolve()))
        save(saved, args.project)
        print(f"project   {args.project}  road network {out.name} in use", file=shown)
    elif args.project:
        print(f"warning: {args.project} does not exist: use --network {out} with analyze", file=sys.stderr)
    return 0
