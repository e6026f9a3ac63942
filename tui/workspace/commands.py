"""The command palette (ctrl+p): every workspace action is also a command."""

from __future__ import annotations

from functools import partial

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
    ("filter", "Filter the queue", "By key, title, customer or tag"),
    ("go_to", "Go to ticket", "Any ticket by its key, resolved and closed ones too"),
    ("views", "Saved views", "Mine, team, unassigned, breached, at risk, all open"),
    ("help", "Help", "Every key"),
    ("app.alerts", "Alert centre", "My alerts: read and acknowledge them"),
)


class WorkspaceCommands(Provider):
    """Runs the workspace screen's actions by name."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.app.screen
        for action, name, help_text in _offered(self.screen):
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(screen.run_action, action),
                    help=help_text,
                )

    async def discover(self) -> Hits:
        screen = self.app.screen
        for action, name, help_text in _offered(self.screen):
            yield Hit(1.0, name, partial(screen.run_action, action), help=help_text)


def _offered(screen: object) -> list[tuple[str, str, str]]:
    """The actions the screen offers now (the workspace hides what my role may not do)."""
    offers = getattr(screen, "offers", None)
    return [a for a in ACTIONS if offers is None or offers(a[0])]
