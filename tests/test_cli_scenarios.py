"""``scenarios`` and ``plan --save-scenario`` on the command line (issue 17 part 3)."""

from __future__ import annotations

import json

import pytest

from coverage.cli.main import main
from coverage.core.model import Settings
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.planning.scenarios import compare_scenarios

WALK = ["--mode", "walk", "--minutes", "20"]


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "vihti.gpkg"
    store.save(load_dataset("vihti"), path, keep=10)
    return path


def test_save_compare_accept_remove(project, capsys):
    keep = ["--save-scenario", "Kaksi uutta"]
    assert main(["plan", "--project", str(project), *WALK, "--new", "2", *keep]) == 0
    assert "Skenaario ”Kaksi uutta” tallennettu projektiin vihti.gpkg" in capsys.readouterr().out
    assert main(["plan", "--project", str(project), *WALK, "--reschedule", "1", "--save-scenario", "Siirto",
                 "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["moves"] and "Siirto" in out.err  # the JSON stays clean
    assert main(["scenarios", "--project", str(project), *WALK, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    want = compare_scenarios(store.load(project), settings=Settings(mode="walk", threshold_minutes=20),
                             current_label="Nykytilanne").to_json()
    assert got["columns"] == want["columns"]
    assert [c["name"] for c in got["columns"]] == ["Nykytilanne", "Kaksi uutta", "Siirto"]

    assert main(["scenarios", "--project", str(project), "--accept", "kaksi uutta"]) == 0
    assert "2 uutta suunniteltua paikkaa" in capsys.readouterr().out
    places = store.load(project).places
    assert (places["status"] == "planned").sum() == 2
    assert main(["scenarios", "--project", str(project), "--accept", "Kaksi uutta"]) == 0  # twice: nothing
    assert "mitään ei muutettu" in capsys.readouterr().out
    assert len(store.load(project).places) == len(places)

    assert main(["scenarios", "--project", str(project), "--remove", "Siirto"]) == 0
    assert [s.name for s in store.load(project).scenarios] == ["Kaksi uutta"]


def test_mistakes_exit_2_with_a_sentence(project, capsys):
    assert main(["plan", "--dataset", "vihti", "--new", "1", "--save-scenario", "x"]) == 2
    assert "--save-scenario needs --project" in capsys.readouterr().err
    assert main(["scenarios", "--project", str(project), "--accept", "ei ole"]) == 2
    err = capsys.readouterr().err
    assert "no scenario named 'ei ole'" in err and "Traceback" not in err
    assert main(["plan", "--project", str(project), "--new", "1", "--save-scenario", "A"]) == 0
    capsys.readouterr()
    assert main(["plan", "--project", str(project), "--new", "1", "--save-scenario", "a"]) == 2
    out = capsys.readouterr()
    assert "exists already" in out.err and out.out == ""  # refused before planning, nothing printed
    assert main(["plan", "--project", str(project), "--reschedule", "1", "--save-scenario", " "]) == 2
    out = capsys.readouterr()
    assert "give the scenario a name" in out.err and out.out == ""
