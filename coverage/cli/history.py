"""``python -m coverage history --project FILE.gpkg [--json]``: the saved versions: who, when, what."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import KatveError
from ..core.i18n import LANGUAGES, t
from ..io import versions
from .options import EXIT_OK, print_json, text_table


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``history`` command's parser to ``sub``."""
    p = sub.add_parser("history", help="list the saved versions of a project: who, when, what changed")
    p.add_argument("--project", required=True, metavar="FILE.gpkg", help="the project file")
    p.add_argument("--json", action="store_true", help="print JSON: {\"project\", \"versions\": [...]}")
    p.add_argument("--lang", choices=list(LANGUAGES), default="fi", help="language of the summaries")
    return p


def history_json(path: Path, lang: str) -> dict:
    """Return the ``history --json`` answer, versions oldest first.

    ``{"project", "versions": [{"version", "at", "user", "changes", "summary"}]}``.
    """
    return {
        "project": path.name,
        "versions": [{**v.to_json(), "summary": versions.summary(v, lang)} for v in versions.history(path)],
    }


def run(args: argparse.Namespace) -> int:
    """Print the versions of ``--project``."""
    path = Path(args.project)
    if not path.exists() and not versions.versions_dir(path).is_dir():
        raise KatveError(f"{path}: file not found")
    answer = history_json(path, args.lang)
    if args.json:
        print_json(answer)
        return EXIT_OK
    if not answer["versions"]:
        print(t("cli.history.none", args.lang, name=path.name))
        return EXIT_OK
    header = [t(f"cli.history.cols.{i}", args.lang) for i in range(4)]
    rows = [
        [str(v["version"]), v["at"].replace("T", " ").rstrip("Z"),
         v["user"] or t("versions.unknown_user", args.lang), v["summary"]]
        for v in answer["versions"]
    ]  # fmt: skip
    print("\n".join(text_table(header, rows, right={0})))
    return EXIT_OK
