"""The command palette (ctrl+p): every workspace action is also a command."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import Hit, Hits, Provider

ACTIONS = (
    ("quick_create", "New ticket", "Quick create a ticket"),
    ("take", "Take ticket", "Assign the selected ticket to me and start"),
    ("assign", "Assign ticket", "Give the selected ticket to an agent"),
    ("status", "Change status", "Move the selected ticket along the workflow"),
    ("priority", "Change priority", "P0 to P3"),
    ("reply", "Reply", "Public reply to the customer"),
    ("note", "Internal note", "A note the customer never sees"),
    ("escalate", "Escalate", "Reason, progress and the help needed"),
    ("reopen", "Reopen", "Bring a resolved or closed ticket back"),
    ("edit", "Edit ticket", "Title, description, category, tags, customer, channel"),
    ("filter", "Search the view", "Words in titles, descriptions, comments; status: tag: ..."),
    ("go_to", "Go to ticket", "Any ticket by its key, resolved and closed ones too"),
    ("views", "Saved views", "Mine, team, unassigned, breached, at risk, all, my own"),
    ("save_view", "Save the search as a view", "The view and the search typed, under a name"),
    ("help", "Help", "Every key"),
    ("app.alerts", "Alert centre", "My alerts: read and acknowledge them"),
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
        (partial(screen.run_action, action), name, help_text)
        for action, name, help_text in _offered(screen)
    ]
    show = getattr(screen, "show_view", None)
    for view, title in getattr(screen, "views_titles", {}).items():
        if show is not None:
            found.append((partial(show, view), f"View: {title}", "Show this view"))
    return found


def _offered(screen: object) -> list[tuple[str, str, str]]:
    """The actions the screen offers now (the workspace hides what my role may not do)."""
    offers = getattr(screen, "offers", None)
    return [a for a in ACTIONS if offers is None or offers(a[0])]
