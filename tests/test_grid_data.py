"""The embedded data sets are the real 1 km grid: checked against ../shared/realdata independently."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from coverage.analysis.reach import analyze
from coverage.core.model import Settings
from coverage.io.datasets import load_dataset

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
GEODATA = Path(__file__).resolve().parents[1] / "geodata"
CODES = {"vihti": ("927",), "kaksineuvoinen": ("233", "052")}

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realdata is not here")


def grid_rows(codes):
    """The grid's populated 2021 cells of the municipalities (>= half of the cell's area inside)."""
    with open(REAL / "vaestoruutu_1km_eurostat_2006_2021_vihti_kauhava_evijarvi.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        member = [c for c in codes if float(r[f"osuus_{c}"] or 0) >= 0.5]
        if member and int(r["vaesto_2021"] or 0) > 0:
            out.append({**r, "code": member[0]})
    return out


def real_children(code):
    with open(REAL / "lapset_0_6_kunnittain.csv", encoding="utf-8") as fh:
        return next(int(r["ika_0_6"]) for r in csv.DictReader(fh)
                    if r["kuntanumero"] == code and r["ajankohta"] == "31.12.2020")


@pytest.mark.parametrize("name", ["vihti", "kaksineuvoinen"])
def test_one_area_per_populated_cell_with_the_real_totals(name):
    rows = grid_rows(CODES[name])
    areas = load_dataset(name).areas
    assert sorted(areas["id"]) == sorted(r["grd_id"] for r in rows)
    grid_total = sum(int(r["vaesto_2021"]) for r in rows)
    assert abs(areas["population"].sum() - grid_total) <= 0.01 * grid_total
    assert areas["children_estimated"].all() and (areas["year"] == 2021).all()
    assert (areas["children_0_6"] >= 0).all() and (areas["children_0_6"] % 1 == 0).all()
    for code in CODES[name]:
        mine = {r["grd_id"] for r in rows if r["code"] == code}
        assert areas.loc[areas["id"].isin(mine), "children_0_6"].sum() == real_children(code)
    # a cell never has more children 0-6 than residents, and children follow the cell's 0-14
    assert (areas["children_0_6"] <= areas["population"]).all()
    young = {r["grd_id"]: int(r["c21_ika_0_14"] or 0) for r in rows}
    assert areas.loc[areas["id"].map(young) == 0, "children_0_6"].sum() == 0
    # every cell has a readable village, never a code
    assert areas["village"].str.len().gt(2).all() and not areas["village"].str.contains(r"\d").any()
    assert (areas["name"] == areas["village"] + ", 1 km ruutu").all()
    # a cell's village is a postal area of the cell's own municipality
    with open(REAL / "postinumeroalueet_vaesto_vihti_kauhava_evijarvi.csv", encoding="utf-8") as fh:
        postal = {r["nimi"]: r["kunta"] for r in csv.DictReader(fh)}
    renamed = {"Vihdin kirkonkylä": "Vihti", "Alahärmä": "Kauhava", "Kauhavan keskusta": "Kauhava",
               "Evijärven kirkonkylä": "Evijärvi"}
    home = areas["village"].map(lambda v: renamed.get(v) or postal[v])
    assert (home == areas["municipality"]).all()


def test_vihti_villages_and_counts():
    areas = load_dataset("vihti").areas
    assert len(areas) == 448 and int(areas["population"].sum()) == 29_010
    villages = areas.groupby("village")["children_0_6"].sum()
    assert {"Nummela", "Vihdin kirkonkylä", "Ojakkala", "Otalampi", "Selki", "Huhmari"} <= set(villages.index)
    assert villages.idxmax() == "Nummela"


def test_kaksineuvoinen_counts():
    areas = load_dataset("kaksineuvoinen").areas
    per_municipality = areas["municipality"].value_counts().to_dict()
    assert per_municipality == {"Kauhava": 544, "Evijärvi": 133}
    assert int(areas["children_0_6"].sum()) == 886 + 138


@pytest.mark.parametrize("name", ["vihti", "kaksineuvoinen"])
def test_walk_20_share_agrees_with_an_independent_computation(name):
    """Straight line x 1.3 at 4 km/h: within 20 min is within 20/60 x 4 / 1.3 km of a place (great circle)."""
    rows = grid_rows(CODES[name])
    young = np.array([min(int(r["c21_ika_0_14"] or 0), int(r["vaesto_2021"])) for r in rows], float)
    codes = np.array([r["code"] for r in rows])
    kids = young.copy()
    for c in CODES[name]:  # the municipality's real 0-6 count spread by the cells' 0-14
        kids[codes == c] *= real_children(c) / young[codes == c].sum()
    places = json.loads((GEODATA / name / "places.geojson").read_text("utf-8"))["features"]
    to_tm = Transformer.from_crs(4326, 3067, always_xy=True)
    px, py = to_tm.transform([p["geometry"]["coordinates"][0] for p in places],
                             [p["geometry"]["coordinates"][1] for p in places])
    cx = np.array([float(r["keskipiste_e_epsg3067"]) for r in rows])
    cy = np.array([float(r["keskipiste_n_epsg3067"]) for r in rows])
    nearest_km = np.min(np.hypot(cx[:, None] - np.array(px)[None, :], cy[:, None] - np.array(py)[None, :]),
                        axis=1) / 1000
    independent = kids[nearest_km <= 20 / 60 * 4 / 1.3].sum() / kids.sum()
    result = analyze(load_dataset(name), Settings(mode="walk", threshold_minutes=20))
    assert result.summary["children_covered_share"] == pytest.approx(independent, abs=0.01)
    if name == "vihti":
        assert math.isclose(result.summary["children_covered_share"], 0.336, abs_tol=0.002)
