"""Bar charts in the user's number format (fi/sv ``1 000``, ``6,1``; en ``1,000``) with legends not cut."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coverage.core.i18n import get_language


def number_label_expr(lang: str | None = None, *, digits: int | None = None) -> str:
    """A Vega expression for axis labels: thousands with a (no-break) space and decimal comma in fi/sv."""
    spec = ",~f" if digits is None else f",.{digits}f"
    base = f"format(datum.value, '{spec}')"
    if (lang or get_language()) == "en":
        return base
    # swap the separators: ',' -> no-break space, '.' -> ','
    swapped = f"replace(replace({base}, regexp(',', 'g'), '#'), regexp('[.]', 'g'), ',')"
    return f"replace({swapped}, regexp('#', 'g'), '\u00a0')"


def bar_chart(
    data: pd.DataFrame,
    *,
    category: str,
    value: str,
    color: str | None = None,
    horizontal: bool = False,
    value_title: str = "",
    category_title: str = "",
    digits: int | None = None,
) -> alt.Chart:
    """A (stacked when ``color`` is given) bar chart of ``value`` per ``category``; labels and tooltips in the
    user's number format; the legend below the chart with whole names."""
    # fixed field names: the user's words (which may hold ':' or '.') are titles, never Vega-Lite fields
    names = {"category": category_title or category, "value": value_title or value, "group": color or ""}
    data = data.rename(columns={category: "c", value: "v", **({color: "g"} if color else {})})
    category, value, color = "c", "v", ("g" if color else None)
    lang = get_language()
    value_axis = alt.Axis(labelExpr=number_label_expr(lang, digits=digits), title=value_title or None)
    category_axis = alt.Axis(title=category_title or None, labelLimit=0)
    value_enc = alt.X if horizontal else alt.Y
    category_enc = alt.Y if horizontal else alt.X
    fmt = ",.1f" if digits else ",d"
    encoding = {
        "x" if horizontal else "y": value_enc(f"{value}:Q", axis=value_axis, stack=True if color else None),
        "y" if horizontal else "x": category_enc(f"{category}:N", axis=category_axis, sort=None),
        "tooltip": [
            alt.Tooltip(f"{category}:N", title=names["category"]),
            alt.Tooltip(f"{value}:Q", format=fmt, title=names["value"]),
        ]
        + ([alt.Tooltip(f"{color}:N", title=names["group"])] if color else []),
    }
    if color:
        encoding["color"] = alt.Color(
            f"{color}:N",
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=0, title=None, symbolLimit=0),
            scale=alt.Scale(scheme="tableau10"),
        )
    return alt.Chart(data).mark_bar().encode(**encoding)
