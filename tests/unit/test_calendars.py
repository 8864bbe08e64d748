"""Each organization's calendar: working time across weekends, public holidays, a Sunday-to-Thursday
week and daylight-saving changes; settings refused inline."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services import calendars
from bot.services.calendars import CalendarError, Calendar, add_working, add_working_days, is_working, working_seconds
from models import OrgCalendar, SlackDefaults

HOUR = 3600


def berlin() -> Calendar:
    return calendars.of_row(None, SlackDefaults(time_zone="Europe/Berlin"))


def test_defaults_come_from_the_time_zone_alone():
    cal = berlin()
    assert (cal.country, sorted(cal.work_days), cal.day_seconds) == ("DE", [0, 1, 2, 3, 4], 8 * HOUR)
    assert calendars.of_row(None).zone.key == "UTC" and calendars.of_row(None).country is None
    # Israel's week runs Sunday to Thursday (CLDR's weekend, through Babel)
    assert sorted(calendars.of_row(None, SlackDefaults(time_zone="Asia/Jerusalem")).work_days) == [0, 1, 2, 3, 6]


def test_a_public_holiday_is_not_working_time():
    cal = berlin()
    # Wednesday 29 April 2026, 10:00 in Berlin; Friday 1 May is Labour Day in Germany
    start = datetime(2026, 4, 29, 8, 0, tzinfo=UTC)
    due = add_working_days(cal, start, 2)
    assert due.astimezone(cal.zone) == datetime(2026, 5, 4, 10, 0, tzinfo=cal.zone)  # Monday
    assert not is_working(cal, datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    # the same two days from 10:00 in London, where 1 May is a working day
    london = calendars.of_row(OrgCalendar(time_zone="Europe/London"))
    london_start = datetime(2026, 4, 29, 9, 0, tzinfo=UTC)
    assert add_working_days(london, london_start, 2) == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_a_region_has_its_own_holidays():
    bavaria = calendars.of_row(OrgCalendar(time_zone="Europe/Berlin", country="DE", subdivision="BY"))
    berlin_city = calendars.of_row(OrgCalendar(time_zone="Europe/Berlin", country="DE", subdivision="BE"))
    epiphany = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)  # a Tuesday; a holiday in Bavaria only
    assert not is_working(bavaria, epiphany) and is_working(berlin_city, epiphany)


def test_a_sunday_to_thursday_week():
    dubai = calendars.of_row(OrgCalendar(time_zone="Asia/Dubai", work_days="6,0,1,2,3", country="AE"))
    thursday_afternoon = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)  # 16:00 in Dubai
    due = add_working(dubai, thursday_afternoon, 2 * HOUR)  # one hour on Thursday, then Sunday
    assert due.astimezone(dubai.zone) == datetime(2026, 12, 13, 10, 0, tzinfo=dubai.zone)
    assert not is_working(dubai, datetime(2026, 12, 11, 8, 0, tzinfo=UTC))  # Friday
    assert is_working(dubai, datetime(2026, 12, 13, 8, 0, tzinfo=UTC))  # Sunday


@pytest.mark.parametrize("monday", [datetime(2026, 3, 23, 6, 0, tzinfo=UTC), datetime(2026, 10, 19, 6, 0, tzinfo=UTC)])
def test_daylight_saving_moves_no_working_hour(monday):
    """Two weeks across the spring and the autumn change in Berlin: 10 working days of 8 hours,
    and each day's hours open at 09:00 local, whatever the UTC offset."""
    cal = berlin()
    two_weeks = working_seconds(cal, monday, monday + timedelta(days=14))
    holidays_then = sum(1 for d in range(14) if (monday + timedelta(days=d)).date() in cal.holidays
                        and (monday + timedelta(days=d)).weekday() < 5)
    assert two_weeks == (10 - holidays_then) * 8 * HOUR
    for offset in range(14):
        day = (monday + timedelta(days=offset)).date()
        if cal.is_working_day(day):
            opens, _ = cal.hours(day)
            assert opens.astimezone(cal.zone).hour == 9
    # 6 working days from Monday 10:00 local is the next Tuesday, 10:00 local, across the change
    start = datetime.combine(monday.date(), datetime.min.time(), tzinfo=cal.zone).replace(hour=10)
    assert add_working_days(cal, start, 6).astimezone(cal.zone).replace(tzinfo=None) == (
        start.replace(tzinfo=None) + timedelta(days=8))


def test_a_holiday_calendar_that_fails_to_load_leaves_the_working_week(monkeypatch, caplog):
    def broken(*_a, **_k):
        raise RuntimeError("the data is broken")

    calendars._holiday_cache.clear()
    monkeypatch.setattr(calendars.holiday_data, "country_holidays", broken)
    with caplog.at_level(logging.WARNING):
        cal = calendars.of_row(OrgCalendar(time_zone="Europe/Berlin"))
    calendars._holiday_cache.clear()
    assert cal.holidays is None and cal.country == "DE"
    assert is_working(cal, datetime(2026, 5, 1, 9, 0, tzinfo=UTC))  # Labour Day, counted as working
    assert "did not load" in caplog.text


@pytest.mark.parametrize(("field", "raw"), [("time_zone", "Europe/Atlantis"), ("time_zone", "../etc/passwd"),
                                            ("country", "XX"), ("day_start", "9 o'clock")])
def test_an_unknown_setting_is_refused(field, raw):
    with pytest.raises(CalendarError) as refused:
        calendars.check(field, raw)
    assert refused.value.field == field


def test_settings_are_kept_in_one_form():
    assert calendars.check("country", "de") == "DE"
    assert calendars.check("day_start", "8:30".zfill(5)) == "08:30"
    assert calendars.check("time_zone", " ") is None
    assert calendars.check_subdivision("DE", "by") == "BY"
    with pytest.raises(CalendarError):
        calendars.check_subdivision("DE", "ZZ")


def test_two_organizations_share_the_hour_their_days_overlap():
    new_york = calendars.of_row(OrgCalendar(time_zone="America/New_York", country="US"))
    start = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # Monday, 21:00 in Berlin
    both = calendars.common_working_moment([berlin(), new_york], start)
    assert both == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)  # 15:00 in Berlin, 09:00 in New York


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)),
       st.integers(min_value=0, max_value=40 * 8 * HOUR))
def test_working_time_added_is_working_time_counted(start, seconds):
    cal = berlin()
    end = add_working(cal, start, seconds)
    assert working_seconds(cal, start, end) == seconds
