"""MkDocs hook: the table of settings in configuration.md, generated from `bot.config.Settings`
at build time, so the page cannot drift from the code.

configuration.md holds the marker `<!-- settings-table -->`; this hook replaces it with one row
per field of the settings model: the variable's name, its default and its description (the
field's `description=`, plus the range its constraints allow). Secrets never show a default."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- settings-table -->"
SECRETS = {"slack_bot_token", "slack_client_secret", "slack_signing_secret", "slack_app_token",
           "metrics_token"}


def on_config(config: Any) -> Any:
    """Make `bot` importable from the repository root, installed or not."""
    root = str(Path(config.config_file_path).resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, settings_table())


def settings_table() -> str:
    from bot.config import Settings

    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if not field.description:
            raise ValueError(f"bot.config.Settings.{name} has no description: add "
                             f"Field(description=...) so that docs/configuration.md can show it")
        variable = field.validation_alias if isinstance(field.validation_alias, str) else name
        default = "" if name in SECRETS else _default(field.default)
        meaning = " ".join(part for part in (field.description, _range(field.metadata)) if part)
        rows.append(f"| `{variable.upper()}` | {_cell(default)} | {_cell(meaning)} |")
    return "\n".join(rows)


def _default(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if "," in text and " " not in text:  # a list (the scopes): let the cell wrap between items
        return ", ".join(f"`{item}`" for item in text.split(","))
    return f"`{text}`"


WORDS = {"ge": "at least {}", "gt": "above {}", "le": "at most {}", "lt": "below {}"}


def _range(metadata: list[Any]) -> str:
    """The range a field's constraints allow: Field(ge=1, le=65535) says "From 1 to 65535."."""
    bounds = {key: getattr(rule, key) for rule in metadata for key in WORDS
              if getattr(rule, key, None) is not None}
    if not bounds:
        return ""
    if bounds.keys() == {"ge", "le"}:
        return f"From {bounds['ge']} to {bounds['le']}."
    said = ", ".join(WORDS[key].format(value) for key, value in bounds.items())
    return said[0].upper() + said[1:] + "."


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
