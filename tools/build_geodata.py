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

GRID_CSV = "vaestoruutu_1km_eurostat_2006_2021_vihti_kauhava_evijarvi.csv"
GRID_GEOJSON = "vaestoruutu_1km_eurostat_2021_vihti_kauhava_evijarvi.geojson"
GRID_YEAR = 2021
CHILDREN_CSV = "lapset_0_6_kunnittain.csv"
CHILDREN_DATE = "31.12.2020"  # the census 2021 reference date: the real 0-6 counts of that day
MUNICIPALITY_NAMES = {"927": "Vihti", "233": "Kauhava", "052": "Evijärvi"}

# Postal areas whose Posti name is not the name people use for the village (../shared/realdata/
# taajamat_kylat_faktat.csv): 03400 "Vihti" is Vihdin kirkonkylä, 62300 "Härmä" is Alahärmä, 62500
# "Evijärvi" is Evijärven kirkonkylä, and 62200 "Kauhava" (the town centre) Kauhavan keskusta, apart from the
# municipality. Every other postal area is named as Posti names it.
VILLAGE_NAMES = {
    "03400": "Vihdin kirkonkylä",
    "62200": "Kauhavan keskusta",
    "62300": "Alahärmä",
    "62500": "Evijärven kirkonkylä",
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


def _children_0_6(code: str) -> int:
    """Return the real number of 0-6-year-olds on the census reference date (StatFin 11re)."""
    with open(REAL / CHILDREN_CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kuntanumero"] == code and row["ajankohta"] == CHILDREN_DATE:
                return int(row["ika_0_6"])
    raise SystemExit(f"{CHILDREN_CSV}: no 0-6 count for {code} on {CHILDREN_DATE}")


def _largest_remainder(weights: list[float], total: int) -> list[int]:
    """Whole numbers proportional to ``weights`` that add up to ``total`` exactly (none negative)."""
    s = sum(weights)
    if s <= 0:
        return [0] * len(weights)
    exact = [w * total / s for w in weights]
    out = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _member(row: dict, codes: list[str]) -> str | None:
    """Return the municipality (of ``codes``) holding at least half of the cell's area, else ``None``."""
    for code in codes:
        if float(row[f"osuus_{code}"] or 0) >= 0.5:
            return code
    return None


def grid_areas(codes: list[str]) -> list[dict]:
    """One demand area per populated 2021 grid cell of the municipalities, children 0-6 calibrated."""
    import geopandas as gpd
    from shapely.geometry import Point, shape

    with open(REAL / GRID_CSV, encoding="utf-8") as fh:
        rows = {r["grd_id"]: r for r in csv.DictReader(fh)}
    squares = {
        f["properties"]["grd_id"]: shape(f["geometry"])
        for f in json.loads((REAL / GRID_GEOJSON).read_text("utf-8"))["features"]
    }
    postal = gpd.read_file(REAL / "postinumeroalueet_vihti_kauhava_evijarvi.geojson").to_crs(3067)
    names, municipality_of = {}, {}
    with open(REAL / "postinumeroalueet_vaesto_vihti_kauhava_evijarvi.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            names[r["postinumero"]] = VILLAGE_NAMES.get(r["postinumero"], r["nimi"])
            municipality_of[r["postinumero"]] = r["kuntanumero"]
    postal["code"] = postal["postinumeroalue"].map(municipality_of)
    cells = []
    for grd_id, r in rows.items():
        code = _member(r, codes)
        population = int(r["vaesto_2021"] or 0)
        if code is None or population <= 0:
            continue
        # the census sub-counts are perturbed: a cell's 0-14 is at most its total, and absent means 0
        young = min(int(r["c21_ika_0_14"] or 0), population)
        centre = Point(float(r["keskipiste_e_epsg3067"]), float(r["keskipiste_n_epsg3067"]))
        cells.append({"id": grd_id, "code": code, "population": population, "young": young, "centre": centre})
    for code in codes:  # a cell's village is a postal area of its own municipality
        mine = [c for c in cells if c["code"] == code]
        centres = gpd.GeoDataFrame(geometry=[c["centre"] for c in mine], crs=3067)
        own = postal.loc[postal["code"] == code, ["postinumeroalue", "geometry"]]
        joined = gpd.sjoin_nearest(centres, own, how="left")
        joined = joined[~joined.index.duplicated(keep="first")]  # on a shared edge: the first postal area
        for c, postcode in zip(mine, joined["postinumeroalue"], strict=True):
            c["village"] = names[postcode]
    for code in codes:
        mine = [c for c in cells if c["code"] == code]
        kids = _largest_remainder([c["young"] for c in mine], _children_0_6(code))
        for c, k in zip(mine, kids, strict=True):
            c["children"] = k
    features = []  # the squares are EPSG:3035 cells, stored in WGS84 as ../shared/realdata has them
    for c in cells:
        geom = squares[c["id"]]
        ring = [[round(x, 6), round(y, 6)] for x, y in geom.exterior.coords]
        features.append(_feature({
            "id": c["id"],
            "name": f"{c['village']}, 1 km ruutu",
            "village": c["village"],
            "population": c["population"],
            "children_0_6": float(c["children"]),
            "children_estimated": True,
            "municipality": MUNICIPALITY_NAMES[c["code"]],
            "year": GRID_YEAR,
        }, {"type": "Polygon", "coordinates": [ring]}))
    return features


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

    _write(out / "areas.geojson", grid_areas(codes))

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
