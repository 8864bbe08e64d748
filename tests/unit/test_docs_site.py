"""The docs site builds with every link checked, its settings table covers every setting, and the
README stays a short front door whose links into docs/ all lead somewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
README_MOST_BYTES = 10 * 1024
# [text](docs/…) and <img src="docs/…">, with an optional #anchor after the path.
DOCS_LINK = re.compile(r"""(?:\]\(|src=["'])(docs/[^)\s"'#]+)""")


def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    """`mkdocs build --strict`: a broken link or anchor, a page missing from the nav, or a
    setting without a description fails the build (mkdocs.yml's `validation`, the hook)."""
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    page = (site / "configuration" / "index.html").read_text(encoding="utf-8")
    assert "settings-table" not in page  # the marker was replaced
    for name in Settings.model_fields:
        assert f"<code>{name.upper()}</code>" in page, f"{name.upper()} is not in the settings table"


def test_the_readme_is_short() -> None:
    size = len(README.read_bytes())
    assert size <= README_MOST_BYTES, (
        f"README.md is {size} bytes; keep it under {README_MOST_BYTES} and move the rest to docs/")


def test_every_docs_link_in_the_readme_leads_to_a_file() -> None:
    links = DOCS_LINK.findall(README.read_text(encoding="utf-8"))
    assert links, "the README links to no page of docs/"
    missing = sorted({link for link in links if not (ROOT / link).is_file()})
    assert not missing, f"README.md links to files that do not exist: {missing}"
