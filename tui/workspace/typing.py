"""What keeps typing in the search box cheap: a box whose keys cost no layout pass, a
footer that is built again only when the keys it shows change, and words typed that narrow
what the key before found, not the whole view again.

A layout pass of the workspace (every pane and footer key measured and placed again) costs
10-30 ms; Textual asks for one on every key typed in an ``Input`` and rebuilds the whole
footer whenever the bindings may have changed (a focus change, a new selection)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.widgets import Footer, Input

from deskline.core.desk import search
from deskline.core.desk.queue import SEARCH_MOST, Queue


class SearchBox(Input):
    """The one-line search box: docked, as wide as its pane whatever is typed, so a key
    repaints the box and asks for no layout pass (showing or hiding it still does)."""

    _typed = False

    def _watch_value(self, value: str) -> None:
        self._typed = True
        try:
            super()._watch_value(value)
        finally:
            self._typed = False

    def refresh(self, *regions: Any, repaint: bool = True, layout: bool = False, **kw: Any) -> Any:
        return super().refresh(*regions, repaint=repaint, layout=layout and not self._typed, **kw)


class KeysFooter(Footer):
    """The footer, rebuilt only when the keys it would show (or their state) change."""

    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Any) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return super().bindings_changed(screen)
        shown = tuple(
            (key, b.action, b.description, enabled, tooltip)
            for key, (_, b, enabled, tooltip) in screen.active_bindings.items()
            if b.show or key == self.app.COMMAND_PALETTE_BINDING
        )
        if shown == self._shown:
            return None
        self._shown = shown
        # Built again now, not after the next refresh (as Footer does): what changed them (a
        # focus that moved, a box shown) asks for a layout pass, and the new keys go in it
        # rather than in one more, which the next key typed would wait for.
        self._bindings_ready = True
        self.call_later(self.recompose)
        return None


@dataclass(frozen=True)
class Narrowed:
    """What words found in a view's held rows, as far as they were read: every match, in
    the held order, is ``found``, then those of ``pending``, then those of ``held[rest:]``
    (``found`` all of it when both are empty)."""

    words: frozenset[str]
    found: list[int]
    pending: list[int]
    rest: int


class Narrowings:
    """A view's rows (held, in its order) narrowed by the words typed, each answer kept for
    the keys that follow: a letter or a word typed on narrows what the key before found
    ('vpn st' walks what 'vpn s' found, then the rows it had not read), the whole read of a
    text goes on from its head, and a text typed again (a letter rubbed out) is answered
    from what is kept. The same answer as ``Queue.narrowed`` over the whole held list: a row
    the key before did not find holds none of its words, so none of the longer ones.

    Kept for one held list (the view read at one point of the change feed): another
    forgets them. Thread workers call it, a newer key's beside an older one finishing."""

    MOST_KEPT = 32

    def __init__(self, queue: Queue) -> None:
        self.queue = queue
        self._held: Sequence[int] | None = None
        self._kept: dict[frozenset[str], Narrowed] = {}
        self._lock = threading.Lock()

    def numbers(
        self, view: str, held: Sequence[int], text: str, limit: int | None
    ) -> list[int] | None:
        """``Queue.narrowed(view, held, text, limit)``, read from what earlier keys found;
        None when ``text`` is not words alone (``Queue.numbers`` answers it)."""
        typed = search.words(text)
        if typed is None or not self.queue.narrowable(view):
            return None
        most = SEARCH_MOST if limit is None else min(limit, SEARCH_MOST)
        base = self._base(held, typed, most)
        if base is None:
            known: list[int] = []
            head: list[int] = []
            rest = 0
        elif base.words == typed:
            known, head, rest = base.found[:most], base.pending, base.rest
        else:
            known, head, rest = [], base.found + base.pending, base.rest
        walk = head + list(held[rest:])
        if len(known) >= most or not walk:
            return known[:most]
        more = self.queue.narrowed(view, walk, text, most - len(known))
        if more is None:
            return None
        found = known + more
        if len(more) < most - len(known):  # every row read
            self._keep(held, Narrowed(typed, found, [], len(held)))
        else:  # read up to the last one found
            last = walk.index(more[-1])
            if last < len(head):
                self._keep(held, Narrowed(typed, found, head[last + 1 :], rest))
            else:
                self._keep(held, Narrowed(typed, found, [], rest + last - len(head) + 1))
        return found

    def _base(self, held: Sequence[int], typed: frozenset[str], most: int) -> Narrowed | None:
        """Of what is kept, what leaves the fewest rows to read for ``typed``."""
        with self._lock:
            if held is not self._held:
                self._held, self._kept = held, {}
            kept = list(self._kept.values())
        best, fewest = None, len(held)
        for narrowed in kept:
            if not search.narrows(narrowed.words, typed):
                continue
            same = narrowed.words == typed
            if same and len(narrowed.found) >= most:
                return narrowed  # answered from memory
            unread = _unread(narrowed, held)
            rows = unread if same else unread + len(narrowed.found)
            if rows < fewest or (rows == fewest and same):
                best, fewest = narrowed, rows
        return best

    def _keep(self, held: Sequence[int], narrowed: Narrowed) -> None:
        with self._lock:
            if held is not self._held:
                return  # a newer held list came meanwhile
            before = self._kept.get(narrowed.words)
            if before is not None and (len(before.found), -_unread(before, held)) >= (
                len(narrowed.found),
                -_unread(narrowed, held),
            ):
                return  # what is kept was read as far
            self._kept.pop(narrowed.words, None)
            self._kept[narrowed.words] = narrowed
            while len(self._kept) > self.MOST_KEPT:
                del self._kept[next(iter(self._kept))]


def _unread(narrowed: Narrowed, held: Sequence[int]) -> int:
    """How many rows may still hold more matches of its words."""
    return len(narrowed.pending) + len(held) - narrowed.rest
