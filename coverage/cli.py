"""Command line: ``python -m coverage COMMAND ...`` (the contract is in DESIGN.md).

Every command exits 0 on success and 2 with one line per problem on stderr for bad input; never a traceback
for a user's mistake. Shared options are built by :func:`add_source_options` / :func:`add_travel_options` and
read by :func:`project_from_args` / :func:`settings_from_args`, so every command reads them the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from .model import MODES, InputError, KatveError, Problem, Project, Settings

EXIT_OK = 0
EXIT_INPUT = 2

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Callable[[argparse._SubParsersAction], argparse.ArgumentParser], Handler]] = {}


def command(name: str, build: Callable[[argparse._SubParsersAction], argparse.ArgumentParser]):
    """Register a sub-command: ``build(subparsers)`` adds its parser; the decorated function runs it."""

    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = (build, handler)
        return handler

    return register


# --- shared options ----------------------------------------------------------------------------------------

def add_source_options(p: argparse.ArgumentParser) -> None:
    """``--project FILE.gpkg | --dataset NAME`` (default: the embedded Vihti data)."""
    from .datasets import DATASETS

    src = p.add_mutually_exclusive_group()
    src.add_argument("--project", metavar="FILE.gpkg", help="project GeoPackage")
    src.add_argument("--dataset", choices=DATASETS, help="embedded data set (default: vihti)")


def add_travel_options(p: argparse.ArgumentParser) -> None:
    """``--mode``, ``--minutes N | --km N``, ``--at "Tu 10:00"``, ``--network FILE.osm.pbf``."""
    p.add_argument("--mode", choices=MODES, help="travel mode (default: the project's, car)")
    thr = p.add_mutually_exclusive_group()
    thr.add_argument("--minutes", type=_positive_float, metavar="N", help="threshold in travel minutes")
    thr.add_argument("--km", type=_positive_float, metavar="N", help="threshold in travel km")
    p.add_argument("--at", metavar='"Tu 10:00"', help="count only places open then (in the reference week)")
    p.add_argument("--network", metavar="FILE.osm.pbf", help="travel on an OpenStreetMap road network")


def positive_number(unit: str = "") -> Callable[[str], float]:
    """Return an argparse ``type=`` that reads a finite number > 0 (a decimal comma is accepted).

    ``unit`` (e.g. ``"seconds"``) is named in the messages: ``'x' is not a number of seconds``.
    """
    of = f" of {unit}" if unit else ""

    def read(text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number{of}") from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{text!r} must be a positive number{of}")
        return value

    return read


_positive_float = positive_number()


def project_from_args(args: argparse.Namespace) -> Project:
    """Load the project named by ``--project`` or ``--dataset`` (default: vihti)."""
    if getattr(args, "project", None):
        from . import store

        return store.load(args.project)
    from .datasets import DEFAULT_DATASET, load_dataset

    return load_dataset(getattr(args, "dataset", None) or DEFAULT_DATASET)


def settings_from_args(args: argparse.Namespace, project: Project) -> Settings:
    """The project's settings overridden by ``--mode/--minutes/--km/--network``."""
    s = project.settings
    changes: dict = {}
    if getattr(args, "mode", None):
        changes["mode"] = args.mode
    if getattr(args, "minutes", None) is not None:
        changes["threshold_minutes"] = args.minutes
    if getattr(args, "km", None) is not None:
        changes["threshold_km"] = args.km
    if getattr(args, "network", None):
        path = Path(args.network)
        if not path.is_file():
            raise KatveError(f"{args.network}: road network file not found")
        changes["network"] = str(path)
    return s.replace(**changes) if changes else s


def at_from_args(args: argparse.Namespace):  # noqa: ANN201 - datetime | None
    """``--at "Tu 10:00"`` as a datetime in the reference week, or ``None``."""
    if not getattr(args, "at", None):
        return None
    from .schedule import parse_at

    return parse_at(args.at)


# --- shared output -----------------------------------------------------------------------------------------

def output_language(args: argparse.Namespace, settings: Settings, languages: Collection[str]) -> str:
    """``--lang``, else the project's language when ``languages`` has it, else Finnish."""
    return args.lang or (settings.language if settings.language in languages else "fi")


def print_json(obj: object) -> None:
    """Print ``obj`` as the indented JSON of a ``--json`` answer (UTF-8 text, NaN refused)."""
    print(json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=1))


@contextlib.contextmanager
def recorded_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning raised inside (whatever the filters say) for :func:`print_caught_warnings`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def print_caught_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    """Print warnings recorded by ``warnings.catch_warnings(record=True)``, one line each on stderr."""
    for w in caught:
        print(f"warning: {' '.join(str(w.message).split())}", file=sys.stderr)


def text_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = ()
) -> list[str]:
    """Lay out a plain-text table: two-space indent and gutters, columns ``right`` right-aligned."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs)

    return [line(header).rstrip()] + [line(r).rstrip() for r in rows]


# --- validate ----------------------------------------------------------------------------------------------

INPUT_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip", ".shp")


def _build_validate(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("validate", help="check input files or projects; exit 2 with one line per problem")
    p.add_argument("paths", nargs="+", metavar="PATH", help="file or folder (folders: every data file in them)")
    p.add_argument("--layer", choices=("places", "areas", "candidates", "boundary", "visits", "outreach"),
                   help="what the files hold (default: detected from the columns)")
    return p


def _expand(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES)
            # boundaries first so that the points of the same folder can be checked against them
            found.sort(key=lambda f: (str(f.parent), not f.stem.lower().startswith(("boundary", "raja", "kunta"))))
            files.extend(f for f in found if f.name != "dataset.json")
        else:
            files.append(path)
    return files


def validate_file(path: Path, *, layer: str | None = None, boundary=None) -> tuple[list[Problem], object]:
    """Validate one file; return its problems (errors and warnings) and the data read (or ``None``)."""
    from . import importers, store

    if not path.exists():
        return [Problem(str(path), None, "-", "file not found")], None
    if path.suffix.lower() == ".gpkg" and layer is None and _looks_like_project(path):
        try:
            project = store.load(path)
        except InputError as exc:
            return exc.problems + exc.warnings, None
        return [], project
    try:
        kind = layer or importers.detect_layer(path)
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
    from . import importers

    try:
        result = importers.read_boundary(path)
    except InputError as exc:
        return exc.problems + exc.warnings, None
    return list(result.warnings), result.data


def _looks_like_project(path: Path) -> bool:
    from . import store

    try:
        names = set(store.layer_names(path))
    except Exception:  # unreadable: let store.load say why
        return True
    return {"places", "areas"} <= names


@command("validate", _build_validate)
def _cmd_validate(args: argparse.Namespace) -> int:
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
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        print(str(p) if p.severity == "error" else f"{p} (warning)", file=sys.stderr)
    if not errors:
        print(f"ok: {len(files)} file(s) valid" + (f", {len(problems)} warning(s)" if problems else ""))
    return EXIT_INPUT if errors else EXIT_OK


# --- entry point -------------------------------------------------------------------------------------------

def _load_commands() -> None:
    """Import the modules that register further commands (analyze, plan, export, stats, fetch)."""
    import importlib

    for module in ("analysis", "planning", "export", "stats", "fetch"):
        try:
            importlib.import_module(f"coverage.cli_{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"coverage.cli_{module}":
                raise


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered command."""
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="python -m coverage",
        description="Katve: coverage of family-centre meeting places (perhekeskuksen kohtaamispaikat).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for _name, (build, handler) in _COMMANDS.items():
        build(sub).set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own one-line usage error (exit 2)
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        return EXIT_INPUT
    except KatveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
