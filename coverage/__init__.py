"""Katve: geographic coverage of family-centre meeting places (perhekeskuksen kohtaamispaikat).

The library stacks in layers, each importing only from those below it: :mod:`coverage.core` (data model,
errors, opening hours, validation, strings) -> :mod:`coverage.io` (project files, importers, embedded and
official data) and :mod:`coverage.travel` (travel models) -> :mod:`coverage.analysis` (coverage, blind
spots, the week, statistics, the :class:`Study`) -> :mod:`coverage.planning` (new sites) ->
:mod:`coverage.outputs` (maps, tables, calendar, report) -> :mod:`coverage.cli`. The library never imports
streamlit. Everything is computed in EPSG:3067.

A script needs only the names here:

>>> import coverage as katve
>>> project = katve.load_dataset("vihti")
>>> result = katve.analyze(project, katve.Settings(mode="walk", threshold_minutes=20))
>>> 0 < result.summary["children_covered_share"] < 1
True
>>> proposal = katve.plan(project, result.settings, k=1)
>>> len(proposal.new_sites)
1
"""

from .analysis import CoverageResult, Study, analyze, prepare
from .core import InputError, KatveError, Problem, Project, Settings
from .io import load, load_dataset, read_places, save
from .outputs import FORMATS, export_bytes
from .outputs.export import export
from .planning import PlanResult, compare
from .planning.plan import plan
from .travel import model_from_settings

__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "CoverageResult",
    "InputError",
    "KatveError",
    "PlanResult",
    "Problem",
    "Project",
    "Settings",
    "Study",
    "analyze",
    "compare",
    "export",
    "export_bytes",
    "load",
    "load_dataset",
    "model_from_settings",
    "plan",
    "prepare",
    "read_places",
    "save",
]
