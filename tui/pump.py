"""The app's change pump: one thread and one connection follow the store's change feed for
the whole app, and one Textual signal tells every part of it which tickets changed.

The screens (workspace, dashboard), the alert inbox and the in-app watcher subscribe to
``ChangePump.changed``; each gets the changed ticket numbers on the event loop, other
processes' changes and the app's own writes alike (the feed counts both). A signal rather
than a message: a message goes to one node and bubbles up, so the app would have to know
and forward to every subscriber; a signal reaches whoever subscribed (a node that left is
dropped), and the pump knows none of them. A new version of the desk's policy (a
desk-level change) goes to ``ChangePump.policy``, after the desk has read it.
"""

from __future__ import annotations

import threading

from textual.app import App
from textual.signal import Signal

from deskline.core.desk.feed import Feed
from deskline.core.desk.tickets import Desk
from deskline.core.language import _
from deskline.tui.pace import Trouble, every

FEED_SECONDS = 0.5  # changes from other processes show within a second


class ChangePump:
    """Follows the change feed for one app and publishes what changed to its subscribers.

    ``pump.changed.subscribe(node, callback)``: ``callback(numbers)`` runs on the event loop
    with the numbers of the tickets changed since the last look, each once. A look when
    nothing was committed costs no query (``core.desk.feed.Feed``).
    """

    def __init__(
        self, app: App[None], desk: Desk, *, every: float = FEED_SECONDS, title: str = ""
    ) -> None:
        """``every``: seconds between looks; ``title``: of the toast when the feed fails."""
        self.app = app
        self.desk = desk
        self.store = desk.store
        self.seconds = every
        self.title = title or _("Changes")
        self.changed: Signal[list[int]] = Signal(app, "changed")
        self.policy: Signal[int] = Signal(app, "policy")  # the desk's new policy version
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> None:
        """Start following, in one thread worker for the app's lifetime."""
        self.app.run_worker(
            self._follow, name="change pump", group="feed", thread=True, exit_on_error=False
        )

    def look_now(self) -> None:
        """Look at the feed at once rather than at the next tick (from any thread): after
        the app's own write, so what it changed shows without waiting."""
        self._wake.set()

    def stop(self) -> None:
        """End the thread now, not at its next tick (the app waits for it when closing)."""
        self._stopping.set()
        self._wake.set()

    def _policy_moved(self) -> None:
        """The desk's policy has a new version (in the pump's thread): the desk reads it now,
        and whoever subscribed to ``policy`` hears of it (the in-app watcher re-arms)."""
        policy = self.desk.refresh_policy()
        self.app.call_from_thread(self.policy.publish, policy.version)

    def _follow(self) -> None:
        trouble = Trouble(self.app, self.title)
        feed: Feed | None = None
        try:
            for _tick in every(self.seconds, self._wake):
                if self._stopping.is_set():
                    return
                try:
                    # Made here, not on the event loop: it reads the feed's position.
                    feed = feed or Feed(self.store)
                    numbers = feed.poll()
                    if "policy" in feed.desk_kinds:  # a new version: read under it from now
                        self._policy_moved()
                except Exception as exc:  # the store is away: say so once, keep looking
                    trouble.tell(_("cannot read changes: {error}").format(error=exc))
                    continue
                trouble.over()
                if numbers:
                    self.app.call_from_thread(self.changed.publish, numbers)
        except RuntimeError:  # the app closed while telling or handing over
            pass
        finally:
            if feed is not None:
                feed.close()
