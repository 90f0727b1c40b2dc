"""Options shared by every command and the helpers that read and print them."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from ..core.errors import KatveError
from ..core.i18n import LANGUAGES
from ..core.model import MODES, Project, Settings
from ..core.schedule import parse_at
from ..io.datasets import DATASETS, DEFAULT_DATASET, load_dataset
from ..io.store import load

EXIT_OK = 0
EXIT_INPUT = 2

Handler = Callable[[argparse.Namespace], int]
"""What runs a command: the parsed arguments in, the exit code out."""


# --- shared options ----------------------------------------------------------------------------------------

def add_source_options(p: argparse.ArgumentParser) -> None:
    """``--project FILE.gpkg | --dataset NAME`` (default: the embedded Vihti data)."""
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

        return load(args.project)

    return load_dataset(getattr(args, "dataset", None) or DEFAULT_DATASET)


def settings_from_args(args: argparse.Namespace, project: Project) -> Settings:
    """Return the project's settings overridden by ``--mode/--minutes/--km/--network``."""
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

    return parse_at(args.at)


# --- shared output -----------------------------------------------------------------------------------------

def output_language(args: argparse.Namespace, settings: Settings) -> str:
    """Return ``--lang``, else the project's language when Katve speaks it, else Finnish."""
    return args.lang or (settings.language if settings.language in LANGUAGES else "fi")


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


def count_at_least_1(text: str) -> int:
    """Argument type: a whole number of at least 1 (``--new K``, ``--reschedule K``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value
