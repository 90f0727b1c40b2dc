"""Aineisto: bring in official data (fetch or files), see what was read, keep it in the project.

Flow: fetch from the public interfaces or choose files -> each source is read into a *staging* area
(``st.session_state[STAGED]``: kind -> ImportResult, file name) and shown with its counts, totals and
warnings -> "Add to the project" puts the chosen layers into the working copy (:func:`common.set_project`),
-> save. Nothing changes in the project before that button.

The road-network helper's spot is :func:`road_network_section` (clearly marked below).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import cache, messages, saving, state
from coverage.analysis import reach
from coverage.core import errors, i18n
from coverage.core.errors import KatveError
from coverage.core.i18n import t
from coverage.core.model import CRS, Project
from coverage.io import files as io_files
from coverage.io.official import ages, base, fetch, municipalities, overpass, ptv, sources
from coverage.travel import network_file, osm_graph, road

STAGED = "aineisto_staged"  # {kind: {"result": ImportResult, "file": str}}
UPLOADS = "aineisto_files"
UPLOAD_KIND = "aineisto_kind"
FETCH_CODE, FETCH_WHAT, FETCH_FAMILY = "aineisto_code", "aineisto_what", "aineisto_family"
PLACES_HOW, CANDIDATES_HOW, AREAS_FROM = (
    "aineisto_places_how",
    "aineisto_candidates_how",
    "aineisto_areas_from",
)
SAVE_NAME = "draft_aineisto_save_name"
PBF_PATH = (
    "aineisto_pbf_path"  # the last uploaded .osm.pbf (stored in the projects folder): for the road network
)
BASE_URL_ENV = (
    "KATVE_FETCH_BASE_URL"  # a mirror (or the tests' local server) instead of the public interfaces
)
ss = st.session_state


def staged() -> dict[str, dict]:
    return ss.setdefault(STAGED, {})


def _boundary_for_reading():
    """The boundary used to filter and check what is read: a staged one, else the project's."""
    if "boundary" in staged():
        return staged()["boundary"]["result"].data
    boundary = state.current_project().boundary
    return boundary if len(boundary) else None


def _municipality() -> str | None:
    code = str(ss.get(FETCH_CODE, "") or "").strip()
    return code.zfill(3) if code.isdigit() else None


def _municipality_label(code: str) -> str:
    found = municipalities.by_code(code)
    return found.label() if found else code


def _about(fetched: fetch.FetchedFile) -> list[str]:
    """What to tell under a fetched file: the layer and year used, and how children 0-6 were made."""
    lines = []
    if fetched.layer is not None:
        lines.append(fetched.layer.describe())
    if fetched.what == "grid":
        structure = ages.read_age_structure(fetched.ages) if fetched.ages else None
        lines.append(ages.children_basis(structure)[2])
    return lines + list(fetched.notes)


def _errors(exc: KatveError, *, shown: str | None = None, real: str | None = None) -> str:
    problems = getattr(exc, "problems", None)
    lines = [str(p) for p in problems] if problems else [str(exc)]
    if shown and real:
        lines = [line.replace(real, shown) for line in lines]
    return "\n".join(f"- {messages._md(line)}" for line in lines[:25])


# --- actions (widget callbacks) ----------------------------------------------------------------------------


def do_fetch() -> None:
    code = _municipality()
    if code is None:
        return
    what = list(ss.get(FETCH_WHAT) or [])
    if not what:
        state.flash("warning", t("aineisto.fetch.nothing"))
        return
    bar = st.progress(0.0, text=t("aineisto.fetch.progress", what="…"))

    def progress(label: str, received: int, total: int | None) -> None:
        share = min(received / total, 1.0) if total else 0.0
        bar.progress(share, text=t("aineisto.fetch.progress", what=label))

    folder = state.projects_dir() / "downloads"
    try:
        files = fetch.fetch(
            code, what=what, out_dir=folder, base_url=os.environ.get(BASE_URL_ENV) or None, progress=progress
        )
        unusable: dict[str, KatveError] = {}
        paths: dict[str, str | os.PathLike] = {k: f.path for k, f in files.items()}
        if "grid" in files and files["grid"].ages is not None:
            paths["ages"] = files["grid"].ages
        results = sources.read_fetched(
            paths,
            municipality=code,
            keywords=ptv.FAMILY_KEYWORDS if ss.get(FETCH_FAMILY, True) else None,
            errors=unusable,
        )
    except errors.FetchError as exc:
        state.flash(
            "error", t("aineisto.fetch.failed") + ". " + t("aineisto.fetch.offline") + "\n\n" + _errors(exc)
        )
        return
    except KatveError as exc:
        state.flash("error", t("aineisto.fetch.failed") + "\n\n" + _errors(exc))
        return
    finally:
        bar.empty()
    for kind, result in results.items():
        staged()[kind] = {"result": result, "file": files[kind].path.name, "about": _about(files[kind])}
    for kind, exc in unusable.items():
        state.flash(
            "error",
            t("aineisto.files.failed", name=messages._md(files[kind].path.name)) + "\n\n" + _errors(exc),
        )
    cached = sum(f.from_cache for f in files.values())
    state.flash("success", t("aineisto.fetch.done", n=len(files), cached=cached))


def do_read_files() -> None:
    uploads = ss.get(UPLOADS) or []
    chosen = ss.get(UPLOAD_KIND, "auto")
    # the boundary first: the others are filtered and checked against it
    ordered = sorted(uploads, key=lambda u: 0 if "raja" in u.name.lower() or "bound" in u.name.lower() else 1)
    read = 0
    for upload in ordered:
        name = upload.name
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            try:
                path = io_files.write_upload(tmp, name, upload.getvalue())
                kind = None if chosen == "auto" else chosen
                kind = kind or sources.detect_source(path)
                if kind is None:
                    state.flash("error", t("aineisto.files.unknown", name=messages._md(name)))
                    continue
                options = _options(kind)
                _kind, result = sources.read_source(path, kind=kind, **options)
            except KatveError as exc:
                state.flash(
                    "error",
                    t("aineisto.files.failed", name=messages._md(name))
                    + "\n\n"
                    + _errors(exc, shown=name, real=str(path)),
                )
                continue
            if kind == "osm":
                ss[PBF_PATH] = str(_keep_pbf(name, upload.getvalue()))
        result = _renamed(result, str(path), name)
        staged()[kind] = {"result": result, "file": name}
        read += 1
    if read:
        state.flash("success", t("aineisto.files.done", n=read))


def _options(kind: str) -> dict:
    boundary = _boundary_for_reading()
    code = _municipality()
    if kind in ("grid", "paavo"):
        return {"municipality": code, "boundary": boundary}
    if kind == "ptv":
        return {
            "boundary": boundary,
            "keywords": ptv.FAMILY_KEYWORDS if ss.get(FETCH_FAMILY, True) else None,
        }
    if kind == "osm":
        return {"boundary": boundary}
    return {"municipality": code} if code else {}


def _renamed(result, real: str, shown: str):
    """The result with warnings naming the uploaded file instead of the temporary copy."""
    warnings = [dataclasses.replace(w, path=w.path.replace(real, shown)) for w in result.warnings]
    return dataclasses.replace(result, warnings=warnings, source=shown)


def _keep_pbf(name: str, data: bytes) -> Path:
    folder = state.projects_dir() / "osm"
    folder.mkdir(parents=True, exist_ok=True)
    return io_files.write_upload(folder, name, data)


def drop(kind: str) -> None:
    staged().pop(kind, None)


def add_to_project() -> None:
    items = staged()
    if not items:
        return
    current = state.current_project()
    updated = sources.merge_into_project(
        current,
        {k: v["result"] for k, v in items.items()},
        areas_from=ss.get(AREAS_FROM),
        places_how=ss.get(PLACES_HOW, "append"),
        candidates_how=ss.get(CANDIDATES_HOW, "append"),
    )
    state.set_project(updated)
    ss[STAGED] = {}
    for key in [
        k for k in ss if str(k).startswith("draft_")
    ]:  # the places editor must start from the new data
        del ss[key]
    state.flash("success", t("aineisto.add.done"))


def save() -> None:
    saving.save_current(ss.get(SAVE_NAME))


# --- page parts ---------------------------------------------------------------------------------------------


def layer_summary(project: Project) -> pd.DataFrame:
    """One row per layer: what it holds now (rows, residents, children 0-6)."""
    rows = []
    for layer in ("places", "areas", "boundary", "candidates"):
        data = project.layer(layer)
        row = {t("aineisto.col.layer"): t(f"aineisto.layer.{layer}"), t("aineisto.col.rows"): len(data)}
        if layer == "areas" and len(data):
            row[t("aineisto.col.population")] = i18n.fmt_number(pd.to_numeric(data["population"]).sum())
            row[t("aineisto.col.children")] = i18n.fmt_number(pd.to_numeric(data["children_0_6"]).sum())
            estimated = int(data["children_estimated"].fillna(False).astype(bool).sum())
            row[t("aineisto.col.estimated")] = str(estimated)
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def staged_line(kind: str, result) -> str:
    figures = sources.totals(result)
    if result.layer == "areas":
        return t(
            "aineisto.staged.areas",
            n=int(figures["rows"]),
            population=i18n.fmt_number(figures["population"]),
            children=i18n.fmt_number(figures["children_0_6"]),
            estimated=int(figures["children_estimated"]),
        )
    if result.layer == "boundary":
        names = ", ".join(f"{n} ({c})" for c, n in zip(result.data["code"], result.data["name"], strict=True))
        return t("aineisto.staged.boundary", names=names)
    return t(f"aineisto.staged.{result.layer}", n=int(figures["rows"]))


# ============================================================================================================
# ROAD NETWORK (upload of an OpenStreetMap .osm.pbf for travel times). The .pbf chosen under "Files" is stored
# in <projects>/osm and its path kept in st.session_state[PBF_PATH]; the graph built from it is cached in
# <projects>/osm/.katve-cache. "Use this road network" puts the path in project.settings.network.
# ============================================================================================================


NETWORK_CHOICE = "aineisto_network_pbf"  # the stored extract chosen for the road network


def stored_extracts() -> list[Path]:
    """The ``.osm.pbf`` / ``.osm`` files kept in the projects folder (``<projects>/osm``), newest first."""
    folder = state.projects_dir() / "osm"
    if not folder.is_dir():
        return []
    files = [f for f in folder.iterdir() if f.is_file() and f.name.lower().endswith((".pbf", ".osm"))]
    return sorted(files, key=lambda f: (-f.stat().st_mtime, f.name))


def _distance(metres: float) -> str:
    if metres < 999.5:
        return f"{i18n.fmt_number(metres)} m"
    return f"{i18n.fmt_number(metres / 1000.0, 1)} km"


def use_network() -> None:
    """Callback: build the road network of the chosen extract (progress shown) and put it in the settings."""
    chosen = ss.get(NETWORK_CHOICE)
    if not chosen:
        return
    path = Path(chosen)
    project = state.current_project()
    settings = state.current_settings().replace(network=str(path))
    bar = st.progress(0.05, text=t("aineisto.network.step_read", name=path.name))
    start = time.perf_counter()
    try:
        cached = osm_graph.cache_file(path, settings.mode).exists()
        model = cache.travel_model(settings)  # parses the extract once (every mode, cached), then snaps
        bar.progress(0.7, text=t("aineisto.network.step_snap"))
        model.snap(reach.demand_points(project.areas))
        model.snap(_place_xy(project))
    except KatveError as exc:
        state.flash("error", t("aineisto.network.failed") + "\n\n" + _errors(exc))
        return
    except OSError as exc:  # e.g. the extract was removed meanwhile
        state.flash("error", f"{t('aineisto.network.failed')}: {messages._md(str(exc))}")
        return
    finally:
        bar.empty()
    seconds = time.perf_counter() - start
    remembered = network_file.remember_network(project.settings, path)  # the file's name and hash
    state.set_project(dataclasses.replace(project, settings=remembered))
    state.flash(
        "success",
        t(
            "aineisto.network.built",
            name=messages._md(path.name),
            seconds=i18n.fmt_number(seconds, 1),
            cached=t("aineisto.network.from_cache") if cached else "",
        ),  # fmt: skip
    )


def use_straight_lines() -> None:
    """Callback: back to the straight-line model (the extract and its cache stay in the projects folder)."""
    project = state.current_project()
    remembered = network_file.remember_network(project.settings, None)
    state.set_project(dataclasses.replace(project, settings=remembered))
    state.flash("success", t("aineisto.network.off"))


def _place_xy(project: Project):
    places = project.places
    if places.crs is not None and not places.crs.equals(CRS):
        places = places.to_crs(CRS)
    return np.column_stack([places.geometry.x, places.geometry.y]) if len(places) else np.empty((0, 2))


def _labels(gdf) -> list[str]:
    return [" ".join(str(v) for v in (i, n) if v is not None and str(v) not in ("", "nan", "None"))
            for i, n in zip(gdf["id"], gdf["name"], strict=True)]  # fmt: skip


def network_summary(project: Project, settings) -> None:
    """The graph of the sidebar's mode and how the project's areas and places were snapped to it."""
    model = cache.travel_model(settings)
    graph = model.graph
    st.write(t("aineisto.network.graph", mode=i18n.label("mode", settings.mode),
               nodes=i18n.fmt_number(graph.n_nodes), edges=i18n.fmt_number(graph.n_edges)))  # fmt: skip
    area_kind, place_kind = t("aineisto.network.area"), t("aineisto.network.place")
    areas = road.snap_summary(model, reach.demand_points(project.areas), _labels(project.areas))
    places = road.snap_summary(model, _place_xy(project), _labels(project.places))
    if not areas.count and not places.count:
        return
    worst, kind = max(
        (areas, area_kind), (places, place_kind), key=lambda x: x[0].max_m if x[0].count else -1
    )
    st.write(t("aineisto.network.snapped", areas=areas.count, places=places.count,
               distance=_distance(worst.max_m), name=f"{kind} {messages._md(worst.farthest)}"))  # fmt: skip
    far = [(area_kind, name, m) for name, m in areas.far] + [(place_kind, name, m) for name, m in places.far]
    if far:
        far.sort(key=lambda x: -x[2])
        lines = [f"- {kind} {messages._md(name)}: {_distance(m)}" for kind, name, m in far[:40]]
        st.warning(t("aineisto.network.far", n=len(far), limit=_distance(model.max_snap_m),
                     mode=i18n.label("mode", settings.mode)) + "\n" + "\n".join(lines))  # fmt: skip


def road_network_section(project: Project, pbf_path: str | None) -> None:
    """Road network: choose a stored OpenStreetMap extract for travel times, see the snapping, or go back.

    The extract was stored under ``<projects>/osm`` when it was chosen under "Files"; its graph is cached
    next to it (``<projects>/osm/.katve-cache``, see :func:`coverage.travel.osm_graph.load_graph`), so the
    road network lives in the projects folder and opens quickly the next time.
    """
    st.subheader(t("aineisto.network.header"))
    fetch_roads_block(project)
    settings = state.current_settings()
    extracts = stored_extracts()
    if settings.network:
        name = Path(settings.network).name
        st.caption(t("aineisto.network.in_use", name=messages._md(name)))
        if Path(settings.network).is_file():
            messages.guarded(lambda: network_summary(project, settings))
        else:
            st.warning(t("aineisto.network.missing", name=messages._md(name)))
    else:
        st.caption(t("aineisto.network.hint"))
    if extracts:
        paths = [str(f) for f in extracts]
        preferred = (
            pbf_path if pbf_path in paths else (settings.network if settings.network in paths else None)
        )
        if ss.get(NETWORK_CHOICE) not in paths or (preferred and ss.get("_aineisto_pbf_seen") != preferred):
            ss[NETWORK_CHOICE] = preferred or paths[0]
            ss["_aineisto_pbf_seen"] = preferred
        st.selectbox(
            t("aineisto.network.choose"), paths, key=NETWORK_CHOICE, format_func=lambda p: Path(p).name
        )
        c1, c2 = st.columns(2)
        c1.button(t("aineisto.network.use"), on_click=use_network, key="aineisto_network_use", type="primary",
                  disabled=ss.get(NETWORK_CHOICE) == settings.network)  # fmt: skip
        c2.button(t("aineisto.network.straight"), on_click=use_straight_lines, key="aineisto_network_off",
                  disabled=not settings.network)  # fmt: skip
    elif settings.network:
        st.button(t("aineisto.network.straight"), on_click=use_straight_lines, key="aineisto_network_off")
    st.caption(t("aineisto.network.cache", folder=messages._md(str(state.projects_dir() / "osm"))))


# --- "Nouda tieverkko" (issue 18): the road network from OpenStreetMap's Overpass API -----------------------
OVERPASS_URL_ENV = "KATVE_OVERPASS_URL"  # a mirror (or the tests' local server) instead of overpass-api.de


def _roads_file(project: Project) -> Path:
    """``<projects>/osm/roads_<codes>.osm`` (only the digits of the boundary's codes reach the name)."""
    codes = ["".join(ch for ch in str(c) if ch.isdigit()) for c in project.boundary.get("code", [])]
    codes = [c for c in codes if c]
    return state.projects_dir() / "osm" / (f"roads_{'_'.join(codes)}.osm" if codes else "roads.osm")


def do_fetch_roads() -> None:
    """Callback: fetch the roads of the project's boundary (plus the margin) and use them for travel times."""
    project = state.current_project()
    if not len(project.boundary):
        state.flash("warning", t("roads.fetch.no_boundary"))
        return
    bar = st.progress(0.0, text=t("roads.fetch.step"))

    def progress(label: str, received: int, total: int | None) -> None:
        share = min(received / total, 1.0) if total else 0.0
        bar.progress(share * 0.8, text=t("roads.fetch.step") + f" {received / 1024 / 1024:.1f} MB")

    target = _roads_file(project)
    try:
        rings = overpass.boundary_rings(project.boundary)
        roads = overpass.fetch_roads(
            rings, target, url=os.environ.get(OVERPASS_URL_ENV) or None, progress=progress
        )
        bar.progress(0.85, text=t("aineisto.network.step_read", name=target.name))
        settings = network_file.remember_network(project.settings, target)
        cache.travel_model(state.current_settings().replace(network=str(target)))  # builds the graph cache
    except KatveError as exc:
        state.flash("error", t("roads.fetch.failed") + "\n\n" + _errors(exc))
        return
    finally:
        bar.empty()
    state.set_project(dataclasses.replace(project, settings=settings))
    ss[NETWORK_CHOICE] = str(target)
    cached = t("aineisto.network.from_cache") if roads.from_cache else ""
    ways = i18n.fmt_number(roads.ways)
    done = t("roads.fetch.done", name=messages._md(target.name), ways=ways, cached=cached)
    state.flash("success", done)


def fetch_roads_block(project: Project) -> None:
    """The "Nouda tieverkko" button (disabled without a boundary) and what it does."""
    has_boundary = bool(len(project.boundary))
    margin = i18n.fmt_number(overpass.DEFAULT_MARGIN_M / 1000.0)
    st.button(t("roads.fetch.button"), on_click=do_fetch_roads, key="aineisto_fetch_roads",
              disabled=not has_boundary, help=t("roads.fetch.help", margin=margin))  # fmt: skip
    if not has_boundary:
        st.caption(t("roads.fetch.no_boundary"))


# --- page ---------------------------------------------------------------------------------------------------
view = state.current_view()
project = view.project
st.header(t("aineisto.header"))
state.show_flash()
st.markdown(t("aineisto.intro"))

st.subheader(
    t("aineisto.now.header", name=messages._md(project.municipality_name or state.source_label(view.source)))
)
st.dataframe(layer_summary(project), hide_index=True, width="stretch")

fetch_tab, files_tab = st.tabs([t("aineisto.fetch.tab"), t("aineisto.files.tab")])
with fetch_tab:
    st.caption(t("aineisto.fetch.intro"))
    # every municipality, in the alphabetical order of its name in the UI language
    every_code = sorted(
        (m.code for m in municipalities.municipalities()), key=lambda c: _municipality_label(c).casefold()
    )
    if FETCH_CODE not in ss:
        codes = [str(c).strip().zfill(3) for c in project.boundary.get("code", []) if str(c).strip()]
        ss[FETCH_CODE] = codes[0] if len(codes) == 1 and codes[0] in every_code else None
    c1, c2 = st.columns([2, 3])
    c1.selectbox(
        t("aineisto.fetch.municipality"),
        every_code,
        key=FETCH_CODE,
        format_func=_municipality_label,
        placeholder=t("aineisto.fetch.choose"),
        help=t("aineisto.fetch.municipality_help"),
    )
    c2.multiselect(
        t("aineisto.fetch.what"),
        list(fetch.WHAT),
        default=list(fetch.WHAT),
        key=FETCH_WHAT,
        format_func=lambda w: t(f"aineisto.kind.{w}"),
    )
    st.checkbox(t("aineisto.family_only"), value=True, key=FETCH_FAMILY, help=t("aineisto.family_only_help"))
    st.button(
        t("aineisto.fetch.button"),
        on_click=do_fetch,
        type="primary",
        key="aineisto_fetch",
        disabled=_municipality() is None,
    )
    st.caption(t("aineisto.fetch.note"))
with files_tab:
    st.caption(t("aineisto.files.intro"))
    st.file_uploader(
        t("aineisto.files.choose"),
        type=["csv", "xlsx", "geojson", "json", "gpkg", "zip", "pbf"],
        accept_multiple_files=True,
        key=UPLOADS,
    )
    st.selectbox(
        t("aineisto.files.kind"),
        ["auto", *base.SOURCE_KINDS],
        key=UPLOAD_KIND,
        format_func=lambda k: t(f"aineisto.kind.{k}"),
    )
    st.button(
        t("aineisto.files.button"), on_click=do_read_files, key="aineisto_read", disabled=not ss.get(UPLOADS)
    )

items = staged()
if items:
    st.subheader(t("aineisto.staged.header"))
    for kind in [k for k in ("boundary", "grid", "paavo", "ptv", "osm") if k in items]:
        result, file = items[kind]["result"], items[kind]["file"]
        with st.container(border=True):
            left, right = st.columns([5, 1])
            left.markdown(f"**{t(f'aineisto.kind.{kind}')}** · {messages._md(file)}")
            left.write(staged_line(kind, result))
            for line in items[kind].get("about", []):
                left.caption(messages._md(line))
            right.button(t("aineisto.staged.drop"), on_click=drop, args=(kind,), key=f"aineisto_drop_{kind}")
            if result.warnings:
                with st.expander(t("aineisto.staged.warnings", n=len(result.warnings))):
                    st.markdown("\n".join(f"- {messages._md(str(w))}" for w in result.warnings[:60]))
    area_kinds = [k for k in ("grid", "paavo") if k in items]
    if len(area_kinds) > 1:
        st.radio(
            t("aineisto.add.areas_from"),
            area_kinds,
            key=AREAS_FROM,
            horizontal=True,
            format_func=lambda k: t(f"aineisto.kind.{k}"),
            help=t("aineisto.add.areas_help"),
        )
    if "ptv" in items and len(project.places):
        st.radio(
            t("aineisto.add.places_how"),
            ["append", "replace"],
            key=PLACES_HOW,
            horizontal=True,
            format_func=lambda h: t(f"aineisto.add.{h}"),
        )
    if "osm" in items and len(project.candidates):
        st.radio(
            t("aineisto.add.candidates_how"),
            ["append", "replace"],
            key=CANDIDATES_HOW,
            horizontal=True,
            format_func=lambda h: t(f"aineisto.add.{h}"),
        )
    if area_kinds:
        st.caption(t("aineisto.add.areas_replace"))
    st.button(t("aineisto.add.button"), on_click=add_to_project, type="primary", key="aineisto_add")

st.subheader(t("aineisto.save.header"))
ss.setdefault(SAVE_NAME, Path(project.path).name if project.path else saving.download_name(project))
st.text_input(t("aineisto.save.filename"), key=SAVE_NAME)
st.button(t("aineisto.save.button"), on_click=save, key="aineisto_save", disabled=not state.is_dirty())
state.show_flash(near="save")
if ss.get("save_conflict"):
    st.warning(messages._md(ss["save_conflict"]["message"]))

road_network_section(project, ss.get(PBF_PATH))
st.caption(t("aineisto.sources_note"))
