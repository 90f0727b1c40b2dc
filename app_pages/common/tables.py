"""Village tables shown beside the map (every map fact is also in a table)."""

from __future__ import annotations

import pandas as pd

from coverage.analysis.reach import CoverageResult
from coverage.core.i18n import fmt_range, t


def place_names(result: CoverageResult) -> dict[str, str]:
    """Place id -> name."""
    places = result.places
    return dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))


def village_overview(result: CoverageResult) -> pd.DataFrame:
    """Every village: residents, children, within reach, share (%), beyond reach; by name."""
    v = result.villages().sort_values("name", kind="stable")
    share = pd.to_numeric(v["children_covered_share"], errors="coerce") * 100.0
    return pd.DataFrame({
        t("villages.col.village"): v["name"].astype(str).to_numpy(),
        t("villages.col.population"): v["population"].astype(int).to_numpy(),
        t("villages.col.children"): v["children_0_6"].round(0).astype(int).to_numpy(),
        t("villages.col.covered"): v["children_covered"].round(0).astype(int).to_numpy(),
        t("villages.col.share"): share.round(0).to_numpy(),
        t("villages.col.uncovered"): v["children_uncovered"].round(0).astype(int).to_numpy(),
    })  # fmt: skip


def village_ranking(result: CoverageResult, *, cells_word: str) -> pd.DataFrame:
    """Villages with children beyond reach, most first: children, cells, nearest place, minutes."""
    v = result.villages()
    v = v[v["children_uncovered"] > 0]
    names = place_names(result)
    nearest = [names.get(str(p), "–") if isinstance(p, str) else "–" for p in v["nearest_place_id"]]
    minutes = [fmt_range(a, b) for a, b in zip(v["minutes_min"], v["minutes_max"], strict=True)]
    return pd.DataFrame({
        t("kat.col.rank"): range(1, len(v) + 1),
        t("villages.col.village"): v["name"].astype(str).to_numpy(),
        t("villages.col.uncovered"): v["children_uncovered"].round(0).astype(int).to_numpy(),
        cells_word: v["cells_uncovered"].astype(int).to_numpy(),
        t("kat.col.nearest"): nearest,
        t("villages.col.minutes"): minutes,
    })  # fmt: skip
