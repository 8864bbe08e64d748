"""The web pages of Slack's install flow (multi-workspace mode): the "Add to Slack" page, the page
after a successful install, and the pages for an install that did not happen. Small, plain,
accessible HTML: one heading, a few sentences, one action; no script, no outside resource."""

from __future__ import annotations

from html import escape

_STYLE = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1c1d;
background:#f8f8f8}
main{max-width:34rem;margin:4rem auto;padding:2rem;background:#fff;border:1px solid #ddd;
border-radius:8px}
h1{font-size:1.5rem;margin:0 0 1rem}
p,ol{margin:0 0 1rem}
a.button{display:inline-block;padding:.7rem 1.2rem;border-radius:6px;background:#4a154b;color:#fff;
font-weight:600;text-decoration:none}
a.button:focus-visible,a:focus-visible{outline:3px solid #1264a3;outline-offset:2px}
a{color:#1264a3}
code{background:#f1f1f1;padding:0 .25rem;border-radius:3px}
.note{color:#555;font-size:.9rem}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · Parley</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def install_page(authorize_url: str) -> str:
    return _page(
        "Add Parley to Slack",
        f"""<h1>Add Parley to your Slack workspace</h1>
<p>Parley helps a business and its client settle a disagreement in the channel they share: each
side gives its view, they agree on what happens next, and both approve it in writing.</p>
<p><a class="button" href="{escape(authorize_url, quote=True)}">Add to Slack</a></p>
<p class="note">Slack will show what Parley may do in your workspace and ask you to allow it.
Both organizations in a Slack Connect channel can add Parley, each to its own workspace.</p>""",
    )


def installed_page(team_name: str, *, again: bool, app_url: str | None) -> str:
    what = (
        "Parley was already in this workspace; its permissions are now up to date."
        if again
        else "Parley is now part of this workspace."
    )
    open_slack = (
        f'<p><a class="button" href="{escape(app_url, quote=True)}">Open Slack</a></p>' if app_url else ""
    )
    return _page(
        "Parley is installed",
        f"""<h1>Parley is installed in {escape(team_name)}</h1>
<p>{what}</p>
<p>What to do next:</p>
<ol>
<li>In the channel you share with the other organization, type <code>/invite @Parley</code>.</li>
<li>When something needs settling, type <code>/dispute</code> there, or press
<strong>Raise a dispute</strong> in Parley's welcome message.</li>
</ol>
{open_slack}
<p class="note">People from the other organization can take part by buttons and forms. To type
<code>/dispute</code> themselves and see Parley's Home tab, their organization adds Parley
too. Guests invited to a Slack Connect channel with permission only to post cannot use apps at
all; invite them with the fuller permission.</p>""",
    )


# Why an install did not happen, in words for the person who tried (Bolt's failure reasons).
_FAILURES = {
    "access_denied": (
        "Parley was not added",
        "You chose not to allow Parley in your workspace, so nothing was installed "
        "and nothing was stored. You can try again whenever you like.",
    ),
    "invalid_state": (
        "This install link has expired",
        "Install links work once and for ten minutes. Nothing was installed. "
        "Start again from the install page.",
    ),
    "invalid_browser": (
        "This install was started in another browser",
        "For your safety, an install must finish in the browser that started it. "
        "Nothing was installed. Start again from the install page in this browser.",
    ),
    "missing_code": (
        "Slack did not finish the install",
        "The answer from Slack was incomplete. Nothing was installed. Start again from the install page.",
    ),
    "invalid_code": (
        "Slack did not accept this install",
        "The answer from Slack could not be used (it may have been used already). "
        "Nothing was installed. Start again from the install page.",
    ),
}
_OTHER = (
    "Parley could not be installed",
    "Something went wrong on our side while saving the install. Nothing was changed in "
    "your workspace. Please try again in a few minutes.",
)


def failure_page(reason: str, install_path: str) -> str:
    heading, text = _FAILURES.get(reason, _OTHER)
    return _page(
        heading,
        f"""<h1>{escape(heading)}</h1>
<p>{escape(text)}</p>
<p><a class="button" href="{escape(install_path, quote=True)}">Go to the install page</a></p>""",
    )
