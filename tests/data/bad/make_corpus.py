"""Regenerate the bad-input corpus in this folder: ``.venv/bin/python tests/data/bad/make_corpus.py``.

Every file is small (the whole corpus stays well under 1 MB). Files too large to commit (over the size
limit, zips that expand past the total limit) are made at test time by ``tests/test_bad_inputs.py``.
What each file must produce is listed in ``README.md`` next to this script (the tests read that table).
The output is deterministic except for the internal time stamps of the XLSX and GeoPackage files.
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon

HERE = Path(__file__).resolve().parent
STAMP = (2025, 1, 1, 0, 0, 0)

# Vihti-ish points: WGS84 (lon, lat) and EPSG:3067 (x, y)
NUMMELA = (24.3220, 60.3330)
KIRKONKYLA = (24.3350, 60.4170)
NUMMELA_3067 = (345_958.0, 6_691_390.0)
OJAKKALA_3067 = (352_000.0, 6_699_500.0)

PLACES_HEADER = "id;nimi;aukioloajat;tila;lat;lon"


def text(name: str, content: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(content.encode(encoding))


def table(
    name: str, rows: list[list[str]], *, header: list[str] | None = None, encoding: str = "utf-8-sig"
) -> None:
    """A CSV as Finnish Excel writes it: ';' separated, values with ';', '"' or line breaks quoted."""
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(header or PLACES_HEADER.split(";"))
    writer.writerows(rows)
    (HERE / name).write_bytes(buf.getvalue().encode(encoding))


def raw(name: str, content: bytes) -> None:
    (HERE / name).write_bytes(content)


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = compression
            archive.writestr(info, data)
    return buf.getvalue()


def xlsx_bytes(df: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet, index=False)
    return buf.getvalue()


def small_gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]) -> None:
    """Write layers to a GeoPackage, then repack it with 512-byte pages (about 50 kB instead of 150)."""
    import pyogrio

    path.unlink(missing_ok=True)
    for name, frame in layers.items():
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
        else:
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=512")
    con.execute("VACUUM")
    con.close()


def geojson(features: list[dict], **extra) -> str:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}, ensure_ascii=False)


def feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def place_props(i: int, **kw) -> dict:
    return {
        "id": f"p{i}",
        "name": f"Paikka {i}",
        "opening_hours": "Tu 09:30-11:30",
        "status": "existing",
        **kw,
    }


def shapefile_zip(gdf: gpd.GeoDataFrame, stem: str, *, prj: str | None = None, drop=()) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{stem}.shp"
        gdf.to_file(shp, engine="pyogrio")
        if prj is not None:
            shp.with_suffix(".prj").write_text(prj)
        members = {
            f.name: f.read_bytes()
            for f in sorted(Path(tmp).iterdir())
            if f.suffix.lower() not in drop and f.suffix.lower() != ".cpg"
        }
    return zip_of(members)


def main() -> None:
    # --- places: CSV ------------------------------------------------------------------------------------
    good = (
        "1;Perhetupa;Tu 09:30-11:30;olemassa;60,3330;24,3220\n"
        "2;Perhekahvila;We 10:00-12:00;olemassa;60,4170;24,3350\n"
    )
    text("paikat_empty.csv", "")
    text("paikat_header_only.csv", PLACES_HEADER + "\n", "utf-8-sig")
    text("paikat_truncated.csv", PLACES_HEADER + "\n" + good + "3;Kerho;We 10:00-1", "utf-8-sig")
    text(
        "paikat_truncated_quote.csv",
        "id;nimi;aukioloajat;tila;lat;lon;lisätiedot\n"
        '1;Perhetupa;Tu 09:30-11:30;olemassa;60,3330;24,3220;"ok"\n'
        '2;Perhekahvila;We 10:00-12:00;olemassa;60,4170;24,3350;"Kahvia ja\nkeskustelua; mukaan',
        "utf-8-sig",
    )
    text(
        "paikat_cp1252_status.csv",
        "id;nimi;aukioloajat;tila;lat;lon\n1;Kärkölän perhetupa;Tu 09:30-11:30;käynnissä;60,3330;24,3220\n",
        "cp1252",
    )
    text(
        "paikat_utf16_no_bom.csv",
        "id;nimi;aukioloajat;tila;lat;lon\n1;Äitien kahvila;;olemassa;60,3330;24,3220\n",
        "utf-16-le",
    )
    text(
        "paikat_comma_separated.csv",
        "id,nimi,aukioloajat,tila,lat,lon\n1,Perhetupa,Tu 09:30-11:30,olemassa,60.3330,24.3220\n"
        "2,Perhekahvila,We 10:00-12:00,olemassa,60,4170,24,3350\n",
    )
    text(
        "paikat_space_separated.csv",
        "id nimi aukioloajat tila lat lon\n1 Perhetupa Tu_09:30-11:30 olemassa 60.3330 24.3220\n",
    )
    text(
        "paikat_swapped_lat_lon.csv",
        PLACES_HEADER + "\n1;Perhetupa;Tu 09:30-11:30;olemassa;60,3330;24,3220\n"
        "2;Perhekahvila;We 10:00-12:00;olemassa;24,3350;60,4170\n",
        "utf-8-sig",
    )
    table(
        "paikat_invalid_hours.csv",
        [
            ["1", "Perhetupa", "ti 9-12", "olemassa", "60,3330", "24,3220"],
            ["2", "Perhekahvila", "Mo 25:00-26:00", "olemassa", "60,4170", "24,3350"],
            ["3", "Kerho", "joka päivä", "olemassa", "60,4170", "24,3350"],
            ["4", "Avoin päiväkoti", "Tu 10:00-12:00; PH of", "olemassa", "60,4170", "24,3350"],
            ["5", "Iltakerho", "Tu 18:00-20:00", "olemassa", "60,4170", "24,3350"],
        ],
    )
    # the same rule typed by hand without quotes: the ';' splits the row
    text(
        "paikat_unquoted_semicolon.csv",
        PLACES_HEADER + "\n" + good + "3;Kerho;Tu 10:00-12:00; PH off;olemassa;60,4170;24,3350\n",
        "utf-8-sig",
    )
    text(
        "paikat_duplicate_ids.csv",
        PLACES_HEADER + "\n" + good + "1;Kerho;Th 10:00-11:30;olemassa;60,4460;24,1450\n",
        "utf-8-sig",
    )
    table(
        "paikat_html_js.csv",
        [
            [
                "1",
                "<img src=x onerror=alert(1)>",
                "Tu 09:30-11:30",
                "olemassa",
                "<script>alert('x')</script>",
                '=HYPERLINK("http://evil.example","klikkaa")',
                'Tervetuloa </td><b>kaikki</b> & "lapset"',
                "60,3330",
                "24,3220",
            ],
            [
                "2",
                "Perhekahvila <a href=javascript:alert(2)>x</a>",
                "We 10:00-12:00",
                "olemassa",
                "{{7*7}} ${7*7} {% raw %}",
                "'; DROP TABLE places; --",
                "<svg/onload=alert(3)>\n<!-- -->",
                "60,4170",
                "24,3350",
            ],
        ],
        header=["id", "nimi", "aukioloajat", "tila", "osoite", "järjestäjä", "lisätiedot", "lat", "lon"],
    )
    (HERE / "paikat_mixed_encoding.csv").write_bytes(
        (PLACES_HEADER + "\n1;Äitien kahvila;Tu 09:30-11:30;olemassa;60,3330;24,3220\n").encode("utf-8")
        + "2;Isien kerho Kärkölä;We 10:00-12:00;olemassa;60,4170;24,3350\n".encode("cp1252")
    )
    text(
        "paikat_vrt.geojson",
        '<OGRVRTDataSource><OGRVRTLayer name="places"><SrcDataSource>/etc/passwd</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>\n",
    )
    text(
        "paikat_html_page.csv",
        "<!DOCTYPE html>\n<html><head><title>Kirjaudu sisään</title></head>\n"
        "<body><form>Istunto vanhentui</form></body></html>\n",
    )
    text("paikat_sep_only.csv", "sep=;\n")

    # --- places: XLSX ----------------------------------------------------------------------------------
    raw("paikat_csv_renamed.xlsx", (PLACES_HEADER + "\n" + good).encode("utf-8-sig"))
    frame = pd.DataFrame(
        {
            "id": ["1", "2"],
            "nimi": ["Perhetupa", "Kerho"],
            "aukioloajat": ["Tu 09:30-11:30", "We 10:00-12:00"],
            "tila": ["olemassa", "olemassa"],
            "lat": [60.333, 60.417],
            "lon": [24.322, 24.335],
        }
    )
    book = xlsx_bytes(frame)
    raw("paikat_xlsx_renamed.csv", book)
    raw("paikat_truncated.xlsx", book[: len(book) // 2])
    raw("paikat_empty_sheet.xlsx", xlsx_bytes(pd.DataFrame()))
    raw("paikat_xml_entities.xlsx", _billion_laughs(book))
    raw("paikat_old_excel.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    # a workbook whose sheet XML is padded to 8 MB of spaces: a few kB zipped (an XLSX zip bomb)
    with zipfile.ZipFile(io.BytesIO(book)) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000, 1)
    raw("paikat_bomb.xlsx", zip_of(members))

    # --- places: GeoJSON -------------------------------------------------------------------------------
    text(
        "paikat_metres_as_degrees.geojson",
        geojson(
            [
                feature(place_props(1), {"type": "Point", "coordinates": list(NUMMELA_3067)}),
                feature(place_props(2), {"type": "Point", "coordinates": list(OJAKKALA_3067)}),
            ]
        ),
    )
    text(
        "paikat_mixed_geometry.geojson",
        geojson(
            [
                feature(place_props(1), {"type": "Point", "coordinates": list(NUMMELA)}),
                feature(
                    place_props(2), {"type": "LineString", "coordinates": [list(NUMMELA), list(KIRKONKYLA)]}
                ),
                feature(
                    place_props(3),
                    {
                        "type": "Polygon",
                        "coordinates": [[[24.3, 60.3], [24.4, 60.3], [24.4, 60.4], [24.3, 60.3]]],
                    },
                ),
            ]
        ),
    )
    full = geojson(
        [feature(place_props(i), {"type": "Point", "coordinates": list(NUMMELA)}) for i in (1, 2, 3)]
    )
    text("paikat_truncated.geojson", full[: len(full) * 2 // 3])
    text(
        "paikat_nan_coordinates.geojson",
        '{"type": "FeatureCollection", "features": ['
        + ", ".join(
            f'{{"type": "Feature", "properties": {{"id": "p{i}", "name": "P", "opening_hours": '
            f'"Tu 09:30-11:30", "status": "existing"}}, '
            f'"geometry": {{"type": "Point", "coordinates": {xy}}}}}'
            for i, xy in enumerate(
                ["[24.322, 60.333]", "[NaN, 60.333]", "[Infinity, 60.1]", "[1e300, 60.1]"], 1
            )
        )
        + "]}",
    )
    text("paikat_huge_number.geojson", full.replace("24.322", "1e400", 1))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
    raw("paikat_png.geojson", png)

    # --- places: GeoPackage ----------------------------------------------------------------------------
    pts = gpd.GeoDataFrame(
        {
            "id": ["p1", "p2"],
            "name": ["A", "B"],
            "opening_hours": ["Tu 09:30-11:30"] * 2,
            "status": ["existing"] * 2,
        },
        geometry=[Point(NUMMELA), Point(KIRKONKYLA)],
        crs=3067,  # degrees labelled as EPSG:3067
    )
    small_gpkg(HERE / "paikat_degrees_as_3067.gpkg", {"places": pts})
    other = pts.set_crs(4326, allow_override=True)
    small_gpkg(HERE / "paikat_unnamed_layers.gpkg", {"taulu1": other, "taulu2": other})

    # --- places: zip -----------------------------------------------------------------------------------
    places_csv = (PLACES_HEADER + "\n" + good).encode("utf-8-sig")
    raw("paikat_bomb.zip", zip_of({"paikat.csv": b"0" * 5_000_000}))
    raw("paikat_nested.zip", zip_of({"sisempi.zip": zip_of({"paikat.csv": places_csv})}))
    corrupt = bytearray(zip_of({"paikat.csv": places_csv * 20}))
    payload = corrupt.index(b"PK\x03\x04") + 30 + len("paikat.csv")
    for i in range(payload + 10, payload + 30):  # damage the compressed data of the member
        corrupt[i] ^= 0x5A
    raw("paikat_bad_crc.zip", bytes(corrupt))
    raw("paikat_zip_slip.zip", zip_of({"../../../katve_zip_slip_paikat.csv": places_csv}))
    raw("paikat_encrypted.zip", _encrypted_zip())

    # --- areas -----------------------------------------------------------------------------------------
    text(
        "alueet_huge_numbers.csv",
        "id;nimi;väestö;lapset_0_6;x;y\n"
        "1;Nummela;1e30;1200;345958;6691390\n"
        "2;Ojakkala;400;99999999999;352000;6699500\n"
        "3;Kirkonkylä;3000;200;1e300;6705000\n",
        "utf-8-sig",
    )
    text(
        "alueet_nan_inf.csv",
        "id;nimi;väestö;lapset_0_6;x;y\n"
        "1;Nummela;NaN;100;345958;6691390\n"
        "2;Ojakkala;400;inf;352000;6699500\n"
        "3;Kirkonkylä;-inf;20;352000;6699500\n"
        "4;Jokikunta;500;40;nan;6699500\n",
        "utf-8-sig",
    )
    text(
        "alueet_children_over_population.csv",
        "id;nimi;väestö;lapset_0_6;x;y\n1;Nummela;15000;1200;345958;6691390\n2;Ojakkala;40;400;352000;6699500\n",
        "utf-8-sig",
    )
    text(
        "alueet_lines.geojson",
        geojson(
            [
                feature(
                    {"id": "a1", "name": "Tie", "population": 10, "children_0_6": 1},
                    {"type": "LineString", "coordinates": [list(NUMMELA), list(KIRKONKYLA)]},
                ),
            ]
        ),
    )
    gk25 = gpd.GeoDataFrame(
        {
            "id": ["a1", "a2"],
            "name": ["Nummela", "Ojakkala"],
            "population": [15000, 400],
            "children_0_6": [1200.0, 30.0],
        },
        geometry=[Point(25_345_000, 6_692_000), Point(25_352_000, 6_700_000)],
        crs=3879,
    )
    wgs84_prj = (
        'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
        'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
    )
    raw("alueet_gk25_prj_says_wgs84.zip", shapefile_zip(gk25, "alueet", prj=wgs84_prj))
    sweden = gpd.GeoDataFrame(
        {"id": ["a1"], "name": ["Uppsala"], "population": [1000], "children_0_6": [80.0]},
        geometry=[Point(647_000, 6_638_000)],  # SWEREF99 TM, a different country
        crs=3006,
    )
    small_gpkg(HERE / "alueet_sweden.gpkg", {"alueet": sweden})

    # --- candidates ------------------------------------------------------------------------------------
    text("ehdokkaat_no_coordinates.csv", "id;nimi;osoite\nc1;Kylätalo;Kylätie 1\n", "utf-8-sig")
    text(
        "ehdokkaat_not_in_finland.csv",
        "id;nimi;x;y\nc1;Kylätalo;647000;6338000\nc2;Koulu;648000;6339000\n",
        "utf-8-sig",
    )
    cands = gpd.GeoDataFrame({"id": ["c1"], "name": ["Koulu"]}, geometry=[Point(NUMMELA_3067)], crs=3067)
    raw("ehdokkaat_missing_dbf.zip", shapefile_zip(cands, "ehdokkaat", drop=(".dbf",)))

    # --- visits ----------------------------------------------------------------------------------------
    text(
        "kaynnit_bad_values.csv",
        "paikka;päivämäärä;aikuiset;lapset;ensikertalaiset\n"
        "p1;4.3.2025;5;7;1\n"
        "p1;31.2.2025;-3;paljon;1\n"
        "p2;2025-13-01;2;2;9\n",
        "utf-8-sig",
    )
    raw(
        "kaynnit_huge.xlsx",
        xlsx_bytes(
            pd.DataFrame(
                {
                    "Paikka": ["p1", "p2"],
                    "Päivämäärä": ["4.3.2025", "5.3.2025"],
                    "Aikuiset": [5, 1_000_000],
                    "Lapset": [7, 2.5],
                }
            )
        ),
    )

    # --- outreach --------------------------------------------------------------------------------------
    text(
        "jalkautuminen_end_before_start.csv",
        "paikka;alkaa;loppuu;ammatti\n"
        "p1;4.3.2025 klo 10.00;4.3.2025 klo 11.00;terveydenhoitaja\n"
        "p1;5.3.2025 klo 12.00;5.3.2025 klo 10.00;neuvola\n"
        "p2;huomenna;;sosiaaliohjaaja\n",
        "utf-8-sig",
    )
    raw(
        "jalkautuminen_missing_profession.xlsx",
        xlsx_bytes(
            pd.DataFrame(
                {
                    "Paikka": ["p1", "p2"],
                    "Alkaa": ["4.3.2025 10:00", "5.3.2025 10:00"],
                    "Ammatti": ["perheohjaaja", None],
                }
            )
        ),
    )

    # --- boundary --------------------------------------------------------------------------------------
    text(
        "raja_points.geojson",
        geojson([feature({"code": "927", "name": "Vihti"}, {"type": "Point", "coordinates": list(NUMMELA)})]),
    )
    text(
        "raja_no_geometry.geojson",
        geojson(
            [
                feature({"code": "927", "name": "Vihti"}, None),
                feature({"code": "927", "name": "Vihti"}, {"type": "Polygon", "coordinates": []}),
            ]
        ),
    )

    # --- project GeoPackages ---------------------------------------------------------------------------
    places = gpd.GeoDataFrame(
        {
            "id": ["p1", "p1", "p3"],
            "name": ["A", "B", "<img src=x onerror=alert(1)>"],
            "opening_hours": ["Tu 09:30-11:30", "ti 9-12", "We 10:00-12:00"],
            "status": ["existing"] * 3,
        },
        geometry=[Point(NUMMELA_3067), Point(OJAKKALA_3067), Point(350_000, 6_695_000)],
        crs=3067,
    )
    boundary = gpd.GeoDataFrame(
        {"code": ["927"], "name": ["Vihti"]},
        geometry=[
            Polygon([(330_000, 6_680_000), (375_000, 6_680_000), (375_000, 6_730_000), (330_000, 6_730_000)])
        ],
        crs=3067,
    )
    small_gpkg(HERE / "projekti_missing_layer.gpkg", {"places": places.iloc[[0, 2]], "boundary": boundary})
    areas = gpd.GeoDataFrame(
        {"id": ["a1"], "name": ["Nummela"], "population": [15000], "children_0_6": [99999.0]},
        geometry=[Point(NUMMELA_3067)],
        crs=3067,
    )
    small_gpkg(HERE / "projekti_bad_rows.gpkg", {"places": places, "areas": areas})
    text("projekti_text.gpkg", "id;nimi\n1;ei geopaketti\n")
    good_gpkg = (HERE / "projekti_bad_rows.gpkg").read_bytes()
    raw("projekti_truncated.gpkg", good_gpkg[: len(good_gpkg) // 3])
    text(
        "projekti_vrt.gpkg",
        '<OGRVRTDataSource><OGRVRTLayer name="places"><SrcDataSource>/etc/passwd</SrcDataSource>'
        '</OGRVRTLayer><OGRVRTLayer name="areas"><SrcDataSource>/etc/passwd</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>\n",
    )
    lines = gpd.GeoDataFrame(
        {"id": ["p1"], "name": ["A"], "opening_hours": ["Tu 09:30-11:30"], "status": ["existing"]},
        geometry=[LineString([NUMMELA_3067, OJAKKALA_3067])],
        crs=3067,
    )
    raw("paikat_lines.zip", shapefile_zip(lines, "paikat"))
    raw(
        "paikat_shp_header_only.zip",
        zip_of({"paikat.shp": struct.pack(">i", 9994) + b"\x00" * 20, "paikat.shx": b"", "paikat.dbf": b""}),
    )


def _billion_laughs(book: bytes) -> bytes:
    """The workbook with an XML entity in its sheet that would expand to a billion 'lol's."""
    with zipfile.ZipFile(io.BytesIO(book)) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10)
    )
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode()
        + sheet.replace(b"<t>Perhetupa</t>", b"<t>&lol9;</t>", 1)
    )
    return zip_of(members)


def _encrypted_zip() -> bytes:
    """A zip whose only member carries the 'encrypted' flag (as a password-protected zip does)."""
    data = bytearray(zip_of({"paikat.csv": b"id;nimi\n1;A\n"}, compression=zipfile.ZIP_STORED))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 0x01  # general purpose flag bit 0: encrypted
    data[central + 8] |= 0x01
    return bytes(data)


if __name__ == "__main__":
    main()
    files = [f for f in HERE.iterdir() if f.suffix not in (".py", ".md")]
    print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 1e3:.0f} kB")
