"""`parley`: the console script installed with the package.

    parley verify FILE                        check an agreement certificate, an exported
                                              record (PDF) or an export's bundle (ZIP)
                                              against the database
    parley verify --audit [D-7] [--team T…]   walk the audit trail's hash chains

It reads the database of DATABASE_URL (or the settings' default). Exit status: 0 when what was
checked holds, 1 when it does not (one line says what differs; a file that is not one Parley
made, or whose record is malformed, is one line too), 2 when it cannot check (one line says why:
the database cannot be reached, or the command line is not one argparse understands). Whatever
it prints is one line: bot/terminal.py strips what a file or an argument could use to forge
another (newlines, escape sequences, bidi overrides)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.config import normalize_database_url
from bot.db import Database, build_engine
from bot.records.bundle import check_bundle, is_bundle, read_bundle
from bot.records.export import FORMAT as EXPORT_FORMAT
from bot.records.verify_agreement import TEAM, NotARecord, check, read_record
from bot.records.verify_export import check_export
from bot.services import settlements
from bot.services.disputes import NotFound, get_by_reference
from bot.services.trail import walk
from bot.terminal import one_line, quoted
from models import Dispute


class _Parser(argparse.ArgumentParser):
    """argparse's own errors repeat what was typed ("unrecognized arguments: …"): one line too.
    (Its exit status for them stays 2: nothing was checked.)"""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {one_line(message, limit=300)}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="parley", description="Parley's own tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser(
        "verify", help="check a certificate or an export, or the audit trail's hash chains"
    )
    verify.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="an agreement certificate, an exported record (PDF) or a bundle (ZIP)",
    )
    verify.add_argument(
        "--audit", nargs="?", const="", metavar="D-7", help="walk every chain, or one dispute's"
    )
    verify.add_argument("--team", help="the workspace whose D-7 is meant (when several have one)")
    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings would be a second line
    if (args.file is None) == (args.audit is None):
        parser.error("give a certificate or an exported record to check, or --audit")
    bundle = None
    if args.file is not None:
        try:
            if is_bundle(args.file):
                bundle = read_bundle(args.file)
                record = bundle.record
            else:
                record = read_record(args.file)
        except NotARecord as error:
            return _say(str(error), 1)
    url = normalize_database_url(_database_url())
    missing = _missing_sqlite_file(url)
    if missing:  # SQLite would make an empty one, and there is nothing in it to check
        return _say(f"cannot check: there is no database at {quoted(missing, limit=200)}", 2)
    try:
        db = Database(build_engine(url))
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        return _say(f"cannot open the database: {error}", 2)
    try:
        if args.file is not None:
            checker = check_export if record["format"] == EXPORT_FORMAT else check
            with db.read() as session:
                checked = check_bundle(session, bundle) if bundle else checker(session, record)
            return _say(checked.line, 0 if checked.matches else 1)
        return _verify_audit(db, args.audit, args.team)
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        what = "the file" if args.file is not None else "the audit trail"
        return _say(f"cannot check {what} against the database: {said}", 2)
    finally:
        db.engine.dispose()


def _database_url() -> str:
    """DATABASE_URL, from the environment or a .env file (bot/config.py), else the default."""
    from bot.config import Settings, env_value

    return env_value("DATABASE_URL") or str(Settings.model_fields["database_url"].default)


def _missing_sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return None if Path(parsed.database or "").exists() else parsed.database


def _verify_audit(db: Database, reference: str, team: str | None) -> int:
    with db.read() as session:
        dispute = None
        if reference:
            try:
                dispute = _dispute(session, reference, team)
            except NotFound as error:
                return _say(str(error), 1)
        result = walk(session, dispute=dispute)
        if result.events == 0:  # an empty or wrong database must not pass in a cron job
            return _say(
                "Nothing to check: the database holds no audit events"
                f"{' for ' + dispute.reference if dispute else ''} (is DATABASE_URL "
                "Parley's database?).",
                1,
            )
        where = f"{dispute.reference} of {dispute.team_id}" if dispute else "every chain"
        if result.first_break is None:
            changed = settlements.unsealed(session, dispute_id=dispute.id if dispute else None)
            if changed is not None:
                owner = session.get(Dispute, changed.settlement.dispute_id)
                return _say(
                    f"A sealed limit of {owner.reference if owner else 'a dispute'} (round "
                    f"{changed.round}) does not match its fingerprint in the audit trail: it was "
                    "changed after it was sealed.",
                    1,
                )
            return _say(
                f"The audit trail is intact: {result.events} events in "
                f"{result.chains} chain{'' if result.chains == 1 else 's'} ({where}), and every "
                "sealed limit matches its fingerprint.",
                0,
            )
        event = result.first_break.event
        chain = _chain_name(session, event)
        return _say(
            f"Event {event.id} ({event.kind}, {event.at:%Y-%m-%d %H:%M:%S} UTC, {chain}) "
            f"does not fit: {result.first_break.reason}.",
            1,
        )


def _dispute(session, reference: str, team: str | None) -> Dispute:
    """The dispute a command line names. Both values are checked here, before any query or any
    message repeats them, and only the normalized forms go on (D-7, T0123)."""
    cleaned = reference.strip().upper().removeprefix("D-").removeprefix("D")
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 9:
        raise NotFound(f"{quoted(reference, limit=40)} is not a dispute reference; they look like D-7.")
    reference = f"D-{int(cleaned)}"
    if team:
        if not TEAM.fullmatch(team.strip().upper()):
            raise NotFound(f"{quoted(team, limit=40)} is not a workspace id; they look like T0123ABCD.")
        return get_by_reference(session, team.strip().upper(), reference)
    teams = list(session.scalars(select(Dispute.team_id).where(Dispute.number == int(cleaned))))
    if len(teams) > 1:
        raise NotFound(
            f"Several workspaces have a {reference}: say which with --team ({', '.join(sorted(teams))})."
        )
    if not teams:
        raise NotFound(f"There is no dispute {reference}.")
    return get_by_reference(session, teams[0], reference)


def _chain_name(session, event) -> str:
    if event.dispute_id is None:
        return f"workspace {event.team_id}'s events"
    dispute = session.get(Dispute, event.dispute_id)
    return f"{dispute.reference} of {dispute.team_id}" if dispute else f"dispute {event.dispute_id}"


def _say(line: str, status: int) -> int:
    """The one line `parley verify` answers with. one_line() again at the way out: whatever a
    message was built from, it cannot print a second line."""
    stream = sys.stdout if status == 0 else sys.stderr
    line = one_line(line)
    try:
        print(line, file=stream)
    except UnicodeEncodeError:  # a terminal whose encoding cannot show every script (LANG=C…)
        encoding = stream.encoding or "ascii"
        print(line.encode(encoding, "backslashreplace").decode(encoding), file=stream)
    return status


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # `python -m bot.cli` is `parley`
    run()
