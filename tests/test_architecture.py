"""The shape of the library: layers that import only downwards, no import circles, modules of a readable size.

Reads the imports of every module under ``coverage/`` with ``ast`` (imports inside functions included), as
../shared/ARCHITECTURE.md draws the house: core -> io | travel -> analysis -> planning -> outputs -> cli.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "coverage"
LAYERS = {"core": 0, "io": 1, "travel": 1, "analysis": 2, "planning": 3, "outputs": 4, "cli": 5}
MAX_MODULE_LINES = 1000
LONG_MODULES = {"coverage.core.i18n"}  # the string catalogue: one entry per line reads best


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(ROOT.rglob("*.py"))}
FACES = {name for name, p in MODULES.items() if p.name == "__init__.py"}


def _imports(name: str) -> set[str]:
    """The modules of the package that ``name`` imports (the longest known prefix of each import)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rsplit(".", 1)[0] if "." in target else ""
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), package faces left out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v] - FACES:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_the_real_imports():
    """The reader works: known edges are found (a broken reader would pass every test below)."""
    assert "coverage.core.model" in GRAPH["coverage.analysis.reach"]
    assert "coverage.travel.choose" in GRAPH["coverage.analysis.reach"]
    assert "coverage.analysis.study" in GRAPH["coverage.outputs.export"]
    assert {"coverage.core", "coverage.io", "coverage.travel", "coverage.analysis", "coverage.planning",
            "coverage.outputs", "coverage.cli"} <= FACES
    assert len(MODULES) > 40


def test_no_import_circles():
    assert _circles() == []


def test_no_import_runs_up_the_layers():
    upward = [
        f"{m} imports {d}"
        for m, deps in sorted(GRAPH.items())
        for d in sorted(deps)
        if _layer(m) is not None and _layer(d) is not None and _layer(d) > _layer(m)
    ]
    assert upward == []


def test_every_module_lives_on_a_floor():
    loose = [m for m in MODULES if m.count(".") == 1 and m not in FACES and m not in ("coverage.__main__",)]
    assert loose == [], "a module beside the sub-packages: move it into its layer"


def test_the_library_never_imports_streamlit():
    offenders = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(m.split(".")[0] in ("streamlit", "streamlit_folium") for m in mods):
                offenders.append(name)
    assert offenders == []


@pytest.mark.parametrize("name", sorted(set(MODULES) - LONG_MODULES))
def test_modules_stay_readable(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines; split it by concern"


def test_public_names_do_not_hide_modules():
    """A package face must not re-export a function named like one of its modules (``planning.plan``)."""
    import importlib

    hidden = []
    for face in sorted(FACES):
        package = importlib.import_module(face)
        submodules = {m.rsplit(".", 1)[1] for m in MODULES if "." in m and m.rsplit(".", 1)[0] == face}
        hidden += [f"{face}.{n}" for n in getattr(package, "__all__", []) if n in submodules]
    assert hidden == []


def test_the_public_api_is_small_and_importable():
    import coverage

    assert 10 <= len(coverage.__all__) <= 30
    for name in coverage.__all__:
        assert getattr(coverage, name) is not None, name
    assert callable(coverage.analyze) and callable(coverage.plan) and callable(coverage.export)
