"""``python -m coverage import PATH... --project FILE.gpkg``: bring people's own lists into a project.

Appends (default) or replaces (``--replace``) one layer; a row with a problem is skipped and reported on
stderr as ``PATH:ROW: field: message`` (ROW = the 1-based data row; the sentence names the Excel row and is
in ``--lang``, default Finnish). Exit 0 when every row went in, 1 when some rows were skipped, 2 when nothing
could be imported (then the project is not touched). Saving is atomic and keeps the previous file as
``<name>.backup.gpkg``; a missing FILE is created from ``--dataset`` (or as an empty project).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import InputError, KatveError, Problem
from ..core.i18n import LANGUAGES, t
from ..core.messages import localise
from ..core.model import AREA_FIELDS, PLACE_FIELDS, Project, empty_layer
from ..io.datasets import DATASETS, load_dataset
from ..io.importers import detect_layer
from ..io.importing import IMPORT_LAYERS, apply_import, preview_import
from ..io.store import backup_path, load, save
from .options import EXIT_INPUT, EXIT_OK

EXIT_SKIPPED = 1
"""Exit code when some rows were imported and some skipped."""


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``import`` command's parser to ``sub``."""
    p = sub.add_parser(
        "import",
        help="import CSV/XLSX/GeoJSON/... files into a project; skipped rows on stderr",
        description="Append rows to (or replace) one layer of a project GeoPackage.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="file(s) to import")
    p.add_argument("--project", required=True, metavar="FILE.gpkg", help="the project (created if missing)")
    p.add_argument("--dataset", choices=DATASETS, help="start a missing project from this embedded data set")
    p.add_argument("--layer", choices=IMPORT_LAYERS, help="what the files hold (default: from the columns)")
    p.add_argument("--replace", action="store_true", help="replace the layer instead of appending to it")
    p.add_argument(
        "--lang", choices=tuple(LANGUAGES), default="fi", help="language of the messages (default: fi)"
    )
    return p


def _open_project(path: Path, dataset: str | None) -> tuple[Project, bool]:
    """Load the project, or start it from ``dataset`` or empty; (project, created)."""
    if path.exists():
        return load(path), False
    if dataset:
        project = load_dataset(dataset)
        project.path, project.version = None, None
        return project, True
    return Project(places=empty_layer(PLACE_FIELDS), areas=empty_layer(AREA_FIELDS), name=path.stem), True


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage import``; return the exit code."""
    lang = args.lang or "fi"
    target = Path(args.project)
    if target.suffix.lower() != ".gpkg":
        raise KatveError(f"{target}: a project file must end in .gpkg")
    project, created = _open_project(target, args.dataset)
    imported = skipped = 0
    failed = False
    layers: list[str] = []
    replaced: set[str] = set()
    for raw in args.paths:
        path = Path(raw)
        if not path.exists():
            print(localise(Problem(str(path), None, "-", "file not found"), lang), file=sys.stderr)
            failed = True
            continue
        try:
            layer = args.layer or detect_layer(path)
            replace = bool(args.replace) and layer not in replaced  # each layer replaced once, then added to
            preview = preview_import(path, layer, project, lang=lang, replace=replace)
        except InputError as exc:
            for problem in exc.problems:
                print(str(problem), file=sys.stderr)
            failed = True
            continue
        except KatveError as exc:  # the layer cannot be told from the columns
            print(f"{path}:-: -: {exc}", file=sys.stderr)
            failed = True
            continue
        for problem in preview.problems:
            print(str(problem), file=sys.stderr)
        for note in preview.warnings:
            print(f"{note} ({t('cli.warning', lang)})", file=sys.stderr)
        for guess in preview.guesses:
            where = preview.data.at[guess.position, "id"]
            print(f"{preview.path}:{guess.row}: {guess.field}: {where}: {guess.message}", file=sys.stderr)
        project = apply_import(project, preview)
        replaced.add(preview.layer)
        imported += len(preview.data)
        skipped += len(preview.skipped)
        layers.append(preview.layer)
        print(
            t(
                "cli.import.summary",
                lang,
                path=preview.path,
                imported=len(preview.data),
                skipped=len(preview.skipped),
                layer=preview.layer,
            )
        )
    if imported == 0:
        print(t("cli.import.nothing", lang), file=sys.stderr)
        return EXIT_INPUT
    save(project, target)
    if created:
        print(t("cli.import.created", lang, path=target))
    for layer in dict.fromkeys(layers):
        backup = backup_path(target).name if not created else "-"
        total = len(project.layer(layer))
        print(t("cli.import.saved", lang, path=target, total=total, layer=layer, backup=backup))
    return EXIT_SKIPPED if skipped or failed else EXIT_OK
