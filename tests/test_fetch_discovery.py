"""Grid data from the live services, robustly: newest layers from the WFS capabilities, the 1:1M boundary,
the municipality by name, children 0-6 from StatFin 11re (7/15 only as the flagged last resort), the Eurostat
grid. Against the local server of test_fetch replaying responses of the real schemas."""

from __future__ import annotations

import json
import os
import time
import urllib.parse
from pathlib import Path

import pytest
from test_fetch import DATA, FakeServer, _free_port

from coverage.cli.main import main
from coverage.core import errors
from coverage.io.official import ages, discovery, eurostat, fetch, municipalities, sources, statistics

RATIO_2019 = 2111 / 5420  # Vihti 31.12.2019, StatFin 11re: ages 0-6 / ages 0-14 (the fixture's real figures)


@pytest.fixture
def server():
    with FakeServer() as s:
        yield s


def _layer_queried(server, workspace: str) -> str:
    return next(
        q["typeNames"][0] for q in server.queries if q.get("typeNames", [""])[0].startswith(workspace)
    )


def _fetch(server, tmp_path, what="boundary,grid,paavo", municipality="927"):
    return fetch.fetch(
        municipality, what=what, out_dir=tmp_path / "out", base_url=server.url, cache_dir=tmp_path / "c"
    )


# --- the layers ---------------------------------------------------------------------------------------------


def test_capabilities_fixture_has_the_real_schema():
    names = discovery.feature_type_names((DATA / "wfs_capabilities.xml").read_bytes())
    assert "vaestoruutu:vaki2021_1km" in names and "vaestoruutu:vaki2024_1km_kp" in names
    assert len(names) == len(set(names)) == 19


def test_discovery_picks_the_newest_year(server, tmp_path):
    files = _fetch(server, tmp_path)
    grid, paavo = files["grid"].layer, files["paavo"].layer
    assert files["boundary"].layer.discovered
    assert (grid.layer, grid.year, grid.discovered) == (
        "vaestoruutu:vaki2024_1km",
        2024,
        True,
    )  # not _kp/_5km
    assert (paavo.layer, paavo.year) == ("postialue:pno_tilasto_2026", 2026)  # not the undated one
    assert _layer_queried(server, "vaestoruutu") == "vaestoruutu:vaki2024_1km"
    assert _layer_queried(server, "postialue") == "postialue:pno_tilasto_2026"
    assert server.requests["/wfs"] == 1  # one GetCapabilities for all three
    assert not any(f.notes for k, f in files.items() if k != "grid")


def test_boundary_from_the_1m_layer_when_offered(server, tmp_path):
    files = _fetch(server, tmp_path, what="boundary")
    assert files["boundary"].layer.layer == "tilastointialueet:kunta1000k_2026"
    assert files["boundary"].layer.scale == "1:1 000 000"
    assert _layer_queried(server, "tilastointialueet") == "tilastointialueet:kunta1000k_2026"


def test_boundary_from_the_4_5m_layer_when_no_1m(server, tmp_path):
    xml = (DATA / "wfs_capabilities.xml").read_text(encoding="utf-8")
    server.capabilities = xml.replace("kunta1000k", "seutukunta1000k").encode("utf-8")
    files = _fetch(server, tmp_path, what="boundary")
    assert files["boundary"].layer.layer == "tilastointialueet:kunta4500k_2026"
    assert files["boundary"].layer.discovered and files["boundary"].layer.scale == "1:4 500 000"


@pytest.mark.parametrize("broken", ["404", "exception", "html"])
def test_fallback_when_the_capabilities_fail(server, tmp_path, broken):
    server.capabilities = {
        "404": None,
        "exception": b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1">'
        b"<ows:Exception><ows:ExceptionText>Service unavailable</ows:ExceptionText></ows:Exception>"
        b"</ows:ExceptionReport>",
        "html": b"<html><body>maintenance</body></html>",
    }[broken]
    files = _fetch(server, tmp_path)
    assert (files["grid"].layer.layer, files["grid"].layer.year) == (fetch.GRID_LAYER, 2022)
    assert not files["grid"].layer.discovered
    assert files["boundary"].layer.layer == fetch.BOUNDARY_LAYER
    assert files["paavo"].layer.layer == fetch.PAAVO_LAYER
    assert _layer_queried(server, "vaestoruutu") == "vaestoruutu:vaki2022_1km"
    note = files["grid"].notes[0]
    assert "vaestoruutu:vaki2022_1km" in note and "2022" in note and "\n" not in note


def test_stale_capabilities_are_asked_again_and_kept_when_the_server_fails(server, tmp_path):
    _fetch(server, tmp_path, what="boundary")
    cached = fetch.cache_path(discovery.capabilities_url(server.url), cache_dir=tmp_path / "c")
    old = time.time() - fetch.CAPABILITIES_MAX_AGE - 60
    os.utime(cached, (old, old))
    server.capabilities = None  # the service is down now: the old list still picks the 2026 layer
    files = _fetch(server, tmp_path, what="boundary")
    assert server.requests["/wfs"] == 2
    assert files["boundary"].layer.layer == "tilastointialueet:kunta1000k_2026"


def test_cli_says_which_layer_and_year(server, tmp_path, capsys):
    server.capabilities = None
    args = ["fetch", "--municipality", "927", "--what", "grid", "--out", str(tmp_path),
            "--base-url", server.url, "--cache", str(tmp_path / "c"), "--no-progress"]  # fmt: skip
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "population grid: vaestoruutu:vaki2022_1km, year 2022 (the known fallback)" in captured.out
    assert "boundary: tilastointialueet:kunta4500k, year newest (the known fallback" in captured.out
    assert "note: Using the known layer vaestoruutu:vaki2022_1km (year 2022)" in captured.err
    server.capabilities = (DATA / "wfs_capabilities.xml").read_bytes()
    assert main([*args, "--lang", "fi", "--refresh"]) == 0
    out = capsys.readouterr().out
    assert "väestöruudut: vaestoruutu:vaki2024_1km, vuosi 2024 (uusin palvelun tarjoama)" in out
    assert (
        "kuntaraja: tilastointialueet:kunta1000k_2026, vuosi 2026 "
        "(uusin palvelun tarjoama, mittakaava 1:1 000 000)" in out
    )


# --- the municipality by name -------------------------------------------------------------------------------


def test_embedded_list_of_all_municipalities():
    everyone = municipalities.municipalities()
    assert len(everyone) == 308 and len({m.code for m in everyone}) == 308
    assert len({m.region_fi for m in everyone}) == 19
    assert municipalities.by_code("927").name_sv == "Vichtis"
    assert (
        municipalities.by_code("233").name_fi == "Kauhava"
        and municipalities.by_code("52").name_fi == "Evijärvi"
    )
    assert municipalities.by_code("588") is None  # Pertunmaa merged into Mäntyharju on 1.1.2026


@pytest.mark.parametrize(
    "typed, code",
    [("Vihti", "927"), ("Vichtis", "927"), ("vihti", "927"), (" VICHTIS ", "927"), ("927", "927"),
     ("52", "052"),
     ("Evijarvi", "052"), ("Helsingfors", "091"), ("Mariehamn", "478"), ("Maarianhamina", "478"),
     ("Pedersöre", "599"), ("Koski", "284")],
)  # fmt: skip
def test_municipality_by_name_or_code(typed, code):
    assert municipalities.find_municipality(typed).code == code


@pytest.mark.parametrize(
    "lang, start",
    [("fi", "”Kauha” sopii usealle kunnalle: Kauhajoki (232), Kauhava (233)."),
     ("sv", "”Kauha” passar flera kommuner: Kauhajoki (232), Kauhava (233)."),
     ("en", "“Kauha” fits several municipalities: Kauhajoki (232), Kauhava (233).")],
)  # fmt: skip
def test_ambiguous_name_lists_the_matches(lang, start):
    with pytest.raises(errors.KatveError) as err:
        municipalities.find_municipality("Kauha", lang=lang)
    assert str(err.value).startswith(start)


def test_unknown_name_offers_close_matches():
    with pytest.raises(errors.KatveError, match=r"Tarkoititko: Vihti – Vichtis \(927\)\?"):
        municipalities.find_municipality("Vihdi", lang="fi")
    with pytest.raises(errors.KatveError, match=r"Menade du: Vichtis – Vihti \(927\)\?"):
        municipalities.find_municipality("Vichtiz", lang="sv")
    with pytest.raises(
        errors.KatveError, match="No municipality “Atlantis” in Statistics Finland's classification"
    ):
        municipalities.find_municipality("Atlantis", lang="en")
    with pytest.raises(errors.KatveError, match="no municipality code 999"):
        municipalities.find_municipality("999", lang="en")


def test_fetch_by_swedish_name_asks_for_the_code(server, tmp_path):
    files = _fetch(server, tmp_path, what="boundary", municipality="Vichtis")
    assert files["boundary"].path.name == "boundary_927.geojson"
    cql = [q["CQL_FILTER"][0] for q in server.queries if "CQL_FILTER" in q]
    assert cql == ["kunta='927'"]


def test_cli_fetch_by_name_and_json(server, tmp_path, capsys):
    server.pxweb = (DATA / "pxweb_11re_927.json").read_bytes()
    code = main(["fetch", "--municipality", "Vihti", "--what", "grid", "--out", str(tmp_path), "--base-url",
                 server.url, "--cache", str(tmp_path / "c"), "--no-progress", "--json"])  # fmt: skip
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["municipality"] == {"code": "927", "name_fi": "Vihti", "name_sv": "Vichtis"}
    grid = doc["files"]["grid"]
    assert grid["layer"] == {
        "name": "vaestoruutu:vaki2024_1km",
        "year": 2024,
        "discovered": True,
        "scale": "1 km",
    }
    assert grid["children_0_6"]["method"] == "statfin_11re_2019" and grid["children_0_6"]["year"] == 2019
    assert grid["children_0_6"]["ratio"] == pytest.approx(RATIO_2019, abs=1e-6)
    assert doc["files"]["boundary"]["layer"]["name"] == "tilastointialueet:kunta1000k_2026"


# --- children 0-6 from the municipality's own age structure ---------------------------------------------


def test_age_structure_from_the_json_stat2_answer():
    a = ages.read_age_structure(DATA / "pxweb_11re_927.json", municipality="927")
    assert (a.municipality, a.year, a.children_0_6, a.children_0_14) == ("927", 2019, 2111, 5420)
    assert a.ratio == pytest.approx(0.38948, abs=1e-5) and a.method == "statfin_11re_2019"
    query = ages.pxweb_query("927")
    assert query["response"] == {"format": "json-stat2"}
    selection = {q["code"]: q["selection"] for q in query["query"]}
    assert selection["Alue"]["values"] == ["KU927"] and selection["Ikä"]["values"][-1] == "014"
    assert selection["Vuosi"] == {"filter": "top", "values": ["1"]}


def test_age_structure_refuses_a_wrong_answer():
    with pytest.raises(errors.KatveError, match="not json-stat2"):
        ages.read_age_structure(b"<html>error</html>")
    doc = json.loads((DATA / "pxweb_11re_927.json").read_text(encoding="utf-8"))
    with pytest.raises(errors.KatveError, match="no figures for KU233"):
        ages.read_age_structure(json.dumps(doc).encode(), municipality="233")
    doc["value"][3] = None
    with pytest.raises(errors.KatveError, match=r"lacks the ages \[3\]"):
        ages.read_age_structure(json.dumps(doc).encode(), municipality="927")


def test_grid_calibrated_with_statfin_11re(server, tmp_path):
    server.pxweb = (DATA / "pxweb_11re_927.json").read_bytes()
    files = _fetch(server, tmp_path, what="grid")
    assert files["grid"].ages is not None and files["grid"].ages.name == "ages_927.json"
    assert server.posts[0]["query"][0]["selection"]["values"] == ["KU927"]
    results = sources.read_fetched(
        {"boundary": files["boundary"].path, "grid": files["grid"].path, "ages": files["grid"].ages},
        municipality="927",
    )
    areas = results["grid"].data.set_index("id")
    # the two unprotected cells: 0-14 x the municipality's ratio, not x 7/15
    assert areas.loc["1kmN6691E352", "children_0_6"] == pytest.approx(60 * RATIO_2019)
    assert areas.loc["1kmN6700E352", "children_0_6"] == pytest.approx(30 * RATIO_2019)
    share = 90 / 450 * RATIO_2019  # protected cells: the municipality's share of 0-14 x the ratio
    assert areas.loc["1kmN6695E356", "children_0_6"] == pytest.approx(7 * share)
    assert (areas["children_method"] == "statfin_11re_2019").all()
    text = " ".join(str(w) for w in results["grid"].warnings)
    assert "StatFin" in text and "11re" in text and "2019" in text and "7/15" not in text


def test_statfin_down_falls_back_to_7_15_flagged(server, tmp_path, capsys):
    server.pxweb = None  # the PxWeb table answers 404
    files = _fetch(server, tmp_path, what="grid")
    assert files["grid"].ages is None
    assert any("StatFin" in n and "7/15" in n for n in files["grid"].notes)
    results = sources.read_fetched(
        {"grid": files["grid"].path, "boundary": files["boundary"].path}, municipality="927"
    )
    areas = results["grid"].data.set_index("id")
    assert areas.loc["1kmN6691E352", "children_0_6"] == pytest.approx(60 * 7 / 15)
    assert (areas["children_method"] == "uniform_7_15").all()
    code = main(["fetch", "--municipality", "927", "--what", "grid", "--out", str(tmp_path / "cli"),
                 "--base-url", server.url, "--cache", str(tmp_path / "c"), "--no-progress"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "ages     Last resort: children 0-6 = 0-14-year-olds × 7/15" in captured.out
    assert "uniform_7_15" in captured.out
    assert captured.err.count("could not be had from Statistics Finland's StatFin table 11re") == 1


def test_statfin_offline_is_one_line_note(tmp_path):
    """Only the PxWeb server is unreachable: the grid still comes, with one note."""
    with FakeServer() as s:
        fake_pxweb = f"http://127.0.0.1:{_free_port()}"
        dl = fetch._Downloader(cache_dir=tmp_path / "c", timeout=5, refresh=False, progress=None)
        path, note = fetch._fetch_ages(dl, fake_pxweb, "927", tmp_path)
        assert path is None and "cannot reach 127.0.0.1" in note and "\n" not in note
        assert s.requests == {}


# --- the Eurostat/GISCO grid -------------------------------------------------------------------------------


def test_eurostat_grid_is_read_as_population_cells():
    boundary = statistics.read_boundary(DATA / "boundary_927.geojson").data
    structure = ages.read_age_structure(DATA / "pxweb_11re_927.json", municipality="927")
    path = DATA / "eurostat_grid_927.csv"
    assert sources.detect_source(path) == "grid"
    result = statistics.read_population_grid(
        path, municipality="927", boundary=boundary, age_structure=structure
    )
    areas = result.data.set_index("id")
    assert len(areas) == 7  # the Kauhava cell far north is left out
    assert "CRS3035RES1000mN4550000E4983000" not in areas.index
    assert areas["population"].sum() == 2494 + 2050 + 1654 + 3 + 2 + 3 + 4
    assert areas.crs.to_epsg() == 3067
    cell = areas.loc["CRS3035RES1000mN4216000E5108000"]
    assert cell.geometry.area == pytest.approx(1e6, rel=1e-3)  # a 1 km square, reprojected
    centre = cell.geometry.centroid
    assert (centre.x, centre.y) == pytest.approx((352549.8, 6691006.6), abs=1.0)  # the shared data's centre
    assert cell["children_0_6"] == pytest.approx(416 * RATIO_2019)
    # perturbed single cells: more 0-14 than residents is kept at the total
    assert areas.loc["CRS3035RES1000mN4229000E5118000", "children_0_6"] == pytest.approx(3 * RATIO_2019)
    assert (areas["children_method"] == "statfin_11re_2019").all() and areas["children_estimated"].all()
    text = " ".join(str(w) for w in result.warnings)
    assert "2 cells had more 0-14-year-olds than residents" in text


def test_eurostat_grid_as_geopackage(tmp_path):
    """The GeoPackage Eurostat publishes (polygons in EPSG:3035) gives the same cells as the CSV."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    table = pd.read_csv(DATA / "eurostat_grid_927.csv")
    cells = [eurostat.parse_grid_id(v) for v in table["GRD_ID"]]
    squares = [shapely.box(e, n, e + s, n + s) for s, n, e in cells]
    path = tmp_path / "grid.gpkg"
    gpd.GeoDataFrame(table, geometry=squares, crs="EPSG:3035").to_file(path, driver="GPKG")
    assert sources.detect_source(path) == "grid"
    boundary = statistics.read_boundary(DATA / "boundary_927.geojson").data
    from_gpkg = statistics.read_population_grid(path, municipality="927", boundary=boundary).data
    from_csv = statistics.read_population_grid(
        DATA / "eurostat_grid_927.csv", municipality="927", boundary=boundary
    )
    assert from_gpkg["id"].tolist() == from_csv.data["id"].tolist()
    assert from_gpkg["children_0_6"].tolist() == pytest.approx(from_csv.data["children_0_6"].tolist())
    assert from_gpkg.geometry.iloc[0].equals_exact(from_csv.data.geometry.iloc[0], 1e-6)


def test_eurostat_grid_without_age_structure_is_flagged(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text(
        "GRD_ID;T;Y_LT15\nCRS3035RES1000mN4216000E5108000;2494;416\nCRS3035RES1000mN4216000E5107000;2050;\n",
        encoding="utf-8",
    )
    result = statistics.read_population_grid(path)
    areas = result.data.set_index("id")
    assert areas.loc["CRS3035RES1000mN4216000E5108000", "children_0_6"] == pytest.approx(416 * 7 / 15)
    # no 0-14 count: the population x the file's share of children
    assert areas.loc["CRS3035RES1000mN4216000E5107000", "children_0_6"] == pytest.approx(
        2050 * 416 / 2494 * 7 / 15
    )
    assert (areas["children_method"] == "uniform_7_15").all()


def test_eurostat_grid_bad_id_names_the_row(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text(
        "GRD_ID,T,Y_LT15\nCRS3035RES1000mN4216000E5108000,10,2\nCRS3035RES1000mN4216000E5107000,5,1\n"
        "CRS3035RES1000mN4216000E5106000,7,1\nCRS3035RES1000mN4216000E5105000,4,1\n"
        "CRS3035RES1000mN4216000E5104000,9,1\nCRS3035RES1000mN4216000E5103000,3,0\n"
        "CRS3035RES1000mN4216000E5102000,6,1\nCRS3035RES1000mN4216000E5101000,2,0\n"
        "CRS3035RES1000mN4216000E5100000,1,0\nCRS3035RES1000mN4216000E5099000,1,0\n"
        "CRS3035RES1000mN4216000E5098000,1,0\nCRS3035RES1000mN4216000E5097000,1,0\n"
        "CRS3035RES1000mN4216000E5096000,1,0\nCRS3035RES1000mN4216000E5095000,1,0\n"
        "CRS3035RES1000mN4216000E5094000,1,0\nCRS3035RES1000mN4216000E5093000,1,0\n"
        "CRS3035RES1000mN4216000E5092000,1,0\nCRS3035RES1000mN4216000E5091000,1,0\n"
        "CRS3035RES1000mN4216000E5090000,1,0\nCRS3035RES1000mN4216000E5089000,1,0\n"
        "1kmN6691E352,1,0\n",
        encoding="utf-8",
    )
    with pytest.raises(errors.InputError) as err:
        statistics.read_population_grid(path)
    assert any(p.row == 21 and "is not a cell id" in p.message for p in err.value.problems)


def test_wfs_urls_of_the_discovered_layers_are_well_formed():
    url = discovery.capabilities_url("https://geo.stat.fi/geoserver/")
    parts = urllib.parse.urlsplit(url)
    assert parts.path == "/geoserver/wfs"
    assert urllib.parse.parse_qs(parts.query) == {
        "service": ["WFS"], "version": ["2.0.0"], "request": ["GetCapabilities"]
    }  # fmt: skip


REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
REAL_GRID = REALDATA / "vaestoruutu_1km_eurostat_2006_2021_vihti_kauhava_evijarvi.csv"


@pytest.mark.skipif(not REAL_GRID.exists(), reason="../shared/realdata is not beside the repository")
@pytest.mark.parametrize(
    "code, cells, residents", [("927", 448, 29_010), ("233", 544, 15_492), ("052", 133, 2_409)]
)
def test_real_eurostat_grid_of_the_shared_data(code, cells, residents):
    """The shared data's census grid: every populated cell of the municipality, its total kept exactly."""
    structure = ages.read_age_structure(DATA / "pxweb_11re_927.json", municipality="927")
    result = statistics.read_population_grid(
        REAL_GRID, municipality=code, age_structure=structure if code == "927" else None
    )
    areas = result.data
    assert len(areas) == cells and int(areas["population"].sum()) == residents
    assert (areas["population"] > 0).all()
    if code == "927":  # 0-14 (5 315, of which 5 cells perturbed above their totals) x the 11re ratio
        assert areas["ika_0_14"].sum() == 5310
        assert areas["children_0_6"].sum() == pytest.approx(5310 * RATIO_2019)
