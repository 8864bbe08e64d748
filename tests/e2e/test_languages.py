"""Each side in its own language (issue 31): a French studio and a German client. Each sees its
own language privately (forms, private answers), the shared channel reads in the channel's
language (the studio's workspace's, learnt from Slack), amounts and dates are written for each
reader, the certificate PDF follows the channel; and nothing is left in English by mistake."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlalchemy import select

from bot import i18n, ids
from bot.i18n import _
from models import Agreement, Dispute, SlackDefaults
from tests.conftest import CHANNEL, CORA, SAM
from tests.e2e.agreement_steps import OFFER
from tests.e2e.helpers import GOOD_ANSWERS
from tests.e2e.test_happy_path import Counted, latest_view, readable, thread_of
from tests.e2e.threads import buttons, card_blocks
from tests.support.slack_page import screenshot

ROOT = Path(__file__).resolve().parents[2]

STORY = {ids.B_P_HAPPENED: "Die Bildschirme kamen zwei Wochen zu spät.",
         ids.B_P_IMPACT: "Unser Start hat sich verschoben.",
         ids.B_P_RESOLUTION: "Die Bildschirme neu machen."}


def english_sentences() -> set[str]:
    """Parley's own English, in runs of at least four words between placeholders and markup:
    none of them may reach a German or French reader as it is."""
    with i18n.catalog_path("de").open("rb") as f:
        catalog = read_po(f)
    found = set()
    for message in catalog:
        for text in [message.id] if isinstance(message.id, str) else list(message.id or ()):
            for run in re.split(r"\{[^}]*\}|[*_`>\n]|:[a-z_]+:", text or ""):
                run = run.strip(" .,;:()“”\"'")
                if len(re.findall(r"[A-Za-z]{2,}", run)) >= 4:
                    found.add(run)
    return found


def in_language(language: str, english: str) -> str:
    with i18n.use(language):
        return _(english)


def leaks(texts: list[str]) -> list[str]:
    sentences = english_sentences()
    return sorted({s for s in sentences for t in texts if s in t})


def channel_texts(fake_slack) -> list[str]:
    found: list[str] = []
    for (channel, _ts), message in fake_slack.messages.items():
        if channel == CHANNEL:
            found += [message.get("text") or "", *readable(message.get("blocks"))]
    return found


def test_a_french_studio_and_a_german_client_each_read_their_own_language(slack, fake_slack, db, parley,
                                                                           tmp_path):
    fake_slack.users[SAM.id].update(locale="fr-FR", tz="Europe/Paris")
    fake_slack.users[CORA.id].update(locale="de-DE", tz="Europe/Berlin")
    people = Counted(slack, fake_slack)

    # Sam raises it in French: the form is French, and the amount is typed as French writes it.
    people.command(SAM)
    form = latest_view(fake_slack)
    assert form["title"]["text"] == in_language("fr", "Raise a dispute") != "Raise a dispute"
    typed_the_english_way = people._sent(SAM, lambda: slack.view_submission(
        SAM, form, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id], ids.B_AMOUNT: "1,250.50"}), "form")
    assert ids.B_AMOUNT in typed_the_english_way.json()["errors"]  # 1.2505 in French: refused
    people.submit(SAM, form, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id], ids.B_AMOUNT: "1 250,50"})
    with db.read() as s:
        assert str(s.scalars(select(Dispute)).one().amount) == "1250.50"
        assert s.get(SlackDefaults, SAM.team_id).locale == "fr-FR"  # learnt from Slack
    ts = fake_slack.messages_in(CHANNEL)[0]["ts"]

    # The card, in the channel, is in the studio's workspace's language: French.
    card = card_blocks(fake_slack, CHANNEL, ts)
    share = buttons(card)[ids.SHARE_PERSPECTIVE]["text"]["text"]
    assert share == in_language("fr", "Share your side") != "Share your side"
    assert "1\u202f250,50 EUR" in " ".join(readable(card))  # French digits (a narrow space between groups)

    # Cora tells her side in German: her form is German, whatever the channel's language.
    people.click(CORA, card, ids.SHARE_PERSPECTIVE)
    assert latest_view(fake_slack)["title"]["text"] == in_language("de", "Share your side")
    people.submit(CORA, latest_view(fake_slack), STORY)

    people.click(SAM, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    assert latest_view(fake_slack)["title"]["text"] == in_language("fr", "Propose a solution")
    people.submit(SAM, latest_view(fake_slack), OFFER)
    proposal = thread_of(fake_slack, ts)[-1]
    people.click(CORA, proposal["blocks"], ids.ACCEPT_PROPOSAL)
    with db.read() as s:
        assert s.scalars(select(Agreement)).one().status == "ratified"

    # Nothing of Parley's own English reached either of them, privately or in the channel.
    assert leaks(people.private[CORA.id]) == []
    assert leaks(people.private[SAM.id]) == []
    assert leaks(channel_texts(fake_slack)) == []
    # People's own words stay theirs, untranslated.
    assert any("Die Bildschirme kamen zwei Wochen zu spät." in t for t in channel_texts(fake_slack))

    # The certificate follows the channel: French, with the date's month in French words.
    (certificate,) = fake_slack.uploads.values()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate["bytes"])).pages)
    assert in_language("fr", "Agreement between {organizations}").split("{")[0].strip() in text
    assert leaks([text]) == []
    # The thread as Slack shows it, for the guide (PARLEY_SCREENSHOTS=docs, `make screenshots`).
    where = ROOT / "docs" / "screenshots" if os.environ.get("PARLEY_SCREENSHOTS") == "docs" else tmp_path
    screenshot(fake_slack, CHANNEL, ts, where / "thread-french.png")
    assert (where / "thread-french.png").stat().st_size > 20_000


def test_a_locale_parley_does_not_have_falls_back_to_english(slack, fake_slack, db):
    fake_slack.users[SAM.id].update(locale="ja-JP")
    slack.command(SAM)
    assert fake_slack.calls_to("views.open")[-1].args["view"]["title"]["text"] == "Raise a dispute"


def test_the_channel_language_is_a_setting(slack, fake_slack, db):
    """An admin may set the channel's language; each person's private answers keep theirs."""
    from bot.services.people import Person
    from bot.services.policy import set_policy
    from tests.e2e.helpers import raise_dispute

    fake_slack.users[SAM.id].update(locale="fr-FR")
    with db.transaction() as s:
        set_policy(s, SAM.team_id, actor=Person(SAM.team_id, SAM.id), channel_id=CHANNEL, language="es")
    ts = raise_dispute(slack, fake_slack, SAM, [CORA], **{ids.B_AMOUNT: "1250"})["welcome"]["thread_ts"]
    share = buttons(card_blocks(fake_slack, CHANNEL, ts))[ids.SHARE_PERSPECTIVE]["text"]["text"]
    assert share == in_language("es", "Share your side")
    assert fake_slack.calls_to("views.open")[-1].args["view"]["title"]["text"] == in_language(
        "fr", "Raise a dispute")


def test_a_form_shown_again_in_the_ack_keeps_its_language(slack, fake_slack, db):
    """A tone note re-shows the form from the ack (response_action "update"): it stays German, so
    the next submission is read (its errors, its amounts) as German too."""
    from tests.e2e.helpers import raise_dispute
    from tests.e2e.threads import click_for_modal

    fake_slack.users[CORA.id].update(locale="de-DE")
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    form = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    heated = {**STORY, ids.B_P_HAPPENED: "DAS IST NICHT OKAY UND VÖLLIG INAKZEPTABEL!!!"}
    reply = slack.view_submission(CORA, form, heated).json()
    assert reply["response_action"] == "update"
    again = reply["view"]
    assert again["title"]["text"] == in_language("de", "Share your side")
    assert '"l":"de"' in again["private_metadata"]
    assert leaks(readable(again["blocks"])) == []  # the note itself is German
    assert slack.view_submission(CORA, {**form, **again}, heated).body == ""  # seen: it goes through
