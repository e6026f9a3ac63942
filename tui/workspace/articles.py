"""The knowledge base beside a ticket: while an open ticket's detail shows, the published
articles it resembles are read in a thread (the detail never waits on them) and listed under
it; the reply editor offers the same ones on ctrl+k to put an article's text in."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from deskline.core.desk import workflow
from deskline.core.desk.database import StoreError
from deskline.core.desk.views import TicketView
from deskline.core.errors import DesklineError
from deskline.core.inert import one_line
from deskline.core.kb.articles import ArticleView, KnowledgeBase
from deskline.tui.workspace.detail import DetailPane
from deskline.tui.workspace.presence import Workspace

SHOWN = 3  # articles beside a ticket: a glance, not a search
OPEN = frozenset(s.value for s in workflow.OPEN)


class ArticleKeeper:
    """Reads the articles the detail's ticket resembles, and shows them in the pane."""

    def __init__(self, screen: Workspace) -> None:
        self.screen = screen
        self._found: tuple[int, list[ArticleView]] | None = None  # (ticket number, articles)

    def shown(self, ticket: TicketView | None) -> None:
        """The detail shows ``ticket`` (read again, or another): its articles follow."""
        if ticket is None or ticket.status not in OPEN:
            self._found = None
            self.show(ticket.number if ticket else None, [])
            return
        if self._found is not None and self._found[0] == ticket.number:
            self.show(ticket.number, self._found[1])  # drawn again: the same ones at once
        work = partial(self._read, ticket.key, ticket.number)
        self.screen.run_worker(work, thread=True, group="articles", exclusive=True)

    def of(self, number: int) -> list[ArticleView]:
        """The articles read for ticket ``number`` (none yet, or none resemble it: [])."""
        found = self._found
        return list(found[1]) if found is not None and found[0] == number else []

    def _read(self, key: str, number: int) -> None:
        desk = self.screen.desk
        try:
            found = KnowledgeBase(desk.store, desk.actor).for_ticket(key, limit=SHOWN)
        except (DesklineError, StoreError):  # a hint: no toast for a missed read
            return
        self.screen.app.call_from_thread(self._arrived, number, found)

    def _arrived(self, number: int, found: list[ArticleView]) -> None:
        detail = self.screen.detail
        if detail is None or detail.number != number:
            return  # the cursor moved on while they were read
        self._found = (number, found)
        self.show(number, found)

    def show(self, number: int | None, found: Sequence[ArticleView]) -> None:
        for pane in self.screen.query(DetailPane).results(DetailPane):
            pane.show_articles([line(a) for a in found])


def line(article: ArticleView) -> str:
    """``KB-3 Printer jams: replace the roller``, on one line and inert."""
    return one_line(f"{article.key} {article.title}")
