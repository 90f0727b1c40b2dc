"""``python -m coverage fetch``: download the official data of a municipality.

See :mod:`coverage.io.official.fetch`.

::

    python -m coverage fetch --municipality 927 [--what boundary,grid,paavo,ptv] [--out DIR]
                             [--base-url URL] [--cache DIR] [--refresh] [--timeout S] [--no-progress]
                             [--all-services] [--project FILE.gpkg [--areas grid|paavo]]

Writes ``boundary_927.geojson``, ``grid_927.geojson``, ``paavo_927.geojson`` and ``ptv_927.json`` into
``--out`` (default: the current folder), reads them back and prints one line per file (counts and totals).
Warnings from reading go to stderr. With ``--project`` the data is also saved as a project GeoPackage
(boundary, areas from the grid or Paavo, places from PTV) ready for ``analyze --project``.

Offline, or when a server fails, it prints one line (``error: cannot reach geo.stat.fi ...``) and exits 2.
A downloaded file that cannot be used (e.g. no family places in PTV) is reported with its problems on stderr
and the command exits 2, but the others are still read (and saved with ``--project``).
Downloads are cached (``--cache``, default ``~/.cache/katve``): a second run needs no network.
"""

from __future__ import annotations

import argparse
import sys

from ..core.errors import KatveError
from ..io.official import ptv
from ..io.official.fetch import DEFAULT_TIMEOUT, WHAT, fetch, municipality_code, stderr_progress
from ..io.official.sources import describe, project_from_results, read_fetched
from ..io.store import save


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``fetch`` command's parser to ``sub``."""
    p = sub.add_parser("fetch", help="download boundary, population grid, Paavo areas and PTV places")
    p.add_argument(
        "--municipality",
        required=True,
        metavar="CODE",
        help="Statistics Finland municipality code, e.g. 927 (Vihti), 233 (Kauhava), 052 (Evijärvi)",
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
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage fetch``; return the exit code."""
    if args.timeout is not None and not args.timeout > 0:
        raise KatveError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    files = fetch(
        args.municipality,
        what=args.what,
        out_dir=args.out,
        base_url=args.base_url,
        cache_dir=args.cache,
        refresh=args.refresh,
        timeout=args.timeout,
        progress=None if args.no_progress else stderr_progress(),
    )
    code = municipality_code(args.municipality)
    keywords = None if args.all_services else ptv.FAMILY_KEYWORDS
    errors: dict[str, KatveError] = {}
    results = read_fetched(
        {k: f.path for k, f in files.items()}, municipality=code, keywords=keywords, errors=errors
    )
    for kind, fetched in files.items():
        origin = "cache" if fetched.from_cache else "downloaded"
        if kind in errors:
            print(f"{kind:<9} {fetched.path}  not usable (see below)  ({origin})")
            continue
        print(f"{kind:<9} {fetched.path}  {describe(kind, results[kind])}  ({origin})")
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
        print(f"project   {args.project}  {len(project.places)} places, {len(project.areas)} areas")
    return 2 if errors else 0


def _name(results: dict, code: str) -> str:
    boundary = results.get("boundary")
    if boundary is not None and len(boundary.data):
        return " + ".join(str(n) for n in boundary.data["name"] if str(n)) or code
    return code
