"""The embedded data sets: loadable, valid, and faithful to the public figures they were built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage.core.errors import KatveError
from coverage.core.schedule import check
from coverage.io.datasets import GEODATA, load_dataset

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.mark.parametrize(
    ("name", "codes", "n_areas"), [("vihti", {"927"}, 448), ("kaksineuvoinen", {"233", "052"}, 677)]
)
def test_dataset_loads_in_tm35fin_with_all_layers(name, codes, n_areas):
    project = load_dataset(name)
    assert project.areas.crs.to_epsg() == 3067
    assert len(project.areas) == n_areas
    assert set(project.boundary["code"]) == codes
    assert project.areas["children_estimated"].all()
    assert (project.places["source"] == "esimerkki").all()
    assert all(check(oh) is None for oh in project.places["opening_hours"])
    # every cell lies at least half inside the municipality (the edge rule), every place inside it
    boundary = project.boundary.union_all()
    inside = project.areas.intersection(boundary).area / project.areas.area
    assert (inside >= 0.49).all()  # 0.5 by the shares; the 1 % is the reprojection of the squares
    assert project.places.within(boundary).all()


def test_load_dataset_returns_independent_copies():
    a = load_dataset("vihti")
    a.places.loc[a.places.index[0], "name"] = "changed"
    assert load_dataset("vihti").places["name"].iloc[0] != "changed"


def test_unknown_dataset_names_the_choices():
    with pytest.raises(KatveError, match="vihti, kaksineuvoinen"):
        load_dataset("espoo")


def test_every_dataset_folder_documents_its_sources():
    for folder in GEODATA.iterdir():
        if folder.is_dir():
            text = (folder / "SOURCES.md").read_text(encoding="utf-8")
            assert "CC BY 4.0" in text and "children_0_6" in text


def test_example_visits_and_outreach_come_with_the_dataset():
    project = load_dataset("vihti")
    assert len(project.visits) > 100 and len(project.outreach) > 5
    assert set(project.visits["place_id"]) <= set(project.places["id"])
