"""Planning follow-up check-ins when an agreement comes into effect.

Check-ins fall at a civil hour (10:00 in the dispute opener's time zone), moved on to the first
moment that is working time for both organizations (their calendars: bot/services/calendars.py),
so neither side is asked on its weekend or public holiday: the policy's points after ratification
(e.g. 7 and 30 days) and each action item's due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.services.calendars import Calendar, calendar_of, common_working_moment
from models import Agreement, CheckIn, CheckInStatus, Dispute, Side, utcnow

CIVIL_HOUR = time(10, 0)


def zone(tz: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def business_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def civil_moment(day: date, tz: ZoneInfo) -> datetime:
    """10:00 local on the first business day on or after `day`, as UTC."""
    local = datetime.combine(business_day_on_or_after(day), CIVIL_HOUR, tzinfo=tz)
    return local.astimezone(UTC)


def plan(
    agreement: Agreement, ratified_at: datetime, tz: str | None, both: list[Calendar] | None = None
) -> list[CheckIn]:
    """The check-in rows for a newly ratified agreement (not yet added to a session); `both`:
    the two organizations' calendars, whose common working time each check-in waits for."""
    local_zone = zone(tz)

    def civil(day: date) -> datetime:
        if not both:
            return civil_moment(day, local_zone)
        # 10:00 that day, then the first hour both organizations are at work (their weeks:
        # a Sunday is a working day in Israel).
        return common_working_moment(
            both, datetime.combine(day, CIVIL_HOUR, tzinfo=local_zone).astimezone(UTC)
        )

    start = ratified_at.astimezone(local_zone).date()
    rows = [
        CheckIn(
            dispute_id=agreement.dispute_id,
            agreement_id=agreement.id,
            kind="after_days",
            due_at=civil(start + timedelta(days=days)),
            status=CheckInStatus.PENDING,
            created_at=utcnow(),
        )
        for days in sorted(set(agreement.checkin_days))
    ]
    if agreement.checkin_on_due_dates:
        rows += [
            CheckIn(
                dispute_id=agreement.dispute_id,
                agreement_id=agreement.id,
                action_item_id=item.id,
                kind="item_due",
                due_at=civil(max(item.due_date, start)),
                status=CheckInStatus.PENDING,
                created_at=utcnow(),
            )
            for item in agreement.items
        ]
    return sorted(rows, key=lambda c: c.due_at)


def schedule(session: Session, agreement: Agreement, ratified_at: datetime, tz: str | None) -> list[CheckIn]:
    dispute = session.get(Dispute, agreement.dispute_id)
    teams = (
        sorted({p.team_id for p in dispute.parties if p.side in (Side.PROVIDER, Side.CLIENT)})
        if dispute
        else []
    )
    rows = plan(agreement, ratified_at, tz, [calendar_of(session, team) for team in teams])
    session.add_all(rows)
    session.flush()
    return rows
