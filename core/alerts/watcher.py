"""The alert engine: fires the ladder's rungs when they come due, exactly once each.

``SlaWatcher.run_due`` is one pass: if this watcher holds the database's lease, it reads the
tickets whose ``next_check_at`` has come (one indexed range read), stores an ``Alert`` row
for every rung that came due (its dedupe key is unique, so nothing fires twice, whoever
runs), a ``Delivery`` row per recipient and channel, moves each ticket's ``next_check_at``
to its next rung, and then does the automatic steps (hand back, close) and sends the
webhook and email deliveries. ``start`` runs passes on an APScheduler ``AsyncIOScheduler``:
a one-shot job at the earliest ``next_check_at`` (re-armed after every pass) and a periodic
sweep that renews the lease and catches changes from other processes and time lost to
sleep. The jobs are plain functions, so the scheduler runs them in worker threads: the
event loop (Textual's, in the app) never waits on the store.

The other half, in every client, is ``core.alerts.inbox``: it claims the deliveries
addressed to its user and records acknowledgements.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from deskline.core import clock
from deskline.core.alerts.channels import (
    HELD,
    NO_ONE_FREE,
    NO_ONE_FREE_TEAM,
    ROUTED,
    ROUTED_TEAM,
    TO,
    WAITS,
    WAITS_TEAM,
    Note,
    Notice,
)
from deskline.core.alerts.inbox import DESKTOP, EMAIL, IN_APP, WEBHOOK
from deskline.core.alerts.ladder import RUNGS, SUPERVISORS, TARGET, AlertRules, Ladder, Mark
from deskline.core.alerts.outbound import Outbound
from deskline.core.alerts.preferences import from_json
from deskline.core.desk.facts import clock_facts, ladder_facts
from deskline.core.desk.tickets import Desk
from deskline.core.desk.workflow import Status
from deskline.core.language import SOURCE
from deskline.core.sla.clocks import SlaClock
from deskline.storage import alerts as rows
from deskline.storage import changes
from deskline.storage.models import Surge, Ticket
from deskline.storage.store import Store

log = logging.getLogger(__name__)

LEASE = "watcher"
BATCH = 500
ARM_SLACK = 0.02  # seconds: a wake-up armed this close to the one wanted is left alone
FOLLOW_SECONDS = 0.5  # a headless watcher looks at the change feed this often
DELIVER_SECONDS = 0.5  # the lease holder looks for webhook and email retries due this often


@dataclass(frozen=True)
class Fired:
    """One alert this watcher fired: the stored row's id and what a person reads."""

    alert_id: int
    number: int | None
    rung: str
    at: datetime
    notice: Notice

    def to_json(self) -> dict[str, Any]:
        data = self.notice.to_json()
        data["at"] = clock.iso(self.at, milliseconds=True)  # as the notice's times
        return data


def _span(span: timedelta) -> str:
    """``24 h``, ``90 min``, ``40 s``: a configured span in words, never rounded to 0."""
    seconds = round(span.total_seconds())
    if seconds % 3600 == 0 and seconds >= 7200:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class PassCutShort(logging.Filter):
    """Stopping the scheduler (the app closing) cancels the pass under way; APScheduler logs
    that as an error with a traceback, printed on the terminal the app just left. It is
    not one: the pass's thread finishes on its own and nothing is lost."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)


SCHEDULER_LOG = logging.getLogger("apscheduler.executors.default")
SCHEDULER_LOG.addFilter(PassCutShort())


def mark_notice(
    mark: Mark,
    key: str,
    title: str,
    fired_at: datetime,
    late: bool,
    recipients: Sequence[str],
    escalated_to: str | None,
) -> Notice:
    """The notice of a mark fired for ticket ``key`` at ``fired_at`` (its stored summary)."""
    notes = []
    if mark.held_from is not None:
        notes.append(Note.of(HELD, time=f"{mark.held_from.astimezone():%H:%M}"))
    if mark.rung == "escalated":
        notes.append(Note.of(TO, handle=escalated_to))
    return Notice.compose(
        ticket=key,
        title=title,
        rung=mark.rung,
        level=mark.level,
        clock=mark.clock,
        due_at=mark.base if mark.clock else mark.at,
        fired_at=fired_at,
        late=late,
        recipients=recipients,
        notes=notes,
        language=SOURCE,  # the record's: each person reads it in their own
    )


class SlaWatcher:
    """Fires the alerts of one database. Thread-safe: passes never overlap."""

    def __init__(
        self,
        store: Store,
        desk: Desk,  # its policy, and its automatic steps (hand back, close)
        rules: AlertRules | None = None,  # None: the desk's policy, followed live
        *,
        now: Callable[[], datetime] = clock.now,
        holder: str | None = None,
        on_fire: Callable[[list[Fired]], None] | None = None,
        on_event: Callable[[str, str], None] | None = None,
    ) -> None:
        """``on_fire`` gets what each pass fired; ``on_event`` gets (kind, one line) for
        what a person running it should know: ``lease`` (firing now / standing by) and
        ``failure`` (a webhook or email channel failing, once per reason)."""
        self.store = store
        self.desk = desk
        self._given = (rules, Ladder(rules)) if rules is not None else None
        self._follow: changes.ChangeWatcher | None = None
        self.now = now
        self.holder = holder or holder_name()
        self.on_fire = on_fire
        self.on_event = on_event
        self._told: set[str] = set()
        self._lease_known = False
        self.leader = False
        self._lease_until: datetime | None = None
        self._lock = threading.Lock()
        self.outbound = Outbound(
            store,
            lambda: self.rules,
            leading=lambda: self.leader,
            now=self.now,
            tell=lambda kind, line: self._tell(kind, line),
        )
        self._scheduler: AsyncIOScheduler | None = None
        self._armed_at: datetime | None = None  # when the one-shot job armed runs (real clock)
        # The earliest next check as a pass that found nothing due read it (wrapped: the
        # value may be None), so the sweep and the re-arming need not read it again.
        self._earliest: tuple[datetime | None] | None = None
        self._nudge_waiting = False  # a nudge's pass is on its way and has not begun
        self._nudging = threading.Lock()  # one nudge's pass at a time; the next waits
        # Hand-backs fired whose deliveries wait for the step (to say where the ticket went).
        self._deferred: dict[int, tuple[int, tuple[str, ...]]] = {}

    # -- the desk's policy -------------------------------------------------------------

    @property
    def rules(self) -> AlertRules:
        return self._given[0] if self._given else self.desk.policy.alerts

    @property
    def ladder(self) -> Ladder:
        return self._given[1] if self._given else self.desk.ladder

    def _check_policy(self, s: Any) -> None:
        """The desk's newest policy, in this transaction; a new version re-arms."""
        before = self.desk.book.current
        if self.desk.book.check(s) is not before:
            self._policy_changed()

    def _policy_changed(self) -> None:
        """Under a new policy the due times stored for it rule (``policy apply`` stored them
        with the version): the next wake-up is armed again, the sweep's period follows."""
        self._armed_at = None
        self._earliest = None
        scheduler = self._scheduler
        if scheduler is not None and scheduler.get_job("deskline-sweep") is not None:
            seconds = self.rules.sweep.total_seconds()
            job = scheduler.get_job("deskline-sweep")
            if getattr(job.trigger, "interval", None) != timedelta(seconds=seconds):
                scheduler.reschedule_job("deskline-sweep", trigger="interval", seconds=seconds)

    @property
    def armed_at(self) -> datetime | None:
        """When the one-shot job armed runs (the real clock), None when none is armed."""
        return self._armed_at

    def policy_moved(self) -> None:
        """Told the desk's policy has a new version (the app's change pump, which has read
        it already; from any thread, no store read here): re-arm under it now."""
        self._policy_changed()
        self.nudge()

    # -- one pass ---------------------------------------------------------------------

    def run_due(self, now: datetime | None = None) -> list[Fired]:
        """Fire everything that has come due; [] when another watcher holds the lease."""
        with self._lock:
            now = now or self.now()
            if not self._hold_lease(now):
                return []
            if not self._anything_due(now):  # the usual sweep: two index reads, no lock
                return []
            fired: list[Fired] = []
            while True:
                batch, more = self._fire_batch(now)
                fired += batch
                if not more:
                    break
            fired += self._fire_surges(now)
            fired = [self._act(item) for item in fired]
            for item in fired:
                self.outbound.remember(item.alert_id, item.notice)
        if fired:
            self.outbound.drain()  # sent on the queue's threads: this pass does not wait
        if fired and self.on_fire is not None:
            self.on_fire(fired)
        return fired

    def record_history(self, now: datetime) -> int:
        """Store every rung that came due up to ``now`` as already fired, at its moment: no
        one is told, nothing is done, no level moves. For a desk whose past was written at
        once (the demo), so its first watcher does not raise that whole past as late news.
        Returns how many alerts it stored."""
        stored = 0
        while True:
            batch, more = self._fire_batch(now, history=True)
            stored += len(batch)
            if not more:
                return stored

    def _anything_due(self, now: datetime) -> bool:
        with self.store.read() as s:
            self._check_policy(s)
            earliest = rows.earliest_check(s)
            due = (earliest is not None and earliest <= now) or rows.surge_waiting(s)
            # Nothing due, so nothing will be written: the sweep re-arms from this read.
            self._earliest = None if due else (earliest,)
            return due

    def next_wake(self) -> datetime | None:
        """The earliest moment a ticket needs a look (one read of the index)."""
        with self.store.read() as s:
            return rows.earliest_check(s)

    def _hold_lease(self, now: datetime) -> bool:
        # Renewed once half of it is used: a write every few seconds, not every pass.
        if self.leader and self._lease_until and (self._lease_until - now) > self.rules.lease / 2:
            return True
        until = now + self.rules.lease
        was, self._lease_known = (self.leader if self._lease_known else None), True
        with self.store.write() as s:
            self.leader = rows.hold_lease(s, LEASE, self.holder, now, until)
            other = None if self.leader else rows.lease_holder(s, LEASE, now)
        self._lease_until = until if self.leader else None
        if self.leader != was:
            self._tell(
                "lease",
                "firing alerts for this database"
                if self.leader
                else f"standing by: another watcher ({other}) fires the alerts",
                again=True,
            )
        return self.leader

    def _tell(self, kind: str, line: str, *, again: bool = False) -> None:
        """Tell the person running this watcher, once per line unless ``again``."""
        if line in self._told and not again:
            return
        self._told.add(line)
        if self.on_event is not None:
            self.on_event(kind, line)

    def release(self) -> None:
        """Give up the lease at once, so another watcher takes over without waiting."""
        if self.leader:
            with self.store.write() as s:
                rows.release_lease(s, LEASE, self.holder, self.now())
            self.leader = False
            self._lease_until = None

    def _fire_batch(self, now: datetime, *, history: bool = False) -> tuple[list[Fired], bool]:
        fired: list[Fired] = []
        with self.store.write() as s:
            self._check_policy(s)
            due = rows.due_rows(s, now, BATCH)
            if not due:
                return [], False
            ids = [row.ticket.id for row in due if row.ticket.id is not None]  # all: stored
            done = rows.fired_keys(s, ids)
            people = _People(s, [row.ticket.assignee_id for row in due])
            touched: list[int | None] = []
            checks: list[tuple[int, datetime | None]] = []
            levels: dict[int, int] = {}
            tell: list[dict[str, Any]] | None = None if history else []  # deliveries
            for row in due:
                ticket = row.ticket
                assert ticket.id is not None
                facts = ladder_facts(ticket)
                sla = None
                if ticket.status != Status.CLOSED:
                    sla = SlaClock(self.desk.rules, clock_facts(ticket, row.tier, row.category))
                for mark in self.ladder.marks(facts, sla):
                    if mark.at > now:
                        break
                    key = mark.key(ticket.id)
                    if key in done[ticket.id]:
                        continue
                    done[ticket.id].add(key)
                    at = mark.at if history else now
                    item = self._fire(s, ticket, mark, at, people, tell)
                    if item is not None:
                        fired.append(item)
                        if history:
                            continue
                        touched.append(ticket.id)
                        if (
                            mark.level
                            and RUNGS[mark.rung].action is None
                            and TARGET not in (RUNGS[mark.rung].audience)
                        ):  # a manual escalation raised the level itself
                            levels[ticket.id] = max(mark.level, levels.get(ticket.id, 0))
                checks.append((ticket.id, self.ladder.next_check(facts, sla, now, done[ticket.id])))
            rows.add_deliveries(s, tell or ())
            rows.raise_levels(s, levels)
            rows.set_next_checks(s, checks)
            changes.record(s, list(dict.fromkeys(touched)), "updated", now)
        return fired, len(due) == BATCH

    def _fire(
        self,
        s: Any,
        ticket: Ticket,
        mark: Mark,
        now: datetime,
        people: _People,
        tell: list[dict[str, Any]] | None,
    ) -> Fired | None:
        """Store the alert; its deliveries go into ``tell`` (None: history, no one is told)."""
        rung = RUNGS[mark.rung]
        recipients = people.for_rung(
            rung.audience, ticket.assignee_id, ticket.team_id, ticket.escalated_to
        )
        assert ticket.id is not None  # a stored ticket
        late = self.ladder.is_late(mark, now)
        notice = mark_notice(
            mark, ticket.key, ticket.title, now, late, recipients, ticket.escalated_to
        )
        alert_id = rows.insert_alert(
            s,
            mark.row(ticket.id, now, late=late, recipients=recipients, summary=notice.summary),
        )
        if alert_id is None:  # fired already by someone else
            return None
        if tell is not None and rung.action == "hand_back":
            self._deferred[alert_id] = (mark.level, recipients)  # told once it is done
        elif tell is not None:
            tell += self._deliveries(s, alert_id, mark.level, recipients, now)
        return Fired(alert_id, ticket.number, mark.rung, mark.at, notice)

    def _deliveries(
        self, s: Any, alert_id: int, level: int, recipients: Sequence[str], now: datetime
    ) -> list[dict[str, Any]]:
        """One row per recipient and channel, as the desk's channels and each person's own
        preferences say: a channel they left out is not delivered; in their quiet hours a
        desktop or email delivery below breach level is skipped (in-app stays)."""
        prefs = {h: from_json(n) for h, n in rows.preferences(s, list(recipients)).items()}
        out: list[dict[str, Any]] = []

        def add(recipient: str, channel: str) -> None:
            row: dict[str, Any] = {"alert_id": alert_id, "recipient": recipient, "channel": channel}
            own = prefs.get(recipient)
            if own is not None:
                if not own.wants(channel):
                    return
                if channel in (DESKTOP, EMAIL) and level < 3 and own.is_quiet(now):
                    row.update(status="skipped", detail="quiet hours", delivered_at=now)
            out.append(row)

        for r in recipients:
            add(r, IN_APP)
        # Every level: which ones show on a desktop is each person's own ([notify] desktop).
        for r in recipients:
            add(r, DESKTOP)
        hook = self.rules.webhook
        if hook is not None and level in hook.levels:
            out.append({"alert_id": alert_id, "recipient": WEBHOOK, "channel": WEBHOOK})
        mail = self.rules.email
        if mail is not None and level in mail.levels:
            for handle in rows.emails(s, list(recipients)):
                add(handle, EMAIL)
        return out

    def _fire_surges(self, now: datetime) -> list[Fired]:
        fired: list[Fired] = []
        with self.store.write() as s:
            for surge in rows.unalerted_surges(s):
                item = self._fire_surge(s, surge, now)
                surge.alerted_at = now
                s.add(surge)
                if item is not None:
                    fired.append(item)
        return fired

    def _fire_surge(self, s: Any, surge: Surge, now: datetime) -> Fired | None:
        ticket = s.get(Ticket, surge.ticket_id)
        recipients = tuple(surge.recipients)
        minutes = max(1, surge.within_seconds // 60)
        title = f"Surge: {surge.p0_count} P0 tickets within {minutes} min"
        notice = Notice.compose(
            ticket=ticket.key if ticket else "-",
            title=title,
            rung="surge",
            level=RUNGS["surge"].level,
            clock=None,
            due_at=surge.started_at,
            fired_at=now,
            late=self.ladder.is_late(
                Mark("surge", "surge", None, surge.started_at, surge.started_at), now
            ),
            recipients=recipients,
            language=SOURCE,
        )
        alert_id = rows.insert_alert(
            s,
            {
                "dedupe_key": f"surge:{surge.id}",
                "ticket_id": surge.ticket_id,
                "rung": "surge",
                "threshold": "surge",
                "clock": None,
                "level": notice.level,
                "due_at": None,
                "at": surge.started_at,
                "fired_at": now,
                "late": notice.late,
                "recipients": list(recipients),
                "summary": notice.summary,
            },
        )
        if alert_id is None:
            return None
        rows.add_deliveries(s, self._deliveries(s, alert_id, notice.level, recipients, now))
        changes.record(s, [surge.ticket_id], "updated", now)
        return Fired(alert_id, ticket.number if ticket else None, "surge", surge.started_at, notice)

    # -- automatic steps and outbound channels ------------------------------------------

    def _act(self, item: Fired) -> Fired:
        """The rung's automatic step; a hand-back's alert then says where the ticket went
        and is delivered (the same alert, with that news)."""
        action = RUNGS[item.rung].action
        if action is None or item.number is None:
            return self._tell_deferred(item, None)
        r = self.rules
        note: Note | None = None
        try:
            if action == "hand_back" and r.not_started_after is not None:
                span = _span(2 * r.not_started_after)
                reason = f"assigned {span} ago and not started: back to the team queue"
                view = self.desk.hand_back(f"T-{item.number}", reason=reason)
                if view.assignee and view.team:
                    note = Note.of(ROUTED_TEAM, assignee=view.assignee, team=view.team)
                elif view.assignee:
                    note = Note.of(ROUTED, assignee=view.assignee)
                elif self.desk.routing.enabled:
                    free = Note.of(NO_ONE_FREE_TEAM, team=view.team) if view.team else None
                    note = free or Note.of(NO_ONE_FREE)
                else:
                    note = Note.of(WAITS_TEAM, team=view.team) if view.team else Note.of(WAITS)
            elif item.rung == "pending_close" and r.pending_close_after is not None:
                reason = f"no customer reply for {_span(r.pending_close_after)} while pending"
                self.desk.auto_close(f"T-{item.number}", reason=reason)
            elif item.rung == "resolved_close" and r.resolved_close_after is not None:
                reason = f"resolved {_span(r.resolved_close_after)} ago and not reopened"
                self.desk.auto_close(f"T-{item.number}", reason=reason)
        except Exception as exc:  # the ticket moved on meanwhile: nothing to do
            log.info("alert %s: %s not done: %s", item.alert_id, action, exc)
        return self._tell_deferred(item, note)

    def _tell_deferred(self, item: Fired, note: Note | None) -> Fired:
        """Store the deliveries of an alert that waited for its step, with ``note`` added."""
        waiting = self._deferred.pop(item.alert_id, None)
        if waiting is None:
            return item
        if note is not None:
            item = replace(item, notice=item.notice.with_note(note))
        level, recipients = waiting
        with self.store.write() as s:
            if note is not None:
                rows.set_summary(s, item.alert_id, item.notice.summary)
            now = self.now()
            rows.add_deliveries(s, self._deliveries(s, item.alert_id, level, recipients, now))
        return item

    def deliver(self) -> None:
        """Start the webhook and email attempts due (the lease holder only; never waits)."""
        try:
            self.outbound.drain()
        except Exception:
            log.exception("alert watcher could not read the delivery queue")

    def flush(self, timeout: float = 60.0) -> None:
        """Wait for the webhook and email attempts under way."""
        self.outbound.flush(timeout)

    # -- running on a scheduler ---------------------------------------------------------

    def start(
        self, scheduler: AsyncIOScheduler | None = None, *, follow: bool = False
    ) -> AsyncIOScheduler:
        """Run on an AsyncIOScheduler on the running event loop (made here unless given).
        ``follow``: watch the change feed itself (a headless watcher; the app's pump nudges
        its own), so a new policy version re-arms within FOLLOW_SECONDS."""
        self._scheduler = scheduler or AsyncIOScheduler(timezone="UTC")
        if follow:
            self._scheduler.add_job(
                self._follow_feed,
                "interval",
                seconds=FOLLOW_SECONDS,
                id="deskline-follow",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        self._scheduler.add_job(
            self.deliver,
            "interval",
            seconds=DELIVER_SECONDS,
            id="deskline-deliver",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._scheduler.add_job(
            self._sweep,
            "interval",
            seconds=self.rules.sweep.total_seconds(),
            id="deskline-sweep",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(self._scheduler.timezone),
        )
        if not self._scheduler.running:
            self._scheduler.start()
        return self._scheduler

    def _follow_feed(self) -> None:
        """Something was committed (a cheap look: no query otherwise): a new policy?"""
        try:
            if self._follow is None:  # the first look: the version is read below anyway
                self._follow = changes.ChangeWatcher(self.store)
            elif not self._follow.poll():
                return
            before = self.desk.book.current
            if self.desk.refresh_policy() is not before:
                self._policy_changed()
                self.nudge()
        except Exception:
            log.exception("alert watcher could not follow the change feed")

    def _sweep(self) -> None:
        try:
            for _ in range(10):  # what came due during the pass fires now, not next sweep
                self._earliest = None
                self.run_due()
                known = self._earliest  # set only when the pass found nothing due
                at = (known[0] if known else self.next_wake()) if self.leader else None
                if at is None or at > self.now():
                    break
        except Exception:
            log.exception("alert watcher pass failed")
        self._arm()

    def _wake(self) -> None:
        self._armed_at = None  # this one-shot job is spent
        self._sweep()

    def nudge(self) -> None:
        """A pass and a re-arm now, on the scheduler's threads (never the caller's): a change
        may have brought a rung nearer than the one-shot job armed. Standing by, nothing: the
        lease holder's own sweep sees the change. Nudges while one waits are one."""
        scheduler = self._scheduler
        if scheduler is None or not self.leader or self._nudge_waiting:
            return
        self._nudge_waiting = True
        scheduler.add_job(
            self._nudged,
            id="deskline-nudge",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=2,  # one running, the next waiting for it: never skipped
        )

    def _nudged(self) -> None:
        with self._nudging:
            self._nudge_waiting = False  # a change from now on needs another pass
            self._sweep()

    def _arm(self) -> None:
        """A one-shot job at the earliest next check (replacing the one before)."""
        scheduler = self._scheduler
        if scheduler is None or not self.leader:
            return
        try:
            known, self._earliest = self._earliest, None
            at = known[0] if known else self.next_wake()
        except Exception:
            log.exception("alert watcher could not read the next check")
            return
        if at is None:
            return
        # Measured on the watcher's own clock (frozen in demos and tests), run on the real one.
        delay = max(0.0, (at - self.now()).total_seconds())
        run_date = datetime.now(UTC) + timedelta(seconds=delay)
        armed = self._armed_at
        if armed is not None and abs((run_date - armed).total_seconds()) < ARM_SLACK:
            return  # the job for that instant waits already: a sweep need not touch it
        self._armed_at = run_date
        scheduler.add_job(
            self._wake,
            "date",
            run_date=run_date,
            id="deskline-wake",
            replace_existing=True,
            misfire_grace_time=None,  # a late one-shot job must still run
            coalesce=True,
            max_instances=2,  # re-armed from inside the running one: never skipped
        )

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        if self._follow is not None:
            self._follow.close()
            self._follow = None
        try:
            self.release()
        except Exception:
            log.exception("alert watcher could not release its lease")
        self.outbound.close()


class _People:
    """Who hears of a rung: the assignee, the team's on-duty supervisors, the directors."""

    def __init__(self, s: Any, assignee_ids: Sequence[int | None]) -> None:
        self.session = s
        self.handles = rows.handles(s, assignee_ids)
        self.staff = rows.staff(s)
        self._on_duty: list[str] | None = None

    def supervisors(self, team_id: int | None) -> list[str]:
        """The team's on-duty supervisors; none there: every on-duty supervisor."""
        on_duty = [
            (h, team) for h, role, team, duty, _ in self.staff if role == "supervisor" and duty
        ]
        return [h for h, team in on_duty if team == team_id] or [h for h, _ in on_duty]

    def directors(self) -> list[str]:
        return [h for h, role, _, _, _ in self.staff if role == "director"]

    def target(self, to: str | None, team_id: int | None) -> list[str]:
        """Whom a manual escalation names: a person, a team's supervisors, the ticket team's
        supervisors (``role:supervisor``) or the directors (``role:director``)."""
        if not to:
            return []
        kind, _, name = to.partition(":")
        if kind == "role":
            return self.directors() if name == "director" else self.supervisors(team_id)
        if kind == "team":
            team = rows.team_id_named(self.session, name)
            of_team = [
                (h, duty)
                for h, role, t, duty, _ in self.staff
                if role == "supervisor" and t == team
            ]
            return [h for h, duty in of_team if duty] or [h for h, _ in of_team]
        return [to]

    def for_rung(
        self,
        audience: Sequence[str],
        assignee_id: int | None,
        team_id: int | None,
        escalated_to: str | None = None,
    ) -> tuple[str, ...]:
        found: list[str] = []
        if TARGET in audience:
            found += self.target(escalated_to, team_id)
        assignee = self.handles.get(assignee_id) if assignee_id is not None else None
        if "assignee" in audience and assignee:
            found.append(assignee)
        if SUPERVISORS in audience or ("assignee" in audience and not assignee):
            found += self.supervisors(team_id)
        if "directors" in audience:
            found += self.directors()
        if audience and not found:  # never silent: the desk's admins, else everyone on duty
            found = [h for h, role, _, _, _ in self.staff if role == "admin"]
            if not found:
                found = self.on_duty()
        return tuple(dict.fromkeys(found))

    def on_duty(self) -> list[str]:
        if self._on_duty is None:
            self._on_duty = rows.on_duty(self.session)
        return self._on_duty
