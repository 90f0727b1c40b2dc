"""Every save kept: versions (who, when, what changed), pruning, restore; the history/restore commands."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from coverage.cli.main import main
from coverage.core.errors import ConflictError, KatveError
from coverage.io import store, versions
from coverage.io.datasets import load_dataset


@pytest.fixture()
def vihti():
    return load_dataset("vihti")


def _three_saves(path, vihti):
    """Three saves by two users: create; add a place and edit one; remove one and change the mode."""
    store.save(vihti, path, user="koordinaattori@vihti.fi")
    p = store.load(path)
    new = p.places.iloc[[0]].copy()
    new["id"], new["name"], new["geometry"] = "NEW1", "Uusi perhekahvila", [Point(360000, 6700000)]
    p.places = gpd.GeoDataFrame(pd.concat([p.places, new], ignore_index=True), crs=p.places.crs)
    p.places.loc[0, "name"] = "Muutettu nimi"
    store.save(p, user="it@hyvinvointialue.fi")
    q = store.load(path)
    q.places = q.places.iloc[1:].reset_index(drop=True)
    q.settings = q.settings.replace(mode="bike")
    store.save(q, user="koordinaattori@vihti.fi")
    return p, q


def test_three_saves_by_two_users(tmp_path, vihti):
    path = tmp_path / "vihti.gpkg"
    _three_saves(path, vihti)
    kept = versions.history(path)
    assert [v.number for v in kept] == [1, 2, 3]
    coordinator, admin = "koordinaattori@vihti.fi", "it@hyvinvointialue.fi"
    assert [v.user for v in kept] == [coordinator, admin, coordinator]
    assert kept[0].changes == {"created": True}
    assert kept[1].changes == {"places": {"added": 1, "edited": 1}}
    assert kept[2].changes == {"places": {"removed": 1}, "settings": ["mode"]}
    assert versions.summary(kept[1], "en") == "places 1 added, 1 edited"
    assert versions.summary(kept[2], "fi") == "kohtaamispaikat 1 poistettu; asetukset: mode"
    assert all(v.at.endswith("Z") and "T" in v.at for v in kept)
    # each version holds the project as that save left it
    assert len(store.load(versions.version_file(path, 1)).places) == 7
    assert len(store.load(versions.version_file(path, 2)).places) == 8
    assert len(store.load(path).places) == 7


def test_restore_is_a_new_version_and_round_trips(tmp_path, vihti):
    path = tmp_path / "vihti.gpkg"
    p, _ = _three_saves(path, vihti)
    new = store.restore(path, 2, user="it@hyvinvointialue.fi")
    assert new.number == 4 and new.changes["restored"] == 2
    assert new.changes["places"] == {"added": 1} and new.changes["settings"] == ["mode"]
    back = store.load(path)
    assert sorted(back.places["id"]) == sorted(p.places["id"])
    assert back.settings.mode == p.settings.mode
    assert "restored version 2" in versions.summary(new, "en")
    with pytest.raises(KatveError, match="no version 9"):
        store.restore(path, 9)


def test_first_save_of_an_old_file_keeps_it_first(tmp_path, vihti):
    path = tmp_path / "vihti.gpkg"
    store.save(vihti, path, keep=0)  # written before versions were kept
    assert versions.history(path) == []
    p = store.load(path)
    p.places = p.places.iloc[:3]
    store.save(p, user="a@b.fi")
    kept = versions.history(path)
    assert [v.number for v in kept] == [1, 2]
    assert kept[0].changes == {"found": True} and kept[0].user == ""
    assert len(store.load(versions.version_file(path, 1)).places) == 7


def test_only_the_last_n_stay(tmp_path, vihti):
    path = tmp_path / "vihti.gpkg"
    vihti.settings = vihti.settings.replace(versions_kept=2)
    store.save(vihti, path, user="a@b.fi")
    for i in range(3):
        p = store.load(path)
        p.places.loc[0, "name"] = f"nimi {i}"
        store.save(p, user="a@b.fi")
    kept = versions.history(path)
    assert [v.number for v in kept] == [3, 4]
    files = sorted(f.name for f in versions.versions_dir(path).glob("*.gpkg"))
    assert files == ["000003.gpkg", "000004.gpkg"]


def test_conflict_check_stays(tmp_path, vihti):
    path = tmp_path / "vihti.gpkg"
    store.save(vihti, path, user="a@b.fi")
    one, two = store.load(path), store.load(path)
    store.save(one, user="a@b.fi")
    with pytest.raises(ConflictError):
        store.save(two, user="c@d.fi")
    assert len(versions.history(path)) == 2  # the refused save left no version


def test_versions_kept_setting_is_checked():
    from coverage.core.model import Settings

    with pytest.raises(KatveError):
        Settings(versions_kept=0)
    assert Settings.from_dict({"versions_kept": 7.0}).versions_kept == 7


def test_cli_history_and_restore(tmp_path, vihti, capsys):
    path = tmp_path / "vihti.gpkg"
    _three_saves(path, vihti)
    assert main(["history", "--project", str(path), "--json", "--lang", "en"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["project"] == "vihti.gpkg"
    assert [(v["version"], v["user"]) for v in answer["versions"]] == [
        (1, "koordinaattori@vihti.fi"), (2, "it@hyvinvointialue.fi"), (3, "koordinaattori@vihti.fi")
    ]
    assert answer["versions"][1]["summary"] == "places 1 added, 1 edited"
    args = ["restore", "--project", str(path), "--version", "2", "--user", "cli@x.fi", "--lang", "en"]
    assert main(args) == 0
    assert "version 2 restored; it is now version 4" in capsys.readouterr().out
    assert main(["history", "--project", str(path), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "cli@x.fi" in text and "restored version 2" in text and text.count("\n") == 5
    assert main(["restore", "--project", str(path), "--version", "99"]) == 2
    assert "no version 99" in capsys.readouterr().err
    assert main(["history", "--project", str(tmp_path / "nope.gpkg")]) == 2
