"""The project's road network file: remembered in the settings (name and SHA-256), found again, described.

A project keeps ``settings.network`` (the path of the ``.osm`` / ``.osm.pbf`` file) and
``settings.network_sha256`` (its hash when it was chosen). When the project opens again, :func:`find_network`
looks for the file where it was, then by its name next to the project and in the given folders (the app's
``<projects>/osm``), and tells whether it is the same file (hash), so a moved project keeps its roads and a
changed file is noticed. The graph cache stays as it is (keyed by the file's hash,
:func:`coverage.travel.osm_graph.cache_file`).

:func:`model_description` names the travel model for captions and reports in fi/sv/en.

Examples
--------
>>> from coverage.core.model import Settings
>>> model_description(Settings(mode="walk"), "en")
'straight line × 1.3 at 4 km/h (no road network)'
>>> model_description(Settings(mode="car", network="/data/roads_927.osm"), "fi")
'tieverkko: roads_927.osm (OpenStreetMap), autolla tien nopeusrajoitusten mukaan'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.i18n import fmt_number, label, t
from ..core.model import Settings
from .osm_graph import file_sha256

STATUSES = ("none", "ok", "unchecked", "moved", "changed", "missing")
"""What :func:`find_network` found: no network set; the file as recorded; found but no hash recorded; found
elsewhere by name with the recorded hash; found but its content changed; not found."""


@dataclass(frozen=True)
class NetworkCheck:
    """Where the project's road network file is (see :func:`find_network`).

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    path : Path or None
        The file to use (``None`` for ``none`` and ``missing``).
    sha256 : str
        Hash of ``path`` (``""`` without a file).
    """

    status: str
    path: Path | None
    sha256: str

    @property
    def usable(self) -> bool:
        """Whether a file was found (possibly changed since it was chosen)."""
        return self.path is not None


def remember_network(settings: Settings, path: str | os.PathLike[str] | None) -> Settings:
    """Return ``settings`` with ``path`` as the road network and its SHA-256 (``None``: straight line)."""
    if path is None:
        return settings.replace(network=None, network_sha256="")
    p = Path(path)
    return settings.replace(network=str(p), network_sha256=file_sha256(p))


def find_network(
    settings: Settings,
    *,
    project_path: str | os.PathLike[str] | None = None,
    folders: Sequence[str | os.PathLike[str]] = (),
) -> NetworkCheck:
    """Find the road network file of ``settings``.

    Looks at ``settings.network`` (relative paths taken from the project's folder), then for a file of the
    same name next to the project and in ``folders``. A file elsewhere counts only when its hash is the
    recorded one.
    """
    if not settings.network:
        return NetworkCheck("none", None, "")
    recorded = settings.network_sha256
    given = Path(settings.network)
    base = Path(project_path).resolve().parent if project_path else None
    first = given if given.is_absolute() or base is None else base / given
    if first.is_file():
        digest = file_sha256(first)
        status = "unchecked" if not recorded else ("ok" if digest == recorded else "changed")
        return NetworkCheck(status, first, digest)
    if recorded:
        places = ([base] if base is not None else []) + [Path(f) for f in folders]
        for folder in places:
            candidate = folder / given.name
            if candidate.is_file() and file_sha256(candidate) == recorded:
                return NetworkCheck("moved", candidate, recorded)
    return NetworkCheck("missing", None, "")


def model_description(settings: Settings, lang: str = "fi") -> str:
    """One line naming the travel model of ``settings`` and its parameters, in ``lang`` (fi, sv, en).

    For Kartta's caption and the report: the road network's file name (OpenStreetMap) and how speeds are
    set, or the straight line with its circuity factor and speed.
    """
    speed = settings.speed_kmh
    speed_text = fmt_number(speed, 0 if float(speed).is_integer() else 1, lang=lang)
    if settings.network:
        how = (
            t("roads.model.car_speeds", lang)
            if settings.mode == "car"
            else t("roads.model.speed", lang, speed=speed_text)
        )
        return t("roads.model.network", lang, name=Path(settings.network).name,
                 mode=label("mode", settings.mode, lang).lower(), how=how)  # fmt: skip
    circuity = fmt_number(settings.circuity, 2, lang=lang).rstrip("0").rstrip(",.")
    return t("roads.model.straight", lang, circuity=circuity, speed=speed_text)
