"""Every save of a project kept: the version history next to the project file.

``vihti.gpkg`` keeps its versions in the folder ``vihti.versions/``: one GeoPackage per version
(``000007.gpkg``, the project as that save left it, QGIS opens it too) and ``history.jsonl``, one JSON line a
version: ``{"version", "at" (UTC, ISO), "user", "changes", "file"}``. ``changes`` says what the save changed
compared with the file it replaced: places/areas/candidates/visits/outreach/boundary added, edited and removed
(by id; a layer whose ids all changed is *replaced*), the settings whose value changed, and ``restored`` (the
version a restore brought back). :func:`summary` turns it into one line in fi/sv/en.

Version numbers only grow; the oldest versions beyond ``keep`` (default :data:`DEFAULT_KEPT`) are deleted.
:mod:`coverage.io.store` calls :func:`record` under its save lock, after the atomic rename.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio

from ..core.errors import KatveError
from ..core.i18n import t

DEFAULT_KEPT = 50
HISTORY_FILE = "history.jsonl"
COMPARED_LAYERS = ("places", "areas", "candidates", "boundary", "visits", "outreach", "katve_scenarios")
_KEYED = ("places", "areas", "candidates")  # rows compared by id; the others by content only
SETTINGS_LAYER = "katve_settings"


@dataclass(frozen=True)
class Version:
    """One saved version of a project."""

    number: int
    at: str  # UTC, ISO 8601 to the second
    user: str
    changes: dict[str, Any] = field(default_factory=dict)
    file: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the ``history --json`` record of this version (the caller adds ``summary``)."""
        return {"version": self.number, "at": self.at, "user": self.user, "changes": self.changes}


def versions_dir(path: str | os.PathLike) -> Path:
    """Return the folder holding the versions of project file ``path``."""
    p = Path(path)
    return p.with_name(p.stem + ".versions")


def history(path: str | os.PathLike) -> list[Version]:
    """Return the kept versions of project file ``path``, oldest first (empty when none were recorded)."""
    log = versions_dir(path) / HISTORY_FILE
    if not log.is_file():
        return []
    found = []
    for line in log.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            found.append(
                Version(int(raw["version"]), str(raw["at"]), str(raw.get("user") or ""),
                        dict(raw.get("changes") or {}), str(raw.get("file") or ""))
            )  # fmt: skip
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line (a crash mid-append) is skipped, the others stay readable
    return [v for v in found if (versions_dir(path) / v.file).is_file()]


def version_file(path: str | os.PathLike, number: int) -> Path:
    """Return the GeoPackage of version ``number`` of project file ``path``.

    Raises
    ------
    KatveError
        There is no such version (never saved, or older than the versions kept).
    """
    for v in history(path):
        if v.number == number:
            return versions_dir(path) / v.file
    kept = [v.number for v in history(path)]
    span = f"{kept[0]}–{kept[-1]}" if kept else "none"
    raise KatveError(f"{Path(path).name}: no version {number} (versions kept: {span})")


def record(
    target: Path, previous: Path | None, *, user: str, keep: int = DEFAULT_KEPT, restored: int | None = None
) -> Version:
    """Record the file now at ``target`` as a new version (call under the save lock, after the rename).

    ``previous`` is a copy of the file it replaced (``None`` for a new file): what the changes are counted
    against. When the project had no history yet, that previous file is kept first as the version it was
    found in, so nothing saved before versions were kept is lost.
    """
    folder = versions_dir(target)
    folder.mkdir(exist_ok=True)
    kept = history(target)
    if not kept and previous is not None and previous.is_file():
        kept.append(_append(folder, previous, 1, user="", changes={"found": True}))
    number = (kept[-1].number if kept else 0) + 1
    changes: dict[str, Any] = (
        compare(previous, target) if previous is not None and previous.is_file() else {"created": True}
    )
    if restored is not None:
        changes["restored"] = restored
    version = _append(folder, target, number, user=user, changes=changes)
    _prune(folder, target, max(1, int(keep)))
    return version


def _append(folder: Path, source: Path, number: int, *, user: str, changes: dict[str, Any]) -> Version:
    name = f"{number:06d}.gpkg"
    tmp = folder / f".{name}.tmp"
    shutil.copy2(source, tmp)
    os.replace(tmp, folder / name)
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    version = Version(number, at, user, changes, name)
    with open(folder / HISTORY_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({**version.to_json(), "file": name}, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return version


def _prune(folder: Path, target: Path, keep: int) -> None:
    kept = history(target)
    if len(kept) <= keep:
        return
    drop, stay = kept[:-keep], kept[-keep:]
    tmp = folder / f".{HISTORY_FILE}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for v in stay:
            fh.write(json.dumps({**v.to_json(), "file": v.file}, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / HISTORY_FILE)
    for v in drop:
        (folder / v.file).unlink(missing_ok=True)


# --- what changed -------------------------------------------------------------------------------------------


def _read(path: Path, layer: str, layers: set[str]) -> pd.DataFrame:
    if layer not in layers:
        return pd.DataFrame()
    df = pyogrio.read_dataframe(str(path), layer=layer, read_geometry=True)
    if "geometry" in df:
        df = pd.DataFrame(df).assign(geometry=df.geometry.to_wkt(rounding_precision=2))
    return pd.DataFrame(df).astype(str)


def compare(old: Path, new: Path) -> dict[str, Any]:
    """Count what changed from GeoPackage ``old`` to ``new``.

    Per layer ``{"added", "edited", "removed"}`` (counts; ``{"replaced": true, "before", "after"}`` when no
    id is shared), and ``"settings"``: the names of the changed settings.
    """
    old_layers = {str(n) for n, _g in pyogrio.list_layers(str(old))}
    new_layers = {str(n) for n, _g in pyogrio.list_layers(str(new))}
    changes: dict[str, Any] = {}
    for layer in COMPARED_LAYERS:
        a, b = _read(old, layer, old_layers), _read(new, layer, new_layers)
        diff = _layer_diff(layer, a, b)
        if diff:
            changes[layer] = diff
    a, b = _settings(old, old_layers), _settings(new, new_layers)
    changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if changed:
        changes["settings"] = changed
    return changes


def _layer_diff(layer: str, a: pd.DataFrame, b: pd.DataFrame) -> dict[str, Any]:
    if layer in _KEYED and "id" in a.columns and "id" in b.columns:
        rows_a = {r["id"]: r for r in a.to_dict("records")}
        rows_b = {r["id"]: r for r in b.to_dict("records")}
        added = len(rows_b.keys() - rows_a.keys())
        removed = len(rows_a.keys() - rows_b.keys())
        edited = sum(1 for k in rows_a.keys() & rows_b.keys() if rows_a[k] != rows_b[k])
        counts = (("added", added), ("edited", edited), ("removed", removed))
        out: dict[str, Any] = {k: v for k, v in counts if v}
        if rows_a and rows_b and not rows_a.keys() & rows_b.keys():
            return {"replaced": True, "before": len(rows_a), "after": len(rows_b)}
        return out
    rows_a = a.to_dict("records") if len(a.columns) else []
    rows_b = b.to_dict("records") if len(b.columns) else []
    if rows_a == rows_b:
        return {}
    set_a = [json.dumps(r, sort_keys=True) for r in rows_a]
    set_b = [json.dumps(r, sort_keys=True) for r in rows_b]
    added = sum(1 for r in set_b if r not in set_a)
    removed = sum(1 for r in set_a if r not in set_b)
    return {k: v for k, v in (("added", added), ("removed", removed)) if v} or {"edited": 1}


def _settings(path: Path, layers: set[str]) -> dict[str, str]:
    if SETTINGS_LAYER not in layers:
        return {}
    table = pyogrio.read_dataframe(str(path), layer=SETTINGS_LAYER)
    return {str(k): str(v) for k, v in zip(table.get("key", []), table.get("value", []), strict=True)}


def summary(version: Version, lang: str | None = None) -> str:
    """One line saying what ``version`` changed, in ``lang`` (default: the current language)."""
    c = version.changes
    if c.get("found"):
        return t("versions.found", lang)
    parts = []
    if "restored" in c:
        parts.append(t("versions.restored", lang, n=c["restored"]))
    if c.get("created"):
        parts.append(t("versions.created", lang))
    for layer in COMPARED_LAYERS:
        d = c.get(layer)
        if not d:
            continue
        what = t(f"versions.layer.{layer}", lang)
        if d.get("replaced"):
            parts.append(t("versions.replaced", lang, what=what, before=d["before"], after=d["after"]))
            continue
        counts = [t(f"versions.{k}", lang, n=d[k]) for k in ("added", "edited", "removed") if d.get(k)]
        parts.append(f"{what} " + ", ".join(counts))
    if c.get("settings"):
        parts.append(t("versions.settings", lang, names=", ".join(c["settings"])))
    return "; ".join(parts) if parts else t("versions.unchanged", lang)
