"""Playing the plans as sets: the desk the Desk would write for them (``play``), worked out
in memory and written a batch of tickets at a time through ``storage.bulk``.

Each plan is played here as ``play`` plays it through the Desk, in the same order (of
creation), step by step: the same fields checked, the same triage, surge and status
rules, the same events (with the same old and new values, reasons and actors, chained by
the same hash), comments, pause credit, and at the end the SLA columns and next check as
the Desk's last change left them. What the Desk reads back from the store while playing
(the team's P0 arrivals for a surge, the customer's tier, the holder's team) is kept
here instead. The past alerts are those ``past.record_past_alerts`` would store, from the
same histories, made in memory. A batch of tickets goes in a transaction, as the Desk's
tickets went one a transaction: a new demo file is whole or not there (``build_whole``).

What differs from the Desk's desk, on purpose: the change feed gets one ``created`` row a
ticket (a client opening the desk reads it whole anyway), not one a change; and the
search index gets each ticket's row once, with its comments (``bulk.index_tickets``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.core import clock
from deskline.core.alerts.ladder import Ladder
from deskline.core.demo.cast import VIP
from deskline.core.demo.past import Past, batch_alerts
from deskline.core.demo.plan import Plan
from deskline.core.demo.story import Step
from deskline.core.demo.summary import Seen
from deskline.core.desk import fields, workflow
from deskline.core.desk.facts import clock_facts, ladder_facts, queue_marks
from deskline.core.desk.tickets import Desk, escalation_target
from deskline.core.desk.workflow import Status
from deskline.core.metrics import history, reader
from deskline.core.metrics.replay import People
from deskline.core.policy.book import Policy, PolicyBook
from deskline.core.routing import intake, surge
from deskline.core.routing.triage import triage as triage_ticket
from deskline.core.sla.clocks import SlaClock, SlaRules
from deskline.storage import bulk, workload
from deskline.storage.chain import encoded, linked_hash
from deskline.storage.queries import agent_by_handle, login_of
from deskline.storage.store import Store

BATCH = 2000  # tickets a batch of inserts

Progress = Callable[[int, int], None]

_NULL = bulk.Json(encoded(None))  # most events have no old value or reason: written once


@dataclass(frozen=True, slots=True)
class _Agent:
    id: int
    handle: str
    team_id: int | None


@dataclass(slots=True)
class _Ticket:
    """A ticket as the Desk leaves it, by ``Ticket``'s column names (what ``clock_facts``
    and ``ladder_facts`` read)."""

    id: int
    number: int
    title: str
    description: str
    category_id: int
    priority: str
    customer_id: int
    channel: str
    tags: str
    team_id: int | None
    created_at: datetime
    tier: str
    path: str
    status: str = Status.NEW.value
    assignee_id: int | None = None
    updated_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    paused_at: datetime | None = None
    pause_credit_seconds: int = 0
    escalation_level: int = 0
    reopen_count: int = 0
    assigned_at: datetime | None = None
    status_at: datetime | None = None
    escalated_at: datetime | None = None
    escalated_to: str | None = None
    version: int = 1

    @property
    def key(self) -> str:
        return f"T-{self.number}"


class _Player:
    """The Desk's use cases on tickets held in memory, as ``play._act`` calls them."""

    def __init__(
        self, store: Store, s: Session, now: datetime, rules: SlaRules, last_comment: int
    ) -> None:
        pinned = Desk(store, "", now=lambda: now, rules=rules)  # the policy play's desks act under
        self.policy: Policy = pinned.policy
        self.rules, self.ladder, self.now = rules, pinned.ladder, now
        self.agents: dict[str, _Agent] = {}
        self.by_id: dict[int, _Agent] = {}
        self.targets: dict[str, str] = {}  # whom each one escalates to (the next role up)
        for agent_id, handle, _, _, team_id in bulk.agents(s):
            self.agents[handle] = self.by_id[agent_id] = _Agent(agent_id, handle, team_id)
            self.targets[handle] = escalation_target(s, None, agent_by_handle(s, handle))
        self.team_names = {i: n for n, i in bulk.team_ids(s).items()}
        self.recipients = {i: workload.surge_recipients(s, i) for i in [None, *self.team_names]}
        self.comment_id = last_comment
        self.login = login_of(s)
        self.login_json = encoded(self.login)
        self.played: list[_Ticket] = []  # in order of creation
        self.created: list[datetime] = []
        self.surges: dict[int | None, dict[str, Any]] = {}  # each team's latest
        self.surge_rows: list[dict[str, Any]] = []
        self._kinds: dict[str, str] = {}

    # -- a ticket's story --------------------------------------------------------------

    def play(
        self,
        plan: Plan,
        ticket_id: int,
        number: int,
        customer: tuple[int, str],
        category_id: int,
    ) -> tuple[_Ticket, list[dict[str, Any]], list[dict[str, Any]], list[history.Step]]:
        """The ticket, its events and comments (rows) and its history, as the Desk would
        leave them after the plan's steps."""
        self.events: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = []
        self.steps: list[history.Step] = []
        self.prev: str | None = None
        first, *rest = plan.steps
        t = self._create(plan, ticket_id, number, customer, category_id, first.actor)
        now = plan.created_at
        for step in rest:
            now = plan.created_at + step.after
            self._act(t, step, now)
        t.updated_at = now if rest else t.created_at
        return t, self.events, self.comments, self.steps

    def _create(
        self,
        plan: Plan,
        ticket_id: int,
        number: int,
        customer: tuple[int, str],
        category_id: int,
        handle: str,
    ) -> _Ticket:
        actor, now = self.agents[handle], plan.created_at
        title = fields.title(plan.title)
        customer_id, tier = customer
        if plan.customer in VIP:  # the Desk makes a VIP's customer a VIP customer
            tier = "vip"
        triaged = triage_ticket(
            self.policy.triage,
            title=title,
            description=plan.description.strip(),
            vip=tier == "vip",
            explicit=fields.priority(plan.priority),
        )
        t = _Ticket(
            id=ticket_id,
            number=number,
            title=title,
            description=plan.description.strip(),
            category_id=category_id,
            priority=triaged.priority,
            customer_id=customer_id,
            channel=fields.channel(plan.channel),
            tags=fields.tags(plan.tags),
            team_id=actor.team_id,
            created_at=now,
            tier=tier,
            path=fields.category_path(plan.category),
            status_at=now,
        )
        self.played.append(t)
        self.created.append(now)
        new = {"title": title, "status": Status.NEW.value, "priority": t.priority}
        self._event(t, actor, now, "created", None, new)
        if triaged.suggested:
            self._event(t, None, now, "triaged", None, triaged.to_json(), triaged.reason())
        began = self._surge(t, now)
        if began is not None:
            self._event(t, None, now, began.kind, began.old, began.new, began.reason)
        return t

    def _surge(self, t: _Ticket, now: datetime) -> intake.Record | None:
        """``intake.check_surge`` on the tickets played so far."""
        rule = self.policy.surge
        if t.priority != "P0" or not rule.enabled:
            return None
        since = bisect.bisect_right(self.created, now - rule.within)
        arrivals = [
            o.created_at
            for o in self.played[since:]
            if o.priority == "P0" and o.team_id == t.team_id
        ]
        latest = self.surges.get(t.team_id)
        seen = surge.check(
            arrivals, now, rule, surge_last_p0_at=latest["last_p0_at"] if latest else None
        )
        if seen.continues and latest is not None:
            latest["last_p0_at"] = now
            latest["p0_count"] += 1
            return None
        if not seen.fires:
            return None
        recipients = self.recipients.get(t.team_id, [])
        row = {
            "team_id": t.team_id,
            "ticket_id": t.id,
            "started_at": now,
            "last_p0_at": now,
            "p0_count": seen.count,
            "more_than": rule.more_than,
            "within_seconds": int(rule.within.total_seconds()),
            "recipients": recipients,
            "alerted_at": None,
        }
        self.surges[t.team_id] = row
        self.surge_rows.append(row)
        team = self.team_names.get(t.team_id) if t.team_id is not None else None
        return intake.surge_record(team or "no team", seen.count, rule, recipients)

    def _act(self, t: _Ticket, step: Step, now: datetime) -> None:
        """One step, then what every change does at its end (``Desk._changed``)."""
        actor = self.agents[step.actor]
        status_before, assignee_before = t.status, t.assignee_id
        kind, text, args = step.kind, step.text, step.args
        if kind == "assign":
            self._assign(t, actor, self.agents[args["to"]], now)
        elif kind == "take":
            self._take(t, actor, now)
        elif kind in ("start", "resume"):
            self._move(t, actor, now, Status.IN_PROGRESS, None)
        elif kind == "pending":
            self._move(t, actor, now, Status.PENDING, None)
        elif kind == "resolve":
            self._move(t, actor, now, Status.RESOLVED, text.strip() or None)
        elif kind == "close":
            self._move(t, actor, now, Status.CLOSED, text.strip() or None)
        elif kind in ("reply", "note"):
            self._comment(t, actor, now, kind, fields.text_body(text, kind))
        elif kind == "priority":
            old = {"priority": t.priority}
            t.priority = fields.priority(args["to"])
            self._event(t, actor, now, "priority", old, {"priority": t.priority}, text)
        elif kind == "escalate":
            self._escalate(t, actor, now, text, args)
        elif kind == "reopen":
            self._reopen(t, actor, now, text)
        else:
            raise AssertionError(f"unknown demo step {kind!r}")
        t.version += 1
        if t.status != status_before:
            t.status_at = now
        if t.assignee_id is not None and t.assignee_id != assignee_before:
            t.assigned_at = now
        paused = t.status in self.rules.pause_on
        if t.paused_at is not None and not paused:  # a pause ends: its business time credited
            t.pause_credit_seconds += self._clock(t).credit_until(t.paused_at, now)
            t.paused_at = None
        elif t.paused_at is None and paused and status_before != t.status:
            t.paused_at = now

    def _holder(self, t: _Ticket) -> dict[str, Any]:
        holder = self.by_id[t.assignee_id].handle if t.assignee_id is not None else None
        return {"status": t.status, "assignee": holder}

    def _assign(self, t: _Ticket, actor: _Agent, target: _Agent, now: datetime) -> None:
        was_team = self.team_names.get(t.team_id) if t.team_id is not None else None
        old, moves = self._holder(t), target.team_id not in (None, t.team_id)
        t.status = workflow.after_assign(t.key, Status(t.status)).value
        t.assignee_id = target.id
        if t.team_id is None or moves:
            t.team_id = target.team_id
        new = self._holder(t)
        if moves and was_team is not None:
            old["team"], new["team"] = was_team, self.team_names.get(target.team_id or -1)
        self._event(t, actor, now, "assigned", old, new)

    def _take(self, t: _Ticket, actor: _Agent, now: datetime) -> None:
        was = self.by_id[t.assignee_id].handle if t.assignee_id is not None else None
        status = workflow.after_take(t.key, Status(t.status))
        old = self._holder(t)
        t.assignee_id, t.status = actor.id, status.value
        if t.team_id is None:
            t.team_id = actor.team_id
        new = self._holder(t)
        if old["assignee"] == new["assignee"]:
            del old["assignee"], new["assignee"]
        if was is not None and was != actor.handle:
            new["stolen_from"] = was
        self._event(t, actor, now, "taken", old, new)

    def _move(
        self, t: _Ticket, actor: _Agent, now: datetime, target: Status, reason: str | None
    ) -> None:
        """``Desk._move`` of the moves a story makes (never back to new)."""
        workflow.check_transition(t.key, Status(t.status), target)
        old, new = {"status": t.status}, {"status": target.value}
        t.status = target.value
        if target == Status.RESOLVED:
            t.resolved_at = now
        if target == Status.CLOSED:
            t.closed_at = now
        self._event(t, actor, now, "status", old, new, reason)

    def _comment(self, t: _Ticket, actor: _Agent, now: datetime, kind: str, body: str) -> None:
        """``Desk._reply`` and ``Desk._note`` (no mail: a demo ticket has no requester)."""
        if kind == "reply" and t.status == Status.CLOSED:
            raise AssertionError(f"{t.key} is closed: a story never replies then")
        self.comment_id += 1
        self.comments.append(
            {
                "id": self.comment_id,
                "ticket_id": t.id,
                "author_id": actor.id,
                "kind": kind,
                "body": body,
                "created_at": now,
            }
        )
        old: dict[str, Any] | None = None
        new: dict[str, Any] = {"comment": self.comment_id}
        answers = kind == "reply" or self.rules.note_counts_as_response
        if answers and t.first_response_at is None:
            old = {"first_response_at": None}
            t.first_response_at = now
            new["first_response_at"] = clock.iso(now)
        self._event(t, actor, now, kind, old, new)

    def _escalate(
        self, t: _Ticket, actor: _Agent, now: datetime, text: str, args: dict[str, str]
    ) -> None:
        reason = fields.text_body(text, "why escalate")
        old = {"escalation_level": t.escalation_level}
        t.escalation_level += 1
        t.escalated_at, t.escalated_to = now, self.targets[actor.handle]
        new = {
            "escalation_level": t.escalation_level,
            "escalated_to": t.escalated_to,
            "progress": fields.text_body(args["progress"], "what was done so far"),
            "help_needed": fields.text_body(args["help"], "what help is needed"),
        }
        self._event(t, actor, now, "escalated", old, new, reason)

    def _reopen(self, t: _Ticket, actor: _Agent, now: datetime, reason: str) -> None:
        target = workflow.reopen_to(t.key, Status(t.status), assigned=t.assignee_id is not None)
        old = {"status": t.status, "reopen_count": t.reopen_count}
        sla = self._clock(t)
        if self.rules.on_reopen == "restart":
            t.pause_credit_seconds = sla.credit_until(t.created_at, now)
        elif t.resolved_at is not None:
            t.pause_credit_seconds += sla.credit_until(t.resolved_at, now)
        t.status = target.value
        t.reopen_count += 1
        t.resolved_at = t.closed_at = None
        new = {"status": target.value, "reopen_count": t.reopen_count}
        self._event(t, actor, now, "reopened", old, new, reason)

    def _clock(self, t: _Ticket) -> SlaClock:
        return SlaClock(self.rules, clock_facts(t, t.tier, t.path))

    def _event(
        self,
        t: _Ticket,
        actor: _Agent | None,
        at: datetime,
        kind: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        reason: str | None = None,
    ) -> None:
        """The event ``audit.record_event`` would write, chained after the ticket's last."""
        actor_id = actor.id if actor is not None else None
        kind_json = self._kinds.get(kind) or self._kinds.setdefault(kind, encoded(kind))
        old_json = _NULL if old is None else bulk.Json(encoded(old))
        new_json = _NULL if new is None else bulk.Json(encoded(new))
        digest = linked_hash(
            self.prev,
            t.id,
            actor_id,
            at.isoformat(),  # UTC (the plans' times are)
            kind_json,
            old_json,
            new_json,
            _NULL if reason is None else encoded(reason),
            self.login_json,
        )
        self.events.append(
            {
                "ticket_id": t.id,
                "actor_id": actor_id,
                "at": at,
                "kind": kind,
                "old": old_json,  # JSON null for none, as the ORM writes it
                "new": new_json,
                "reason": reason,
                "login": self.login,
                "prev_hash": self.prev,
                "hash": digest,
            }
        )
        self.steps.append(history.Step(at, kind, old, new, actor.handle if actor else None))
        self.prev = digest

    # -- the ticket's columns at its end -----------------------------------------------

    def end_clock(self, t: _Ticket, past: Past) -> SlaClock:
        """The ticket's clock at its end: the one its past alerts' replay ended with when
        its facts are the ticket's (they are, the replay being of the same history), so
        its thresholds are not worked out twice."""
        clock = past.clock
        facts = clock_facts(t, t.tier, t.path)
        if clock is not None and clock.rules is self.rules and clock.facts == facts:
            return clock
        return SlaClock(self.rules, facts)

    def row(self, t: _Ticket, sla: SlaClock, past: Past) -> dict[str, Any]:
        """The ticket's row as the Desk's last change stored it: its due times and next
        check worked out at that change (with no alert fired yet: they come after);
        ``sla``: its clock (``end_clock``)."""
        assert t.updated_at is not None
        schedule = sla.schedule(t.updated_at)
        next_due, at_risk = queue_marks(sla)
        return {
            "id": t.id,
            "number": t.number,
            "title": t.title,
            "description": t.description,
            "category_id": t.category_id,
            "priority": t.priority,
            "status": t.status,
            "customer_id": t.customer_id,
            "channel": t.channel,
            "tags": t.tags,
            "assignee_id": t.assignee_id,
            "team_id": t.team_id,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "first_response_at": t.first_response_at,
            "resolved_at": t.resolved_at,
            "closed_at": t.closed_at,
            "first_response_due_at": schedule.first_response_due_at,
            "resolution_due_at": schedule.resolution_due_at,
            "paused_at": t.paused_at,
            "pause_credit_seconds": t.pause_credit_seconds,
            "next_check_at": self._next_check(t, sla, past),
            "next_due_at": next_due,
            "at_risk_at": at_risk,
            "escalation_level": t.escalation_level,
            "reopen_count": t.reopen_count,
            "impact": None,
            "assigned_at": t.assigned_at,
            "status_at": t.status_at,
            "escalated_at": t.escalated_at,
            "escalated_to": t.escalated_to,
            "requester_id": None,
            "external_id": None,
            "archived_at": None,
            "version": t.version,
        }

    def _next_check(self, t: _Ticket, sla: SlaClock, past: Past) -> datetime | None:
        """The ticket's next check as the watcher leaves it once it has recorded the
        desk's history (``SlaWatcher.record_history``, which ``fill`` runs next): its
        first mark after now, every one before having fired in the replay's last stretch
        (whose facts and clock are the row's: its marks are the watcher's). Otherwise as
        the Desk's last change left it (``Ladder.next_check`` then, nothing fired yet),
        for the watcher to work out again when it is past."""
        facts = ladder_facts(t)  # type: ignore[arg-type]  # Ticket's columns by name
        assert t.updated_at is not None
        if self.ladder.rules.enabled and past.sla is sla and past.facts == facts:
            return next((mark.at for mark in past.marks if mark.at > self.now), None)
        return self.ladder.next_check(facts, sla, t.updated_at, set())

    def seen(self, t: _Ticket, customer: str, now: datetime, sla: SlaClock) -> Seen:
        """What the summary counts of the ticket, as it reads the Desk's list at ``now``
        (the clocks of an open ticket: the others' are not counted); ``sla``: its clock."""
        return Seen(
            t.status,
            t.priority,
            t.channel,
            customer,
            t.title,
            t.reopen_count,
            t.escalation_level,
            self.by_id[t.assignee_id].handle if t.assignee_id is not None else None,
            t.created_at,
            sla.read(now) if Status(t.status) in workflow.OPEN else None,
        )

    def history_of(self, t: _Ticket, steps: Sequence[history.Step]) -> history.TicketHistory:
        """The ticket as ``reader.histories`` reads it back."""
        holder = self.by_id[t.assignee_id].handle if t.assignee_id is not None else None
        return history.TicketHistory(
            id=t.id,
            number=t.number,
            title=t.title,
            priority=t.priority,
            channel=t.channel,
            created_at=t.created_at,
            steps=tuple(steps),
            category=t.path,
            tier=t.tier,
            team=self.team_names.get(t.team_id) if t.team_id is not None else None,
            assignee=holder,
        )


def write_plans(
    store: Store,
    now: datetime,
    plans: list[Plan],
    rules: SlaRules,
    progress: Progress | None = None,
    *,
    batch: int = BATCH,
) -> list[Seen]:
    """Write the planned tickets, every step of their stories and their past alerts to the
    store, as ``play.play_plans`` then ``past.record_past_alerts`` would: a batch of
    tickets a transaction (worked out before it begins), then the search index a batch of
    ids a transaction; what the summary counts of each. ``progress`` is told (done,
    total) a batch at a time."""
    ordered = sorted(plans, key=lambda p: (p.created_at, p.index))
    total = len(ordered)
    seen: list[Seen] = []
    with store.write() as s:
        names = [p.customer.strip() for p in ordered]
        customers = bulk.ids_by(s, bulk.CUSTOMERS, "name", names)
        tiers = bulk.customer_tiers(s, list(customers.values()))
        made = [  # as the Desk makes them: in order of first use, a VIP's as a VIP's
            {"name": n, "tier": "vip" if n in VIP else "standard"}
            for n in dict.fromkeys(names)
            if n not in customers
        ]
        customers.update(bulk.insert_returning(s, bulk.CUSTOMERS, made, "name"))
        tiers.update({customers[m["name"]]: m["tier"] for m in made})
        categories = bulk.ensure_named(
            s, bulk.CATEGORIES, "path", [fields.category_path(p.category) for p in ordered]
        )
        policy = replace(PolicyBook().check(s).rules, sla=rules)  # past alerts: the desk's
        ladder = Ladder(policy.alerts)
        people = People(reader.roster(s))
        player = _Player(store, s, now, rules, bulk.newest_id(s, bulk.COMMENTS))
        first_id = bulk.newest_id(s, bulk.TICKETS) + 1
        first_number = bulk.reserve_numbers(s, total)
    for start in range(0, total, batch):
        if progress is not None:
            progress(start, total)
        tickets, events, comments, alerts = [], [], [], []
        for i in range(start, min(start + batch, total)):
            plan = ordered[i]
            t, evs, cms, steps = player.play(
                plan,
                first_id + i,
                first_number + i,
                (customer := customers[plan.customer.strip()], tiers[customer]),
                categories[fields.category_path(plan.category)],
            )
            past = batch_alerts(player.history_of(t, steps), policy, now, people, ladder)
            sla = player.end_clock(t, past)
            tickets.append(player.row(t, sla, past))
            seen.append(player.seen(t, plan.customer.strip(), now, sla))
            events += evs
            comments += cms
            alerts += past.rows
        with store.write() as s:
            bulk.widen_cache(s)
            with bulk.unindexed(s):  # indexed once, with their comments, at the end
                bulk.insert_rows(s, bulk.TICKETS, tickets)
            bulk.insert_rows(s, bulk.COMMENTS, comments)
            bulk.insert_rows(s, bulk.EVENTS, events)
            bulk.insert_rows(s, bulk.ALERTS, alerts)
            if start + batch >= total:  # a surge's count grows with the P0s after it
                bulk.insert_rows(s, bulk.SURGES, player.surge_rows)
            bulk.follow_ids(s, [bulk.TICKETS, bulk.COMMENTS])
            bulk.record_changes(s, [t["id"] for t in tickets], "created", now)
    after = first_id - 1
    while True:
        with store.write() as s:
            upto = bulk.index_tickets(s, after, 10 * batch)
        if upto is None:
            break
        after = upto
    if progress is not None:
        progress(total, total)
    return seen
