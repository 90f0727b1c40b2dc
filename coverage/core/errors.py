"""Every error a user can act on, the :class:`Problem` record, and the warnings of the library.

All errors subclass :class:`KatveError` (itself a ``ValueError``): the command line prints them as one line
and exits 2, the app shows them as a sentence. :class:`InputError` carries every :class:`Problem` found in
an input at once (``PATH:ROW: field: message``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


class KatveError(ValueError):
    """Base class for errors a user can act on (bad input, unknown data set, ...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong.

    ``str(problem)`` is the command-line contract's line ``PATH:ROW: field: message``.
    ``row`` is the 1-based data row (the header is not counted) or ``None`` for the file as a whole.
    """

    path: str
    row: int | None
    field: str
    message: str
    severity: str = "error"  # "error" | "warning"
    # technical detail (e.g. the parser's words): available on request, never in the sentence
    detail: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        return f"{self.path}:{row}: {self.field or '-'}: {self.message}"


class InputError(KatveError):
    """One or more problems make an input unusable; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        self.warnings = [p for p in problems if p.severity != "error"]
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines) if lines else "invalid input")


def raise_if_errors(problems: list[Problem]) -> list[Problem]:
    """Raise :class:`InputError` when any problem is an error; otherwise return the warnings."""
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return list(problems)


class ScheduleError(KatveError):
    """An opening_hours value or a time given by the user cannot be understood."""


class ConflictError(KatveError):
    """The project file changed on disk after it was loaded: saving would overwrite someone's work."""


# --- file names from users -------------------------------------------------------------------------------


class UnsafePathError(KatveError):
    """A file name from a user would lead out of the folder it must stay in (or cannot be a file name)."""


class FetchError(KatveError):
    """A download failed: no network, a timeout, a server error or an unexpected answer."""


class SourceError(KatveError):
    """An official file cannot be used as the source it was given as."""


class NetworkError(KatveError):
    """The road network cannot be used: missing or invalid file, no roads for the mode."""


class OffNetworkWarning(UserWarning):
    """Some points are far from any road the travel mode may use; their times include a long straight leg."""


class AnalysisError(KatveError):
    """The project cannot be analysed as it is (missing geometry, bad opening hours, bad option)."""


class PlanningError(KatveError):
    """A planning problem cannot be set up or solved as asked."""


class HoursEditError(PlanningError):
    """An opening_hours rule Katve will not rewrite by itself (a move or an added session).

    ``rule`` is the rule as written; ``session`` the session concerned (``"Tu 10:00-12:00"``); ``code``
    says why for a translated sentence: ``several_times`` (the day has several times), ``not_found`` (no
    such session), ``changes_others`` (the edit would change other sessions).
    """

    def __init__(self, message: str, *, rule: str, session: str, code: str):
        super().__init__(message)
        self.rule, self.session, self.code = rule, session, code


class UnreachableTargetError(PlanningError):
    """The children-covered target cannot be reached even with every candidate site opened.

    ``max_share`` is the best share reachable with all candidates, ``current_share`` the share now.
    """

    def __init__(self, target_share: float, max_share: float, current_share: float, n_candidates: int):
        self.target_share = float(target_share)
        self.max_share = float(max_share)
        self.current_share = float(current_share)
        self.n_candidates = int(n_candidates)
        super().__init__(
            f"the target of {100 * target_share:.1f} % of children covered is unreachable with the "
            f"{n_candidates} candidate sites given: opening all of them covers at most "
            f"{100 * max_share:.1f} % (now {100 * current_share:.1f} %); lower the target, add candidate "
            "sites "
            "or raise the travel threshold"
        )


class CandidatesNearPlacesError(PlanningError):
    """Every candidate site is within ``near_m`` metres of an existing or planned place (``n_candidates``)."""

    def __init__(self, n_candidates: int, near_m: float):
        self.n_candidates = int(n_candidates)
        self.near_m = float(near_m)
        super().__init__(
            f"every candidate site ({n_candidates}) is within {near_m:g} m of an existing or planned place; "
            "add candidates elsewhere or let them be generated"
        )


class ExportError(KatveError):
    """An export cannot be written (unknown format, unwritable path, missing Leaflet, ...)."""
