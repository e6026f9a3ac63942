"""Pacing for the long-lived thread workers that poll the store (the change feed, my
alerts): one thread each for the app's lifetime, instead of a new worker every second."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from textual.worker import get_current_worker

POLLERS = frozenset({"feed", "alerts"})  # the groups of these workers: they never complete


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
