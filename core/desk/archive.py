"""The archive: closed tickets closed at least the policy's age ago (``[archive]
after_days``, default 90) leave the live desk. Run by ``deskline archive run`` and nightly by
the watcher service (``nightly``).

An archived ticket keeps its row, its conversation, its audit chain and its place in the
search index (``storage.archive``): reports and replays count it as before, search finds it
(``is:archived``), ``show`` shows it; the queue, the lists and the views leave it out, and
every change refuses it until ``reopen`` restores it. A run archives BATCH tickets per
transaction, each with its "archived" event, so a big first run never holds the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskline.core import clock
from deskline.core.config.archive import MOST_DAYS
from deskline.core.desk.tickets import Desk
from deskline.core.errors import InvalidInput
from deskline.core.language import _, ngettext
from deskline.core.roster import access, permissions
from deskline.core.roster.agents import unknown_agent
from deskline.storage import archive as rows
from deskline.storage import bulk, queries
from deskline.storage.chain import event_hash
from deskline.storage.store import Store

BATCH = 2000  # tickets archived per transaction
NIGHT_HOUR = 2  # the nightly run comes at the first look at or after 02:00 UTC


@dataclass(frozen=True)
class ArchiveRun:
    """What a run did (or, ``dry_run``, would do)."""

    archived: int
    after_days: int
    cutoff: datetime  # closed at or before this instant
    dry_run: bool = False
    off: bool = False  # the policy turns archiving off ([archive] enabled = false)

    def summary(self) -> str:
        if self.off:
            return _(
                "archiving is off ([archive] enabled = false in the desk's policy): nothing "
                "archived; --older-than DAYS archives anyway"
            )
        if self.dry_run:
            said = ngettext(
                "would archive {count} ticket closed {days} days ago or more "
                "(dry run: nothing changed)",
                "would archive {count} tickets closed {days} days ago or more "
                "(dry run: nothing changed)",
                self.archived,
            )
        else:
            said = ngettext(
                "archived {count} ticket closed {days} days ago or more",
                "archived {count} tickets closed {days} days ago or more",
                self.archived,
            )
        return said.format(count=self.archived, days=self.after_days)

    def to_json(self) -> dict[str, Any]:
        return {
            "archived": self.archived,
            "after_days": self.after_days,
            "cutoff": clock.iso(self.cutoff),
            "dry_run": self.dry_run,
            "off": self.off,
        }


def run(
    desk: Desk,
    *,
    older_than: int | None = None,
    dry_run: bool = False,
    system: bool = False,
    batch: int = BATCH,
) -> ArchiveRun:
    """Archive the closed tickets closed at least ``older_than`` days ago (None: the desk's
    policy, which may turn archiving off). ``system``: the watcher service's own run (no
    acting agent); else the acting agent must be a supervisor, director or admin. Run again,
    it archives nothing more."""
    if older_than is not None and not 1 <= older_than <= MOST_DAYS:
        raise InvalidInput(
            _("--older-than {days}: give a number of days from 1 to {most}").format(
                days=older_than, most=MOST_DAYS
            )
        )
    rules = desk.refresh_policy().archive
    days = older_than if older_than is not None else rules.after_days
    now = desk.now()
    cutoff = now - timedelta(days=days)
    with desk.store.read() as s:
        actor_id = None if system else _allowed(s, desk.actor)
        if older_than is None and not rules.enabled:
            return ArchiveRun(0, days, cutoff, dry_run, off=True)
        if dry_run:
            return ArchiveRun(rows.count_due(s, cutoff), days, cutoff, dry_run=True)
    reason = f"closed {days} days ago or more"
    archived = 0
    while True:
        with desk.store.write() as s:
            ids = rows.archive(s, cutoff, now, batch)
            _audit(s, ids, actor_id, now, reason)
            bulk.record_changes(s, ids, "updated", now)
        archived += len(ids)
        if len(ids) < batch:
            return ArchiveRun(archived, days, cutoff)


def _allowed(s: Any, handle: str) -> int | None:
    """The acting agent's id, once the role matrix lets them archive."""
    agent = queries.agent_by_handle(s, handle)
    if agent is None:
        raise unknown_agent(handle)
    access.require(permissions.may_archive(access.person(s, agent)))
    return agent.id


def _audit(s: Any, ids: list[int], actor_id: int | None, now: datetime, reason: str) -> None:
    """Each archived ticket's "archived" event, on the end of its own chain (the tickets'
    rows are held by the archiving UPDATE, so no other change appends meanwhile)."""
    if not ids:
        return
    login = queries.login_of(s)
    ends = rows.last_hashes(s, ids)
    events = []
    for ticket_id in ids:
        content: dict[str, Any] = {
            "ticket_id": ticket_id,
            "actor_id": actor_id,
            "at": now,
            "kind": "archived",
            "old": {"archived_at": None},
            "new": {"archived_at": clock.iso(now)},
            "reason": reason,
            "login": login,
        }
        digest = event_hash(ends[ticket_id], **content)
        events.append({**content, "prev_hash": ends[ticket_id], "hash": digest})
    bulk.insert_rows(s, bulk.EVENTS, events)


def nightly(
    store: Store,
    on_error: Callable[[Exception], None],
    on_done: Callable[[ArchiveRun], None] | None = None,
    *,
    archive: Callable[[Store], ArchiveRun] | None = None,
) -> Callable[[], None]:
    """A job for the watcher service: the archive run under the desk's policy, once a night
    (the first look at or after NIGHT_HOUR UTC each day, by the program's clock); what it
    did goes to ``on_done``, a failure to ``on_error`` and waits for the next night, while
    alerts go on. ``archive``: the run itself (tests)."""
    done: list[object] = []  # the day it last ran

    def run_once(given: Store) -> ArchiveRun:
        return run(Desk(given, "deskline"), system=True)

    work = archive or run_once

    def job() -> None:
        now = clock.now()
        if now.hour < NIGHT_HOUR or (done and done[0] == now.date()):
            return
        done[:] = [now.date()]
        try:
            result = work(store)
        except Exception as exc:  # a bad night for the archive is no reason to stop alerts
            on_error(exc)
            return
        if on_done is not None:
            on_done(result)

    return job
