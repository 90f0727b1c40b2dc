"""Katve, the Streamlit app: page config, session defaults, navigation. Nothing else.

Run with ``make run`` (or ``streamlit run app.py``). Pages live in ``app_pages/``; a page module that is not
there (yet) is simply not listed.
"""

from pathlib import Path

import streamlit as st

from app_pages.common import frame, state
from coverage.core.i18n import t

HERE = Path(__file__).resolve().parent

PAGES = [  # (module file, title key, icon); optional pages appear when their module exists
    ("kartta", "page.kartta", ":material/map:"),
    ("kohtaamispaikat", "page.kohtaamispaikat", ":material/edit_location_alt:"),
    ("katvealueet", "page.katvealueet", ":material/visibility_off:"),
    ("viikko_ohjelma", "page.viikko_ohjelma", ":material/calendar_month:"),
    ("suunnittelu", "page.suunnittelu", ":material/add_location_alt:"),
    ("tilastot", "page.tilastot", ":material/bar_chart:"),
    ("vienti", "page.vienti", ":material/download:"),
    ("aineisto", "page.aineisto", ":material/database:"),
]

st.set_page_config(page_title="Katve", page_icon=":material/family_restroom:", layout="wide")
state.init_session()
pages = [
    st.Page(
        f"app_pages/{module}.py", title=t(title), icon=icon, url_path=module, default=(module == "kartta")
    )
    for module, title, icon in PAGES
    if (HERE / "app_pages" / f"{module}.py").is_file()
]
page = st.navigation(pages)
frame.sidebar()
page.run()
