"""Run the fake Slack Web API on its own (for benchmarks): prints its base URL, serves until killed."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from tests.fakeslack.server import HOST_TEAM, FakeSlack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", default="xoxb-bench-token")
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--no-validate", action="store_true",
                        help="skip Block Kit validation (benchmarks: Slack's CPU is not ours)")
    parser.add_argument("--workspaces", type=int, default=0,
                        help="this many other installed workspaces: token xoxb-ws-N for team TWSN")
    parser.add_argument("--locale", default="en-US", help="the bench user's Slack locale")
    args = parser.parse_args()
    fake = FakeSlack(token=args.token, validate=not args.no_validate).start()
    fake.add_user("U0BENCH", HOST_TEAM, name="bench", locale=args.locale, tz="Europe/Berlin")
    for n in range(args.workspaces):
        fake.tokens[f"xoxb-ws-{n}"] = f"TWS{n:05d}"
        fake.teams[f"TWS{n:05d}"] = f"Workspace {n}"
    for index in range(args.channels):
        fake.add_channel(f"C0BENCH{index}")
    print(fake.base_url, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    fake.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
