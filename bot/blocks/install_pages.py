"""The web pages of Slack's install flow (multi-workspace mode): the "Add to Slack" page, the page
after a successful install, and the pages for an install that did not happen. Small, plain,
accessible HTML: one heading, a few sentences, one action; no script, no outside resource."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, _, current

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
        f'<!DOCTYPE html>\n<html lang="{current().replace("_", "-")}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · Parley</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _html(text: str, **markup: str) -> str:
    """Translated text as HTML: escaped, then its placeholders filled with `markup` (HTML that
    Parley made, such as `<code>/dispute</code>`)."""
    return escape(text, quote=False).format(**markup)


def install_page(authorize_url: str) -> str:
    what = _html(
        _(
            "Parley helps a business and its client settle a disagreement in the channel they "
            "share: each side gives its view, they agree on what happens next, and both approve "
            "it in writing."
        )
    )
    note = _html(
        _(
            "Slack will show what Parley may do in your workspace and ask you to allow it. Both "
            "organizations in a Slack Connect channel can add Parley, each to its own workspace."
        )
    )
    return _page(
        _("Add Parley to Slack"),
        f"""<h1>{_html(_("Add Parley to your Slack workspace"))}</h1>
<p>{what}</p>
<p><a class="button" href="{escape(authorize_url, quote=True)}">{_html(_("Add to Slack"))}</a></p>
<p class="note">{note}</p>""",
    )


def installed_page(team_name: str, *, again: bool, app_url: str | None) -> str:
    what = (
        _("Parley was already in this workspace; its permissions are now up to date.")
        if again
        else _("Parley is now part of this workspace.")
    )
    open_slack = (
        f'<p><a class="button" href="{escape(app_url, quote=True)}">{_html(_("Open Slack"))}</a></p>'
        if app_url
        else ""
    )
    # Translators: {team} is the Slack workspace's name.
    heading = _html(_("Parley is installed in {team}"), team=escape(team_name))
    invite = _html(
        # Translators: {command} is "/invite @Parley", shown as code.
        _("In the channel you share with the other organization, type {command}."),
        command="<code>/invite @Parley</code>",
    )
    raise_one = _html(
        # Translators: {command} is "/dispute", shown as code; {button} is the label of a button in
        # Parley's welcome message, "Raise a dispute".
        _(
            "When something needs settling, type {command} there, or press {button} in Parley's "
            "welcome message."
        ),
        command="<code>/dispute</code>",
        button=f"<strong>{_html(_('Raise a dispute'))}</strong>",
    )
    others = _html(
        # Translators: {command} is "/dispute", shown as code.
        _(
            "People from the other organization can take part by buttons and forms. To type "
            "{command} themselves and see Parley's Home tab, their organization adds Parley too. "
            "Guests invited to a Slack Connect channel with permission only to post cannot use "
            "apps at all; invite them with the fuller permission."
        ),
        command="<code>/dispute</code>",
    )
    return _page(
        _("Parley is installed"),
        f"""<h1>{heading}</h1>
<p>{_html(what)}</p>
<p>{_html(_("What to do next:"))}</p>
<ol>
<li>{invite}</li>
<li>{raise_one}</li>
</ol>
{open_slack}
<p class="note">{others}</p>""",
    )


# Why an install did not happen, in words for the person who tried (Bolt's failure reasons): a
# heading, then what happened. Marked for the catalog only: shown through _() (failure_page).
_FAILURES = {
    "access_denied": (
        N_("Parley was not added"),
        N_(
            "You chose not to allow Parley in your workspace, so nothing was installed "
            "and nothing was stored. You can try again whenever you like."
        ),
    ),
    "invalid_state": (
        N_("This install link has expired"),
        N_(
            "Install links work once and for ten minutes. Nothing was installed. "
            "Start again from the install page."
        ),
    ),
    "invalid_browser": (
        N_("This install was started in another browser"),
        N_(
            "For your safety, an install must finish in the browser that started it. "
            "Nothing was installed. Start again from the install page in this browser."
        ),
    ),
    "missing_code": (
        N_("Slack did not finish the install"),
        N_("The answer from Slack was incomplete. Nothing was installed. Start again from the install page."),
    ),
    "invalid_code": (
        N_("Slack did not accept this install"),
        N_(
            "The answer from Slack could not be used (it may have been used already). "
            "Nothing was installed. Start again from the install page."
        ),
    ),
}
_OTHER = (
    N_("Parley could not be installed"),
    N_(
        "Something went wrong on our side while saving the install. Nothing was changed in "
        "your workspace. Please try again in a few minutes."
    ),
)


def failure_page(reason: str, install_path: str) -> str:
    heading, text = (_(words) for words in _FAILURES.get(reason, _OTHER))
    again = _html(_("Go to the install page"))
    return _page(
        heading,
        f"""<h1>{escape(heading)}</h1>
<p>{escape(text)}</p>
<p><a class="button" href="{escape(install_path, quote=True)}">{again}</a></p>""",
    )
