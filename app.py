"""Katve, the Streamlit app: page config, session defaults, navigation. Nothing else.

Run with ``make run`` (or ``streamlit run app.py``). Pages live in ``app_pages/``; a page module that is not
there (yet) is simply not listed. With ``[auth]`` in ``.streamlit/secrets.toml`` a visitor signs in first
(``app_pages/common/auth.py``); the import page is then only for those who may save the open project.
"""

from pathlib import Path

import streamlit as st

from app_pages.common import auth, frame, state
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
    ("versiot", "page.versiot", ":material/history:"),
]
EDIT_PAGES = {"aineisto"}  # shown only to those who may save the open project

st.set_page_config(page_title="Katve", page_icon=":material/family_restroom:", layout="wide")
auth.gate()  # sign-in on: nobody unlisted gets past this line (and nothing of a project is read before it)
state.init_session()
editable = auth.can_edit()
pages = [
    st.Page(
        f"app_pages/{module}.py", title=t(title), icon=icon, url_path=module, default=(module == "kartta")
    )
    for module, title, icon in PAGES
    if (HERE / "app_pages" / f"{module}.py").is_file() and (editable or module not in EDIT_PAGES)
]
page = st.navigation(pages)
frame.sidebar()
auth.sidebar_status()  # before the page: a page may st.stop() early
page.run()
