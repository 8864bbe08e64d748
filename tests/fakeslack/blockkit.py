"""Validates Block Kit payloads the way Slack would refuse them: slack_sdk's models plus the
documented limits (blocks per surface, modal title, private_metadata, button text and value...)."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TYPES = {"section", "divider", "image", "actions", "context", "header", "rich_text",
                 "video", "file", "markdown", "table"}
VIEW_TYPES = MESSAGE_TYPES | {"input"}


def _text_len(obj: Any) -> int:
    return len(obj.get("text", "")) if isinstance(obj, dict) else 0


def _walk_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    if isinstance(block.get("accessory"), dict):
        found.append(block["accessory"])
    if isinstance(block.get("element"), dict):
        found.append(block["element"])
    for element in block.get("elements", []) or []:
        if isinstance(element, dict):
            found.append(element)
    return found


def _check_element(element: dict[str, Any], where: str, problems: list[str]) -> None:
    kind = element.get("type")
    if kind == "button":
        if _text_len(element.get("text")) > 75:
            problems.append(f"{where}: button text over 75 chars")
        if len(element.get("value", "")) > 2000:
            problems.append(f"{where}: button value over 2000 chars")
    if len(element.get("action_id", "")) > 255:
        problems.append(f"{where}: action_id over 255 chars")
    if kind == "plain_text_input":
        if element.get("max_length", 0) > 3000:
            problems.append(f"{where}: plain_text_input max_length over 3000")
        if len(element.get("initial_value", "")) > element.get("max_length", 3000):
            problems.append(f"{where}: initial_value longer than max_length")
    if kind == "file_input" and not 1 <= int(element.get("max_files", 10)) <= 10:
        problems.append(f"{where}: file_input max_files outside 1-10")
    if kind in {"static_select", "multi_static_select"} and len(element.get("options", [])) > 100:
        problems.append(f"{where}: more than 100 options")


def check_blocks(blocks: Any, *, surface: str) -> list[str]:
    problems: list[str] = []
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return ["blocks is not valid JSON"]
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    limit = MESSAGE_BLOCKS if surface == "message" else VIEW_BLOCKS
    allowed = MESSAGE_TYPES if surface == "message" else VIEW_TYPES
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks in a {surface} (limit {limit})")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(block, dict) or block.get("type") not in allowed:
            problems.append(f"{where}: type {block.get('type') if isinstance(block, dict) else block!r} "
                            f"not allowed in a {surface}")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                problems.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
            if len(block_id) > 255:
                problems.append(f"{where}: block_id over 255 chars")
        try:
            parsed = Block.parse(block)
            if parsed is None:
                problems.append(f"{where}: slack_sdk could not parse the block")
            else:
                parsed.validate_json()
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
            problems.append(f"{where}: {error}")
        if block["type"] == "section":
            if _text_len(block.get("text")) > 3000:
                problems.append(f"{where}: section text over 3000 chars")
            fields = block.get("fields") or []
            if len(fields) > 10 or any(_text_len(f) > 2000 for f in fields):
                problems.append(f"{where}: section fields over limits")
            if not block.get("text") and not fields:
                problems.append(f"{where}: section needs text or fields")
        if block["type"] == "header" and _text_len(block.get("text")) > 150:
            problems.append(f"{where}: header text over 150 chars")
        if block["type"] == "context" and len(block.get("elements", [])) > 10:
            problems.append(f"{where}: context has more than 10 elements")
        if block["type"] == "actions" and len(block.get("elements", [])) > 25:
            problems.append(f"{where}: actions has more than 25 elements")
        if block["type"] == "input" and _text_len(block.get("label")) > 2000:
            problems.append(f"{where}: input label over 2000 chars")
        for element in _walk_elements(block):
            _check_element(element, where, problems)
    return problems


def check_message(args: dict[str, Any]) -> list[str]:
    problems = []
    if not args.get("text") and not args.get("blocks"):
        problems.append("message has neither text nor blocks")
    if args.get("blocks") and not args.get("text"):
        problems.append("message with blocks has no fallback text")
    if len(args.get("text") or "") > 40000:
        problems.append("message text over 40000 chars")
    if args.get("blocks") is not None:
        problems += check_blocks(args["blocks"], surface="message")
    return problems


def check_view(view: Any) -> list[str]:
    if isinstance(view, str):
        try:
            view = json.loads(view)
        except ValueError:
            return ["view is not valid JSON"]
    if not isinstance(view, dict):
        return ["view must be an object"]
    problems = []
    kind = view.get("type")
    if kind not in {"modal", "home"}:
        problems.append(f"view type {kind!r}")
    if kind == "modal":
        if not view.get("title") or _text_len(view["title"]) > 24:
            problems.append("modal title missing or over 24 chars")
        for key in ("submit", "close"):
            if key in view and _text_len(view[key]) > 24:
                problems.append(f"modal {key} over 24 chars")
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict))
        if has_input and "submit" not in view:
            problems.append("modal with inputs has no submit button")
    if len(view.get("private_metadata", "")) > 3000:
        problems.append("private_metadata over 3000 chars")
    if len(view.get("callback_id", "")) > 255:
        problems.append("callback_id over 255 chars")
    problems += check_blocks(view.get("blocks", []), surface="view")
    return problems
