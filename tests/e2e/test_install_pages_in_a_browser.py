"""The install flow's pages as a person sees them, in a real browser: Debian's Chromium driven by
Playwright (`make test` installs Chromium when it is missing). Each page: English, a title, one
heading, links with names, reachable by keyboard, readable on a phone's width. With
PARLEY_SCREENSHOTS=docs the screenshots go to docs/screenshots/ (the README shows them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import CLIENT_TEAM
from tests.support.databases import ROOT
from tests.support.multi_workspace import CLIENT_TOKEN

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    return ROOT / "docs" / "screenshots" if os.environ.get("PARLEY_SCREENSHOTS") == "docs" else tmp_path


def looked_at(page: Page, heading: str, shots: Path, name: str) -> None:
    """What a person (and a screen reader) finds on the page; then its picture."""
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title().endswith("· Parley")
    headings = page.locator("h1")
    assert headings.count() == 1 and headings.inner_text() == heading and headings.is_visible()
    for link in page.get_by_role("link").all():
        assert link.inner_text().strip()  # every link says where it goes
    page.keyboard.press("Tab")  # the first thing a keyboard reaches is the page's action
    assert page.evaluate("document.activeElement.tagName") == "A"
    page.set_viewport_size({"width": 360, "height": 740})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 900, "height": 640})
    page.screenshot(path=str(shots / f"install-{name}.png"), full_page=True)


def test_the_install_pages_in_a_browser(chromium, any_server, fake_slack, shots):
    context = chromium.new_context(viewport={"width": 900, "height": 640})
    page = context.new_page()
    page.goto(any_server.url + "/slack/install")
    looked_at(page, "Add Parley to your Slack workspace", shots, "page")
    href = page.get_by_role("link", name="Add to Slack").get_attribute("href")
    assert href and href.startswith("https://slack.com/oauth/v2/authorize?")
    state = parse_qs(urlsplit(href).query)["state"][0]

    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    page.goto(f"{any_server.url}/slack/oauth_redirect?code=code-1&state={state}")
    looked_at(page, "Parley is installed in Client Co", shots, "done")
    assert "/invite @Parley" in page.inner_text("main")

    page.goto(f"{any_server.url}/slack/oauth_redirect?code=code-1&state={state}")  # used already
    looked_at(page, "This install link has expired", shots, "expired")

    page.goto(any_server.url + "/slack/install")
    state = parse_qs(urlsplit(page.get_by_role("link", name="Add to Slack")
                              .get_attribute("href") or "").query)["state"][0]
    page.goto(f"{any_server.url}/slack/oauth_redirect?error=access_denied&state={state}")
    looked_at(page, "Parley was not added", shots, "denied")
    page.get_by_role("link", name="Go to the install page").click()
    assert page.locator("h1").inner_text() == "Add Parley to your Slack workspace"

    other = chromium.new_context().new_page()  # the redirect lands in another browser
    other.goto(f"{any_server.url}/slack/oauth_redirect?code=code-2&state={state}")
    assert other.locator("h1").inner_text() == "This install was started in another browser"
    context.close()
