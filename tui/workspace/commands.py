"""The command palette (ctrl+p): every workspace action is also a command."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import Hit, Hits, Provider

from deskline.core.language import N_, _

ACTIONS = (
    ("quick_create", N_("New ticket"), N_("Quick create a ticket")),
    ("take", N_("Take ticket"), N_("Assign the selected ticket to me and start")),
    ("assign", N_("Assign ticket"), N_("Give the selected ticket to an agent")),
    ("status", N_("Change status"), N_("Move the selected ticket along the workflow")),
    ("priority", N_("Change priority"), N_("P0 to P3")),
    ("reply", N_("Reply"), N_("Public reply to the customer")),
    ("note", N_("Internal note"), N_("A note the customer never sees")),
    ("escalate", N_("Escalate"), N_("Reason, progress and the help needed")),
    ("reopen", N_("Reopen"), N_("Bring a resolved or closed ticket back")),
    ("edit", N_("Edit ticket"), N_("Title, description, category, tags, customer, channel")),
    (
        "filter",
        N_("Search the view"),
        N_("Words in titles, descriptions, comments; status: tag: ..."),
    ),
    ("go_to", N_("Go to ticket"), N_("Any ticket by its key, resolved and closed ones too")),
    ("views", N_("Saved views"), N_("Mine, team, unassigned, breached, at risk, all, my own")),
    (
        "save_view",
        N_("Save the search as a view"),
        N_("The view and the search typed, under a name"),
    ),
    ("help", N_("Help"), N_("Every key")),
    ("app.alerts", N_("Alert centre"), N_("My alerts: read and acknowledge them")),
)


class WorkspaceCommands(Provider):
    """Runs the workspace screen's actions by name."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for run, name, help_text in _commands(self.screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)

    async def discover(self) -> Hits:
        for run, name, help_text in _commands(self.screen):
            yield Hit(1.0, name, run, help=help_text)


def _commands(screen: Any) -> list[tuple[Callable[[], object], str, str]]:
    """The actions offered now, then a command per view (saved ones too): "View: NAME"."""
    found: list[tuple[Callable[[], object], str, str]] = [
        (partial(screen.run_action, action), _(name), _(help_text))
        for action, name, help_text in _offered(screen)
    ]
    show = getattr(screen, "show_view", None)
    for view, title in getattr(screen, "views_titles", {}).items():
        if show is not None:
            name = _("View: {title}").format(title=title)
            found.append((partial(show, view), name, _("Show this view")))
    return found


def _offered(screen: object) -> list[tuple[str, str, str]]:
    """The actions the screen offers now (the workspace hides what my role may not do)."""
    offers = getattr(screen, "offers", None)
    return [a for a in ACTIONS if offers is None or offers(a[0])]
