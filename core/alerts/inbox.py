"""A client's alerts: the deliveries addressed to its user, claimed each exactly once however
many windows are open, shown on the desktop, and acknowledged.

The watcher (``core.alerts.watcher``) stores one Delivery row per alert, recipient and
channel; the channels a delivery goes by are named here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from deskline.core import clock
from deskline.core.alerts.channels import NOTES, DeliveryFailed, DesktopChannel, Note, Notice
from deskline.core.alerts.preferences import language_of
from deskline.core.language import SOURCE, Language, current
from deskline.storage import alerts as rows
from deskline.storage import changes
from deskline.storage.store import Store

IN_APP, DESKTOP, WEBHOOK, EMAIL = "app", "desktop", "webhook", "email"
DESKTOP_TRIES = 3  # a desktop notification that failed in a way that may pass: tries
DESKTOP_RETRY = timedelta(seconds=30)  # between two of them


@dataclass(frozen=True)
class InboxItem:
    delivery_id: int
    alert_id: int
    ticket: str | None
    title: str | None
    rung: str
    level: int
    late: bool
    fired_at: datetime
    summary: str
    acknowledged_at: datetime | None
    notice: Notice

    def to_json(self) -> dict[str, Any]:
        """For scripts: in English, whatever language the person reads it in."""
        english = self.notice if self.notice.language == SOURCE else self.notice.told_in(SOURCE)
        data = english.to_json()
        data["acknowledged"] = self.acknowledged_at is not None
        return data


class Inbox:
    """The alerts addressed to one agent, as one client sees them: in the language they
    chose for their alerts (``deskline me notify --language``), else ``language`` (the
    app's: None, the current one when read)."""

    def __init__(
        self,
        store: Store,
        handle: str,
        *,
        now: Callable[[], datetime] = clock.now,
        language: Language | None = None,
    ) -> None:
        self.store = store
        self.handle = handle
        self.now = now
        self.language = language

    def _speaks(self, s: Any) -> Language | str:
        return language_of(s, [self.handle]).get(self.handle) or self.language or current()

    def waiting(self) -> set[str]:
        """The channels with deliveries waiting for me: a read, so a client can look every
        second without taking the write lock."""
        with self.store.read() as s:
            return rows.waiting(s, self.handle)

    def claim(self, channel: str = IN_APP) -> list[InboxItem]:
        """My new deliveries on this channel, each handed to exactly one client."""
        with self.store.write() as s:
            ids = rows.claim(s, self.handle, channel, self.now())
        return self._items(ids) if ids else []

    def skip(self, channel: str, reason: str) -> int:
        """Mark my pending deliveries on a channel that cannot work here as skipped."""
        with self.store.write() as s:
            ids = rows.claim(s, self.handle, channel, self.now())
            for delivery_id in ids:
                rows.finish_delivery(s, delivery_id, "skipped", reason, self.now())
        return len(ids)

    def deliver_desktop(
        self, channel: DesktopChannel, limit: int = 3, levels: frozenset[int] | None = None
    ) -> list[InboxItem]:
        """Claim my desktop deliveries and show them through ``channel`` (blocking: call it
        from a worker thread). Alerts that fired late, while nothing ran, are not news: they
        wait in the alert centre. ``levels``: only these show (the person's ``[notify]
        desktop``); the others are skipped. Failures are recorded on their Delivery row."""
        shown: list[InboxItem] = []
        for item in self.claim(DESKTOP):
            if levels is not None and item.level not in levels:
                self.failed(item, "not one of my [notify] desktop levels", status="skipped")
                continue
            if item.late or len(shown) >= limit:
                continue
            try:
                channel.send(item.notice)
                shown.append(item)
            except DeliveryFailed as exc:
                self.failed(item, str(exc), again=not exc.permanent)
        return shown

    def failed(
        self, item: InboxItem, reason: str, *, status: str = "failed", again: bool = False
    ) -> None:
        """Record a delivery that did not go; ``again``: a failure that may pass (a
        notification server that timed out) is tried DESKTOP_TRIES times, DESKTOP_RETRY apart,
        before it is recorded as failed."""
        with self.store.write() as s:
            now = self.now()
            if again and rows.try_again(
                s, item.delivery_id, reason, now + DESKTOP_RETRY, DESKTOP_TRIES
            ):
                return
            rows.finish_delivery(s, item.delivery_id, status, reason, now)

    def recent(self, limit: int = 200) -> list[InboxItem]:
        with self.store.read() as s:
            found = rows.deliveries(s, recipient=self.handle, channel=IN_APP, limit=limit)
            lang = self._speaks(s)
            return [_item(d, a, n, t, language=lang) for d, a, n, t in found]

    def acknowledge(self, delivery_id: int) -> bool:
        with self.store.write() as s:
            return rows.acknowledge(s, delivery_id, self.handle, self.now())

    def _items(self, ids: Sequence[int]) -> list[InboxItem]:
        with self.store.read() as s:
            lang = self._speaks(s)
            found = rows.deliveries(s, ids=ids, limit=len(ids))
            return [_item(d, a, n, t, language=lang) for d, a, n, t in found]


def notice_of(
    alert: Any, number: int | None, title: str | None, language: Language | str = SOURCE
) -> Notice:
    """A stored alert as a person reads it, in ``language`` (English by default: the feed's
    JSON). The stored summary is in English and keeps its notes (held, routed, target):
    read back, they are said in ``language`` too."""
    key = f"T-{number}" if number is not None else None
    facts: dict[str, Any] = dict(
        ticket=key or "-",
        title=title or "",
        rung=alert.rung,
        level=alert.level,
        clock=alert.clock,
        due_at=alert.due_at if alert.clock else alert.at,
        fired_at=alert.fired_at,
        late=alert.late,
        recipients=tuple(alert.recipients),
    )
    notice = Notice.compose(**facts, language=SOURCE)
    stored = alert.summary
    if stored and stored != notice.summary:  # its notes
        head = notice.summary + "; "
        if not stored.startswith(head):  # written otherwise (an older wording): as it is
            return replace(notice, summary=stored)
        notice = Notice.compose(**facts, notes=stored_notes(stored[len(head) :]), language=SOURCE)
    return notice if language == SOURCE else notice.told_in(language)


def stored_notes(text: str) -> list[Note]:
    """The notes ending a stored summary, each read back as one of NOTES where it is one (a
    note may hold "; " itself, a summary it quotes: then the whole is one note)."""
    parts = [Note.read(part) for part in text.split("; ")]
    if all(part.text in NOTES for part in parts):
        return parts
    whole = Note.read(text)
    return [whole] if whole.text in NOTES else parts


def _item(
    delivery: Any,
    alert: Any,
    number: int | None,
    title: str | None,
    language: Language | str = SOURCE,
) -> InboxItem:
    key = f"T-{number}" if number is not None else None
    notice = notice_of(alert, number, title, language)
    return InboxItem(
        delivery_id=delivery.id,
        alert_id=alert.id,
        ticket=key,
        title=title,
        rung=alert.rung,
        level=alert.level,
        late=alert.late,
        fired_at=alert.fired_at,
        summary=notice.summary,
        acknowledged_at=delivery.acknowledged_at,
        notice=notice,
    )


def post(
    s: Any,
    *,
    key: str,
    ticket_id: int | None,
    ticket: str,
    title: str,
    rung: str,
    level: int,
    recipients: Sequence[str],
    note: Note | str,
    now: datetime,
) -> int | None:
    """A notice of the desk's own (no rung of the ladder: a delivery given up, an article
    worth writing) in these people's alert centre, in the caller's transaction: stored as
    an alert under ``key`` once (None: posted before), one in-app delivery each."""
    told = Notice.compose(
        ticket=ticket,
        title=title,
        rung=rung,
        level=level,
        clock=None,
        due_at=None,
        fired_at=now,
        recipients=recipients,
        notes=[note],
        language=SOURCE,  # stored: in English, said in each reader's language
    )
    alert_id = rows.insert_alert(
        s,
        {
            "dedupe_key": key,
            "ticket_id": ticket_id,
            "rung": rung,
            "threshold": rung,
            "clock": None,
            "level": level,
            "due_at": None,
            "at": now,
            "fired_at": now,
            "late": False,
            "recipients": list(recipients),
            "summary": told.summary,
        },
    )
    if alert_id is not None:
        rows.add_deliveries(
            s, [{"alert_id": alert_id, "recipient": h, "channel": IN_APP} for h in recipients]
        )
        if ticket_id is not None:
            changes.record(s, [ticket_id], "updated", now)
    return alert_id
