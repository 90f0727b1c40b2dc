"""`python -m coverage import`: a coordinator's own list goes in, twice, and is counted by `analyze`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from coverage.cli.main import main
from coverage.io import store
from coverage.io.store import backup_path

LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+|-): (?P<field>[^:]+): (?P<message>.+)$")

COORDINATOR_CSV = (
    "nimi;järjestäjä;osoite;lat;lon;aukioloajat\n"
    "MLL:n perhekahvila Koulukeskus;MLL Vihti;Koulutie 1;60,4170;24,3250;ti 9.30–11.30\n"
    "Perhekerho Kirkonkylä;Vihdin srk;Kirkkotie 2;60,4190;24,3300;ma-pe 9-12\n"
    "Iltaperhekahvila;Vihdin kunta;Asematie 3;60,3830;24,3270;to klo 17.30-19\n"
)


def _csv(folder: Path, text: str = COORDINATOR_CSV, name: str = "paikat_excel.csv") -> Path:
    path = folder / name
    path.write_bytes(text.encode("cp1252"))  # as Finnish Excel saves "CSV (semicolon separated)"
    return path


def _analyze(project: Path, capsys) -> dict:
    capsys.readouterr()
    assert main(["analyze", "--project", str(project), "--at", "Tu 10:00", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cp1252_semicolon_csv_imports_twice_with_unique_ids_and_is_counted(tmp_path, capsys):
    csv = _csv(tmp_path)
    project = tmp_path / "vihti.gpkg"
    assert main(["import", str(csv), "--project", str(project), "--dataset", "vihti"]) == 0
    first = store.load(project)
    assert list(first.places["id"])[-3:] == ["V08", "V09", "V10"]
    assert not backup_path(project).exists()  # a new file: nothing to back up

    assert main(["import", str(csv), "--project", str(project)]) == 0  # the same file again: append
    assert backup_path(project).exists()
    assert len(store.load(backup_path(project)).places) == 10  # the backup is the version before
    places = store.load(project).places
    assert len(places) == 13 and places["id"].is_unique
    assert list(places["id"])[-6:] == ["V08", "V09", "V10", "V11", "V12", "V13"]
    new = places.iloc[-6:]
    assert list(new["opening_hours"]) == ["Tu 09:30-11:30", "Mo-Fr 09:00-12:00", "Th 17:30-19:00"] * 2
    assert set(new["status"]) == {"existing"}
    assert list(new["organiser_type"])[:3] == ["mll", "parish", "municipality"]
    assert list(new["kind"])[:3] == ["family_cafe", "family_club", "family_cafe"]
    assert list(new["name"])[0] == "MLL:n perhekahvila Koulukeskus"  # cp1252 ä/ö read right
    assert list(new["address"])[0] == "Koulutie 1"

    result = _analyze(project, capsys)
    counted = {p["id"] for p in result["places"] if p["counted"]}
    # open on Tuesday at 10: the "ti 9.30–11.30" and "ma-pe 9-12" places of both imports,
    # not the "to klo 17.30-19" ones
    assert {"V08", "V09", "V11", "V12"} <= counted
    assert not counted & {"V10", "V13"}
    assert result["summary"]["places_counted"] == len(counted)


def test_skipped_rows_exit_1_contract_lines_in_finnish_with_excel_rows(tmp_path, capsys):
    csv = _csv(
        tmp_path,
        COORDINATOR_CSV + "Rikki;MLL;;;;tiistaisin klo 10\nVäärin päin;;Tie 5;24,32;60,41;ma, ke 9-12\n",
    )
    project = tmp_path / "p.gpkg"
    assert main(["import", str(csv), "--project", str(project), "--dataset", "vihti"]) == 1
    err = capsys.readouterr().err.splitlines()
    errors = [line for line in err if LINE.match(line) and "huomautus" not in line and "arvaus" not in line]
    where = {(LINE.match(x)["row"], LINE.match(x)["field"]) for x in errors}
    assert where == {("4", "lat/lon"), ("4", "aukioloajat"), ("5", "lat/lon")}
    hours = next(x for x in errors if ":4: aukioloajat:" in x)
    assert "Excel-rivi 5: aukioloaikoja 'tiistaisin klo 10' ei ymmärretty" in hours
    assert "expected" not in hours and "EOI" not in hours  # no parser jargon
    swapped = next(x for x in errors if ":5: lat/lon:" in x)
    assert "Excel-rivi 6: leveys- ja pituusaste ovat ilmeisesti väärin päin" in swapped
    assert len(store.load(project).places) == 10  # the 3 good rows went in


def test_lang_en_and_sv(tmp_path, capsys):
    csv = _csv(tmp_path, COORDINATOR_CSV + "Rikki;MLL;;60,41;24,32;tiistaisin klo 10\n")
    assert main(["import", str(csv), "--project", str(tmp_path / "a.gpkg"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "Excel row 5: the opening hours 'tiistaisin klo 10' could not be understood" in err
    assert main(["import", str(csv), "--project", str(tmp_path / "b.gpkg"), "--lang", "sv"]) == 1
    assert "Excel-rad 5: öppettiderna 'tiistaisin klo 10' gick inte att tolka" in capsys.readouterr().err


def test_nothing_importable_exit_2_and_project_untouched(tmp_path, capsys):
    project = tmp_path / "p.gpkg"
    assert main(["import", str(_csv(tmp_path)), "--project", str(project), "--dataset", "vihti"]) == 0
    before = project.read_bytes()
    bad = _csv(tmp_path, "nimi;lat;lon\nA;60,4;24,3\n", name="ei_aukioloja.csv")
    assert main(["import", str(bad), "--project", str(project), "--layer", "places"]) == 2
    err = capsys.readouterr().err
    assert "sarake 'opening_hours' puuttuu (lisää sarake, esim. otsikolla 'aukioloajat')" in err
    assert project.read_bytes() == before


def test_replace_and_empty_new_project(tmp_path, capsys):
    project = tmp_path / "uusi.gpkg"
    assert main(["import", str(_csv(tmp_path)), "--project", str(project)]) == 0
    places = store.load(project).places
    assert list(places["id"]) == ["P01", "P02", "P03"]
    assert len(store.load(project).areas) == 0
    other = _csv(tmp_path, "nimi;aukioloajat;lat;lon\nUusi tupa;ke 10-12;60,41;24,33\n", name="toinen.csv")
    assert main(["import", str(other), "--project", str(project), "--replace"]) == 0
    assert list(store.load(project).places["name"]) == ["Uusi tupa"]


def test_xlsx_without_ids_and_status(tmp_path, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nimi", "Järjestäjä", "Leveys", "Pituus", "Aukioloajat"])
    sheet.append(["Perhetupa Nummela", "Vihdin kaupunki", 60.333, 24.322, "ke 9–12"])
    sheet.append(["Kerho", "Nummelan seurakunta", 60.335, 24.33, "ma, ke 9-12"])
    path = tmp_path / "paikat.xlsx"
    book.save(path)
    project = tmp_path / "p.gpkg"
    assert main(["import", str(path), "--project", str(project), "--dataset", "vihti"]) == 0
    places = store.load(project).places.iloc[-2:]
    assert list(places["id"]) == ["V08", "V09"]
    assert list(places["opening_hours"]) == ["We 09:00-12:00", "Mo,We 09:00-12:00"]
    assert list(places["kind"]) == ["open_daycare", "family_club"]


def test_subprocess_import_no_traceback(tmp_path):
    csv = _csv(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "coverage", "import", str(csv), "--project", str(tmp_path / "s.gpkg")],
        capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_validate_lang(tmp_path, capsys, lang):
    bad = tmp_path / "paikat.csv"
    bad.write_text("nimi;lat;lon;aukioloajat\nA;60,3;24,3;tiistaisin klo 10\n", encoding="utf-8")
    assert main(["validate", str(bad), "--lang", lang]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith(f"{bad}:1: aukioloajat: ")
    expected = {
        "fi": "Excel-rivi 2: aukioloaikoja",
        "sv": "Excel-rad 2: öppettiderna",
        "en": "Excel row 2: the opening",
    }
    assert expected[lang] in line


def test_validate_understands_finnish_hours(tmp_path, capsys):
    ok = tmp_path / "paikat.csv"
    ok.write_text("nimi;lat;lon;aukioloajat\nA;60,3;24,3;ma-pe 9-12\n", encoding="utf-8")
    assert main(["validate", str(ok)]) == 0
    out = capsys.readouterr()
    assert "ma–pe 9–12 (OSM-muodossa Mo-Fr 09:00-12:00)" in out.err
    assert "English" not in out.err
