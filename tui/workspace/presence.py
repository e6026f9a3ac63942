"""The collision hint: while a ticket's detail is open, the workspace holds a short presence
lease on it (renewed every few seconds, saying whether I am writing a reply or a note) and
shows who else has it open or is writing on it, as web helpdesks do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

from deskline.core.desk.database import StoreError
from deskline.core.errors import DesklineError
from deskline.core.language import N_, _
from deskline.tui.workspace.detail import DetailPane


class Workspace(Protocol):
    """What the hint needs of the workspace screen (which imports this module)."""

    desk: Any  # the Desk
    detail: Any  # the TicketView the detail shows, or None

    @property
    def app(self) -> Any: ...

    def query(self, selector: Any) -> Any: ...

    def set_interval(self, interval: float, callback: Callable[[], None]) -> Any: ...

    def run_worker(self, work: Callable[[], None], **options: Any) -> Any: ...


RENEW_SECONDS = 5.0  # well inside the lease (Desk: PRESENCE_SECONDS)
DOING = {
    "viewing": N_("has it open"),
    "reply": N_("is writing a reply"),
    "note": N_("is writing a note"),
}


def words(others: Sequence[tuple[str, str]]) -> str:
    """Who else is here, in a line ("" for nobody)."""
    doing = {state: _(word) for state, word in DOING.items()}
    return "; ".join(f"{handle} {doing.get(state, state)}" for handle, state in others)


class PresenceKeeper:
    """Renews my presence on the ticket the detail shows, and shows the others'."""

    def __init__(self, screen: Workspace) -> None:
        self.screen = screen
        self.writing: tuple[int, str] | None = None  # (ticket number, "reply" or "note")
        self._for: int | None = None  # the ticket the last renewal was for

    def start(self) -> None:
        self.screen.set_interval(RENEW_SECONDS, self.renew)

    def write(self, number: int | None, kind: str = "reply") -> None:
        """I started (or, number None, stopped) writing on a ticket: said at once."""
        self.writing = (number, kind) if number is not None else None
        self.renew()

    def shown(self, number: int | None) -> None:
        """The detail shows another ticket: here at once, not at the next renewal."""
        if number != self._for:
            self.show(number, [])
            self.renew()

    def renew(self) -> None:
        ticket = self.screen.detail
        if ticket is None:
            return
        self._for = ticket.number
        state = "viewing"
        if self.writing is not None and self.writing[0] == ticket.number:
            state = self.writing[1]
        work = partial(self._renew, ticket.key, ticket.number, state)
        self.screen.run_worker(work, thread=True, group="presence", exclusive=True)

    def _renew(self, key: str, number: int, state: str) -> None:
        try:
            others = self.screen.desk.here(key, state)
        except (DesklineError, StoreError):  # a lease is a hint: no toast for a missed one
            return
        self.screen.app.call_from_thread(self.show, number, others)

    def show(self, number: int | None, others: Sequence[tuple[str, str]]) -> None:
        detail = self.screen.detail
        if detail is None or detail.number != number:
            return
        for pane in self.screen.query(DetailPane).results(DetailPane):
            pane.show_presence(words(others))
