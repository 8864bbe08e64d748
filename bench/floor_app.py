"""The floor for bench/ack_latency.py: a bare Bolt app whose /dispute handler acks and, with
FLOOR_OPENS_MODAL=1, opens the same form Parley's does (views.open; its builder is pure, so the
floor and Parley send Slack the same bytes), served by the same WSGI server and thread count as
Parley. With FLOOR_OPENS_MODAL=small, a one-block modal instead (the floor until 2026-12-07)."""

from __future__ import annotations

import os
import sys

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bot.blocks.dispute_modal import open_dispute_modal  # noqa: E402


def main() -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    opens_modal = os.environ.get("FLOOR_OPENS_MODAL", "0") != "0"
    small = {"type": "modal", "title": {"type": "plain_text", "text": "Raise a dispute"},
             "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "The floor."}}]}

    @app.command("/dispute")
    def floor(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        if opens_modal:
            view = (small if os.environ["FLOOR_OPENS_MODAL"] == "small"
                    else open_dispute_modal(body["channel_id"], body.get("text", "")))
            client.views_open(trigger_id=body["trigger_id"], view=view)

    waitress.serve(SlackRequestHandler(app), host="127.0.0.1", port=int(os.environ["PORT"]),
                   threads=int(os.environ.get("WEB_THREADS", "16")), ident="floor")


if __name__ == "__main__":
    main()
