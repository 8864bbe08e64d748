"""The fair clock: turns follow whose move it is, are counted in the waited-on side's own working
time, and reminders go to that side only, inside its working hours, never on its holiday."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


from bot.services import calendars, disputes, nudges, perspectives, proposals, turns
from bot.services.people import Participant, Person
from bot.services.perspectives import PerspectiveText
from bot.services.policy import EffectivePolicy
from bot.services.proposals import ProposalDraft
from models import OrgCalendar, SlackDefaults
from tests.conftest import CORA, SAM

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)
APRIL_29 = datetime(2026, 4, 29, 8, 0, tzinfo=UTC)  # a Wednesday: 10:00 in Berlin, 09:00 in London


def open_one(db) -> int:
    with db.transaction() as s:
        s.add_all([OrgCalendar(team_id=STUDIO.team_id, time_zone="Europe/London"),
                   SlackDefaults(team_id=CLIENT.team_id, time_zone="Europe/Berlin")])
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=STUDIO.team_id, channel_id="C0SHARED", title="Late screens", category="quality",
            description="d", desired_outcome="o", opener=Participant(STUDIO), others=[Participant(CLIENT)]))
        disputes.attach_thread(s, d, thread_ts="1700000700.000001", permalink=None, actor=STUDIO)
        return d.id


def turns_of(db, dispute_id) -> list[tuple[str, str, bool]]:
    with db.read() as s:
        return [(t.side, t.step, t.ended_at is None) for t in turns.all_turns(s, dispute_id)]


def start_open_turns_at(db, dispute_id, moment) -> None:
    with db.transaction() as s:
        for turn in turns.open_turns(s, dispute_id):
            turn.started_at = moment
        s.get(disputes.Dispute, dispute_id).created_at = moment


def share(db, dispute_id, who: Person) -> None:
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        party = d.party_of(who.team_id, who.user_id)
        perspectives.share(s, d, party, PerspectiveText("saw", "cost", "wants"), seal=True, actor=who)


def due(db, now) -> list[tuple[str, str | None, list[str]]]:
    with db.read() as s:
        return [(n.kind, n.side, [p.user_id for p in n.waiting]) for n in nudges.due(s, now=now)]


def test_turns_follow_whose_move_it_is(db):
    dispute_id = open_one(db)
    assert turns_of(db, dispute_id) == [("client", "share", True), ("provider", "share", True)]
    share(db, dispute_id, STUDIO)
    assert turns_of(db, dispute_id) == [("client", "share", True), ("provider", "share", False)]
    share(db, dispute_id, CLIENT)
    # both sides have spoken: either may propose, and each side's clock runs
    assert [t for t in turns_of(db, dispute_id) if t[2]] == [("client", "propose", True), ("provider", "propose", True)]
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        proposals.propose(s, d, d.party_of(STUDIO.team_id, STUDIO.user_id),
                          ProposalDraft("A discount", "Ten percent off", "discount"), actor=STUDIO)
    # the studio proposed: only the client's clock runs now
    assert [t for t in turns_of(db, dispute_id) if t[2]] == [("client", "answer", True)]


def test_a_reminder_due_on_the_waited_on_sides_holiday_moves_to_its_next_working_day(db):
    dispute_id = open_one(db)
    share(db, dispute_id, STUDIO)
    start_open_turns_at(db, dispute_id, APRIL_29)  # the client's turn to share began Wednesday 10:00
    # two working days in Berlin: Wednesday, Thursday, then Friday 1 May is Labour Day in Germany
    assert due(db, datetime(2026, 5, 1, 8, 30, tzinfo=UTC)) == []
    assert due(db, datetime(2026, 5, 2, 8, 30, tzinfo=UTC)) == []  # Saturday
    assert due(db, datetime(2026, 5, 4, 7, 59, tzinfo=UTC)) == []  # Monday 09:59 in Berlin
    assert due(db, datetime(2026, 5, 4, 8, 1, tzinfo=UTC)) == [("perspectives", "client", [CORA.id])]


def test_a_reminder_goes_inside_the_sides_working_hours_only(db):
    dispute_id = open_one(db)
    share(db, dispute_id, STUDIO)
    start_open_turns_at(db, dispute_id, APRIL_29)
    assert due(db, datetime(2026, 5, 4, 18, 0, tzinfo=UTC)) == []  # due, but 20:00 in Berlin
    assert due(db, datetime(2026, 5, 5, 7, 0, tzinfo=UTC)) == [("perspectives", "client", [CORA.id])]  # 09:00


def test_a_reminder_is_sent_once_per_period(db):
    dispute_id = open_one(db)
    share(db, dispute_id, STUDIO)
    start_open_turns_at(db, dispute_id, APRIL_29)
    monday = datetime(2026, 5, 4, 8, 1, tzinfo=UTC)
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        (nudge,) = nudges.due(s, now=monday)
        nudges.remind(s, d, nudge, now=monday)
    assert due(db, monday + timedelta(hours=1)) == []
    assert due(db, datetime(2026, 5, 6, 8, 2, tzinfo=UTC)) == [("perspectives", "client", [CORA.id])]


def test_the_time_to_an_agreement_counts_each_sides_own_turns(db):
    """The studio waits on the client for long; the studio itself answers at once. Only the
    client's clock reaches the policy's working days."""
    dispute_id = open_one(db)
    share(db, dispute_id, STUDIO)
    start_open_turns_at(db, dispute_id, datetime(2026, 11, 2, 8, 0, tzinfo=UTC))  # Monday
    later = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)  # Thursday of the next week, 10:00 in Berlin
    found = {(kind, side) for kind, side, _ in due(db, later)}
    assert ("agreement", "client") in found and ("agreement", "provider") not in found
    with db.read() as s:
        cal = calendars.calendar_of(s, CLIENT.team_id)
        client_turns = [t for t in turns.all_turns(s, dispute_id) if t.side == "client"]
        assert turns.worked(client_turns, cal, since=datetime(2026, 11, 2, tzinfo=UTC), now=later) == (8 * 8 + 1) * 3600


def test_a_sunday_to_thursday_organization_is_reminded_on_its_own_days(db):
    dispute_id = open_one(db)
    with db.transaction() as s:
        s.add(OrgCalendar(team_id=CLIENT.team_id, time_zone="Asia/Dubai", work_days="6,0,1,2,3"))
    share(db, dispute_id, STUDIO)
    start_open_turns_at(db, dispute_id, datetime(2026, 12, 9, 6, 0, tzinfo=UTC))  # Wednesday 10:00 in Dubai
    # two working days: Wednesday, Thursday, then Sunday 10:00 (the weekend is Friday and Saturday)
    assert due(db, datetime(2026, 12, 11, 6, 30, tzinfo=UTC)) == []  # Friday
    assert due(db, datetime(2026, 12, 12, 6, 30, tzinfo=UTC)) == []  # Saturday
    assert due(db, datetime(2026, 12, 13, 6, 1, tzinfo=UTC)) == [("perspectives", "client", [CORA.id])]


def test_pace_is_a_fair_record_of_both_organizations(db):
    dispute_id = open_one(db)
    start_open_turns_at(db, dispute_id, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with db.transaction() as s:
        disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        for turn in turns.open_turns(s, dispute_id):
            hours = 2 if turn.side == "provider" else 12
            turn.ended_at = turn.started_at + timedelta(hours=hours)
            turn.worked_seconds = calendars.working_seconds(
                calendars.calendar_of(s, turn.team_id), turn.started_at, turn.ended_at)
    with db.read() as s:
        found = {p.team_id: (p.turns, p.average_seconds) for p in turns.pace(s, STUDIO.team_id)}
        assert found == {STUDIO.team_id: (1, 2 * 3600), CLIENT.team_id: (1, 7 * 3600)}  # 10:00–17:00 Berlin
        assert turns.pace(s, CLIENT.team_id)[0].team_id == CLIENT.team_id  # one's own first
        assert turns.pace(s, "T0ELSEWHERE") == []


def test_the_policy_sets_each_timeline():
    policy = EffectivePolicy(perspective_nudge_days=1, answer_nudge_days=4, approve_nudge_days=2)
    assert [turns.days_for(step, policy) for step in ("share", "answer", "approve", "propose")] == [1, 4, 2, None]


def test_each_side_is_reminded_of_the_agreement_on_its_own_clock(db):
    """Both sides waited on to propose for weeks: each is reminded, each on its own clock."""
    dispute_id = open_one(db)
    share(db, dispute_id, STUDIO)
    share(db, dispute_id, CLIENT)
    start_open_turns_at(db, dispute_id, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))  # both: propose
    later = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # a Tuesday: working time in both
    assert sorted((k, side) for k, side, _ in due(db, later)) == [("agreement", "client"), ("agreement", "provider")]
    with db.transaction() as s:
        d = disputes.load(s, STUDIO.team_id, dispute_id, lock=True)
        client = next(n for n in nudges.due(s, now=later) if n.side == "client")
        nudges.remind(s, d, client, now=later)
    # the client was reminded; the studio, not yet, still is
    assert [(k, side) for k, side, _ in due(db, later + timedelta(minutes=5))] == [("agreement", "provider")]


def test_disputes_from_before_the_clock_begin_their_turns_at_their_last_change(db):
    dispute_id = open_one(db)
    with db.transaction() as s:
        for turn in turns.all_turns(s, dispute_id):
            s.delete(turn)
        s.get(disputes.Dispute, dispute_id).updated_at = APRIL_29
    with db.transaction() as s:
        assert turns.start_missing(s) == 1
        assert turns.start_missing(s) == 0
    with db.read() as s:
        assert {(t.side, t.started_at) for t in turns.open_turns(s, dispute_id)} == {
            ("client", APRIL_29), ("provider", APRIL_29)}


def test_a_workspaces_erasure_takes_its_calendar(db):
    from bot.services import erasure

    open_one(db)
    with db.transaction() as s:
        calendars.set_calendar(s, STUDIO.team_id, actor=STUDIO, time_zone="Europe/London")
        calendars.learn(s, STUDIO.team_id, time_zone="Europe/London", locale="en-GB")
    with db.transaction() as s:
        assert erasure.holdings(s, STUDIO.team_id).settings == 1
        erasure.erase(s, STUDIO.team_id, by=STUDIO)
    with db.read() as s:
        assert s.get(OrgCalendar, STUDIO.team_id) is None and s.get(SlackDefaults, STUDIO.team_id) is None


def test_an_admins_empty_country_means_no_public_holidays():
    saved = calendars.of_row(OrgCalendar(time_zone="Europe/Berlin", country=None, updated_by="U0ADMIN"))
    assert saved.holidays is None and saved.country is None
    assert calendars.of_row(OrgCalendar(time_zone="Europe/Berlin")).country == "DE"  # not set: the zone's


def test_learning_twice_at_once_is_one_row(db):
    with db.transaction() as s:
        calendars.learn(s, "T0NEW", time_zone="Europe/Paris", locale="fr-FR")
        calendars.learn(s, "T0NEW", time_zone="Europe/Berlin", locale=None)
    with db.read() as s:
        row = s.get(SlackDefaults, "T0NEW")
        assert (row.time_zone, row.locale) == ("Europe/Berlin", "fr-FR")


def test_the_tick_reminds_each_side_once(db):
    from bot.jobs.tasks import remind_stalled

    dispute_id = open_one(db)
    share(db, dispute_id, STUDIO)
    share(db, dispute_id, CLIENT)
    start_open_turns_at(db, dispute_id, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    later = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
    assert remind_stalled(db, now=later) == 2  # the client and the studio, each once
    assert remind_stalled(db, now=later + timedelta(minutes=1)) == 0
    with db.read() as s:
        d = s.get(disputes.Dispute, dispute_id)
        assert d.client_nudged_at == later and d.provider_nudged_at == later
