"""Katvealueet's year strip (issue 17): the gaps in words and the weeks agree with year_coverage."""

from __future__ import annotations

from coverage.analysis.year import year_coverage
from coverage.core import i18n
from coverage.io.datasets import load_dataset

KAT = "app_pages/katvealueet.py"


def test_katvealueet_names_the_year_gaps_and_lists_the_weeks(app):
    app.switch_page(KAT).run()
    assert not app.exception, app.exception
    assert "Vuosi viikoittain" in {s.value for s in app.subheader}
    app.selectbox(key="kat_year").set_value(2027).run()
    assert not app.exception, app.exception
    want = year_coverage(load_dataset("vihti"), year=2027)
    table = next(d.value for d in app.dataframe if "paikkoja auki" in d.value.columns)
    assert table["viikko"].tolist() == want.weeks["week"].tolist()
    assert table["paikkoja auki"].tolist() == want.weeks["places_open"].tolist()
    shown = [i18n.fmt_number(v, 0, lang="fi") for v in want.weeks["children_covered"]]
    assert table["lapset"].tolist() == shown
    text = " ".join(m.value for m in app.markdown)
    total = i18n.fmt_number(want.children_total, 0, lang="fi")
    assert f"viikot 23–34: yksikään paikka ei ole auki; {total} lasta ilman kohtaamispaikkaa" in text
    assert app.get("image"), "the year strip is drawn"
