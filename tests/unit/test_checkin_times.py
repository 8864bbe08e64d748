"""Check-ins fall at 10:00 in the opener's time zone, on business days, whatever UTC says."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.services.checkins import civil_moment, zone


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zone(tz))


def test_a_weekend_day_moves_to_monday_at_ten_local():
    saturday = date(2026, 11, 28)
    for tz in ("Europe/London", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata"):
        moment = local(civil_moment(saturday, zone(tz)), tz)
        assert (moment.date(), moment.hour, moment.minute) == (date(2026, 11, 30), 10, 0), tz


def test_monday_ten_in_auckland_is_sunday_in_utc_and_that_is_right():
    moment = civil_moment(date(2026, 11, 30), zone("Pacific/Auckland"))
    assert moment.tzinfo == UTC and moment.weekday() == 6 and moment.hour == 21


def test_ten_oclock_holds_across_daylight_saving_changes():
    before, after = date(2026, 3, 27), date(2026, 3, 30)  # Europe moves its clocks on 29 March
    assert civil_moment(before, zone("Europe/Paris")).hour == 9  # 10:00 CET
    assert civil_moment(after, zone("Europe/Paris")).hour == 8  # 10:00 CEST


def test_an_unknown_or_missing_time_zone_means_utc():
    assert zone("Mars/Olympus_Mons") == zone(None) == zone("UTC")
    assert civil_moment(date(2026, 11, 30), zone("nonsense")).hour == 10
