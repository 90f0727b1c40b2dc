"""Opening hours with Finnish public holidays, seasons, the reference week and --at parsing."""

from __future__ import annotations

import datetime as dt

import pytest

from coverage.core import schedule
from coverage.core.errors import ScheduleError
from coverage.core.schedule import TZ

CLUB = "Sep-May Tu 09:30-11:30; PH off"


def test_public_holiday_closes_with_country_fi():
    # Tuesday 6 Jan 2026 is Epiphany (loppiainen); the Tuesday after is an ordinary day
    assert not schedule.is_open(CLUB, dt.datetime(2026, 1, 6, 10, 0, tzinfo=TZ))
    assert schedule.is_open(CLUB, dt.datetime(2026, 1, 13, 10, 0, tzinfo=TZ))


def test_season_boundary():
    assert schedule.is_open(CLUB, dt.datetime(2026, 5, 26, 10, 0))  # naive = Helsinki time
    assert not schedule.is_open(CLUB, dt.datetime(2026, 6, 2, 10, 0))
    assert schedule.is_open(CLUB, dt.datetime(2026, 9, 1, 10, 0))


def test_open_intervals_are_clipped_and_open_only():
    week = dt.datetime(2026, 11, 30, tzinfo=TZ)
    spans = schedule.open_intervals("Mo,We 09:00-12:00", week, week + dt.timedelta(days=7))
    assert [(a.strftime("%a %H:%M"), b.strftime("%H:%M")) for a, b in spans] == [
        ("Mon 09:00", "12:00"), ("Wed 09:00", "12:00")]
    clipped = schedule.open_intervals("Mo 09:00-12:00", week.replace(hour=10), week.replace(hour=11))
    assert clipped == [(week.replace(hour=10), week.replace(hour=11))]
    assert schedule.open_minutes_between("Mo,We 09:00-12:00", week, week + dt.timedelta(days=7)) == 360


def test_invalid_opening_hours_reason_names_the_position():
    reason = schedule.check("Tu 9-11x")
    assert reason is not None and "at character" in reason and "Tu 9-11x" in reason
    assert schedule.check("") == "opening_hours is empty"
    with pytest.raises(ScheduleError):
        schedule.parse("Mo-Fr 25:00-26:00x")


def test_reference_week_is_next_full_term_week():
    assert schedule.reference_week(dt.date(2026, 11, 23)) == dt.date(2026, 11, 30)  # a Monday: next week
    assert schedule.reference_week(dt.date(2026, 11, 25)) == dt.date(2026, 11, 30)
    assert schedule.reference_week(dt.date(2026, 12, 16)) == dt.date(2027, 1, 11)  # over Christmas
    assert schedule.reference_week(dt.date(2026, 6, 10)) == dt.date(2026, 8, 17)  # over the summer


@pytest.mark.parametrize(("text", "expected"), [
    ("Tu 10:00", (1, 10, 0)), ("ti 10.30", (1, 10, 30)), ("Friday 9", (4, 9, 0)), ("lö 16:15", (5, 16, 15)),
])
def test_parse_at(text, expected):
    when = schedule.parse_at(text, dt.date(2026, 11, 30))
    assert (when.weekday(), when.hour, when.minute) == expected
    assert when.date() == dt.date(2026, 11, 30) + dt.timedelta(days=expected[0])
    assert when.tzinfo is TZ


@pytest.mark.parametrize("text", ["", "10:00", "Xy 10:00", "Tu 24:00", "Tu 10:75"])
def test_parse_at_rejects_with_the_accepted_form(text):
    with pytest.raises(ScheduleError, match="Tu 10:00|hour 0-23"):
        schedule.parse_at(text, dt.date(2026, 11, 30))
