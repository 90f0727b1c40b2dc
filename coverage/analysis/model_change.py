"""What the road network changes: the same coverage analysis on the straight line and on the roads, compared.

:func:`compare_models` runs :func:`coverage.analysis.reach.analyze` twice with the same places, areas,
threshold and moment, once with the straight-line model (``settings.network`` cleared) and once with the
road network of ``settings``, and reports the children whose status changes: *lost* (reached on the
straight line, in a blind spot on the roads: across a lake, behind a river) and *gained* (the road is
straighter or faster than straight line x circuity). Changes are summed by village (the areas' ``village``
column where it is filled) else by the area's ``name``. :func:`comparison_lines` words it in fi/sv/en:
"Tieverkolla katveeseen jää lisäksi 37 lasta: Selki, Haimoo, …".

Examples
--------
>>> import geopandas as gpd
>>> import numpy as np
>>> from shapely.geometry import Point
>>> from coverage.core.model import Project, Settings
>>> from coverage.travel.osm_graph import RoadGraph
>>> from coverage.travel.road import NetworkModel
>>> places = gpd.GeoDataFrame({"id": ["p"], "name": ["Kirkonkylä"], "status": ["existing"],
...     "opening_hours": ["Tu 09:30-11:30"]}, geometry=[Point(0, 0)], crs="EPSG:3067")
>>> areas = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["Selki", "Haimoo"], "population": [50, 40],
...     "children_0_6": [7.0, 5.0]}, geometry=[Point(1500, 0), Point(0, 1500)], crs="EPSG:3067")
>>> roads = RoadGraph.from_edges(np.array([[0.0, 0], [0, 1500], [6000, 0], [1500, 0]]), u=[0, 1, 2],
...     v=[1, 2, 3], mode="walk")  # Selki lies across the bay: round by the road it is 12 km away
>>> s = Settings(mode="walk", threshold_minutes=30, network="x.osm")
>>> cmp = compare_models(Project(places=places, areas=areas), s,
...     road_model=NetworkModel(roads, speed_kmh=4.0))
>>> cmp.children_lost, cmp.lost
(7.0, (('Selki', 7.0),))
>>> comparison_lines(cmp, "fi")
['Tieverkolla katveeseen jää lisäksi 7 lasta: Selki']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import KatveError
from ..core.i18n import fmt_number, t
from ..core.model import Project, Settings
from ..travel.base import TravelModel
from ..travel.choose import model_from_settings
from .reach import CoverageResult, analyze


@dataclass(frozen=True)
class ModelComparison:
    """The straight-line and road-network analyses of one project and what differs.

    Attributes
    ----------
    straight, road : CoverageResult
        The two analyses (same places, areas, threshold and moment).
    children_lost : float
        Children in areas covered on the straight line but not on the roads.
    children_gained : float
        Children in areas covered on the roads but not on the straight line.
    areas_lost, areas_gained : int
        Areas (rows) whose status changes each way.
    lost, gained : tuple of (str, float)
        ``(village or area name, children)``, most children first (ties by name).
    group_by : str
        ``"village"`` or ``"name"``: what ``lost`` / ``gained`` are summed by.
    """

    straight: CoverageResult
    road: CoverageResult
    children_lost: float
    children_gained: float
    areas_lost: int
    areas_gained: int
    lost: tuple[tuple[str, float], ...]
    gained: tuple[tuple[str, float], ...]
    group_by: str

    @property
    def children_changed(self) -> float:
        """Children whose status changes either way."""
        return self.children_lost + self.children_gained


def compare_models(
    project: Project,
    settings: Settings | None = None,
    *,
    at: dt.datetime | str | None = None,
    include_planned: bool = False,
    road_model: TravelModel | None = None,
    straight_model: TravelModel | None = None,
) -> ModelComparison:
    """Compare coverage on the straight line and on the road network of ``settings`` (see the module).

    Parameters
    ----------
    project : Project
    settings : Settings, optional
        Default ``project.settings``; must name a road network unless ``road_model`` is given.
    at, include_planned
        As for :func:`coverage.analysis.reach.analyze`.
    road_model, straight_model : TravelModel, optional
        Models to use instead of the ones the settings ask for (the app passes its cached ones).

    Raises
    ------
    KatveError
        Without a road network to compare with.
    """
    settings = settings or project.settings
    if road_model is None:
        if not settings.network:
            raise KatveError("no road network chosen: nothing to compare the straight line with")
        road_model = model_from_settings(settings)
    straight_settings = settings.replace(network=None, network_sha256="")
    straight_model = straight_model or model_from_settings(straight_settings)
    kw = {"at": at, "include_planned": include_planned}
    straight = analyze(project, straight_settings, model=straight_model, **kw)  # type: ignore[arg-type]
    road = analyze(project, settings, model=road_model, **kw)  # type: ignore[arg-type]
    return compare_results(straight, road)


def compare_results(straight: CoverageResult, road: CoverageResult) -> ModelComparison:
    """Compare two analyses of the same areas (e.g. the app's cached ones): see :func:`compare_models`.

    Raises
    ------
    KatveError
        When the two results are not of the same areas (ids in the same order).
    """
    a, b = straight.areas, road.areas
    if len(a) != len(b) or ("id" in a and a["id"].astype(str).tolist() != b["id"].astype(str).tolist()):
        raise KatveError("the two analyses are not of the same areas: nothing to compare")
    was = a["covered"].to_numpy(bool)
    now = b["covered"].to_numpy(bool)
    children = pd.to_numeric(a["children_0_6"], errors="coerce").fillna(0.0).to_numpy(float)
    groups, group_by = _groups(a)
    lost, gained = was & ~now, now & ~was
    return ModelComparison(
        straight=straight,
        road=road,
        children_lost=float(children[lost].sum()),
        children_gained=float(children[gained].sum()),
        areas_lost=int(lost.sum()),
        areas_gained=int(gained.sum()),
        lost=_by_group(groups, children, lost),
        gained=_by_group(groups, children, gained),
        group_by=group_by,
    )


def _groups(areas: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Village per area where the column is filled, else the area's name (else its id)."""
    names = areas["name"].astype("string").fillna("").str.strip() if "name" in areas else None
    ids = areas["id"].astype("string").fillna("") if "id" in areas else pd.Series([""] * len(areas))
    fallback = names.where(names != "", ids) if names is not None else ids
    if "village" in areas:
        village = areas["village"].astype("string").fillna("").str.strip()
        if (village != "").any():
            return village.where(village != "", fallback).to_numpy(str), "village"
    return fallback.to_numpy(str), "name"


def _by_group(groups: np.ndarray, children: np.ndarray, mask: np.ndarray) -> tuple[tuple[str, float], ...]:
    if not mask.any():
        return ()
    sums = pd.Series(children[mask]).groupby(groups[mask]).sum()
    rows = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple((str(k), float(v)) for k, v in rows)


def comparison_lines(cmp: ModelComparison, lang: str = "fi", *, max_names: int = 8) -> list[str]:
    """Word the comparison (fi, sv, en): one line for the children lost, one for those gained.

    At most ``max_names`` villages are named per line, the rest counted ("ja 3 muuta"). Without any change
    the one line says so.
    """
    lines = []
    for key, n, rows in (
        ("roads.change.more_blind", cmp.children_lost, cmp.lost),
        ("roads.change.fewer_blind", cmp.children_gained, cmp.gained),
    ):
        if not rows:
            continue
        names = [name for name, _ in rows[:max_names]]
        if len(rows) > max_names:
            names.append(t("roads.change.more", lang, n=len(rows) - max_names))
        lines.append(t(key, lang, n=fmt_number(n, lang=lang), names=", ".join(names)))
    return lines or [t("roads.change.none", lang)]
