"""Saving, reloading and downloading the project; the save-conflict box."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from coverage.core.errors import ConflictError, KatveError
from coverage.core.i18n import t
from coverage.core.model import Project
from coverage.io import store
from coverage.io.access import AccessDenied

from . import auth
from .messages import _first_lines, _md
from .state import (
    K_DIRTY,
    K_PROJECT,
    K_PROJECT_SOURCE,
    K_SOURCE,
    K_TOKEN,
    _project_file,
    _project_path,
    current_project,
    flash,
    projects_dir,
)

# --- saving -------------------------------------------------------------------------------------------------


def save_target(project: Project, filename: str | None = None) -> Path:
    """Where saving goes: the given name in the projects folder, else the file the project came from."""
    if filename:
        name = filename.strip()
        if not name.lower().endswith(".gpkg"):
            name += ".gpkg"
        return _project_path(re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE))
    if project.path:
        return Path(project.path)
    raise KatveError("give a file name for the project, e.g. vihti.gpkg")


def check_save(target: Path) -> str:
    """Refuse (``AccessDenied``) unless the session user may write ``target``; return her name.

    With sign-in on, only files in the projects folder can be written, by their coordinators and the admins.
    """
    inside = target.parent.resolve() == projects_dir().resolve()
    if not inside and auth.enabled():
        return auth.check_write(None).label()
    return auth.check_write(target.name if inside else None).label()


def save_current(filename: str | None = None, *, force: bool = False) -> None:
    """Callback: save the working copy; queue the outcome. A conflict is remembered for the page to offer
    *overwrite* or *reload* (``st.session_state["save_conflict"]``). The session user's right to write the
    file is checked here, on the server, whatever the page showed."""
    ss = st.session_state
    project = current_project()
    ss.pop("save_conflict", None)
    try:
        target = save_target(project, filename)
        user = check_save(target)
        saved = project.copy()
        saved.path, saved.version = project.path, project.version
        store.save(saved, target, force=force, user=user)
    except AccessDenied as exc:
        name = save_target(project, filename).name
        text = t("auth.denied.new") if "new project" in str(exc) else t("auth.denied.write", name=name)
        flash("error", _md(text))
        return
    except ConflictError as exc:
        ss["save_conflict"] = {"filename": filename, "message": str(exc)}
        return
    except (KatveError, OSError) as exc:
        flash("error", t("kp.save.error", message=_md(_first_lines(exc))))
        return
    source = (
        f"file:{Path(saved.path).name}"
        if Path(saved.path).parent.resolve() == projects_dir().resolve()
        else ss[K_SOURCE]
    )
    ss[K_PROJECT] = saved
    ss[K_PROJECT_SOURCE] = source
    ss[K_SOURCE] = source
    ss[K_TOKEN] = f"{source}@{saved.version}"
    ss[K_DIRTY] = False
    flash("success", t("kp.save.done", path=saved.path))


def reload_current() -> None:
    """Callback: drop the working copy (and unsaved edits) and load the source again."""
    ss = st.session_state
    ss.pop("save_conflict", None)
    ss[K_PROJECT_SOURCE] = None
    _project_file.clear()


def show_save_conflict(save: Callable[..., Any], *, key: str) -> None:
    """After a save that found the file changed by someone else: say so and offer to overwrite or reload.

    ``save(force=True)`` overwrites; the buttons' keys are ``{key}_force`` and ``{key}_reload``.
    """
    conflict = st.session_state.get("save_conflict")
    if conflict:
        st.warning(t("kp.save.conflict") + "\n\n" + _md(conflict["message"]))
        c1, c2 = st.columns(2)
        c1.button(t("kp.save.force"), on_click=save, kwargs={"force": True}, key=f"{key}_force")
        c2.button(t("kp.save.reload"), on_click=reload_current, key=f"{key}_reload")


def restore_version(number: int) -> None:
    """Callback: make version ``number`` of the open project file current again (a new version); reload it."""
    project = current_project()
    try:
        target = save_target(project)
        user = check_save(target)
        new = store.restore(target, number, user=user)
    except AccessDenied:
        flash("error", _md(t("auth.denied.write", name=Path(project.path or "").name)))
        return
    except (KatveError, OSError) as exc:
        flash("error", t("kp.save.error", message=_md(_first_lines(exc))))
        return
    reload_current()
    flash("success", t("ver.restored", n=number, new=new.number))


def project_bytes(project: Project) -> bytes:
    """The project as GeoPackage bytes (for downloading)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "project.gpkg"
        copy = project.copy()
        copy.path = copy.version = None
        store.save(copy, target, keep=0)  # a throw-away file: no versions
        return target.read_bytes()


def download_name(project: Project) -> str:
    """A file name for downloading the project."""
    base = Path(project.path).stem if project.path else (project.name or "katve")
    return re.sub(r"[^\w.-]+", "_", base, flags=re.UNICODE).strip("_").lower() + ".gpkg"
