"""Opening hours as Finns write them -> OSM, and OSM -> plain fi/sv/en."""

from __future__ import annotations

import datetime as dt

import pytest

from coverage.core.hours import describe_hours, normalise_hours
from coverage.core.schedule import TZ, check, is_open


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        ("ti 9.30–11.30", "Tu 09:30-11:30"),
        ("ma-pe 9-12", "Mo-Fr 09:00-12:00"),
        ("to klo 17.30-19", "Th 17:30-19:00"),
        ("ma, ke 9-12", "Mo,We 09:00-12:00"),
        ("Ma–Pe klo 9.00—12.00", "Mo-Fr 09:00-12:00"),
        ("tiistaisin ja torstaisin klo 9.30-11", "Tu,Th 09:30-11:00"),
        ("ti 9-11, to 17-19", "Tu 09:00-11:00; Th 17:00-19:00"),
        ("må–fr kl. 9–12", "Mo-Fr 09:00-12:00"),
        ("tisdag kl 10-12", "Tu 10:00-12:00"),
        ("ons 9.30-11.30", "We 09:30-11:30"),
        ("lö 10-14", "Sa 10:00-14:00"),
        ("syys–toukokuu: ti 9.30–11.30, ei arkipyhinä", "Sep-May Tu 09:30-11:30; PH off"),
        ("syyskuu-toukokuu ti 10-12, arkipyhinä suljettu", "Sep-May Tu 10:00-12:00; PH off"),
        ("september–maj ti 10-12, stängt på helgdagar", "Sep-May Tu 10:00-12:00; PH off"),
        ("Sep-May Tu 09:30-11:30; PH off", "Sep-May Tu 09:30-11:30; PH off"),  # OSM stays as it is
        ("Tu 9-11", "Tu 09:00-11:00"),
    ],
)
def test_normalise(text, osm):
    assert normalise_hours(text) == osm
    assert check(osm) is None


@pytest.mark.parametrize(
    "text", ["", "tiistaisin klo 10", "ti", "joskus", "ti 25-26", "ti 12-9", "arkipyhinä 9-12", "ti 9-11x"]
)
def test_not_understood_is_none(text):
    assert normalise_hours(text) is None


def test_normalised_hours_are_open_when_meant():
    osm = normalise_hours("ti 9.30–11.30")
    assert is_open(osm, dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ))  # a Tuesday
    assert not is_open(osm, dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "syys–toukokuu: ti 9.30–11.30, ei arkipyhinä"),
        ("sv", "september–maj: tis 9.30–11.30, inte på helgdagar"),
        ("en", "September–May: Tue 9:30–11:30, not on public holidays"),
    ],
)
def test_describe(lang, text):
    assert describe_hours("Sep-May Tu 09:30-11:30; PH off", lang) == text


def test_describe_more_forms():
    assert describe_hours("Mo-Fr 09:00-12:00; Sa 10:00-14:00", "fi") == "ma–pe 9–12, la 10–14"
    said = describe_hours("Sep-May Mo,We,Fr 09:00-12:00; PH off", "fi")
    assert said == "syys–toukokuu: ma, ke, pe 9–12, ei arkipyhinä"
    assert describe_hours("Jan Tu 10:00-11:00", "fi") == "tammikuu: ti 10–11"
    assert describe_hours("Tu 10:00-11:00,13:00-14:00", "en") == "Tue 10:00–11:00, 13:00–14:00"
    # too intricate to say: shown as it is rather than wrong
    assert describe_hours("week 1-10 Tu 10:00-11:00", "fi") == "week 1-10 Tu 10:00-11:00"
    assert describe_hours("", "fi") == ""


def test_round_trip_through_plain_finnish():
    for osm in ("Sep-May Tu 09:30-11:30; PH off", "Mo-Fr 09:00-12:00", "Th 17:30-19:00"):
        assert normalise_hours(describe_hours(osm, "fi")) == osm
