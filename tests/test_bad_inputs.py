"""The bad-input corpus (tests/data/bad/README.md): clear errors, a clean command line, nothing lost.

Also: size limits checked before reading, zip bombs made at test time, hostile text kept as text, and two
processes saving the same project at once (exactly one wins, the other is told).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from coverage.cli.main import main
from coverage.cli.validate import validate_file
from coverage.core import errors
from coverage.core.errors import InputError, KatveError
from coverage.core.messages import localise
from coverage.io import files as io_files
from coverage.io import importers, store
from coverage.io.datasets import load_dataset

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
READERS = {
    "places": importers.read_places,
    "areas": importers.read_areas,
    "candidates": importers.read_candidates,
    "boundary": importers.read_boundary,
    "visits": importers.read_visits,
    "outreach": importers.read_outreach,
    "project": store.load,
}
CLI_EXPECTED = {
    # `validate` without --layer takes a GeoPackage for a project when it has places *and* areas; this one
    # lacks areas, so it is read as a single layer, which its two layers make ambiguous
    "projekti_missing_layer.gpkg": "-: -: the file has several layers (places, boundary): name the layer",
}
LINE = re.compile(r"^(?P<path>.+?):(?P<row>\d+|-): (?P<field>[^:]+): (?P<message>.+)$")


def _corpus() -> list[tuple[str, str, str]]:
    """(file, reader, expected fragment or 'ok') from the README table."""
    rows = []
    for line in (BAD / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1] in READERS:
            rows.append((cells[0], cells[1], cells[2].strip("`")))
    return rows


CORPUS = _corpus()
BAD_FILES = [c for c in CORPUS if c[2] != "ok"]
IDS = [c[0] for c in CORPUS]
BAD_IDS = [c[0] for c in BAD_FILES]


def _shown(problem) -> str:
    return f"{'-' if problem.row is None else problem.row}: {problem.field}: {problem.message}"


# --- the corpus itself -------------------------------------------------------------------------------------


def test_corpus_is_listed_small_and_covers_every_reader_and_format():
    files = sorted(f.name for f in BAD.iterdir() if f.suffix not in (".md", ".py"))
    assert sorted(IDS) == files, "README table and folder differ"
    assert len(BAD_FILES) >= 30
    assert sum(f.stat().st_size for f in BAD.iterdir()) < 1_000_000
    assert set(READERS) == {reader for _f, reader, _e in CORPUS}
    assert {".csv", ".xlsx", ".geojson", ".gpkg", ".zip"} == {Path(f).suffix for f in IDS}
    shapefiles = [f for f in IDS if f.endswith(".zip") and b".shp" in (BAD / f).read_bytes()]
    assert len(shapefiles) >= 3


# --- every bad file: a clear error -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "reader", "expected"), BAD_FILES, ids=BAD_IDS)
def test_bad_file_gives_a_clear_error(name, reader, expected):
    path = BAD / name
    with pytest.raises(InputError) as exc:
        READERS[reader](path)
    problems = exc.value.problems
    assert problems and all(p.severity == "error" for p in problems)
    shown = [_shown(p) for p in problems]
    assert any(expected in s for s in shown), shown
    for p in problems:
        assert name in p.path  # the file is named (a zip member as zip!member, a project layer as file#layer)
        assert p.row is None or p.row >= 1
        assert p.field and p.message and "\n" not in p.message
        assert "Traceback" not in p.message


@pytest.mark.parametrize(("name", "reader", "expected"), CORPUS, ids=IDS)
def test_cli_validate_prints_one_line_per_problem(name, reader, expected, capsys):
    path = BAD / name
    layer = None if reader == "project" else reader
    args = ["validate", str(path)] + ([] if layer is None else ["--layer", layer])
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if expected == "ok":
        assert code == 0 and out.startswith("kunnossa: 1 tiedosto(a)"), err
        assert main([*args, "--lang", "en"]) == 0
        assert capsys.readouterr().out.startswith("ok: 1 file(s) valid")
        return
    assert code == 2, out + err
    lines = err.splitlines()
    assert lines
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert match["path"].startswith(str(path))
    # the lines are the problems found, said in Finnish (the default); the English is what the library found
    found, _data = validate_file(path, layer=layer)
    expected = CLI_EXPECTED.get(name, expected)
    assert any(expected in str(p) for p in found), [str(p) for p in found]
    errors = [str(localise(p, "fi")) for p in found if p.severity == "error"]
    assert [line for line in lines if line in errors] == errors


@pytest.mark.slow
def test_cli_subprocess_on_the_whole_corpus_folder():
    """``python -m coverage validate tests/data/bad``: layers detected, exit 2, no traceback anywhere."""
    done = subprocess.run(
        [sys.executable, "-m", "coverage", "validate", str(BAD)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert all(LINE.match(line) for line in lines), [line for line in lines if not LINE.match(line)]
    named = {Path(LINE.match(line)["path"].split("!")[0].split("#")[0]).name for line in lines}
    assert {name for name, _r, _e in BAD_FILES} <= named


# --- nothing already in a project is lost ------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved_project(tmp_path_factory):
    path = tmp_path_factory.mktemp("project") / "vihti.gpkg"
    store.save(load_dataset("vihti"), path)
    return path


def test_failed_imports_leave_the_project_untouched(saved_project, tmp_path):
    project = store.load(saved_project)
    version = store.file_version(saved_project)
    assert project.version == version
    before = {name: project.layer(name).copy() for name in ("places", "areas", "boundary", "candidates")}
    for name, reader, _expected in BAD_FILES:
        with pytest.raises(InputError):
            READERS[reader](BAD / name)
        if reader == "project":  # "save as" over an existing bad file is refused too: it is not ours
            copy = tmp_path / name
            copy.write_bytes((BAD / name).read_bytes())
            with pytest.raises(errors.ConflictError):
                store.save(project, copy)
            assert copy.read_bytes() == (BAD / name).read_bytes()
        assert store.file_version(saved_project) == version, name
    for layer, frame in before.items():  # readers never touch the project in memory
        pd.testing.assert_frame_equal(project.layer(layer), frame)
    again = store.load(saved_project)
    assert len(again.places) == len(project.places) and len(again.areas) == len(project.areas)
    project.places = project.places.iloc[:3]
    store.save(project)  # the session's own work can still be saved: no false conflict
    assert len(store.load(saved_project).places) == 3


# --- limits: checked before reading ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".geojson", ".gpkg", ".zip", ".shp"])
def test_files_over_the_size_limit_are_refused_before_reading(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"paikat{suffix}"
    with open(path, "wb") as fh:  # sparse: no 50 MB written
        fh.truncate(io_files.MAX_FILE_BYTES + 2**20)

    def must_not_read(*args, **kwargs):
        raise AssertionError("read before the size check")

    for reader in ("_read_csv", "_read_xlsx", "_read_zip", "_read_spatial", "_check_zip"):
        monkeypatch.setattr(io_files, reader, must_not_read)
    with pytest.raises(InputError) as exc:
        importers.read_places(path)
    assert [_shown(p) for p in exc.value.problems] == [
        "-: -: the file is too large (51 MB; the limit is 50 MB)"
    ]


def test_project_over_the_size_limit_is_refused(tmp_path, capsys):
    path = tmp_path / "huge.gpkg"
    with open(path, "wb") as fh:
        fh.truncate(store.MAX_PROJECT_BYTES + 1)
    with pytest.raises(InputError, match="larger than 200 MB"):
        store.load(path)
    assert main(["validate", str(path)]) == 2
    assert "larger than 200 MB" in capsys.readouterr().err


def test_zip_bomb_over_the_total_limit_made_at_test_time(tmp_path):
    """A real bomb: 210 MB of zeros in one member (about 200 kB on disk), refused from the directory."""
    path = tmp_path / "paikat.zip"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("paikat.csv", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(InputError) as exc:
        importers.read_places(path)
    assert [_shown(p) for p in exc.value.problems] == [
        "-: -: the zip file expands to 210 MB; the limit is 200 MB"
    ]


def test_many_incompressible_members_over_the_total_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(io_files, "MAX_UNZIPPED_BYTES", 2_000_000)
    path = tmp_path / "paikat.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            archive.writestr(f"osa{i}.csv", os.urandom(800_000))
    with pytest.raises(InputError) as exc:
        importers.read_places(path)
    assert _shown(exc.value.problems[0]) == "-: -: the zip file expands to 2.3 MB; the limit is 1.9 MB"


def test_zip_that_lies_about_its_size_is_stopped(tmp_path):
    """Headers claim 40 bytes, the data inflates to 3 MB: reading stops at the claim and reports damage."""
    data = b"id;nimi;aukioloajat;tila;lat;lon\n" + b"1;A;Tu 10:00-12:00;olemassa;60,3;24,3\n" * 80_000
    path = tmp_path / "paikat.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("paikat.csv", data)
    raw = bytearray(path.read_bytes())
    local, central = raw.index(b"PK\x03\x04"), raw.index(b"PK\x01\x02")
    raw[local + 22 : local + 26] = (40).to_bytes(4, "little")  # uncompressed size, local header
    raw[central + 24 : central + 28] = (40).to_bytes(4, "little")  # and in the central directory
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError) as exc:
        importers.read_places(path)
    assert (
        "the zip file is damaged: its member 'paikat.csv' cannot be unpacked" in exc.value.problems[0].message
    )


def test_zip_slip_member_writes_nothing_outside(tmp_path, monkeypatch):
    monkeypatch.setattr(io_files.tempfile, "tempdir", str(tmp_path))
    with pytest.raises(InputError, match="leads out of its folder"):
        importers.read_places(BAD / "paikat_zip_slip.zip")
    assert not list(tmp_path.rglob("katve_zip_slip_paikat.csv"))
    assert not (tmp_path.parent / "katve_zip_slip_paikat.csv").exists()
    assert not list(tmp_path.iterdir())  # the temporary folder was removed


# --- hostile text: kept as text ----------------------------------------------------------------------------

HOSTILE = {
    "name": ["<img src=x onerror=alert(1)>", "Perhekahvila <a href=javascript:alert(2)>x</a>"],
    "address": ["<script>alert('x')</script>", "{{7*7}} ${7*7} {% raw %}"],
    "organiser": ['=HYPERLINK("http://evil.example","klikkaa")', "'; DROP TABLE places; --"],
    "notes": ['Tervetuloa </td><b>kaikki</b> & "lapset"', "<svg/onload=alert(3)>\n<!-- -->"],
}


def test_html_and_script_in_text_fields_are_kept_verbatim(tmp_path):
    result = importers.read_places(BAD / "paikat_html_js.csv")
    assert result.warnings == [] or all(w.severity == "warning" for w in result.warnings)
    for column, values in HOSTILE.items():
        assert result.data[column].tolist() == values
    # and through the project file
    project = load_dataset("vihti")
    project.places = result.data
    path = tmp_path / "p.gpkg"
    store.save(project, path)
    loaded = store.load(path)
    for column, values in HOSTILE.items():
        assert loaded.places[column].tolist() == values


# --- no lost work: two processes save the same project at once ---------------------------------------------


def _slow(function):
    """``function`` taking a second longer. Used on the backup copy that ``store.save`` makes between its
    last version check and the rename: without a lock around check-and-rename both savers would pass the
    check before either renames, and the later rename would silently drop the other one's work."""

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return function(*args, **kwargs)

    return slow


def _save_after_barrier(path: str, label: str, barrier, results) -> None:
    store.shutil.copy2 = _slow(store.shutil.copy2)  # in this child process only
    project = store.load(path)
    project.name = label
    project.places = project.places.assign(notes=f"saved by {label}")
    barrier.wait(timeout=60)
    try:
        store.save(project)
        results.put((label, "saved"))
    except errors.ConflictError:
        results.put((label, "conflict"))
    except BaseException as exc:  # pragma: no cover - reported to the test
        results.put((label, f"{type(exc).__name__}: {exc}"))


@pytest.mark.slow
def test_two_processes_saving_the_same_project_one_wins_one_is_told(tmp_path):
    path = tmp_path / "yhteinen.gpkg"
    store.save(load_dataset("vihti"), path)
    ctx = multiprocessing.get_context("fork")
    for round_ in range(2):
        barrier, results = ctx.Barrier(2), ctx.Queue()
        labels = [f"r{round_}s0", f"r{round_}s1"]
        workers = [
            ctx.Process(target=_save_after_barrier, args=(str(path), lb, barrier, results)) for lb in labels
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=120)
        outcome = dict(results.get(timeout=5) for _ in workers)
        assert sorted(outcome.values()) == ["conflict", "saved"], outcome
        winner = next(lb for lb, what in outcome.items() if what == "saved")
        loaded = store.load(path)  # always loadable, and it is the winner's work
        assert loaded.name == winner
        assert set(loaded.places["notes"]) == {f"saved by {winner}"}
        assert not list(tmp_path.glob("*.tmp.gpkg"))  # the loser's temporary file is gone


def test_two_threads_saving_the_same_project_one_wins(tmp_path, monkeypatch):
    """Streamlit sessions are threads of one process: the lock must hold between them too."""
    import threading

    monkeypatch.setattr(store.shutil, "copy2", _slow(store.shutil.copy2))
    path = tmp_path / "yhteinen.gpkg"
    store.save(load_dataset("vihti"), path)
    projects = [store.load(path), store.load(path)]
    barrier = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def save(i: int) -> None:
        projects[i].places = projects[i].places.iloc[: 2 + i]
        barrier.wait(timeout=60)
        try:
            store.save(projects[i])
            outcome[i] = "saved"
        except errors.ConflictError:
            outcome[i] = "conflict"

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcome.values()) == ["conflict", "saved"], outcome
    winner = next(i for i, what in outcome.items() if what == "saved")
    assert len(store.load(path).places) == 2 + winner


def test_unreadable_project_path_is_a_katve_error(tmp_path):
    with pytest.raises(KatveError):
        store.load(tmp_path / "puuttuu.gpkg")
