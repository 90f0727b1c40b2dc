"""``python -m coverage analyze``: the JSON contract, options and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from coverage.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
KM = 1000.0


def run_json(capsys, *args):
    code = main(["analyze", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_json_contract_on_vihti(capsys):
    doc = run_json(capsys, "--dataset", "vihti")
    assert set(doc) == {"settings", "places", "areas", "summary", "blind_spots", "villages"}
    assert set(doc["settings"]) == {"mode", "model", "speed_kmh", "circuity", "threshold_minutes",
                                    "threshold_km", "at"}
    assert doc["settings"]["mode"] == "car" and doc["settings"]["model"] == "straight_line"
    assert doc["settings"]["at"] is None
    for p in doc["places"]:
        assert set(p) == {"id", "name", "lon", "lat", "status", "counted"}
        assert 19 < p["lon"] < 32 and 59 < p["lat"] < 71  # WGS84 degrees in Finland
    for a in doc["areas"]:
        assert set(a) == {"id", "name", "village", "lon", "lat", "population", "children_0_6",
                          "nearest_place_id", "straight_km", "distance_km", "minutes", "covered"}
        assert a["village"]
        if abs(a["minutes"] - doc["settings"]["threshold_minutes"]) > 0.01:  # minutes are rounded to 0.01
            assert a["covered"] == (a["minutes"] <= doc["settings"]["threshold_minutes"])
        assert a["distance_km"] == pytest.approx(a["straight_km"] * doc["settings"]["circuity"], abs=2e-3)
    s = doc["summary"]
    assert set(s) == {"population_total", "population_covered", "children_total", "children_covered",
                      "children_covered_share", "places_counted"}
    covered = [a for a in doc["areas"] if a["covered"]]
    assert s["children_covered"] == pytest.approx(sum(a["children_0_6"] for a in covered))
    assert s["population_covered"] == sum(a["population"] for a in covered)
    assert s["places_counted"] == sum(p["counted"] for p in doc["places"])
    assert s["children_covered_share"] == pytest.approx(s["children_covered"] / s["children_total"])
    blind = doc["blind_spots"]
    assert {b["id"] for b in blind} == {a["id"] for a in doc["areas"] if not a["covered"]}
    assert [b["children_0_6"] for b in blind] == sorted((b["children_0_6"] for b in blind), reverse=True)
    villages = doc["villages"]
    assert {v["name"] for v in villages} == {a["village"] for a in doc["areas"]}
    assert sum(v["children_0_6"] for v in villages) == pytest.approx(s["children_total"], abs=0.01)
    assert sum(v["children_covered"] for v in villages) == pytest.approx(s["children_covered"], abs=0.01)
    uncovered = [v["children_uncovered"] for v in villages]
    assert uncovered == sorted(uncovered, reverse=True)
    for v in villages:
        cells = [a for a in doc["areas"] if a["village"] == v["name"]]
        assert v["population"] == sum(a["population"] for a in cells)
        assert v["children_uncovered"] == pytest.approx(
            sum(a["children_0_6"] for a in cells if not a["covered"]), abs=0.01)


def test_km_and_minutes_are_the_same_bound_at_the_mode_speed(capsys):
    by_min = run_json(capsys, "--dataset", "kaksineuvoinen", "--minutes", "12")
    by_km = run_json(capsys, "--dataset", "kaksineuvoinen", "--km", "10")  # 12 min at 50 km/h = 10 km
    assert [a["covered"] for a in by_min["areas"]] == [a["covered"] for a in by_km["areas"]]
    assert (by_km["settings"]["threshold_km"], by_km["settings"]["threshold_minutes"]) == (10.0, None)
    assert (by_min["settings"]["threshold_km"], by_min["settings"]["threshold_minutes"]) == (None, 12.0)
    # a km bound applies to distance_km
    for a in by_km["areas"]:
        if abs(a["distance_km"] - 10) > 1e-3:  # distance_km is rounded to metres
            assert a["covered"] == (a["distance_km"] <= 10.0)


def test_mode_changes_the_speed(capsys):
    car = run_json(capsys, "--dataset", "vihti")
    walk = run_json(capsys, "--dataset", "vihti", "--mode", "walk")
    assert walk["settings"]["speed_kmh"] == 4.0 and walk["settings"]["mode"] == "walk"
    assert walk["summary"]["children_covered"] < car["summary"]["children_covered"]


def test_at_counts_only_places_open_then(capsys):
    doc = run_json(capsys, "--dataset", "vihti", "--at", "Su 10:00")
    assert doc["settings"]["at"].startswith("20") and "T10:00:00" in doc["settings"]["at"]
    assert doc["summary"]["places_counted"] == 0  # no Sunday sessions in Vihti
    assert doc["summary"]["children_covered"] == 0
    assert all(not p["counted"] for p in doc["places"])


def test_bad_time_exits_2_with_one_line(capsys):
    code = main(["analyze", "--dataset", "vihti", "--at", "someday"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "cannot read the time" in err and "Traceback" not in err


def test_text_table_in_english_and_finnish(capsys):
    assert main(["analyze", "--dataset", "kaksineuvoinen", "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Meeting places counted: 6 / 6" in en
    assert "Villages in blind spots (most children beyond reach first):" in en
    assert "Demand: " in en
    assert main(["analyze", "--dataset", "kaksineuvoinen"]) == 0
    fi = capsys.readouterr().out
    assert "Kohtaamispaikkoja mukana: 6 / 6" in fi and "Katveessa olevat kylät" in fi


def test_project_written_by_another_tool_in_wgs84(tmp_path, capsys):
    """Minimal GeoPackage (just the data model's required columns) in EPSG:4326."""
    path = tmp_path / "other.gpkg"
    origin = (380 * KM, 6700 * KM)  # somewhere in southern Finland, EPSG:3067
    places = gpd.GeoDataFrame(
        {"id": ["p"], "name": ["Kerho"], "opening_hours": ["Tu 10:00-12:00"], "status": ["existing"]},
        geometry=[Point(origin)], crs="EPSG:3067",
    ).to_crs("EPSG:4326")
    areas = gpd.GeoDataFrame(
        {"id": ["near", "far"], "name": ["Lähellä", "Kaukana"], "population": [100, 40],
         "children_0_6": [12.0, 3.0]},
        geometry=[Point(origin[0] + 3 * KM, origin[1]), Point(origin[0] + 30 * KM, origin[1])],
        crs="EPSG:3067",
    ).to_crs("EPSG:4326")
    places.to_file(path, layer="places", driver="GPKG", engine="pyogrio")
    areas.to_file(path, layer="areas", driver="GPKG", engine="pyogrio")
    doc = run_json(capsys, "--project", str(path))
    by_id = {a["id"]: a for a in doc["areas"]}
    assert by_id["near"]["straight_km"] == pytest.approx(3.0, abs=0.01)
    assert by_id["near"]["covered"] and not by_id["far"]["covered"]
    assert doc["summary"]["children_covered"] == 12.0
    assert doc["blind_spots"] == [{"id": "far", "name": "Kaukana", "children_0_6": 3.0,
                                   "minutes": by_id["far"]["minutes"]}]


def test_module_entry_point_prints_json():
    proc = subprocess.run([sys.executable, "-m", "coverage", "analyze", "--dataset", "vihti", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["places_counted"] >= 1
