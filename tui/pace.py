"""Pacing for the long-lived thread workers that poll the store (the change pump, my
alerts): one thread each for the app's lifetime, instead of a new worker every second; and
for a screen open for days, giving freed memory back."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator

from textual.app import App
from textual.worker import get_current_worker

from deskline.core.inert import visible

POLLERS = frozenset({"feed", "alerts"})  # the groups of these workers: they end with the app


def every(seconds: float, wake: threading.Event | None = None) -> Iterator[None]:
    """In a thread worker: yield at once, then every ``seconds`` (sooner when ``wake`` is
    set, which it clears), until the worker is cancelled (its screen or app is leaving).
    Set ``wake`` when leaving, so the thread ends at once rather than within ``seconds``
    (the app waits for it); between looks the thread sleeps, it never spins."""
    worker = get_current_worker()
    signal = wake or threading.Event()
    while not worker.is_cancelled:
        signal.clear()
        yield
        signal.wait(seconds)


class Trouble:
    """What a polling thread tells the user when a look fails: once per reason (an error
    toast), not every second, and again only after a look that worked. Raises RuntimeError
    when the app is closing, which ends the thread."""

    def __init__(self, app: App[object], title: str) -> None:
        self.app = app
        self.title = title
        self._told = ""

    def tell(self, line: str) -> None:
        if line != self._told:
            self._told = line
            self.app.call_from_thread(
                self.app.notify,
                visible(line),
                title=self.title,
                severity="error",
                timeout=15,
                markup=False,
            )

    def over(self) -> None:
        self._told = ""


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (AttributeError, OSError, TypeError):  # not glibc (macOS, musl, Windows)
        return None


_MALLOC_TRIM = _find_malloc_trim()


def give_back_memory() -> bool:
    """Hand the C heap's free pages back to the system (glibc; elsewhere nothing, False).
    A screen that stays open for days would otherwise keep, resident, the high-water mark
    of every burst (a toast laying the screen out, an hourly reload). Costs under 1 ms."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True
