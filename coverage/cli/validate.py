"""``python -m coverage validate PATH...``: exit 0 when valid; else 2 and one line per problem."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..core.errors import InputError, KatveError, Problem
from ..core.i18n import LANGUAGES, t
from ..core.messages import localise
from ..core.model import Project
from ..io import importers
from ..io.importers import detect_layer, read_boundary
from ..io.store import layer_names, load
from .options import EXIT_INPUT, EXIT_OK

# --- validate ----------------------------------------------------------------------------------------------

INPUT_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip", ".shp")
NOT_LAYERS = ("dataset.json", "municipalities.csv")
"""Files of a data folder that are not layers (a data set's metadata, the embedded list of municipalities)."""


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``validate`` command's parser to ``sub``."""
    p = sub.add_parser("validate", help="check input files or projects; exit 2 with one line per problem")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="file or folder (folders: every data file in them)"
    )
    p.add_argument(
        "--layer",
        choices=("places", "areas", "candidates", "boundary", "visits", "outreach"),
        help="what the files hold (default: detected from the columns)",
    )
    p.add_argument(
        "--lang", choices=tuple(LANGUAGES), default="fi", help="language of the messages (default: fi)"
    )
    return p


def _expand(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES)
            # boundaries first so that the points of the same folder can be checked against them
            found.sort(
                key=lambda f: (str(f.parent), not f.stem.lower().startswith(("boundary", "raja", "kunta")))
            )
            files.extend(f for f in found if f.name not in NOT_LAYERS)
        else:
            files.append(path)
    return files


def validate_file(path: Path, *, layer: str | None = None, boundary=None) -> tuple[list[Problem], object]:
    """Validate one file; return its problems (errors and warnings) and the data read (or ``None``)."""
    if not path.exists():
        return [Problem(str(path), None, "-", "file not found")], None
    if path.suffix.lower() == ".gpkg" and layer is None and _looks_like_project(path):
        try:
            project = load(path)
        except InputError as exc:
            return exc.problems + exc.warnings, None
        return [], project
    try:
        kind = layer or detect_layer(path)
        if kind == "boundary":
            return _validate_boundary(path)
        reader = getattr(importers, f"read_{kind}")
        result = reader(path) if kind in ("visits", "outreach") else reader(path, boundary=boundary)
    except InputError as exc:
        return exc.problems + exc.warnings, None
    except KatveError as exc:
        return [Problem(str(path), None, "-", str(exc))], None
    return list(result.warnings), None


def _validate_boundary(path: Path) -> tuple[list[Problem], object]:

    try:
        result = read_boundary(path)
    except InputError as exc:
        return exc.problems + exc.warnings, None
    return list(result.warnings), result.data


def _looks_like_project(path: Path) -> bool:

    try:
        names = set(layer_names(path))
    except Exception:  # unreadable: let store.load say why
        return True
    return {"places", "areas"} <= names


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage validate``; return the exit code."""
    problems: list[Problem] = []
    boundaries: dict[Path, object] = {}
    files = _expand(args.paths)
    if not files:
        problems.append(Problem(" ".join(args.paths), None, "-", "no data files found"))
    for path in files:
        found, data = validate_file(path, layer=args.layer, boundary=boundaries.get(path.parent))
        if data is not None and not isinstance(data, Project):
            boundaries[path.parent] = data
        problems.extend(found)
    lang = getattr(args, "lang", None) or "fi"
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        said = localise(p, lang)
        print(str(said) if p.severity == "error" else f"{said} ({t('cli.warning', lang)})", file=sys.stderr)
    if not errors:
        notes = t("cli.validate.warnings", lang, n=len(problems)) if problems else ""
        print(t("cli.validate.ok", lang, files=len(files), warnings=notes))
    return EXIT_INPUT if errors else EXIT_OK
