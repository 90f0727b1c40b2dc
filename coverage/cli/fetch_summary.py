"""What ``python -m coverage fetch`` tells about each file: the layer and year used, the age structure.

Kept apart from :mod:`coverage.cli.fetch` (the command's options and flow).
"""

from __future__ import annotations

from ..core import i18n
from ..core.i18n import t
from ..io.official.ages import UNIFORM_RATIO, read_age_structure
from ..io.official.fetch import FetchedFile
from ..io.official.municipalities import by_code


def municipality_json(code: str) -> dict:
    """Return the code and the Finnish and Swedish names (when the embedded list knows the code)."""
    found = by_code(code)
    names = {"name_fi": found.name_fi, "name_sv": found.name_sv} if found else {}
    return {"code": code, **names}


def file_json(fetched: FetchedFile, line: str, origin: str) -> dict:
    """Return one fetched file for ``--json``: path, summary, layer and year, how children 0-6 were made."""
    out: dict = {"path": str(fetched.path), "summary": line, "origin": origin, "notes": list(fetched.notes)}
    if fetched.layer is not None:
        out["layer"] = {
            "name": fetched.layer.layer,
            "year": fetched.layer.year,
            "discovered": fetched.layer.discovered,
            "scale": fetched.layer.scale,
        }
    if fetched.what == "grid":
        ages = read_age_structure(fetched.ages) if fetched.ages else None
        if ages is None:
            out["children_0_6"] = {
                "method": "uniform_7_15",
                "ratio": round(UNIFORM_RATIO, 6),
                "last_resort": True,
            }
        else:
            out["children_0_6"] = {
                "method": ages.method,
                "source": "StatFin 11re",
                "year": ages.year,
                "ratio": round(ages.ratio, 6),
                "children_0_6": ages.children_0_6,
                "children_0_14": ages.children_0_14,
                "path": str(fetched.ages),
            }
    return out


def extra_lines(fetched: FetchedFile) -> list[str]:
    """Return the ``layer`` line (which layer and year) and, for the grid, the ``ages`` line."""
    lines = []
    if fetched.layer is not None:
        lines.append("layer    " + fetched.layer.describe())
    if fetched.what == "grid":
        if fetched.ages is None:
            lines.append("ages     " + t("fetch.children.uniform"))
        else:
            a = read_age_structure(fetched.ages)
            lines.append(t("fetch.cli.ages", path=fetched.path.parent / fetched.ages.name, year=a.year,
                           c06=i18n.fmt_number(a.children_0_6), c014=i18n.fmt_number(a.children_0_14),
                           ratio=i18n.fmt_number(a.ratio, 3)))  # fmt: skip
    return lines
