"""`/dispute` with one word close to a subcommand answers privately instead of opening the form
with that word as a title (issue 26: `/dispute lsit` opened the dispute form titled "lsit")."""

from __future__ import annotations

import pytest

from tests.conftest import SAM


@pytest.mark.parametrize(("typed", "meant"), [
    ("lsit", "/dispute list"), ("hlep", "/dispute help"), ("exprot", "/dispute export"),
    ("shwo d-7", "/dispute show D-7"), ("sttings", "/dispute settings")])
def test_a_mistyped_subcommand_is_answered_privately(slack, fake_slack, typed, meant):
    assert slack.command(SAM, typed).status == 200
    answer = fake_slack.calls_to("response_url")[-1].args["text"]
    assert f"Did you mean `{meant}`?" in answer and "Nothing was opened" in answer
    assert fake_slack.calls_to("views.open") == []


@pytest.mark.parametrize("title", ["Late", "Invoice", "homepage late", "delivery"])
def test_a_title_still_opens_the_form(slack, fake_slack, title):
    assert slack.command(SAM, title).status == 200
    view = fake_slack.wait_for("views.open")[-1].args["view"]
    title_input = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title_input["element"]["initial_value"] == title
