"""Villages and blind spots on grid cells (issue 15), on a small synthetic 1 km grid."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from coverage.analysis.demand import attribution, describe_demand, grid_cell_km
from coverage.analysis.reach import analyze, blind_spot_polygons
from coverage.analysis.villages import describe_location, village_points
from coverage.core.model import CRS, Project, Settings
from coverage.outputs import webmap
from coverage.outputs.document import CHILDREN_CLASSES, children_class, children_class_labels

X0, Y0 = 360_000.0, 6_700_000.0


def grid_project(children=(5, 0, 3, 8, 2, 0, 1, 4, 10), population=(50, 0, 30, 80, 20, 0, 10, 40, 60)):
    """A 3 x 3 km grid: villages Keskus (column 0), Laita (1), Korpi (2); one place in cell (0, 0)."""
    cells, props = [], []
    for k in range(9):
        col, row = k % 3, k // 3
        x, y = X0 + col * 1000, Y0 + row * 1000
        cells.append(box(x, y, x + 1000, y + 1000))
        village = ("Keskus", "Laita", "Korpi")[col]
        props.append({"id": f"CRS3035RES1000mN{row}E{col}", "name": f"{village}, 1 km ruutu",
                      "village": village, "population": population[k], "children_0_6": float(children[k]),
                      "children_estimated": True, "year": 2021})
    areas = gpd.GeoDataFrame(props, geometry=cells, crs=CRS)
    places = gpd.GeoDataFrame(
        {"id": ["p1"], "name": ["Perhekahvila"], "status": ["existing"], "opening_hours": ["Tu 10:00-12:00"]},
        geometry=[Point(X0 + 500, Y0 + 500)], crs=CRS,
    )
    return Project(places=places, areas=areas, name="Testikunta")


WALK_15 = Settings(mode="walk", threshold_minutes=15)  # 4 km/h x 1.3: about 770 m straight line


def test_village_table_sums_cells_and_sorts_by_children_beyond_reach():
    result = analyze(grid_project(), WALK_15)
    covered = result.areas["covered"].to_numpy(bool)
    assert covered.tolist() == [True] + [False] * 8  # only the place's own cell is within 770 m
    villages = result.villages()
    assert villages["name"].tolist() == ["Korpi", "Keskus", "Laita"]  # 13, 14 - 5, 6 children beyond
    korpi = villages.iloc[0]
    assert (korpi.children_0_6, korpi.children_uncovered) == (13, 13)
    assert (korpi.cells, korpi.cells_uncovered) == (3, 3)
    keskus = villages.set_index("name").loc["Keskus"]
    assert (keskus.children_covered, keskus.children_uncovered, keskus.population) == (5, 9, 140)
    assert keskus.children_covered_share == pytest.approx(5 / 14)
    assert keskus.nearest_place_id == "p1"
    assert villages["children_0_6"].sum() == result.summary["children_total"]
    assert villages["children_covered"].sum() == result.summary["children_covered"]
    assert keskus.minutes_min == pytest.approx(result.areas["minutes"].iloc[3])  # the cell above the place


def test_json_villages_follow_the_contract():
    doc = analyze(grid_project(), WALK_15).to_json()
    assert [a["village"] for a in doc["areas"]] == ["Keskus", "Laita", "Korpi"] * 3
    assert [v["name"] for v in doc["villages"]] == ["Korpi", "Keskus", "Laita"]
    assert sum(v["children_0_6"] for v in doc["villages"]) == doc["summary"]["children_total"]
    assert doc["villages"][1] == {"name": "Keskus", "population": 140, "children_0_6": 14.0,
                                  "children_covered": 5.0, "children_uncovered": 9.0}
    json.dumps(doc, allow_nan=False)


def test_blind_spots_are_the_populated_uncovered_cells_per_village():
    project = grid_project()
    blind = blind_spot_polygons(project, WALK_15)
    assert blind.attrs["method"] == "village_cells"
    assert blind["village"].tolist() == ["Korpi", "Keskus", "Laita"]
    assert blind["id"].tolist() == ["B1", "B2", "B3"]
    # Korpi's cell 5 has nobody: only cells 2 and 8 (3 + 10 children) are painted, not the empty forest
    korpi = blind.set_index("village").loc["Korpi"]
    assert (korpi.children_0_6, korpi.areas, korpi.area_km2) == (13.0, 2, pytest.approx(2.0))
    keskus = blind.set_index("village").loc["Keskus"]
    assert keskus.area_km2 == pytest.approx(2.0)  # the covered cell is not in the blind spot
    assert blind["children_0_6"].sum() == analyze(project, WALK_15).summary["children_uncovered"]
    assert blind.attrs["unassigned"]["areas"] == 0


def test_point_areas_keep_the_old_blind_spot_polygons():
    project = grid_project()
    project.areas = project.areas.set_geometry(project.areas.geometry.centroid)
    blind = blind_spot_polygons(project, WALK_15)
    assert blind.attrs["method"] == "reach_polygons" and "village" not in blind


def test_demand_is_described_and_credited():
    areas = grid_project().areas
    assert grid_cell_km(areas) == 1.0
    assert describe_demand(areas) == "9 asuttua 1 km ruutua, 2021; lasten 0–6 v määrät ovat arvioita"
    assert describe_demand(areas, "sv").startswith("9 bebodda rutor à 1 km, 2021")
    assert attribution(areas) == "Lähde: Eurostat (väestölaskenta 2021, 1 km ruudut), © Tilastokeskus"
    points = areas.set_geometry(areas.geometry.centroid)
    assert grid_cell_km(points) is None and attribution(points) == ""
    assert describe_demand(points.drop(columns="children_estimated"), "en") == "9 areas"
    # polygons that are not squares of a whole km are not a grid, whatever their ids
    odd = areas.assign(id=[f"a{i}" for i in range(9)]).set_geometry(areas.geometry.scale(0.8, 0.8))
    assert grid_cell_km(odd) is None


def test_village_points_and_location_names():
    centres = village_points(grid_project().areas).set_index("name")
    # Korpi is column 2: cells 2, 5, 8 with 30, 0 and 60 residents
    assert centres.loc["Korpi", "y"] == pytest.approx((30 * (Y0 + 500) + 60 * (Y0 + 2500)) / 90)
    assert centres.loc["Korpi", "x"] == pytest.approx(X0 + 2500)
    x, y = centres.loc["Keskus", "x"], centres.loc["Keskus", "y"]
    name = describe_location(x, y - 3000, centres.reset_index())
    assert name.startswith("Keskus (") and name.endswith(" km E)")


def test_children_classes():
    assert len(children_class_labels("fi")) == len(CHILDREN_CLASSES) + 1
    assert children_class_labels("fi")[0] == "alle 1" and children_class_labels("en")[-1] == "50 or more"
    assert children_class(np.array([0.99, 1.0, 49.99, 50.0])).tolist() == [0, 1, 5, 6]


def test_web_map_draws_cells_and_village_labels():
    project = grid_project()
    result = analyze(project, WALK_15)
    blind = blind_spot_polygons(project, result=result)
    m = webmap.coverage_map(project, result, blind_spots=blind, tiles=False, lang="fi")
    html_text = m.get_root().render()
    layers = webmap.layers(m)
    cells = layers["areas"].features
    assert len(cells) == 9 and all(f["geometry"]["type"] == "Polygon" for f in cells)
    beyond = [f for f in cells if "katve-beyond" in f["properties"]["style"]["className"]]
    assert len(beyond) == 6  # 8 uncovered cells, 2 of them without residents
    assert "Kylä: Korpi" in cells[2]["properties"]["popup"]
    assert "CRS3035" not in cells[2]["properties"]["popup"]
    villages = layers["villages"].features
    assert sorted(f["properties"]["title"] for f in villages) == ["Keskus", "Korpi", "Laita"]
    korpi = next(f for f in villages if f["properties"]["title"] == "Korpi")
    assert "katveessa 13 lasta 3 ruudussa" in korpi["properties"]["popup"]
    in_script = lambda text: json.dumps(text)[1:-1] in html_text  # noqa: E731  (texts are JSON in the page)
    assert in_script("Lähde: Eurostat (väestölaskenta 2021, 1 km ruudut), © Tilastokeskus")
    assert in_script("Lapsia 0–6 v 1 km ruudussa (arvio)") and "katve-village" in html_text
    tips = [f["properties"]["tooltip"] for f in layers["blind_spots"].features]
    assert tips[0].startswith("Katvealue, Korpi")
