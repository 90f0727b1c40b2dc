"""Shared UI state of the Katve app: the current project, the sidebar settings, cached analysis, saving.

Every page starts with ``view = common.current_view()`` and reads everything from it::

    view.project          # the session's working copy (Project, EPSG:3067)
    view.settings         # Settings from the sidebar (mode, threshold) on top of the project's
    view.at               # datetime in the reference week, or None for "any time"
    view.include_planned  # count planned places too
    common.analysis(view) # cached CoverageResult; also reach(view), blind_polygons(view), matrix(view) ...

State lives in ``st.session_state``; the keys are the ``K_*`` constants below. Changing the project (an
edit, an import) goes through :func:`set_project`, which gives it a new cache token: the cached results of
the old content are never reused. Loading and analysis are cached in ``st.cache_resource`` keyed on
(project token, settings, time), so moving the threshold slider recomputes only the analysis, and
returning to an earlier setting is instant. Cached results are shared between sessions: treat them as
read-only.

Actions that change which project is open (open, save-as, upload, reload) run in widget callbacks, before
the script reruns; their outcome is queued with :func:`flash` and shown once by :func:`show_flash`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from coverage.core import i18n
from coverage.core.errors import HoursEditError, KatveError, Problem
from coverage.core.i18n import t
from coverage.core.scenario import ScenarioError


def guarded(func: Callable[[], Any]) -> Any:
    """Run ``func``; on a :class:`KatveError` show it as one error box and return ``None``."""
    try:
        return func()
    except KatveError as exc:
        st.error(t("error.analysis", message=_md(_first_lines(exc))))
        return None


def show_problems(problems: Iterable[Problem], *, header: str = "", limit: int = 25) -> None:
    """List problems in one error box (the first ``limit`` lines)."""
    problems = list(problems)
    if not problems:
        return
    lines = [f"- {_md(str(p))}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"- {t('error.more', n=len(problems) - limit)}")
    st.error((header + "\n\n" if header else "") + "\n".join(lines))


def user_sentence(exc: BaseException) -> str | None:
    """The user's sentence for an error that names its case (``code``), in the current language; else None.

    Known: :class:`~coverage.core.errors.HoursEditError` (an opening-hours rule Katve will not rewrite) and
    :class:`~coverage.core.scenario.ScenarioError`. Plain text: the caller escapes it for markdown.
    """
    if isinstance(exc, HoursEditError) and i18n.has(f"hours_edit.{exc.code}"):
        return t(f"hours_edit.{exc.code}", rule=exc.rule, session=exc.session)
    if isinstance(exc, ScenarioError) and i18n.has(f"scen.err.{exc.code}"):
        return t(f"scen.err.{exc.code}", **{k: str(v) for k, v in exc.params.items()})
    return None


def _first_lines(exc: BaseException, limit: int = 8) -> str:
    said = user_sentence(exc)
    if said is not None:
        return said
    lines = str(exc).splitlines() or [type(exc).__name__]
    extra = len(lines) - limit
    text = "; ".join(lines[:limit])
    return text + (f" {t('error.more', n=extra)}" if extra > 0 else "")


_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|@)")


def _md(text: str) -> str:
    """Escape markdown so that data text is shown as it is.

    Backslash-escapes every markdown character, and breaks GFM's autolink triggers (``http:``, ``www.``,
    ``@``) with an invisible word joiner (U+2060), which escaping alone does not stop.
    """
    escaped = re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~$&:])", r"\\\1", str(text))
    return _AUTOLINK.sub("\\1\u2060", escaped)


def _date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def date_text(day: dt.date) -> str:
    """A date as ``1.12.2026``."""
    return _date(day)
