"""The import library the app calls: preview (columns, ids, guesses, skipped rows), apply, skipped CSV."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from coverage.core.errors import InputError
from coverage.io.datasets import load_dataset
from coverage.io.importing import (
    apply_import,
    guess_kind,
    guess_organiser_type,
    next_ids,
    preview_import,
)

CSV = (
    "nimi;järjestäjä;osoite;lat;lon;aukioloajat;muistiinpano\n"
    "MLL:n perhekahvila;MLL Vihti;Koulutie 1;60,4170;24,3250;ti 9.30–11.30;a\n"
    "Perhetupa;;Tupatie 2;60,4190;24,3300;ma-pe 9-12;b\n"
    "Rikki;;;60,41;24,32;tiistaisin klo 10;c\n"
)


@pytest.fixture
def vihti():
    return load_dataset("vihti")


def _write(tmp_path, text=CSV, name="paikat.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return path


def test_preview_columns_rows_ids_guesses(tmp_path, vihti):
    preview = preview_import(_write(tmp_path), "places", vihti, lang="fi")
    columns = {c.header: (c.field, c.how) for c in preview.columns}
    assert columns["nimi"] == ("name", "alias")
    assert columns["järjestäjä"] == ("organiser", "alias")
    assert columns["lat"] == ("lat", "coordinates")
    assert columns["muistiinpano"] == (None, "unknown")
    names = next(c for c in preview.columns if c.header == "nimi")
    assert names.examples == ("MLL:n perhekahvila", "Perhetupa", "Rikki")
    assert list(preview.data["id"]) == ["V08", "V09"]
    assert preview.new_ids == {0: "V08", 1: "V09"}
    assert list(preview.data["opening_hours"]) == ["Tu 09:30-11:30", "Mo-Fr 09:00-12:00"]
    assert [(g.position, g.field, g.value, g.source) for g in preview.guesses] == [
        (0, "organiser_type", "mll", "järjestäjä"),
        (0, "kind", "family_cafe", "nimi"),
        (1, "kind", "open_daycare", "nimi"),
    ]
    assert preview.guesses[0].message == "arvaus: MLL (sarakkeen 'järjestäjä' arvosta 'MLL'); tarkista"
    [skipped] = preview.skipped
    assert (skipped.row, skipped.excel_row) == (3, 4)
    assert skipped.values["nimi"] == "Rikki"
    assert skipped.problems[0].field == "aukioloajat"
    said = skipped.problems[0].message
    assert said.startswith("Excel-rivi 4: aukioloaikoja 'tiistaisin klo 10' ei ymmärretty")
    assert "expected" in skipped.problems[0].detail  # the parser's words are kept, out of the sentence
    assert any("OSM-muodossa Tu 09:30-11:30" in w.message for w in preview.warnings)


def test_apply_appends_and_declined_guesses_stay_empty(tmp_path, vihti):
    preview = preview_import(_write(tmp_path), "places", vihti)
    out = apply_import(vihti, preview, declined=[1])
    assert len(out.places) == len(vihti.places) + 2 and out.places["id"].is_unique
    assert len(vihti.places) == 7  # the project given is not changed
    new = out.places.set_index("id")
    assert new.loc["V08", "organiser_type"] == "mll" and new.loc["V08", "kind"] == ""
    assert new.loc["V08", "muistiinpano"] == "a"  # an unknown column is kept, not lost
    assert out.places.crs.to_epsg() == 3067


def test_repeated_appends_never_clash_and_own_ids_are_renumbered(tmp_path, vihti):
    project = vihti
    for _ in range(3):
        project = apply_import(project, preview_import(_write(tmp_path), "places", project))
    assert project.places["id"].is_unique and len(project.places) == 7 + 6
    with_ids = "id;nimi;aukioloajat;lat;lon\nV01;Oma;ti 10-12;60,41;24,32\nX1;Toinen;ke 10-12;60,41;24,32\n"
    preview = preview_import(_write(tmp_path, with_ids, "ids.csv"), "places", project, lang="en")
    assert list(preview.data["id"]) == ["V14", "X1"]  # V01 is taken: renumbered; X1 is the file's own
    assert any("the id V01 was taken: the row got the id V14" in w.message for w in preview.warnings)
    replaced = preview_import(_write(tmp_path, with_ids, "ids.csv"), "places", project, replace=True)
    assert list(replaced.data["id"]) == ["V01", "X1"]
    assert list(apply_import(project, replaced).places["id"]) == ["V01", "X1"]


def test_mapping_renames_and_skips_columns(tmp_path, vihti):
    text = "Kohde;Milloin;Huom;lat;lon\nTupa;ti 10-12;x;60,41;24,32\n"
    path = _write(tmp_path, text, "oma.csv")
    with pytest.raises(InputError) as exc:
        preview_import(path, "places", vihti)
    assert any("sarake 'opening_hours' puuttuu" in p.message for p in exc.value.problems)
    mapping = {"Kohde": "name", "Milloin": "opening_hours", "Huom": None}
    preview = preview_import(path, "places", vihti, mapping=mapping)
    assert preview.data.loc[0, "name"] == "Tupa" and preview.data.loc[0, "opening_hours"] == "Tu 10:00-12:00"
    assert "Huom" not in preview.data.columns
    assert {c.header: c.how for c in preview.columns} == {
        "Kohde": "mapped", "Milloin": "mapped", "Huom": "skipped", "lat": "coordinates", "lon": "coordinates"
    }


def test_skipped_csv_opens_in_finnish_excel(tmp_path, vihti):
    preview = preview_import(_write(tmp_path), "places", vihti)
    data = preview.skipped_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
    assert list(table.columns) == ["Excel-rivi", "nimi", "järjestäjä", "osoite", "lat", "lon", "aukioloajat",
                                   "muistiinpano", "ongelma"]
    assert table.loc[0, "Excel-rivi"] == "4" and table.loc[0, "lat"] == "60,41"  # as the user wrote it
    assert "aukioloaikoja 'tiistaisin klo 10' ei ymmärretty" in table.loc[0, "ongelma"]
    ok = "nimi;aukioloajat;lat;lon\nA;ti 10-12;60,41;24,32\n"
    assert preview_import(_write(tmp_path, ok, "ok.csv"), "places", vihti).skipped_csv() == b""


def test_every_row_bad_raises_in_the_users_language(tmp_path, vihti):
    bad = "nimi;aukioloajat;lat;lon\nA;joskus;60,41;24,32\n"
    with pytest.raises(InputError) as exc:
        preview_import(_write(tmp_path, bad, "bad.csv"), "places", vihti, lang="sv")
    assert exc.value.problems[0].message.startswith("Excel-rad 2: öppettiderna 'joskus' gick inte att tolka")


def test_visits_import(tmp_path, vihti):
    text = "paikka;pvm;aikuisia;lapsia\nV01;4.3.2025;3;5\nV02;31.2.2025;1;1\n"
    preview = preview_import(_write(tmp_path, text, "kaynnit.csv"), "visits", vihti)
    assert len(preview.data) == 1 and preview.skipped[0].excel_row == 3
    out = apply_import(vihti, preview)
    assert len(out.visits) == len(vihti.visits) + 1


def test_guesses_and_ids():
    assert guess_organiser_type("Vihdin seurakunta") == ("parish", "seurakunta")
    assert guess_organiser_type("Nummelan srk")[0] == "parish"
    assert guess_organiser_type("Vihdin kunta")[0] == "municipality"
    assert guess_organiser_type("Lohjan kaupunki")[0] == "municipality"
    assert guess_organiser_type("Vihdin Martat ry")[0] == "other_ngo"
    assert guess_organiser_type("Joku") is None
    assert guess_kind("Perhekerho, Vihtijärven kappeli")[0] == "family_club"
    assert guess_kind("Avoin päiväkoti Nalle")[0] == "open_daycare"
    assert guess_kind("Familjecafé Sjundeå")[0] == "family_cafe"
    assert next_ids(["V01", "V07", "x"], 2) == ["V08", "V09"]
    assert next_ids(["P001"], 1) == ["P002"]
