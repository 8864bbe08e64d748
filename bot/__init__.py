"""Parley: a calm, shared structure for disputes between a business and its client in Slack."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path


def version() -> str:
    """This release's version: the installed package's, or pyproject.toml's where Parley runs
    from a checkout that was not installed (a platform that installs requirements.txt only)."""
    try:
        return metadata.version("parley")
    except metadata.PackageNotFoundError:
        pass
    try:
        with (Path(__file__).resolve().parents[1] / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
