"""``python -m coverage fetch``: download the official data of a municipality.

See :mod:`coverage.io.official.fetch`.

::

    python -m coverage fetch --municipality 927|Vihti|Vichtis [--what boundary,grid,paavo,ptv] [--out DIR]
                             [--base-url URL] [--cache DIR] [--refresh] [--timeout S] [--no-progress]
                             [--all-services] [--project FILE.gpkg [--areas grid|paavo]]
                             [--lang fi|sv|en] [--json]

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
import json
import os
import sys

from ..core import i18n
from ..core.errors import KatveError
from ..core.i18n import LANGUAGES
from ..io.official import ptv
from ..io.official.fetch import DEFAULT_TIMEOUT, WHAT, fetch, resolve_municipality, stderr_progress
from ..io.official.sources import describe, project_from_results, read_fetched
from ..io.store import save
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
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage fetch``; return the exit code."""
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
