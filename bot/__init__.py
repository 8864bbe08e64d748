"""Parley: a calm, shared structure for disputes between a business and its client in Slack."""
