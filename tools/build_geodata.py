"""Write the embedded data sets under geodata/ from the public figures in ../shared/realdata.

A developer tool, run by hand when the figures change (`python tools/build_geodata.py`); the product reads
only geodata/. Every figure's source and licence is written to geodata/<dataset>/SOURCES.md (kept by hand).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
OUT = ROOT / "geodata"

# Share of residents aged 0-14 per municipality, and where the figure comes from.
SHARE_0_14 = {
    "927": (0.178, "Vihti 31.12.2021: 17.8 % under 15 (the issue's figure, Statistics Finland)"),
    "233": (0.170, "Kauhava 31.12.2012: 0-14-year-olds 17.0 % (kauhava.fi, 'Kauhava lukuina')"),
    "052": (0.1589, "Evijärvi 2011: 0-14 years 15.89 % (Wikipedia infobox, Statistics Finland PX-Web)"),
}
# 0-6 is seven of the fifteen one-year age groups 0-14; assuming equal cohorts, 0-6 = 0-14 x 7/15.
SHARE_0_6_OF_0_14 = 7 / 15

# Postal area -> the main settlement's coordinates (lat, lon) where
# ../shared/realdata/taajamat_kylat_faktat.csv
# gives a real village centre; every other postal area is placed at its area centre (computed centroid).
SETTLEMENTS = {
    "03100": ("Nummela", 60.3342, 24.3203),
    "03250": ("Ojakkala", 60.37022, 24.39896),
    "03400": ("Vihdin kirkonkylä", 60.417, 24.317),
    "62200": ("Kauhava", 63.101635, 23.063057),
    "62300": ("Alahärmä", 63.250, 22.850),
    "62375": ("Ylihärmä", 63.150, 22.767),
    "62420": ("Kortesjärvi", 63.300, 23.159),
    "62500": ("Evijärven kirkonkylä", 63.365072, 23.475777),
}

DATASETS = {
    "vihti": {"codes": ["927"], "name": "Vihti"},
    "kaksineuvoinen": {"codes": ["233", "052"], "name": "Kaksineuvoinen (Kauhava + Evijärvi)"},
}

# Example meeting places (source = "esimerkki"): plausible organisers, places and times, NOT a real schedule.
PLACES = {
    "vihti": [
        ("V01", "Annantien perhetupa", "Vihdin kunta, varhaiskasvatus", "municipality", "open_daycare",
         "Annantie, 03100 Nummela", 60.3329, 24.3262, "Sep-May Mo,We,Fr 09:00-12:00; PH off", "0-6", "fi"),
        ("V02", "MLL:n perhekahvila Nummela", "MLL Vihdin yhdistys", "mll", "family_cafe",
         "Nummelan kirjasto, 03100 Nummela", 60.3339, 24.3190, "Sep-May Tu 10:00-12:00; PH off", "0-6", "fi"),
        ("V03", "MLL:n iltaperhekahvila Ojakkala", "MLL Vihdin yhdistys", "mll", "family_cafe",
         "Ojakkalan koulu, 03250 Ojakkala", 60.3705, 24.3985, "Sep-May Th 17:30-19:00; PH off", "0-6", "fi"),
        ("V04", "MLL:n perhekahvila Otalampi", "MLL Vihdin yhdistys", "mll", "family_cafe",
         "Otalammen kylätalo, 03300 Otalampi", 60.3866, 24.5140, "Sep-May We 10:00-11:30; PH off", "0-6",
         "fi"),
        ("V05", "Perhekerho, Nummelan seurakuntakeskus", "Vihdin seurakunta", "parish", "family_club",
         "Nummelan seurakuntakeskus, 03100 Nummela", 60.3356, 24.3150, "Sep-Apr Tu 09:30-11:30; PH off",
         "0-6", "fi"),
        ("V06", "Perhekerho, Vihdin kirkonkylä", "Vihdin seurakunta", "parish", "family_club",
         "Seurakuntatalo, 03400 Vihti", 60.4172, 24.3225, "Sep-May We 09:30-11:30; PH off", "0-6", "fi"),
        ("V07", "Perhekerho, Vihtijärven kappeli", "Vihdin seurakunta", "parish", "family_club",
         "Vihtijärven kappeli, 03790 Vihtijärvi", 60.5262, 24.5229, "Sep-May Fr 10:00-11:30; PH off",
         "0-6", "fi"),
    ],
    "kaksineuvoinen": [
        ("K01", "Perhekeskus Kaislan kohtaamispaikka", "Perhekeskus Kaisla (Kaksineuvoinen)", "municipality",
         "open_daycare", "Kauhavan Hyvinvointikeskus, 62200 Kauhava", 63.1007, 23.0655,
         "Sep-May Mo,We 09:00-12:00; PH off", "0-6", "fi"),
        ("K02", "Perhekerho, Kauhavan seurakuntakeskus", "Kauhavan seurakunta", "parish", "family_club",
         "Seurakuntakeskus, 62200 Kauhava", 63.1030, 23.0700, "Sep-May Tu 09:30-11:30; PH off", "0-6", "fi"),
        ("K03", "MLL:n perhekahvila Alahärmä", "MLL Alahärmän yhdistys", "mll", "family_cafe",
         "Alahärmän seurakuntatalo, 62300 Härmä", 63.2495, 22.8520, "Sep-May Th 09:30-11:30; PH off",
         "0-6", "fi"),
        ("K04", "Perhekerho, Ylihärmä", "Kauhavan seurakunta", "parish", "family_club",
         "Ylihärmän seurakuntatalo, 62375 Ylihärmä", 63.1505, 22.7690, "Sep-May Tu 09:30-11:30; PH off",
         "0-6", "fi"),
        ("K05", "Perhekerho, Kortesjärvi", "Kauhavan seurakunta", "parish", "family_club",
         "Kortesjärven seurakuntatalo, 62420 Kortesjärvi", 63.3000, 23.1600, "Sep-May We 10:00-12:00; PH off",
         "0-6", "fi"),
        ("K06", "MLL:n perhekahvila Evijärvi", "MLL Evijärven yhdistys", "mll", "family_cafe",
         "Evijärven seurakuntakoti, 62500 Evijärvi", 63.3655, 23.4770, "Sep-May Fr 09:30-11:30; PH off",
         "0-6", "fi"),
    ],
}


def _feature(props: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _write(path: Path, features: list[dict]) -> None:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {path.relative_to(ROOT)} ({len(features)} features)")


def build(name: str, spec: dict) -> None:
    """Write geodata/<name>/ from the public figures."""
    out = OUT / name
    out.mkdir(parents=True, exist_ok=True)
    codes = spec["codes"]

    boundary = json.loads((REAL / "kuntarajat_mml_4500k_vihti_kauhava_evijarvi.geojson").read_text("utf-8"))
    _write(out / "boundary.geojson", [
        _feature({"code": f["properties"]["NATCODE"], "name": f["properties"]["NAMEFIN"],
                  "name_sv": f["properties"]["NAMESWE"], "land_area_km2": f["properties"]["LANDAREA"]},
                 f["geometry"])
        for f in boundary["features"] if f["properties"]["NATCODE"] in codes
    ])

    with open(REAL / "postinumeroalueet_vaesto_vihti_kauhava_evijarvi.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kuntanumero"] in codes]
    areas = []
    for r in rows:
        code = r["postinumero"]
        population = int(r["asukkaat_geofi_X2022"])
        share_0_14, _src = SHARE_0_14[r["kuntanumero"]]
        settlement = SETTLEMENTS.get(code)
        if settlement:
            label, lat, lon = settlement
            placed = f"settlement: {label}"
        else:
            lat, lon = float(r["centroid_lat"]), float(r["centroid_lon"])
            placed = "postal-area centre"
        areas.append(_feature({
            "id": code,
            "name": r["nimi"],
            "population": population,
            "children_0_6": round(population * share_0_14 * SHARE_0_6_OF_0_14, 1),
            "children_estimated": True,
            "municipality": r["kunta"],
            "placed_at": placed,
        }, {"type": "Point", "coordinates": [lon, lat]}))
    _write(out / "areas.geojson", areas)

    _write(out / "places.geojson", [
        _feature({"id": pid, "name": pname, "organiser": org, "organiser_type": otype, "kind": kind,
                  "address": addr, "opening_hours": oh, "ages": ages, "languages": langs,
                  "status": "existing",
                  "thl_criteria": "", "notes": "Esimerkkiaineisto: aukioloajat ovat keksittyjä esimerkkejä.",
                  "source": "esimerkki"},
                 {"type": "Point", "coordinates": [lon, lat]})
        for pid, pname, org, otype, kind, addr, lat, lon, oh, ages, langs in PLACES[name]
    ])
    (out / "dataset.json").write_text(json.dumps({"name": spec["name"], "municipality_codes": codes},
                                                 ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    """Rebuild every data set."""
    if not REAL.is_dir():
        print(f"error: {REAL} not found", file=sys.stderr)
        return 2
    for name, spec in DATASETS.items():
        build(name, spec)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
