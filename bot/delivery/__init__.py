"""The Slack side of the outbox: rows (bot/services/outbox.py) become Slack calls, paced per
channel, retried, looked up when an answer was lost, and marked."""
