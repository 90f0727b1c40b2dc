"""The project GeoPackage: round trip, atomic save with backup, conflicts, validation on load."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from coverage.core import errors
from coverage.core.errors import InputError, KatveError
from coverage.core.model import Settings
from coverage.io import store
from coverage.io.datasets import load_dataset


@pytest.fixture()
def vihti():
    return load_dataset("vihti")


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame, columns: list[str]) -> None:
    pd.testing.assert_frame_equal(
        a[columns].reset_index(drop=True), b[columns].reset_index(drop=True), check_dtype=False
    )


def test_round_trip_keeps_layers_and_settings(tmp_path, vihti):
    vihti.settings = Settings(mode="bike", threshold_km=7.5, circuity=1.4)
    vihti.visits = pd.DataFrame({
        "place_id": ["V01", "V02"], "date": [dt.date(2026, 10, 5), dt.date(2026, 10, 6)],
        "adults": [5, 3], "children": [7, 4], "first_timers": [1, 0], "multicultural": [2, 0],
    })
    path = tmp_path / "vihti.gpkg"
    store.save(vihti, path)
    first = store.load(path)
    store.save(first)  # load -> save -> load is stable
    second = store.load(path)

    for loaded in (first, second):
        assert loaded.settings == vihti.settings
        assert loaded.name == "Vihti"
        assert loaded.places.crs.to_epsg() == 3067
        _frames_equal(vihti.places, loaded.places, ["id", "name", "organiser", "opening_hours", "status"])
        _frames_equal(vihti.areas, loaded.areas, ["id", "name", "population", "children_0_6"])
        assert loaded.places.geometry.geom_equals_exact(vihti.places.geometry, tolerance=1e-6).all()
        assert list(loaded.visits["place_id"]) == ["V01", "V02"]
        assert list(loaded.visits["children"]) == [7, 4]
        assert [str(d)[:10] for d in loaded.visits["date"]] == ["2026-10-05", "2026-10-06"]
    assert len(second.boundary) == 1
    assert second.boundary.geometry.iloc[0].area == pytest.approx(vihti.boundary.geometry.iloc[0].area)


def test_file_opens_as_plain_geopackage_layers(tmp_path, vihti):
    path = tmp_path / "p.gpkg"
    store.save(vihti, path)
    names = {n for n, _ in pyogrio.list_layers(path)}
    assert {"places", "areas", "boundary", "candidates", "visits", "outreach"} <= names
    places = gpd.read_file(path, layer="places")
    assert places.crs.to_epsg() == 3067
    assert len(places) == 7


def test_save_keeps_previous_version_as_backup(tmp_path, vihti):
    path = tmp_path / "p.gpkg"
    store.save(vihti, path)
    vihti.places = vihti.places.iloc[:3]
    store.save(vihti)
    assert len(store.load(path).places) == 3
    assert len(store.load(store.backup_path(path)).places) == 7


def test_save_refuses_to_overwrite_a_file_changed_by_someone_else(tmp_path, vihti):
    path = tmp_path / "p.gpkg"
    store.save(vihti, path)
    alice, bob = store.load(path), store.load(path)
    alice.places = alice.places.iloc[:5]
    store.save(alice)
    bob.places = bob.places.iloc[:2]
    with pytest.raises(errors.ConflictError, match="changed by someone else"):
        store.save(bob)
    assert len(store.load(path).places) == 5  # alice's save survived
    store.save(bob, force=True)
    assert len(store.load(path).places) == 2


def test_save_as_refuses_an_existing_other_file(tmp_path, vihti):
    other = tmp_path / "other.gpkg"
    store.save(load_dataset("kaksineuvoinen"), other)
    with pytest.raises(errors.ConflictError, match="exists already"):
        store.save(vihti, other)


def test_save_rejects_other_suffix(tmp_path, vihti):
    with pytest.raises(KatveError, match=r"must end in \.gpkg"):
        store.save(vihti, tmp_path / "p.json")


def test_crash_during_save_leaves_last_good_file(tmp_path, vihti):
    """Kill the writer mid-save (SIGKILL from inside the layer writer): the old file must stay loadable."""
    path = tmp_path / "p.gpkg"
    store.save(vihti, path)
    before = store.file_version(path)
    script = textwrap.dedent(f"""
        import os, signal
        from coverage.io import store
        from coverage.io.datasets import load_dataset
        p = store.load({str(path)!r})
        real = p.areas.to_file
        calls = []
        orig = store.gpd.GeoDataFrame.to_file
        def dying(self, *a, **k):
            calls.append(1)
            if len(calls) == 2:  # after the places layer is written, die
                os.kill(os.getpid(), signal.SIGKILL)
            return orig(self, *a, **k)
        store.gpd.GeoDataFrame.to_file = dying
        p.places = p.places.iloc[:1]
        store.save(p)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    assert store.file_version(path) == before
    assert len(store.load(path).places) == 7


def _write_foreign_project(path, *, places: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> None:
    places.to_file(path, layer="places", engine="pyogrio")
    areas.to_file(path, layer="areas", engine="pyogrio")


def test_minimal_foreign_geopackage_in_wgs84_loads(tmp_path):
    path = tmp_path / "qgis.gpkg"
    places = gpd.GeoDataFrame(
        {"id": ["a"], "name": ["Kylätalo"], "opening_hours": ["Tu 10:00-12:00"], "status": ["existing"]},
        geometry=[Point(24.33, 60.33)], crs="EPSG:4326")
    areas = gpd.GeoDataFrame(
        {"id": ["x"], "name": ["Kylä"], "population": [120], "children_0_6": [9]},
        geometry=[Point(24.35, 60.34)], crs="EPSG:4326")
    _write_foreign_project(path, places=places, areas=areas)
    project = store.load(path)
    assert project.places.crs.to_epsg() == 3067
    assert project.places.geometry.iloc[0].x == pytest.approx(351_000, abs=2_000)  # Nummela in TM35FIN
    assert project.places["organiser_type"].iloc[0] == ""  # optional columns filled in
    assert project.settings == Settings()


def test_load_reports_every_problem_at_once(tmp_path):
    path = tmp_path / "bad.gpkg"
    places = gpd.GeoDataFrame(
        {"id": ["a", "a"], "name": ["A", "B"], "opening_hours": ["Tu 10:00-12:00", "Tu 25-99"],
         "status": ["existing", "open"]},
        geometry=[Point(351000, 6690000), Point(352000, 6691000)], crs="EPSG:3067")
    areas = gpd.GeoDataFrame(
        {"id": ["x"], "name": ["Kylä"], "population": [-5], "children_0_6": [9]},
        geometry=[Point(351000, 6690000)], crs="EPSG:3067")
    _write_foreign_project(path, places=places, areas=areas)
    with pytest.raises(InputError) as info:
        store.load(path)
    lines = [str(p) for p in info.value.problems]
    text = "\n".join(lines)
    assert f"{path}#places:2: id:" in text  # duplicate id, second row named
    assert f"{path}#places:2: opening_hours:" in text
    assert f"{path}#places:2: status:" in text
    assert f"{path}#areas:1: population:" in text
    assert len(lines) >= 4


def test_load_missing_layers_and_wrong_crs(tmp_path):
    path = tmp_path / "nolayers.gpkg"
    gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(0, 0)], crs="EPSG:3035").to_file(path, layer="places")
    with pytest.raises(InputError) as info:
        store.load(path)
    text = str(info.value)
    assert "layer 'areas' is missing" in text
    assert "EPSG:3035" in text and "EPSG:3067" in text


def test_load_not_a_geopackage(tmp_path):
    path = tmp_path / "fake.gpkg"
    path.write_text("this is not sqlite")
    with pytest.raises(InputError, match="not a readable GeoPackage"):
        store.load(path)
    with pytest.raises(InputError, match="file not found"):
        store.load(tmp_path / "missing.gpkg")


def test_visits_of_unknown_places_load_with_a_warning(tmp_path, vihti):
    vihti.visits = pd.DataFrame({"place_id": ["V01", "GONE"], "date": [dt.date(2026, 10, 5)] * 2,
                                 "adults": [1, 2], "children": [1, 3]})
    path = tmp_path / "p.gpkg"
    store.save(vihti, path)
    project = store.load(path)
    assert len(project.visits) == 2  # nothing dropped
    assert [str(w) for w in project.warnings] == [
        f"{path}#visits:2: place_id: no place with id 'GONE' in the places layer"]


def test_outreach_without_end_time_round_trips(tmp_path, vihti):
    vihti.outreach = pd.DataFrame({
        "place_id": ["V01", "V02"], "start": pd.to_datetime(["2026-12-01 10:00", "2026-12-02 09:30"]),
        "end": pd.to_datetime(["2026-12-01 11:00", None]), "profession": ["terveydenhoitaja", "psykologi"],
    })
    path = tmp_path / "p.gpkg"
    store.save(vihti, path)
    loaded = store.load(path)
    assert list(loaded.outreach["profession"]) == ["terveydenhoitaja", "psykologi"]
    assert pd.isna(loaded.outreach["end"].iloc[1])
    assert loaded.outreach["start"].iloc[1].hour == 9
