"""The meeting report's scenario page (issue 17 part 3): the comparison as the app shows it, small maps."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from coverage.analysis import study
from coverage.cli.main import main
from coverage.core.model import Settings
from coverage.core.scenario import with_scenario
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.outputs import export
from coverage.outputs.report_scenarios import blind_lines
from coverage.planning import scenarios as sc
from coverage.planning.plan import plan
from coverage.planning.reschedule import reschedule

WALK20 = Settings(mode="walk", threshold_minutes=20)


def _pages(raw: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((p.extract_text() or "").split()).replace("\u00a0", " ")
            for p in PdfReader(io.BytesIO(raw)).pages]


@pytest.fixture(scope="module")
def project():
    p = load_dataset("vihti")
    p = with_scenario(p, sc.from_plan(plan(p, WALK20, k=3), "Kolme uutta"))
    p = with_scenario(p, sc.from_moves(p, reschedule(p, WALK20, k=1), "Yksi siirto"))
    return p


def test_the_report_compares_the_scenarios(project):
    cmp = sc.compare_scenarios(project, settings=WALK20, current_label="Nykytilanne")
    data = study.prepare(project, WALK20, today=dt.date(2026, 12, 2))
    data.scenarios = cmp
    pages = _pages(export.export_bytes(data, "report"))
    on = [k for k, p in enumerate(pages) if "Skenaariot rinnakkain" in p]
    assert len(on) == 1
    page = pages[on[0]]
    for name in ("Nykytilanne", "Kolme uutta", "Yksi siirto"):
        assert name in page
    now, new, moved = cmp.columns
    gain = round(new.children_covered) - round(now.children_covered)
    assert f"≈ {round(new.children_covered):,}".replace(",", " ") in page and f"(+{gain})" in page
    days = round(moved.child_days) - round(now.child_days)
    assert days > 0 and f"(+{days})" in page
    for line in blind_lines(cmp, "fi"):  # which villages leave the blind spot, in words
        assert line.replace("\u00a0", " ") in page
    assert "pois katvealueelta Nummela" in page


def test_export_cli_compares_kept_scenarios_and_none_leaves_the_page_out(project, tmp_path, capsys):
    path = tmp_path / "v.gpkg"
    store.save(project, path, keep=0)
    out = tmp_path / "r.pdf"
    assert main(["export", "--project", str(path), *"--mode walk --minutes 20 --format report".split(),
                 "--today", "2026-12-02", "--out", str(out)]) == 0
    assert sum("Skenaariot rinnakkain" in p for p in _pages(out.read_bytes())) == 1
    assert main(["export", "--project", str(path), "--format", "report", "--scenarios", "none",
                 "--out", str(out)]) == 0
    assert not any("Skenaariot rinnakkain" in p for p in _pages(out.read_bytes()))
    assert main(["export", "--project", str(path), "--format", "report", "--scenarios", "yksi siirto",
                 "--out", str(out)]) == 0
    page = next(p for p in _pages(out.read_bytes()) if "Skenaariot rinnakkain" in p)
    assert "Yksi siirto" in page and "Kolme uutta" not in page
    assert main(["export", "--project", str(path), "--format", "report", "--scenarios", "Ei ole",
                 "--out", str(out)]) == 2
    assert "no scenario named 'Ei ole'" in capsys.readouterr().err
