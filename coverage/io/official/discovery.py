"""Which Statistics Finland WFS layers to download: the newest ones the GetCapabilities offers.

Statistics Finland publishes a new layer every year (``vaestoruutu:vaki2024_1km``,
``postialue:pno_tilasto_2026``, ``tilastointialueet:kunta1000k_2026``) and keeps the old ones.
:func:`choose_layers` reads the layer names of the WFS 2.0.0 GetCapabilities of ``geo.stat.fi/geoserver/wfs``
(:func:`feature_type_names`) and takes the newest year of each kind; the municipal boundary comes from the
more detailed 1:1 000 000 generalisation when it is offered, else from the 1:4 500 000 one. When the
capabilities cannot be read the known layers (:data:`FALLBACK`) are used, and :class:`LayerChoice` says so:
the year used is always told.

Examples
--------
>>> names = ["vaestoruutu:vaki2021_1km", "vaestoruutu:vaki2023_1km", "vaestoruutu:vaki2023_1km_kp",
...          "vaestoruutu:vaki2024_5km", "tilastointialueet:kunta4500k_2025",
...          "tilastointialueet:kunta1000k_2025"]
>>> layers = choose_layers(names)
>>> layers["grid"].layer, layers["grid"].year, layers["boundary"].layer
('vaestoruutu:vaki2023_1km', 2023, 'tilastointialueet:kunta1000k_2025')
>>> layers["paavo"].discovered, layers["paavo"].layer
(False, 'postialue:pno_tilasto_2025')
"""

from __future__ import annotations

import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ...core.errors import FetchError
from ...core.i18n import t

CAPABILITIES_PARAMS = {"service": "WFS", "version": "2.0.0", "request": "GetCapabilities"}

PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    "grid": ((r"^vaestoruutu:vaki(\d{4})_1km$", "1 km"),),
    "paavo": ((r"^postialue:pno_tilasto_(\d{4})$", ""),),
    "boundary": (
        (r"^tilastointialueet:kunta1000k_(\d{4})$", "1:1 000 000"),
        (r"^tilastointialueet:kunta4500k_(\d{4})$", "1:4 500 000"),
    ),
}
"""Per kind, the layer-name patterns in order of preference (the year is the group)."""

FALLBACK: dict[str, tuple[str, int | None, str]] = {
    "grid": ("vaestoruutu:vaki2022_1km", 2022, "1 km"),
    "paavo": ("postialue:pno_tilasto_2025", 2025, ""),
    "boundary": ("tilastointialueet:kunta4500k", None, "1:4 500 000"),
}
"""Layers known to exist, used when the capabilities cannot be read (the undated boundary is the newest)."""

MAX_CAPABILITIES_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class LayerChoice:
    """The layer chosen for one kind of data.

    Attributes
    ----------
    kind : str
        ``"grid"``, ``"paavo"`` or ``"boundary"``.
    layer : str
        ``workspace:name``.
    year : int or None
        The layer's year (None for an undated layer).
    discovered : bool
        True when it was chosen from the capabilities, False for the known fallback.
    scale : str
        ``"1:1 000 000"`` / ``"1:4 500 000"`` for boundaries, ``"1 km"`` for the grid.
    """

    kind: str
    layer: str
    year: int | None
    discovered: bool
    scale: str = ""

    def describe(self, lang: str | None = None) -> str:
        """Say in words which layer and year were used and how it was chosen (``fetch.layer.used``)."""
        how = t("fetch.layer.discovered" if self.discovered else "fetch.layer.known", lang)
        if self.scale and self.kind == "boundary":
            how += ", " + t("fetch.layer.scale", lang, scale=self.scale)
        year = str(self.year) if self.year else t("fetch.layer.newest", lang)
        what = t(f"fetch.kind.{self.kind}", lang)
        return t("fetch.layer.used", lang, what=what, layer=self.layer, year=year, how=how)


def capabilities_url(base_url: str) -> str:
    """Return the GetCapabilities address of the GeoServer at ``base_url`` (all workspaces: ``.../wfs``)."""
    return f"{base_url.rstrip('/')}/wfs?" + urllib.parse.urlencode(CAPABILITIES_PARAMS)


def feature_type_names(data: bytes) -> list[str]:
    """Return the ``FeatureType/Name`` values of a WFS GetCapabilities document (any WFS version).

    Raises
    ------
    FetchError
        When ``data`` is not a WFS capabilities document (an exception report, an HTML page, JSON ...).
    """
    if len(data) > MAX_CAPABILITIES_BYTES:
        raise FetchError("the WFS capabilities are unexpectedly large")
    if b"<!DOCTYPE" in data[:2000].upper() or b"<!ENTITY" in data[:20000].upper():
        raise FetchError("the WFS capabilities hold a document type declaration; not read")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FetchError(f"the WFS capabilities are not XML ({exc})") from None
    if _local(root.tag) != "WFS_Capabilities":
        text = " ".join("".join(root.itertext()).split())[:200]
        raise FetchError(f"the server did not return WFS capabilities ({_local(root.tag)}: {text})")
    names: list[str] = []
    for element in root.iter():
        if _local(element.tag) != "FeatureType":
            continue
        for child in element:
            if _local(child.tag) == "Name" and child.text and child.text.strip():
                names.append(child.text.strip())
                break
    return names


def choose_layers(names: list[str] | None) -> dict[str, LayerChoice]:
    """Return the newest layer of each kind among ``names``; :data:`FALLBACK` where none fits or no names."""
    chosen: dict[str, LayerChoice] = {}
    for kind, patterns in PATTERNS.items():
        pick: LayerChoice | None = None
        for pattern, scale in patterns:
            years = [(int(m.group(1)), n) for n in names or [] if (m := re.match(pattern, n))]
            if years:
                year, name = max(years)
                pick = LayerChoice(kind, name, year, True, scale)
                break
        if pick is None:
            layer, known_year, scale = FALLBACK[kind]
            pick = LayerChoice(kind, layer, known_year, False, scale)
        chosen[kind] = pick
    return chosen


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
