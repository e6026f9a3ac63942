"""The watcher's side of the knowledge base: once a day it looks for groups of alike
resolved tickets that no article covers (``suggest``) and tells the desk's supervisors in
their alert centre, once per group (its dedupe key is the group's tickets)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from deskline.core import clock
from deskline.core.alerts import inbox
from deskline.core.alerts.channels import ALIKE, ALIKE_ONE, Note
from deskline.core.kb.articles import KnowledgeBase
from deskline.storage import alerts as rows
from deskline.storage import queries
from deskline.storage.store import Store

RUNG = "kb_suggested"  # the supervisors' alert: an article is worth writing
EVERY = timedelta(days=1)


def tell_suggestions(store: Store, now: datetime | None = None) -> int:
    """Tell the supervisors (none: the admins) of each group of alike resolved tickets of
    the last 30 days that lacks an article, once per group; how many were new."""
    now = now or clock.now()
    with store.read() as s:
        staff = rows.staff(s)
    told = [h for h, role, _, duty, _ in staff if role == "supervisor" and duty]
    told = told or [h for h, role, _, _, _ in staff if role == "admin"]
    if not told:
        return 0
    found = KnowledgeBase(store, told[0], now=lambda: now).suggestions()
    new = 0
    for group in found:
        key = "kb:" + hashlib.sha256(" ".join(sorted(group.keys)).encode()).hexdigest()[:24]
        newest = group.keys[-1]
        with store.write() as s:
            ticket = queries.ticket_by_number(s, int(newest.removeprefix("T-")))
            if ticket is None or ticket.id is None:
                continue
            count = len(group.keys)
            if group.about:
                note = Note.of(ALIKE, count=count, about=", ".join(group.about), key=newest)
            else:
                note = Note.of(ALIKE_ONE, count=count, key=newest)
            posted = inbox.post(
                s,
                key=key,
                ticket_id=ticket.id,
                ticket=newest,
                title=ticket.title,
                rung=RUNG,
                level=1,
                recipients=told,
                note=note,
                now=now,
            )
            if posted is None:
                continue  # told before
            new += 1
    return new


def daily(
    store: Store,
    on_error: Callable[[Exception], None],
    tell: Callable[[Store, datetime], int] = tell_suggestions,
) -> Callable[[], None]:
    """A job for the watcher service: ``tell`` the suggestions, at most once per EVERY (a
    failure too waits its day: it is said, and alerts go on)."""
    last: list[datetime] = []

    def job() -> None:
        now = clock.now()
        if last and now - last[0] < EVERY:
            return
        try:
            tell(store, now)
        except Exception as exc:  # a bad day for suggestions is no reason to stop alerts
            on_error(exc)
        last[:] = [now]

    return job
