"""A fake Slack Web API on loopback for tests and benchmarks."""

from tests.fakeslack.server import FakeSlack

__all__ = ["FakeSlack"]
