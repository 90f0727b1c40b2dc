"""The project file: one GeoPackage holding the layers of the data model (QGIS can open it).

Layers: ``places``, ``areas``, ``boundary``, ``candidates`` (EPSG:3067 points/polygons), ``visits`` and
``outreach`` (attribute tables), ``katve_settings`` (key/value table), ``katve_scenarios`` (the named
scenarios: name, note, created, author and the changes as JSON; :mod:`coverage.core.scenario`) and
``katve_meta`` (name, format version).

Saving is atomic: the project is written to a temporary file in the same folder, flushed to disk and renamed
over the old file; the previous version is kept as ``<name>.backup.gpkg``. A crash mid-save leaves the last
good
file in place. :func:`save` also refuses to overwrite a file that changed on disk since the project was loaded
(another browser session saved it), unless ``force=True``. Every save is also kept as a version (who, when,
what changed; :mod:`coverage.io.versions`), the last ``Settings.versions_kept`` of them; :func:`restore`
brings one back as a new version.

Loading validates every layer and reports every problem at once (:class:`coverage.core.errors.InputError`).
A GeoPackage written by another tool with just the data model's required columns, in EPSG:3067 or 4326, loads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ..core.errors import ConflictError, InputError, KatveError, Problem
from ..core.model import (
    ACCEPTED_CRS,
    CRS,
    SPATIAL_LAYERS,
    TABLE_LAYERS,
    Project,
    Settings,
    conform,
    empty_layer,
)
from ..core.scenario import Scenario, ScenarioError
from ..core.validation import normalise_layer, validate_layer
from . import versions as _versions
from .files import CONTENT_NAMES, sniff_content

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: saves are not locked against each other
    fcntl = None  # type: ignore[assignment]

FORMAT_VERSION = "1"
SETTINGS_LAYER = "katve_settings"
META_LAYER = "katve_meta"
SCENARIOS_LAYER = "katve_scenarios"
REQUIRED_LAYERS = ("places", "areas")
MAX_PROJECT_BYTES = 200 * 1024 * 1024


def file_version(path: str | os.PathLike) -> str | None:
    """Content hash of a file (``None`` if it does not exist): what :func:`save` compares against."""
    p = Path(path)
    if not p.exists():
        return None
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def backup_path(path: str | os.PathLike) -> Path:
    """Where :func:`save` keeps the previous version of ``path`` (a GeoPackage QGIS can open too)."""
    p = Path(path)
    return p.with_name(p.stem + ".backup.gpkg")


# --- loading ----------------------------------------------------------------------------------------------


def _to_project_crs(
    gdf: gpd.GeoDataFrame, *, path: str, layer: str, problems: list[Problem]
) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        problems.append(
            Problem(path, None, "geometry", f"layer {layer!r} has no CRS; save it in EPSG:3067 or 4326")
        )
        return gdf.set_crs(CRS, allow_override=True)
    epsg = gdf.crs.to_epsg()
    if f"EPSG:{epsg}" not in ACCEPTED_CRS:
        problems.append(
            Problem(
                path,
                None,
                "geometry",
                f"layer {layer!r} is in {gdf.crs.name} (EPSG:{epsg}); accepted: {', '.join(ACCEPTED_CRS)} "
                "- reproject it, e.g. in QGIS: Export > Save Features As > CRS EPSG:3067",
            )
        )
        return gdf.to_crs(CRS)
    return gdf.to_crs(CRS) if epsg != 3067 else gdf


def _read_settings(path: str, layers: set[str], problems: list[Problem]) -> Settings:
    if SETTINGS_LAYER not in layers:
        return Settings()
    table = pyogrio.read_dataframe(path, layer=SETTINGS_LAYER)
    data = {}
    for i, (key, value) in enumerate(zip(table.get("key", []), table.get("value", []), strict=True), start=1):
        try:
            data[str(key)] = json.loads(value)
        except (TypeError, ValueError):
            problems.append(Problem(path, i, f"{SETTINGS_LAYER}.{key}", f"value {value!r} is not valid JSON"))
    try:
        return Settings.from_dict(data)
    except (KatveError, TypeError, ValueError) as exc:
        problems.append(Problem(path, None, SETTINGS_LAYER, f"settings ignored: {exc}"))
        return Settings()


def _read_scenarios(path: str, layers: set[str], problems: list[Problem]) -> list[Scenario]:
    """Read the kept scenarios; one that cannot be read is left out with a warning (the others load)."""
    if SCENARIOS_LAYER not in layers:
        return []
    table = pyogrio.read_dataframe(path, layer=SCENARIOS_LAYER)
    out: list[Scenario] = []
    for i, text in enumerate(table.get("changes", []), start=1):
        try:
            scenario = Scenario.from_json(str(text))
        except ScenarioError as exc:
            problems.append(
                Problem(path, i, SCENARIOS_LAYER, f"scenario left out: {exc}", severity="warning")
            )
            continue
        if any(s.name.casefold() == scenario.name.casefold() for s in out):
            problems.append(Problem(path, i, SCENARIOS_LAYER,
                                    f"scenario {scenario.name!r} is there twice; the first is kept",
                                    severity="warning"))
            continue
        out.append(scenario)
    return out


def load(path: str | os.PathLike) -> Project:
    """Load and validate a project GeoPackage.

    Raises
    ------
    InputError
        Listing every problem in every layer (``PATH:ROW: field: message``).
    """
    p = Path(path)
    spath = str(path)
    if not p.exists():
        raise InputError([Problem(spath, None, "-", "file not found")])
    if p.stat().st_size > MAX_PROJECT_BYTES:
        raise InputError([Problem(spath, None, "-", f"file is larger than {MAX_PROJECT_BYTES // 2**20} MB")])
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if not head.startswith(b"SQLite format 3\x00"):
        # GDAL would open whatever the content is (a VRT can name any file or URL): only SQLite gets through

        what = CONTENT_NAMES[sniff_content(head)] if head else "empty"
        raise InputError([Problem(spath, None, "-", f"not a readable GeoPackage: the file is {what}")])
    version = file_version(p)
    try:
        layers = {str(name) for name, _geom in pyogrio.list_layers(spath)}
    except Exception as exc:  # pyogrio raises DataSourceError and friends for non-GeoPackages
        raise InputError(
            [Problem(spath, None, "-", f"not a readable GeoPackage ({' '.join(str(exc).split())})")]
        ) from None

    problems: list[Problem] = []
    for name in REQUIRED_LAYERS:
        if name not in layers:
            problems.append(
                Problem(
                    spath,
                    None,
                    name,
                    f"layer {name!r} is missing (layers found: {', '.join(sorted(layers)) or 'none'})",
                )
            )
    data: dict[str, pd.DataFrame] = {}
    boundary = None
    for name, fields in SPATIAL_LAYERS.items():
        if name not in layers:
            data[name] = empty_layer(fields)
            continue
        gdf = gpd.read_file(spath, layer=name, engine="pyogrio")
        gdf = _to_project_crs(gdf, path=spath, layer=name, problems=problems)
        data[name] = gdf
        if name == "boundary" and len(gdf):
            boundary = gdf
    for name in ("boundary", "places", "areas", "candidates"):
        gdf = data[name]
        if name not in layers:
            continue
        layer_problems = validate_layer(
            name, gdf, path=f"{spath}#{name}", boundary=None if name == "boundary" else boundary
        )
        problems.extend(layer_problems)
        if not any(pr.severity == "error" for pr in layer_problems):
            data[name] = normalise_layer(name, gdf)
    for name, fields in TABLE_LAYERS.items():
        if name not in layers:
            data[name] = empty_layer(fields, spatial=False)
            continue
        table = pd.DataFrame(pyogrio.read_dataframe(spath, layer=name, read_geometry=False))
        layer_problems = validate_layer(name, table, path=f"{spath}#{name}")
        problems.extend(layer_problems)
        data[name] = (
            table if any(pr.severity == "error" for pr in layer_problems) else normalise_layer(name, table)
        )

    problems.extend(_check_references(data, spath))
    settings = _read_settings(spath, layers, problems)
    scenarios = _read_scenarios(spath, layers, problems)
    name = p.stem
    if META_LAYER in layers:
        meta = pyogrio.read_dataframe(spath, layer=META_LAYER)
        lookup = dict(zip(meta.get("key", []), meta.get("value", []), strict=True))
        name = str(lookup.get("name") or name)
    if any(pr.severity == "error" for pr in problems):
        raise InputError(problems)
    return Project(
        places=data["places"],
        areas=data["areas"],
        boundary=data["boundary"],
        candidates=data["candidates"],
        visits=data["visits"],
        outreach=data["outreach"],
        settings=settings,
        name=name,
        path=spath,
        version=version,
        warnings=[pr for pr in problems if pr.severity != "error"],
        scenarios=scenarios,
    )


def _check_references(data: dict[str, pd.DataFrame], path: str) -> list[Problem]:
    """Visits and outreach rows whose place_id names no place (a warning: the place may have been removed)."""
    known = set(data["places"]["id"].astype(str)) if "id" in data["places"] else set()
    found = []
    for layer in ("visits", "outreach"):
        table = data[layer]
        if "place_id" not in table or not len(table):
            continue
        for row, pid in enumerate(table["place_id"].astype(str), start=1):
            if pid not in known:
                found.append(
                    Problem(
                        f"{path}#{layer}",
                        row,
                        "place_id",
                        f"no place with id {pid!r} in the places layer",
                        severity="warning",
                    )
                )
    return found


# --- saving -----------------------------------------------------------------------------------------------


def _write_layers(project: Project, target: str) -> None:
    for name, fields in SPATIAL_LAYERS.items():
        gdf = conform(project.layer(name), fields)
        gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=project.layer(name).crs or CRS)
        if gdf.crs is None or gdf.crs.to_epsg() != 3067:
            gdf = gdf.to_crs(CRS)
        gdf.to_file(target, layer=name, driver="GPKG", engine="pyogrio")
    for name, fields in TABLE_LAYERS.items():
        table = pd.DataFrame(conform(project.layer(name), fields, spatial=False))
        for col in table.columns:  # dates and datetimes as ISO text: portable across GDAL versions
            if table[col].dtype == object or str(table[col].dtype).startswith("datetime"):
                table[col] = table[col].map(_iso_or_none)
        pyogrio.write_dataframe(table, target, layer=name, driver="GPKG")
    settings = project.settings.to_dict()
    pyogrio.write_dataframe(
        pd.DataFrame(
            {"key": list(settings), "value": [json.dumps(v, ensure_ascii=False) for v in settings.values()]}
        ),
        target,
        layer=SETTINGS_LAYER,
        driver="GPKG",
    )
    scenarios = list(project.scenarios)
    pyogrio.write_dataframe(
        pd.DataFrame(
            {
                "name": [sc.name for sc in scenarios],
                "note": [sc.note for sc in scenarios],
                "created": [sc.created for sc in scenarios],
                "author": [sc.author for sc in scenarios],
                "changes": [sc.to_json() for sc in scenarios],
            },
            columns=["name", "note", "created", "author", "changes"],
            dtype=object,
        ),
        target,
        layer=SCENARIOS_LAYER,
        driver="GPKG",
    )
    pyogrio.write_dataframe(
        pd.DataFrame(
            {
                "key": ["name", "format_version", "generator"],
                "value": [project.name or "", FORMAT_VERSION, "Katve"],
            }
        ),
        target,
        layer=META_LAYER,
        driver="GPKG",
    )


def _iso_or_none(value: object) -> object:
    """Dates and datetimes as ISO text; missing values (None, NaN, NaT) as NULL."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def save(
    project: Project,
    path: str | os.PathLike | None = None,
    *,
    force: bool = False,
    user: str = "",
    keep: int | None = None,
    restored: int | None = None,
) -> str:
    """Write ``project`` to ``path`` (default: where it was loaded from) atomically.

    The previous file is kept as ``<stem>.backup.gpkg``, and the saved file as a new version by ``user``
    (``keep``: how many versions stay, default the project's ``versions_kept``; ``0`` records none, for
    throw-away files; ``restored``: the version number a restore brought back). Returns the new content
    version and updates ``project.path`` / ``project.version``.

    Raises
    ------
    ConflictError
        If the file on disk is not the version this project was loaded from (someone else saved it in
        between). Reload, or pass ``force=True`` to overwrite.
    """
    target = Path(path or project.path or "")
    if not str(target) or target.is_dir():
        raise KatveError("give a file name for the project, e.g. vihti.gpkg")
    if target.suffix.lower() != ".gpkg":
        raise KatveError(f"{target}: a project file must end in .gpkg")
    target.parent.mkdir(parents=True, exist_ok=True)
    _check_conflict(project, target, file_version(target), force=force)  # fail fast, before writing

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp.gpkg", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # GDAL wants to create the file itself
    try:
        _write_layers(project, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        version = file_version(tmp)
        # Compare and replace under a lock: between two processes (or two sessions' threads) the check
        # above and the rename are not atomic, and without the lock both saves would pass the check and
        # the later rename would silently drop the other one's work.
        with _save_lock(target):
            on_disk = file_version(target)
            _check_conflict(project, target, on_disk, force=force)
            if on_disk is not None:
                shutil.copy2(target, backup_path(target))
            os.replace(tmp, target)
            _fsync_dir(target.parent)
            kept = project.settings.versions_kept if keep is None else keep
            if kept > 0:
                previous = backup_path(target) if on_disk is not None else None
                _versions.record(target, previous, user=user, keep=kept, restored=restored)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    project.path = str(target)
    project.version = version
    assert project.version is not None
    return project.version


def _check_conflict(project: Project, target: Path, on_disk: str | None, *, force: bool) -> None:
    if on_disk is None or force:
        return
    same_file = project.path is not None and Path(project.path).resolve() == target.resolve()
    if same_file and project.version == on_disk:
        return
    if same_file:
        raise ConflictError(
            f"{target}: the file was changed by someone else after you opened it; "
            "reload it (your unsaved changes stay on screen) or save under another name"
        )
    raise ConflictError(f"{target}: a file with this name exists already; choose another name")


@contextlib.contextmanager
def _save_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<name>.lock`` next to ``target`` (fcntl; no lock where there is none).

    The lock file is left in place: removing it would let a waiting saver lock a file nobody else sees.
    """
    lock = target.with_name(f".{target.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore(path: str | os.PathLike, number: int, *, user: str = "") -> _versions.Version:
    """Make version ``number`` of project file ``path`` the current file again; the restore is a new version.

    Raises
    ------
    KatveError
        No such version is kept.
    InputError
        The kept version no longer loads (it is left as it is).
    """
    source = _versions.version_file(path, number)
    current = load(path) if Path(path).exists() else None
    project = load(source)
    project.path = str(path)
    project.version = current.version if current is not None else None
    keep = current.settings.versions_kept if current is not None else project.settings.versions_kept
    save(project, path, user=user, keep=max(1, keep), restored=number)
    return _versions.history(path)[-1]


def layer_names(path: str | os.PathLike) -> list[str]:
    """Layer names in a GeoPackage (for the UI's upload preview)."""
    return [str(n) for n, _g in pyogrio.list_layers(str(path))]
