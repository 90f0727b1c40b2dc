"""The embedded data sets: loadable, valid, and faithful to the public figures they were built from."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coverage.core.errors import KatveError
from coverage.core.schedule import check
from coverage.io.datasets import GEODATA, load_dataset

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.mark.parametrize(
    ("name", "codes", "n_areas"), [("vihti", {"927"}, 9), ("kaksineuvoinen", {"233", "052"}, 24)]
)
def test_dataset_loads_in_tm35fin_with_all_layers(name, codes, n_areas):
    project = load_dataset(name)
    assert project.areas.crs.to_epsg() == 3067
    assert len(project.areas) == n_areas
    assert set(project.boundary["code"]) == codes
    assert project.areas["children_estimated"].all()
    assert (project.places["source"] == "esimerkki").all()
    assert all(check(oh) is None for oh in project.places["opening_hours"])
    # every demand point and place lies inside the municipality
    boundary = project.boundary.union_all()
    assert project.areas.within(boundary).all()
    assert project.places.within(boundary).all()


def test_load_dataset_returns_independent_copies():
    a = load_dataset("vihti")
    a.places.loc[a.places.index[0], "name"] = "changed"
    assert load_dataset("vihti").places["name"].iloc[0] != "changed"


def test_unknown_dataset_names_the_choices():
    with pytest.raises(KatveError, match="vihti, kaksineuvoinen"):
        load_dataset("espoo")


@pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata not present")
def test_population_matches_statistics_finland_paavo_2022():
    with open(REALDATA / "postinumeroalueet_vaesto_vihti_kauhava_evijarvi.csv", encoding="utf-8") as fh:
        paavo = {r["postinumero"]: int(r["asukkaat_geofi_X2022"]) for r in csv.DictReader(fh)}
    for name in ("vihti", "kaksineuvoinen"):
        areas = load_dataset(name).areas
        for code, population in zip(areas["id"], areas["population"], strict=True):
            assert population == paavo[code]
    assert load_dataset("vihti").areas["population"].sum() == 28_692


def test_children_estimate_follows_the_stated_share():
    areas = load_dataset("vihti").areas
    nummela = areas.set_index("id").loc["03100"]
    # 15 709 residents x 17.8 % under 15 x 7/15 (0-6 of the ages 0-14)
    assert nummela["children_0_6"] == pytest.approx(15_709 * 0.178 * 7 / 15, abs=0.1)


def test_every_dataset_folder_documents_its_sources():
    for folder in GEODATA.iterdir():
        if folder.is_dir():
            text = (folder / "SOURCES.md").read_text(encoding="utf-8")
            assert "CC BY 4.0" in text and "children_0_6" in text


def test_example_visits_and_outreach_come_with_the_dataset():
    project = load_dataset("vihti")
    assert len(project.visits) > 100 and len(project.outreach) > 5
    assert set(project.visits["place_id"]) <= set(project.places["id"])
