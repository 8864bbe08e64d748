"""Action-item rows (what, owner, due date) shared by the proposal and agreement modals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.blocks.inputs import date_picker, input_block, text_input, user_select
from bot.blocks.text import button, section
from bot.i18n import _
from bot.services.proposals import MAX_ITEMS

ITEM_MAX = 300


@dataclass
class ItemValues:
    text: str = ""
    owner: str | None = None
    due: str | None = None  # ISO date


def item_rows(rows: int, items: list[ItemValues], add_action_id: str, intro: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [section(intro)]
    for row in range(rows):
        item = items[row] if row < len(items) else ItemValues()
        blocks += [
            input_block(
                ids.B_ITEM_TEXT.format(row),
                # Translators: a form field's label; {number} counts the rows, from 1.
                _("Action item {number}").format(number=row + 1),
                text_input(
                    ids.A_ITEM_TEXT,
                    max_length=ITEM_MAX,
                    initial=item.text,
                    placeholder=_("e.g. Redo the two checkout screens"),
                ),
                optional=True,
            ),
            input_block(
                ids.B_ITEM_OWNER.format(row),
                _("Owner"),
                user_select(ids.A_ITEM_OWNER, initial=item.owner, placeholder=_("Who does it")),
                optional=True,
            ),
            input_block(
                ids.B_ITEM_DUE.format(row),
                _("Due date"),
                date_picker(ids.A_ITEM_DUE, initial=item.due),
                optional=True,
            ),
        ]
    if rows < MAX_ITEMS:
        blocks.append(
            {
                "type": "actions",
                "block_id": ids.B_ITEM_ACTIONS,
                "elements": [
                    button(_("Add another action item"), add_action_id),
                ],
            }
        )
    return blocks
