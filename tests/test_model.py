"""Settings: thresholds in minutes or km, validation of values, round trip through a dict."""

from __future__ import annotations

import pytest

from coverage.core.errors import KatveError, Problem
from coverage.core.model import DEFAULT_THRESHOLD_MINUTES, Settings


def test_threshold_conversions():
    s = Settings(mode="walk", threshold_minutes=30)
    assert s.threshold_in_km == pytest.approx(2.0)  # 30 min at 4 km/h
    assert s.reach_km == pytest.approx(2.0 / 1.3)
    k = Settings(mode="car", threshold_km=25)
    assert k.threshold_minutes is None
    assert k.threshold_in_minutes == pytest.approx(30.0)  # 25 km at 50 km/h
    assert Settings().threshold_minutes == DEFAULT_THRESHOLD_MINUTES


def test_replace_switches_threshold_kind():
    s = Settings(threshold_minutes=15).replace(threshold_km=5)
    assert s.threshold_minutes is None and s.threshold_km == 5


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mode": "boat"}, "unknown travel mode"),
    ({"circuity": 0.8}, "circuity"),
    ({"threshold_minutes": -1}, "must be positive"),
    ({"threshold_minutes": 10, "threshold_km": 5}, "not both"),
    ({"speeds_kmh": {"walk": 0.0, "bike": 15.0, "car": 50.0}}, "speed for walk"),
])
def test_invalid_settings_are_refused(kwargs, message):
    with pytest.raises(KatveError, match=message):
        Settings(**kwargs)


def test_settings_dict_round_trip_ignores_unknown_keys():
    s = Settings(mode="bike", threshold_km=4.5, circuity=1.25)
    data = s.to_dict() | {"from_a_newer_version": 1}
    assert Settings.from_dict(data) == s


def test_problem_line_follows_the_cli_contract():
    assert str(Problem("a.csv", 3, "population", "negative")) == "a.csv:3: population: negative"
    assert str(Problem("a.csv", None, "", "empty file")) == "a.csv:-: -: empty file"
