"""The meeting report's year strip (issue 17): the gaps in words as the year command names them."""

from __future__ import annotations

import datetime as dt
import io

from coverage.analysis import study
from coverage.analysis.year import year_coverage
from coverage.io.datasets import load_dataset
from coverage.outputs import export
from coverage.outputs.yearstrip import gap_lines


def test_report_has_the_year_strip_with_the_gaps_in_words():
    from pypdf import PdfReader

    project = load_dataset("vihti")
    data = study.prepare(project, today=dt.date(2026, 12, 2))
    raw = export.export_bytes(data, "report")
    pages = [" ".join((p.extract_text() or "").split()).replace("\u00a0", " ")
             for p in PdfReader(io.BytesIO(raw)).pages]
    year = data.monday.isocalendar()[0]
    want = gap_lines(year_coverage(project, year=year), "fi")
    assert any("yksikään paikka ei ole auki" in g for g in want)  # the summer break, in words
    on = [k for k, p in enumerate(pages) if f"Vuosi {year}: osuus lapsista" in p]
    assert len(on) == 1, "one year section"
    for g in want:
        assert g.replace("\u00a0", " ") in pages[on[0]]
