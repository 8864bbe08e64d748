"""The floor for bench/ack_latency.py: a bare Bolt app whose /dispute handler acks and, with
FLOOR_OPENS_MODAL=1, opens a small modal as Parley's does (views.open), served by the same WSGI
server and thread count as Parley."""

from __future__ import annotations

import os

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def main() -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    opens_modal = os.environ.get("FLOOR_OPENS_MODAL") == "1"
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Raise a dispute"},
             "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "The floor."}}]}

    @app.command("/dispute")
    def floor(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        if opens_modal:
            client.views_open(trigger_id=body["trigger_id"], view=modal)

    waitress.serve(SlackRequestHandler(app), host="127.0.0.1", port=int(os.environ["PORT"]),
                   threads=int(os.environ.get("WEB_THREADS", "16")), ident="floor")


if __name__ == "__main__":
    main()
