"""Each organization's calendar, and working-time arithmetic in it.

A calendar is working days, working hours and a time zone, less the public holidays of a country
(and region) from the `holidays` library. What an admin set wins; then what Parley learnt from
Slack (its people's time zone and locale); then defaults that work with no setting at all: the
weekend of the time zone's country (CLDR's, through Babel: Friday and Saturday in Israel) and
09:00–17:00.

Working time is counted in local wall time, day by day, so a daylight-saving change never moves
the working hours: 09:00 stays 09:00."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays as holiday_data
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.services import audit
from bot.services.people import Person
from models import OrgCalendar, SlackDefaults, utcnow

log = logging.getLogger(__name__)

DAY_START = time(9, 0)
DAY_END = time(17, 0)
MONDAY_TO_FRIDAY = frozenset(range(5))
SEARCH_DAYS = 400  # how far to look for working time (a year of holidays and more)
SETTINGS = ("time_zone", "country", "subdivision", "work_days", "day_start", "day_end")


class CalendarError(ValueError):
    """A setting that cannot be: told inline, next to the field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo
    work_days: frozenset[int] = MONDAY_TO_FRIDAY  # Monday is 0
    start: time = DAY_START
    end: time = DAY_END
    country: str | None = None
    subdivision: str | None = None
    holidays: Any = field(default=None, compare=False, repr=False)  # a holidays.HolidayBase

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.work_days and not (self.holidays is not None and day in self.holidays)

    def hours(self, day: date) -> tuple[datetime, datetime]:
        """That day's working hours, in UTC."""
        opens = datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)
        return opens, closes

    @property
    def day_seconds(self) -> int:
        """A working day's length, on a day with no clock change."""
        return (self.end.hour * 60 + self.end.minute - self.start.hour * 60 - self.start.minute) * 60

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


# ---- working-time arithmetic -------------------------------------------------------------------


def working_seconds(calendar: Calendar, start: datetime, end: datetime) -> int:
    """The working time between two moments, in seconds."""
    if end <= start:
        return 0
    total = 0.0
    day = calendar.local_day(start) - timedelta(days=1)  # a late start in UTC is the next local day
    last = calendar.local_day(end)
    while day <= last:
        if calendar.is_working_day(day):
            opens, closes = calendar.hours(day)
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            total += max(0.0, overlap)
        day += timedelta(days=1)
    return round(total)


def add_working(calendar: Calendar, start: datetime, seconds: float) -> datetime:
    """The moment `seconds` of working time after `start` (inside working hours, or at a day's
    close when it ends exactly there)."""
    remaining = max(0.0, seconds)
    day = calendar.local_day(start) - timedelta(days=1)
    for _day in range(SEARCH_DAYS):
        if calendar.is_working_day(day):
            opens, closes = calendar.hours(day)
            begin = max(opens, start)
            if begin < closes:
                available = (closes - begin).total_seconds()
                if remaining <= available:
                    return begin + timedelta(seconds=remaining)
                remaining -= available
        day += timedelta(days=1)
    return start + timedelta(seconds=seconds)  # no working day in a year: a calendar of holidays


def add_working_days(calendar: Calendar, start: datetime, days: int) -> datetime:
    return add_working(calendar, start, days * calendar.day_seconds)


def is_working(calendar: Calendar, moment: datetime) -> bool:
    day = calendar.local_day(moment)
    if not calendar.is_working_day(day):
        return False
    opens, closes = calendar.hours(day)
    return opens <= moment < closes


def next_working_moment(calendar: Calendar, moment: datetime) -> datetime:
    """`moment` itself when it is working time, else when working time next begins."""
    if is_working(calendar, moment):
        return moment
    return add_working(calendar, moment, 0)


def common_working_moment(calendars: list[Calendar], moment: datetime, *, step_minutes: int = 30) -> datetime:
    """The first moment from `moment` that is working time in every calendar (two organizations'
    hours may overlap for an hour only); where they never overlap in two weeks, the first
    calendar's next working moment."""
    candidate = next_working_moment(calendars[0], moment)
    limit = moment + timedelta(days=14)
    probe = moment
    while probe < limit:
        if all(is_working(c, probe) for c in calendars):
            return probe
        probe += timedelta(minutes=step_minutes)
    return candidate


# ---- which calendar ----------------------------------------------------------------------------

_holiday_cache: dict[tuple[str, str | None], Any] = {}
_holiday_lock = threading.Lock()


def public_holidays(country: str | None, subdivision: str | None) -> Any:
    """The country's public holidays, or None (no country, or a calendar that fails to load: the
    working week alone counts then, and the log says why)."""
    if not country:
        return None
    key = (country, subdivision)
    with _holiday_lock:
        if key in _holiday_cache:
            return _holiday_cache[key]
    try:
        found: Any = holiday_data.country_holidays(country, subdiv=subdivision)
    except Exception:  # any failure of the data: a delivery must never stop on it
        log.warning(
            "public holidays for %s/%s did not load; counting the working week alone", *key, exc_info=True
        )
        found = None
    with _holiday_lock:
        _holiday_cache[key] = found
    return found


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def country_of_zone(name: str | None) -> str | None:
    """The country a time zone lies in ("Europe/Berlin" is DE), from CLDR."""
    territories = get_global("zone_territories")
    found = territories.get(name or "")
    return found if found and found != "001" and len(found) == 2 else None


def weekend_days(country: str | None) -> frozenset[int]:
    """The country's working week, from CLDR's weekend (Monday to Friday where it cannot say)."""
    if not country:
        return MONDAY_TO_FRIDAY
    languages = get_global("territory_languages").get(country.upper()) or {}
    for language in list(languages)[:3] + ["en"]:
        try:
            locale = Locale(language, country.upper())
            start, end = locale.weekend_start, locale.weekend_end
        except (UnknownLocaleError, ValueError, KeyError):
            continue
        weekend = {start} if start == end else {d % 7 for d in range(start, start + ((end - start) % 7) + 1)}
        return frozenset(range(7)) - frozenset(weekend)
    return MONDAY_TO_FRIDAY


def _clock(raw: str | None, default: time) -> time:
    if not raw:
        return default
    try:
        return time.fromisoformat(raw)
    except ValueError:
        return default


def of_row(row: OrgCalendar | None, learned: SlackDefaults | None = None) -> Calendar:
    """The calendar an admin's settings (or none) and what Slack says stand for."""
    row = row or OrgCalendar()
    learned = learned or SlackDefaults()
    time_zone = row.time_zone or learned.time_zone
    if row.updated_by is not None:  # an admin saved it: an empty country means no public holidays
        country = row.country
    else:
        country = country_of_zone(time_zone) or _country_of_locale(learned.locale)
    days = frozenset(int(d) for d in row.work_days.split(",") if d.strip()) if row.work_days else None
    start, end = _clock(row.day_start, DAY_START), _clock(row.day_end, DAY_END)
    if end <= start:
        start, end = DAY_START, DAY_END
    subdivision = row.subdivision if row.country else None
    return Calendar(
        zone=zone(time_zone),
        work_days=days or weekend_days(country),
        start=start,
        end=end,
        country=country,
        subdivision=subdivision,
        holidays=public_holidays(country, subdivision),
    )


def _country_of_locale(locale: str | None) -> str | None:
    if not locale:
        return None
    parts = locale.replace("_", "-").split("-")
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha() else None


def calendar_of(session: Session, team_id: str | None) -> Calendar:
    if not team_id:
        return of_row(None)
    return of_row(session.get(OrgCalendar, team_id), session.get(SlackDefaults, team_id))


class Calendars:
    """Calendars by organization, each read once: for a pass over many disputes."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._found: dict[str | None, Calendar] = {}

    def __call__(self, team_id: str | None) -> Calendar:
        if team_id not in self._found:
            self._found[team_id] = calendar_of(self._session, team_id)
        return self._found[team_id]


# ---- learning from Slack, and an admin's settings ----------------------------------------------


@cache
def known_zones() -> frozenset[str]:
    """IANA's zones, less the two names that are no place ("localtime": the server's own)."""
    return frozenset(available_timezones() - {"localtime", "Factory"})


def learn(session: Session, team_id: str, *, time_zone: str | None, locale: str | None) -> None:
    """What Slack says of an organization's people (their usual time zone and locale). Two
    processes learning the same organization at once: one row, the later answer's."""
    zone_name = time_zone if time_zone and time_zone in known_zones() else None
    values = {
        "team_id": team_id,
        "time_zone": zone_name,
        "locale": (locale or "")[:16] or None,
        "learned_at": utcnow(),
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    changes = {k: v for k, v in values.items() if k != "team_id" and v is not None}
    session.execute(
        insert(SlackDefaults).values(**values).on_conflict_do_update(index_elements=["team_id"], set_=changes)
    )
    session.expire_all()


def needs_learning(session: Session, team_id: str, *, older_than: timedelta = timedelta(days=7)) -> bool:
    row = session.get(SlackDefaults, team_id)
    return row is None or row.learned_at < utcnow() - older_than


def check(field_name: str, raw: str | None) -> str | None:
    """A setting as it will be kept, or CalendarError naming what is wrong."""
    value = (raw or "").strip() or None
    if value is None:
        return None
    if field_name == "time_zone":
        if value not in known_zones():
            raise CalendarError(
                field_name,
                _("“{value}” is not a time zone Parley knows, such as Europe/Berlin.").format(
                    value=value[:64]
                ),
            )
        return value
    if field_name == "country":
        code = value.upper()
        if len(code) != 2 or code not in holiday_data.list_supported_countries():
            raise CalendarError(
                field_name,
                _("“{value}” is not a country code with public holidays, such as DE.").format(
                    value=value[:8]
                ),
            )
        return code
    if field_name in ("day_start", "day_end"):
        try:
            return time.fromisoformat(value).strftime("%H:%M")
        except ValueError:
            raise CalendarError(field_name, _("Use a time such as 09:00.")) from None
    return value


def check_subdivision(country: str | None, raw: str | None) -> str | None:
    value = (raw or "").strip().upper() or None
    if value is None or country is None:
        return None
    known = holiday_data.list_supported_countries().get(country, [])
    if value not in known:
        raise CalendarError(
            "subdivision",
            _("“{value}” is not a region of {country}.").format(value=value[:10], country=country),
        )
    return value


def set_calendar(session: Session, team_id: str, *, actor: Person, **changes: str | None) -> OrgCalendar:
    """An admin's calendar settings for their own organization (authorization is the caller's:
    bot/slack/listeners/settings.py allows only that organization's admins); each change audited."""
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise ValueError(f"unknown calendar fields {sorted(unknown)}")
    row = session.get(OrgCalendar, team_id) or OrgCalendar(team_id=team_id)
    session.add(row)
    for name, new in changes.items():
        old = getattr(row, name)
        if old == new:
            continue
        setattr(row, name, new)
        audit.record(
            session, team_id=team_id, kind="calendar.changed", actor=actor, field=name, old=old, new=new
        )
    row.updated_by = actor.user_id
    session.flush()
    return row


def row_of(session: Session, team_id: str) -> OrgCalendar | None:
    return session.get(OrgCalendar, team_id)
