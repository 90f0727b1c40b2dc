"""`python -m coverage validate PATH...`: exit codes and the PATH:ROW: field: message contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from coverage.cli.main import main
from coverage.io import store
from coverage.io.datasets import GEODATA, load_dataset

LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+|-): (?P<field>[^:]+): (?P<message>.+)$")


def test_embedded_geodata_is_valid(capsys):
    assert main(["validate", str(GEODATA)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.startswith("kunnossa: 10 tiedosto(a)")  # Finnish by default
    assert main(["validate", str(GEODATA), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("ok: 10 file(s) valid")


def test_bad_csv_exit_2_one_contract_line_per_problem(tmp_path, capsys):
    bad = tmp_path / "paikat.csv"
    bad.write_text(
        "id;nimi;lat;lon;aukioloajat;tila\n"
        "1;Kerho;60,33;24,32;Tu 09:00-11:00;existing\n"
        "1;Kahvila;24,32;60,33;Tu 09:00-11:00;existing\n"
        "3;Tupa;60,34;24,33;ti 9-11;existing\n",
        encoding="utf-8-sig",
    )
    assert main(["validate", str(bad)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    where = {(m["row"], m["field"]) for m in parsed}
    assert ("2", "id") in where  # duplicate id on the second data row
    assert ("2", "lat/lon") in where  # swapped coordinates
    assert ("3", "aukioloajat") in where  # the user's own header is named
    assert all(m["path"] == str(bad) for m in parsed)


def test_project_file_and_missing_file(tmp_path, capsys):
    good = tmp_path / "vihti.gpkg"
    store.save(load_dataset("vihti"), good)
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert capsys.readouterr().err.strip().endswith("nope.csv:-: -: tiedostoa ei löydy")
    assert main(["validate", str(tmp_path / "nope.csv"), "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip().endswith("nope.csv:-: -: the file was not found")


def test_subprocess_has_no_traceback(tmp_path):
    bad = tmp_path / "alueet.csv"
    bad.write_text("id,nimi,väestö,lapset_0_6,lat,lon\nA,Kylä,-5,x,60.3,24.3\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "coverage", "validate", str(bad)],
                          capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:1: väestö:" in proc.stderr
    assert f"{bad}:1: lapset_0_6:" in proc.stderr


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err
