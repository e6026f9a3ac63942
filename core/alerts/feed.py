"""The alert feed: every stored alert once, in id order, whoever fired it.

``deskline watch --jsonl`` prints it, so a script sees every alert of the desk whether this
process holds the watcher lease or stands by (and across a lease change, when another
process takes over): the alert table is the record, read after the last id printed.
"""

from __future__ import annotations

from typing import Any

from deskline.core.alerts.inbox import notice_of
from deskline.core.clock import iso
from deskline.storage import alerts as rows
from deskline.storage.store import Store


class AlertFeed:
    """Reads the alerts stored after ``after`` (None: after the newest one now)."""

    def __init__(self, store: Store, after: int | None = None) -> None:
        self.store = store
        if after is None:
            with store.read() as s:
                after = rows.last_alert_id(s)
        self.last = after

    def poll(self) -> list[dict[str, Any]]:
        """The alerts stored since the last poll, as JSON objects, oldest first."""
        found: list[dict[str, Any]] = []
        while True:
            with self.store.read() as s:
                batch = rows.alerts_after(s, self.last)
                for alert, number, title in batch:
                    found.append(to_json(alert, number, title))
                    self.last = alert.id
            if len(batch) < 500:
                return found


def to_json(alert: Any, number: int | None, title: str | None) -> dict[str, Any]:
    data = notice_of(alert, number, title).to_json()
    data["at"] = iso(alert.at, milliseconds=True)
    data["id"] = alert.id
    data["threshold"] = alert.threshold
    data["held"] = bool(alert.held)
    return data
