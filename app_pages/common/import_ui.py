"""Importing a coordinator's own list of places: preview, column mapping, skipped rows, guesses, then import.

The library does the reading (:func:`coverage.io.importing.preview_import`); this module shows what it
understood, lets the user map or leave out columns and confirm the guessed organiser types and kinds, and
only then adds the valid rows to the places table (the draft: nothing is saved until the user saves).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from coverage.core.errors import KatveError
from coverage.core.hours import describe_hours
from coverage.core.i18n import has, label, t
from coverage.core.model import PLACE_FIELDS
from coverage.io import files
from coverage.io.importing import ImportPreview, apply_import, preview_import

from . import messages, places, state

PREVIEW = "import_preview"  # (file name, file bytes, replace, ImportPreview)
MAPPING = "import_mapping"  # {header: field or None}, the user's corrections
_SKIP = "__skip__"
ss = st.session_state


def run_preview(upload: Any, draft: pd.DataFrame, *, replace: bool, mapping: dict | None = None) -> None:
    """Read the uploaded file against the current table and keep the preview (or flash what is wrong)."""
    project = state.current_project().copy()
    project.places = places.places_from_table(draft)
    data = upload.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = files.write_upload(tmp, upload.name, data)
            preview = preview_import(
                path, "places", project, mapping=mapping, lang=state.current_view().lang, replace=replace
            )
        except KatveError as exc:
            problems = getattr(exc, "problems", None)
            lines = [_own_name(str(p), tmp, upload.name) for p in problems] if problems else [str(exc)]
            state.flash(
                "error",
                t("kp.import.failed") + "\n\n" + "\n".join(f"- {messages._md(x)}" for x in lines[:25]),
            )
            ss.pop(PREVIEW, None)
            return
    ss[PREVIEW] = (upload.name, data, replace, preview)


def show(draft: pd.DataFrame, set_draft: Callable[[pd.DataFrame], Any]) -> None:
    """Show the preview of the uploaded file (if any): columns, rows that go in, skipped rows, guesses."""
    kept = ss.get(PREVIEW)
    if kept is None:
        return
    name, _data, replace, preview = kept
    with st.container(border=True):
        st.markdown(f"**{t('import.preview.title', name=messages._md(name))}**")
        _columns(preview, draft)
        n_in, n_out = len(preview.data), len(preview.skipped)
        st.markdown(
            t("import.preview.counts", n_in=n_in, n_out=n_out, rows=_rows(n_in), skipped=_rows(n_out))
        )
        if n_in:
            shown = places.places_table(preview.data)
            cols = [
                c
                for c in ("id", "name", "organiser", "organiser_type", "kind", "opening_hours", "status")
                if c in shown
            ]
            st.dataframe(_readable(shown[cols]), hide_index=True, width="stretch", key="import_rows")
        declined = _guesses(preview)
        if n_out:
            st.markdown(f"**{t('import.preview.skipped_title')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        t("import.preview.excel_row"): [s.excel_row for s in preview.skipped],
                        t("import.preview.reason"): [
                            "; ".join(p.message for p in s.problems) for s in preview.skipped
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="import_skipped",
            )
            st.download_button(
                t("import.preview.download_skipped"),
                preview.skipped_csv(),
                file_name=f"{Path(name).stem}_ohitetut.csv",
                mime="text/csv",
                key="import_skipped_csv",
            )
        for w in preview.warnings[:10]:
            st.caption(messages._md(w.message))
        go, cancel = st.columns(2)
        if go.button(
            t("import.preview.apply", n=n_in), type="primary", disabled=not n_in, key="import_apply"
        ):
            project = state.current_project().copy()
            project.places = places.places_from_table(draft)
            updated = apply_import(project, preview, declined=declined)
            set_draft(places.places_table(updated.places))
            ss.pop(PREVIEW, None)
            ss.pop(MAPPING, None)
            message = t("kp.import.done", n=n_in) + (" " + t("import.preview.replaced") if replace else "")
            st.toast(message)
            state.flash("success", message)
            st.rerun()
        if cancel.button(t("import.preview.cancel"), key="import_cancel"):
            ss.pop(PREVIEW, None)
            ss.pop(MAPPING, None)
            st.rerun()


def _columns(preview: ImportPreview, draft: pd.DataFrame) -> None:
    """Show the file's columns, how each was understood, and a choice of another field (or none)."""
    st.caption(t("import.preview.columns_help"))
    options = [_SKIP] + [f for f in PLACE_FIELDS if f != "geometry"] + ["lat", "lon"]
    mapping = dict(ss.get(MAPPING) or {})
    changed = False
    for col in preview.columns:
        left, right = st.columns([2, 3])
        examples = ", ".join(str(e) for e in col.examples[:3])
        left.markdown(f"**{messages._md(col.header)}**  \n{messages._md(examples)}")
        current = col.field if col.field in options else _SKIP
        choice = right.selectbox(
            t("import.preview.column", header=col.header),
            options,
            index=options.index(current),
            format_func=_field_name,
            key=f"import_map_{col.header}",
            help=col.shown,
        )
        if choice != current:
            mapping[col.header] = None if choice == _SKIP else choice
            changed = True
    if changed and st.button(t("import.preview.remap"), key="import_remap"):
        ss[MAPPING] = mapping
        name, data, replace, _preview = ss[PREVIEW]
        run_preview(_Upload(name, data), draft, replace=replace, mapping=mapping)
        st.rerun()


def _guesses(preview: ImportPreview) -> list[int]:
    """Show the guessed organiser types and kinds with a box to confirm each; return the declined ones."""
    if not preview.guesses:
        return []
    st.markdown(f"**{t('import.preview.guesses_title')}**")
    declined = []
    for k, guess in enumerate(preview.guesses[:50]):
        if not st.checkbox(messages._md(guess.message), value=True, key=f"import_guess_{k}"):
            declined.append(k)
    if len(preview.guesses) > 50:
        st.caption(t("import.preview.more_guesses", n=len(preview.guesses) - 50))
    return declined


class _Upload:
    """The kept file, shaped like Streamlit's upload (``name``, ``getvalue()``) for a new preview."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def _field_name(field: str) -> str:
    if field == _SKIP:
        return t("import.preview.skip")
    key = f"export.col.{field}"
    return t(key) if has(key) else field


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for field in ("organiser_type", "kind", "status"):
        if field in out:
            out[field] = [label(field, v) if isinstance(v, str) and v else "" for v in out[field]]
    if "opening_hours" in out:  # as people read them, the OSM form beside
        out.insert(
            out.columns.get_loc("opening_hours"),
            "_hours",
            [
                describe_hours(v, state.current_view().lang) if isinstance(v, str) and v else ""
                for v in out["opening_hours"]
            ],
        )
    names = {c: _field_name(c) for c in out.columns}
    names.update(_hours=t("import.preview.hours"), opening_hours=t("import.preview.osm"))
    out = out.rename(columns=names)
    return out.fillna("")


def _rows(n: int) -> str:
    return t("import.preview.row_one") if n == 1 else t("import.preview.row_many")


def _own_name(text: str, folder: str, name: str) -> str:
    """Say the user's file name, never the server's temporary path."""
    return text.replace(str(Path(folder) / name), name).replace(folder + "/", "")
