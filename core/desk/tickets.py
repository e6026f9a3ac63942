"""The Desk: every use case on tickets, each one transaction that also writes its audit event."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from deskline.core import clock
from deskline.core.alerts.ladder import AlertRules, Ladder
from deskline.core.desk import edits, fields, macros, reading, workflow
from deskline.core.desk.audit import add_comment, record_event
from deskline.core.desk.edits import Edit
from deskline.core.desk.facts import clock_facts, ladder_facts, queue_marks
from deskline.core.desk.views import AgentView, CommentView, EventView, TicketView
from deskline.core.desk.workflow import Status
from deskline.core.errors import (
    DesklineError,
    Forbidden,
    InvalidInput,
    NotFound,
    Refused,
    Said,
    StaleEdit,
    Step,
)
from deskline.core.inert import quoted
from deskline.core.language import N_, _
from deskline.core.policy.book import Policy, PolicyBook, Rules, policy_of
from deskline.core.roster import access, contacts, permissions
from deskline.core.roster.agents import unknown_agent
from deskline.core.routing import intake
from deskline.core.routing.route import Decision, RoutingRules
from deskline.core.routing.surge import SurgeRule, SurgeView
from deskline.core.routing.triage import TriageRules, parse_impact
from deskline.core.routing.triage import triage as triage_ticket
from deskline.core.sla.calendar import BusinessCalendar
from deskline.core.sla.clocks import SlaClock, SlaReading, SlaRules
from deskline.core.sla.defaults import default_rules
from deskline.storage import alerts as alert_rows
from deskline.storage import changes, queries, workload
from deskline.storage import contacts as contact_rows
from deskline.storage import links as ticket_links
from deskline.storage import presence as presence_rows
from deskline.storage.models import Agent, Category, Comment, Contact, Customer, Team, Ticket
from deskline.storage.queries import TicketRow
from deskline.storage.store import Store

LINK_KINDS = ("related",)  # what `deskline link` makes; "merged" is made by a merge
PRESENCE_STATES = ("viewing", "reply", "note")
PRESENCE_SECONDS = 15  # a presence lapses this long after its last renewal


@dataclass
class _Change:
    """What a use case works on inside its transaction."""

    session: Session
    ticket: Ticket
    actor: Agent | None  # None: the system (the alert engine's automatic steps)
    now: datetime


class Desk:
    """The use cases of the help desk, acting as one agent (``actor`` is a handle)."""

    def __init__(
        self,
        store: Store,
        actor: str,
        *,
        now: Callable[[], datetime] = clock.now,
        rules: SlaRules | None = None,
        routing: RoutingRules | None = None,
        triage: TriageRules | None = None,
        surge: SurgeRule | None = None,
        alerts: AlertRules | None = None,
    ) -> None:
        """No rules given: the desk's policy, from the store, the newest version at the start
        of every transaction. Any given: those (and defaults for the rest), whatever the
        store says (tests and demos that fix their rules)."""
        self.store = store
        self.actor = actor
        self.now = now
        pinned = None
        if any(r is not None for r in (rules, routing, triage, surge, alerts)):
            pinned = policy_of(
                Rules(
                    sla=rules or default_rules(),
                    routing=routing or RoutingRules(),  # no rules: nothing is routed
                    triage=triage or TriageRules(),  # the default keywords apply
                    surge=surge or SurgeRule(),
                    alerts=alerts or AlertRules(),
                )
            )
        self.book = PolicyBook(pinned)
        self._ladder: tuple[str, Ladder] | None = None
        self._person: permissions.Person | None = None  # my role and team, once read

    # -- the desk's policy ---------------------------------------------------------

    @property
    def policy(self) -> Policy:
        """The policy as of this desk's last transaction (``refresh_policy`` to look now)."""
        return self.book.current

    @property
    def rules(self) -> SlaRules:
        return self.book.current.sla

    @property
    def routing(self) -> RoutingRules:
        return self.book.current.routing

    @property
    def triage(self) -> TriageRules:
        return self.book.current.triage

    @property
    def surge(self) -> SurgeRule:
        return self.book.current.surge

    @property
    def ladder(self) -> Ladder:
        policy = self.book.current
        if self._ladder is None or self._ladder[0] != policy.digest:
            self._ladder = (policy.digest, Ladder(policy.alerts))
        return self._ladder[1]

    def refresh_policy(self) -> Policy:
        """The newest policy, read now (one indexed read unless its version moved)."""
        with self._read():
            return self.book.current

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A writing transaction that acts under the newest policy."""
        with self.store.write() as s:
            self.book.check(s)
            yield s

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A reading transaction that reads under the newest policy."""
        with self.store.read() as s:
            self.book.check(s)
            yield s

    # -- reading -------------------------------------------------------------------

    def whoami(self) -> AgentView:
        """The acting agent; an unknown handle is an error naming the command that adds it."""
        with self._read() as s:
            agent = self._actor(s)
            team = queries.team_of(s, agent)
            self._person = permissions.Person(agent.handle, agent.role, team)
            return AgentView.from_row(agent, team)

    def get(self, key: str) -> TicketView:
        """One ticket with its conversation and audit trail."""
        number = fields.ticket_number(key)
        with self._read() as s:
            rows = queries.ticket_rows(s, numbers=[number])
            if not rows:
                raise _not_found(key)
            ticket = rows[0].ticket
            assert ticket.id is not None  # read from the store
            comments = tuple(CommentView.from_row(*r) for r in queries.conversation(s, ticket.id))
            events = tuple(EventView.from_row(*r) for r in queries.audit_trail(s, ticket.id))
            view = self._view(rows[0], self.now())
            people = self._people(s, ticket)
            links = tuple(_link_words(*link) for link in ticket_links.links_of(s, ticket.id))
        return replace(view, comments=comments, events=events, links=links, **people)

    @staticmethod
    def _people(s: Session, ticket: Ticket) -> dict[str, Any]:
        """The requester, CCs and the requester's other open tickets, for the detail."""
        assert ticket.id is not None
        found: dict[str, Any] = {
            "cc": tuple(contacts.view_of(s, c).label() for c in contact_rows.ccs(s, ticket.id))
        }
        asker = s.get(Contact, ticket.requester_id) if ticket.requester_id else None
        if asker is not None:
            found["requester"] = contacts.view_of(s, asker).label()
            others = contact_rows.tickets_of(
                s, requester_id=asker.id, statuses=[st.value for st in workflow.OPEN]
            )
            found["requester_open"] = tuple(
                f"{t.key} {t.title}" for t in others if t.id != ticket.id
            )
        return found

    @staticmethod
    def _copy(s: Session, ticket: Ticket, cc: Sequence[str], now: datetime) -> builtins.list[int]:
        """Copy these addresses' contacts (made when unknown, of no customer) on the ticket."""
        assert ticket.id is not None
        copied = []
        for given in cc:
            person = contacts.requester(s, given, None, now)
            assert person.id is not None
            if person.id != ticket.requester_id and contact_rows.add_cc(s, ticket.id, person.id):
                copied.append(person.id)
        return copied

    def list(
        self,
        *,
        statuses: Sequence[str] | None = None,
        priorities: Sequence[str] | None = None,
        mine: bool = False,
        limit: int | None = None,
        archived: bool = False,
    ) -> list[TicketView]:
        """Tickets in queue order; by default every open one (``archived``: the archive's
        tickets instead, newest first)."""
        wanted, prios = reading.wanted(statuses, priorities, archived)
        with self._read() as s:
            assignee_id = reading.actor_id(s, self.actor) if mine else None
            return builtins.list(
                reading.queue(
                    s,
                    self.rules,
                    self.now(),
                    statuses=wanted,
                    priorities=prios,
                    assignee_id=assignee_id,
                    limit=limit,
                    archived=archived,
                )
            )

    def tickets(self, numbers: Sequence[int]) -> builtins.list[TicketView]:
        """These tickets (without history), in the order given; unknown numbers are left out."""
        with self._read() as s:
            rows = queries.ticket_rows(s, numbers=list(numbers))
        now = self.now()
        by_number = {row.ticket.number: self._view(row, now) for row in rows}
        return [by_number[n] for n in numbers if n in by_number]

    def read_sla(self, view: TicketView, now: datetime) -> SlaReading | None:
        """The ticket's clocks read again at ``now``, without the store (for live countdowns)."""
        return SlaClock(self.rules, view.clock).read(now) if view.clock else None

    def opens_at(self, view: TicketView, now: datetime) -> datetime | None:
        """When the ticket's SLA calendar opens, if it is closed at ``now`` (its business-time
        clocks stand still until then); None while it is open, or for a 24x7 calendar."""
        calendar = self._calendar_of(view)
        if calendar is None or calendar.is_always_open or calendar.is_open(now):
            return None
        return calendar.next_open(now)

    def on_business_time(self, view: TicketView) -> bool:
        """Whether the ticket's clocks count business time (a calendar that closes), so its
        time left is no wall-clock time."""
        calendar = self._calendar_of(view)
        return calendar is not None and not calendar.is_always_open

    def _calendar_of(self, view: TicketView) -> BusinessCalendar | None:
        facts = view.clock
        if facts is None:
            return None
        target = self.rules.target_for(
            facts.priority, tier=facts.tier, category=facts.category, channel=facts.channel
        )  # the calendar only: no clock worked out (this runs every second per visible row)
        return self.rules.calendars[target.calendar]

    def next_step(self, view: TicketView, now: datetime) -> tuple[str, str, datetime] | None:
        """The ticket's next SLA threshold after ``now``: (clock, threshold, instant)."""
        if view.clock is None:
            return None
        upcoming = [t for t in SlaClock(self.rules, view.clock).thresholds() if t[2] > now]
        return upcoming[0] if upcoming else None

    def _view(self, row: TicketRow, now: datetime) -> TicketView:
        """A ticket row with its SLA clocks read at ``now``."""
        return reading.view_of(row, self.rules, now)

    # -- creating ------------------------------------------------------------------

    def create(
        self,
        title: str,
        *,
        priority: str | None = None,
        category: str | None = None,
        customer: str | None = None,
        vip: bool = False,
        channel: str = "web",
        description: str = "",
        tags: Iterable[str] = (),
        impact: str | None = None,
        requester: str | None = None,
        cc: Sequence[str] = (),
        requester_name: str | None = None,
        team: str | None = None,
        system: bool = False,
        then: Callable[[Session, Ticket], None] | None = None,
    ) -> TicketView:
        """Open a new ticket (status new), then triage and route it by the desk's rules.

        ``priority`` None lets triage choose; one given always wins over its suggestion.
        ``requester`` and ``cc``: email addresses of contacts (made when unknown, the
        requester named ``requester_name``); with no ``customer`` the requester's customer
        is the ticket's. ``team``: its team unless its category has one (else the creator's).
        ``system``: opened by the desk itself (mail), audited with no acting agent; ``then``
        writes more in the same transaction (the message it came from)."""
        title = fields.title(title)
        explicit = fields.priority(priority) if priority is not None else None
        impact = parse_impact(impact) if impact else None
        description = description.strip()
        channel = fields.channel(channel)
        path = fields.category_path(category) if category else None
        customer = customer.strip() if customer else None
        if vip and not customer:
            raise InvalidInput(
                Said("--vip", _("VIP")),
                _(" needs "),
                Said("--customer", _("a customer")),
                _(": a VIP is a customer"),
            )
        with self._write() as s:
            actor = None if system else self._actor(s)
            now = self.now()
            cust = queries.customer_named(s, customer, create=True) if customer else None
            asker = None
            if requester:
                asker = contacts.requester(s, requester, cust, now, name=requester_name)
            given_team = queries.team_named(s, team) if team else None
            if cust is None and asker is not None and asker.customer_id is not None:
                cust = s.get(Customer, asker.customer_id)
            if cust is not None and vip and cust.tier != "vip":
                cust.tier = "vip"
            cat = queries.category_at(s, path, create=True) if path else None
            triaged = triage_ticket(
                self.triage,
                title=title,
                description=description,
                impact=impact,
                vip=cust is not None and cust.tier == "vip",
                explicit=explicit,
            )
            priority = triaged.priority
            ticket = Ticket(
                number=queries.next_ticket_number(s),
                title=title,
                description=description,
                priority=priority,
                impact=impact,
                status=Status.NEW.value,
                channel=channel,
                tags=fields.tags(tags),
                customer_id=cust.id if cust else None,
                requester_id=asker.id if asker else None,
                category_id=cat.id if cat else None,
                # the category's team, else the creator's, so no new ticket is nobody's
                team_id=(cat.default_team_id if cat else None)
                or (given_team.id if given_team else None)
                or (actor.team_id if actor else None),
                created_at=now,
                updated_at=now,
                status_at=now,
            )
            sla = SlaClock(
                self.rules,
                clock_facts(ticket, cust.tier if cust else None, cat.path if cat else None),
            )
            schedule = sla.schedule(now)
            ticket.first_response_due_at = schedule.first_response_due_at
            ticket.resolution_due_at = schedule.resolution_due_at
            ticket.next_due_at, ticket.at_risk_at = queue_marks(sla)
            # Routed after the ticket number is taken: on PostgreSQL that row lock orders
            # concurrent creates, so each one sees the load the one before it gave.
            decisions: list[intake.Record] = []
            if triaged.suggested:
                decisions.append(
                    intake.Record("triaged", None, triaged.to_json(), triaged.reason())
                )
            if self.routing.enabled:
                decision = intake.decide(s, ticket, cust, cat, self.routing)
                decisions.append(intake.apply(s, ticket, decision))
            if ticket.assignee_id is not None:
                ticket.assigned_at = now
            ticket.next_check_at = self._next_check(ticket, sla, now, set())
            s.add(ticket)
            s.flush()
            new: dict[str, Any] = {"title": title, "status": Status.NEW.value, "priority": priority}
            if asker is not None:
                new["requester"] = asker.id
            copied = self._copy(s, ticket, cc, now)
            if copied:
                new["cc"] = copied
            record_event(s, ticket, actor, now, "created", None, new)
            surge = intake.check_surge(s, ticket, now, self.surge)
            for d in [*decisions, *([surge] if surge else [])]:
                record_event(s, ticket, None, now, d.kind, d.old, d.new, d.reason)
            if then is not None:
                then(s, ticket)
            changes.record(s, [ticket.id], "created", now)
            number = ticket.number
        return self.get(str(number))

    # -- changing ------------------------------------------------------------------

    def assign(self, key: str, handle: str, *, expected_version: int | None = None) -> TicketView:
        """Give the ticket to an agent; it waits for them to start (status assigned)."""
        with self._change(key, expected_version) as c:
            target = queries.agent_by_handle(c.session, handle)
            if target is None:
                raise unknown_agent(handle)
            if c.ticket.assignee_id == target.id:
                raise Refused(
                    _("{key} is already assigned to {handle}").format(
                        key=c.ticket.key, handle=handle
                    )
                )
            was, to = self._held(c), access.person(c.session, target)
            self._require(permissions.may_assign(self._me(c), was, to))
            old, moves = self._holder(c), target.team_id not in (None, c.ticket.team_id)
            c.ticket.status = workflow.after_assign(c.ticket.key, Status(c.ticket.status))
            c.ticket.assignee_id = target.id
            if c.ticket.team_id is None or moves:  # another team's agent: it moves there
                c.ticket.team_id = target.team_id
            new = self._holder(c)
            if moves and was.team is not None:
                old["team"], new["team"] = was.team, to.team
            record_event(c.session, c.ticket, c.actor, c.now, "assigned", old, new)
        return self.get(key)

    def take(
        self, key: str, *, steal: bool = False, expected_version: int | None = None
    ) -> TicketView:
        """Assign the ticket to me and start on it; one someone else holds only with
        ``steal`` (a supervisor of its team, a director or an admin; the event says so)."""
        with self._change(key, expected_version) as c:
            status = workflow.after_take(c.ticket.key, Status(c.ticket.status))
            assert c.actor is not None
            if c.ticket.assignee_id == c.actor.id and status == c.ticket.status:
                raise Refused(
                    _("{key} is already yours and {status}").format(
                        key=c.ticket.key, status=status.value
                    )
                )
            was = self._held(c)
            self._require(permissions.may_take(self._me(c), was, steal=steal))
            old = self._holder(c)
            c.ticket.assignee_id = c.actor.id
            c.ticket.status = status.value
            if c.ticket.team_id is None:
                c.ticket.team_id = c.actor.team_id
            new = self._holder(c)
            if old["assignee"] == new["assignee"]:  # mine already: only the status moved
                del old["assignee"], new["assignee"]
            if was.assignee is not None and was.assignee != c.actor.handle:
                new["stolen_from"] = was.assignee
            record_event(c.session, c.ticket, c.actor, c.now, "taken", old, new)
        return self.get(key)

    def transition(
        self,
        key: str,
        status: str,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TicketView:
        """Move the ticket along the workflow; resolving needs a solution note (reason)."""
        target = workflow.parse_status(status)
        reason = reason.strip() if reason else None
        with self._change(key, expected_version) as c:
            self._may(c, "work")
            self._move(c, target, reason)
        return self.get(key)

    def _move(self, c: _Change, target: Status, reason: str | None) -> None:
        """The status change of ``transition`` (and of a macro), checked and audited."""
        t = c.ticket
        current = Status(t.status)
        workflow.check_transition(t.key, current, target)
        if target in workflow.NEEDS_ASSIGNEE and t.assignee_id is None:
            raise InvalidInput(
                _("{key} has no assignee: ").format(key=t.key),
                Step(f"`deskline assign {t.key} HANDLE`", "assign"),
                _(" or "),
                Step(f"`deskline take {t.key}`", "take"),
                _(" first"),
            )
        if target == Status.ASSIGNED and current == Status.IN_PROGRESS:
            raise InvalidInput(
                _("to hand {key} to someone else use ").format(key=t.key),
                Step(f"`deskline assign {t.key} HANDLE`", "assign"),
            )
        if target == Status.RESOLVED and not reason:
            raise InvalidInput(
                _("resolving {key} needs a solution note: ").format(key=t.key),
                Said(_('add --reason "what fixed it"'), _("write what fixed it")),
            )
        old: dict[str, Any] = {"status": current.value}
        new: dict[str, Any] = {"status": target.value}
        t.status = target.value
        if target == Status.NEW:  # handed back to the team queue
            old["assignee"] = self._handle_of(c.session, t.assignee_id)
            new["assignee"] = None
            t.assignee_id = None
        if target == Status.RESOLVED:
            t.resolved_at = c.now
        if target == Status.CLOSED:
            t.closed_at = c.now
        record_event(c.session, t, c.actor, c.now, "status", old, new, reason)

    def reply(self, key: str, text: str, *, expected_version: int | None = None) -> TicketView:
        """A public reply to the customer; the first one stops the first-response clock."""
        body = fields.text_body(text, _("the reply"))
        with self._change(key, expected_version) as c:
            self._may(c, "work")
            self._reply(c, body)
        return self.get(key)

    def _reply(self, c: _Change, body: str, more: dict[str, Any] | None = None) -> None:
        """The public reply of ``reply`` (and of a macro: ``more`` joins its event)."""
        t = c.ticket
        if t.status == Status.CLOSED:
            raise InvalidInput(_("{key} is closed: reopen it before replying").format(key=t.key))
        comment = add_comment(c.session, t, c.actor, c.now, "reply", body)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {"comment": comment.id, **(more or {})}
        from deskline.core.mail import outgoing  # mail's machinery: loaded when a reply is

        mailed = outgoing.queue_reply(c.session, t, comment, self.policy.mail, c.now)
        if mailed is not None:
            new["mail"] = mailed
        if t.first_response_at is None:
            old["first_response_at"] = None
            t.first_response_at = c.now
            new["first_response_at"] = clock.iso(c.now)
        record_event(c.session, t, c.actor, c.now, "reply", old or None, new)

    def note(self, key: str, text: str, *, expected_version: int | None = None) -> TicketView:
        """An internal note, never shown to the customer."""
        body = fields.text_body(text, _("the note"))
        with self._change(key, expected_version) as c:
            self._may(c, "work")
            self._note(c, body)
        return self.get(key)

    def _note(self, c: _Change, body: str, more: dict[str, Any] | None = None) -> None:
        """The internal note of ``note`` (and of a macro: ``more`` joins its event)."""
        comment = add_comment(c.session, c.ticket, c.actor, c.now, "note", body)
        old: dict[str, Any] | None = None
        new: dict[str, Any] = {"comment": comment.id, **(more or {})}
        if self.rules.note_counts_as_response and c.ticket.first_response_at is None:
            old = {"first_response_at": None}
            c.ticket.first_response_at = c.now
            new["first_response_at"] = clock.iso(c.now)
        record_event(c.session, c.ticket, c.actor, c.now, "note", old, new)

    def change_priority(
        self,
        key: str,
        priority: str,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TicketView:
        priority = fields.priority(priority)
        with self._change(key, expected_version) as c:
            self._may(c, "work")
            self._reprioritise(c, priority, reason)
        return self.get(key)

    def edit(self, key: str, edit: Edit, *, expected_version: int | None = None) -> TicketView:
        """Change the ticket's title, description, category, tags, customer or channel (one
        audited event with what each was); its SLA targets follow a new category or
        customer tier. An unknown category or customer is refused, as is an edit that
        changes nothing. A new category of another team by the routing rules moves an open,
        unassigned ticket there as routing would a new one (``_follow_category``)."""
        edit = edit.checked()
        if edit.is_empty():
            raise InvalidInput(
                _("nothing to edit: "),
                Said(_("give --title, --description, --category, ..."), _("change a field")),
            )
        with self._change(key, expected_version) as c:
            self._may(c, "edit")
            old, new = self._edited(c, edit)
            if not new:
                raise Refused(
                    _("{key} already has what the edit says: nothing changed").format(
                        key=c.ticket.key
                    )
                )
            record_event(c.session, c.ticket, c.actor, c.now, "edited", old, new)
            if "category" in new:
                self._follow_category(c, new["category"])
        return self.get(key)

    def _follow_category(self, c: _Change, category: str | None) -> None:
        """After a category edit: an open ticket nobody holds is routed again, as it would
        be if it had come in with that category, when the rules send it to another team
        (audited ``routed``, in the edit's transaction). One someone holds stays with them
        and in their team: they decide whether to hand it on."""
        t = c.ticket
        if not self.routing.enabled or t.assignee_id is not None:
            return
        if Status(t.status) not in workflow.OPEN:
            return
        decision = intake.decide(c.session, t, *self._parties(c.session, t), self.routing)
        if decision.team in (None, workload.team_name(c.session, t.team_id)):
            return
        why = f"category {category or 'none'}: {decision.reason}"
        done = intake.apply(c.session, t, replace(decision, reason=why))
        record_event(c.session, t, c.actor, c.now, done.kind, done.old, done.new, done.reason)

    @staticmethod
    def _edited(c: _Change, edit: Edit) -> tuple[dict[str, Any], dict[str, Any]]:
        """Apply ``edit`` to the ticket; the (old, new) values of what changed."""
        t, s = c.ticket, c.session
        wanted: dict[str, Any] = {}
        for name in ("title", "description", "channel"):
            if getattr(edit, name) is not None:
                wanted[name] = getattr(edit, name)
        if edit.tags:
            wanted["tags"] = edits.retag(t.tags, edit.tags)
        if edit.category is not None:
            cat = queries.category_at(s, edit.category) if edit.category else None
            if edit.category and cat is None:
                known = ", ".join(queries.category_paths(s)[:6]) or _("none yet")
                raise NotFound(
                    _("no category '{category}' on this desk (it has: {known})").format(
                        category=quoted(edit.category), known=known
                    )
                )
            wanted["category_id"] = cat.id if cat else None
        if edit.customer is not None:
            cust = queries.customer_named(s, edit.customer) if edit.customer else None
            if edit.customer and cust is None:
                raise NotFound(
                    _("no customer '{customer}': ").format(customer=quoted(edit.customer)),
                    Said(_("see `deskline customers list`"), _("pick one the field suggests")),
                )
            wanted["customer_id"] = cust.id if cust else None
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for name, value in wanted.items():
            before = getattr(t, name)
            if before == value:
                continue
            shown = name.removesuffix("_id")
            old[shown], new[shown] = _shown(s, name, before), _shown(s, name, value)
            setattr(t, name, value)
        return old, new

    def _reprioritise(self, c: _Change, priority: str, reason: str | None) -> None:
        t = c.ticket
        _require_open(t, _("change its priority"))
        if t.priority == priority:
            raise Refused(_("{key} is already {priority}").format(key=t.key, priority=priority))
        old = {"priority": t.priority}
        t.priority = priority
        record_event(c.session, t, c.actor, c.now, "priority", old, {"priority": priority}, reason)

    def apply_macro(
        self,
        key: str,
        name: str,
        *,
        text: str | None = None,
        expected_version: int | None = None,
    ) -> TicketView:
        """A canned reply or note (``[[macro]]`` of the desk's policy), its placeholders
        filled from the ticket, and the status, priority and tags it sets: one transaction,
        so the comment and the field changes land together or not at all, each audited as
        its own use case audits it (the events name the macro). ``text``: the macro's text
        as the agent edited it (see ``fill_macro``), instead of the text filled now."""
        with self._change(key, expected_version) as c:
            macro = macros.find(self.policy.macros, name)  # the policy of this transaction
            self._require(permissions.may_apply_macro(self._me(c), self._held(c), macro.sets()))
            t = c.ticket
            if text is None:
                text = macros.fill(macro, self._placeholders(c.session, t, c.actor, macro))
            body = fields.text_body(text, _("the macro's text"))
            said = {"macro": macro.name}
            if macro.kind == "reply":
                self._reply(c, body, said)
            else:
                self._note(c, body, said)
            if macro.priority and macro.priority != t.priority:
                self._reprioritise(c, macro.priority, macro.why)
            if macro.status and macro.status != t.status:
                reason = body if macro.status == Status.RESOLVED else macro.why
                self._move(c, Status(macro.status), reason)
            self._retag(c, macro.add_tags, macro.remove_tags, macro.why)
        return self.get(key)

    def tag(
        self,
        key: str,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TicketView:
        """Add and remove tags (lower case); Refused when that would change nothing."""
        with self._change(key, expected_version) as c:
            self._may(c, "work")
            if not self._retag(c, add, remove, reason):
                raise Refused(
                    _("{key} has those tags already (and not the removed ones)").format(
                        key=c.ticket.key
                    )
                )
        return self.get(key)

    def _retag(
        self, c: _Change, add: Sequence[str], remove: Sequence[str], reason: str | None
    ) -> bool:
        """Add and remove tags (audited as "tags"); False when nothing changed."""
        t = c.ticket
        before = tuple(x for x in t.tags.split(",") if x)
        after = macros.retag(before, add, remove)
        if after == before:
            return False
        t.tags = fields.tags(after)
        old, new = {"tags": ", ".join(before)}, {"tags": ", ".join(after)}
        record_event(c.session, t, c.actor, c.now, "tags", old, new, reason)
        return True

    def fill_macro(self, key: str, name: str) -> str:
        """A macro's text filled in for this ticket as it is now, to edit before sending
        (``apply_macro(..., text=...)``); changes nothing."""
        number = fields.ticket_number(key)
        with self._read() as s:
            macro = macros.find(self.policy.macros, name)
            ticket = queries.ticket_by_number(s, number)
            if ticket is None:
                raise _not_found(key)
            return macros.fill(macro, self._placeholders(s, ticket, self._actor(s), macro))

    def _placeholders(
        self, s: Session, t: Ticket, actor: Agent | None, macro: macros.Macro
    ) -> dict[str, str]:
        """What a macro's placeholders stand for on this ticket, now."""
        customer, category = self._parties(s, t)
        asker = s.get(Contact, t.requester_id) if t.requester_id else None
        requester = contacts.view_of(s, asker) if asker is not None else None
        team = s.get(Team, t.team_id) if t.team_id else None
        due = ""
        if t.resolution_due_at is not None:
            facts = clock_facts(
                t, customer.tier if customer else None, category.path if category else None
            )
            target = self.rules.target_for(
                facts.priority, tier=facts.tier, category=facts.category, channel=facts.channel
            )
            zone = ZoneInfo(self.rules.calendars[target.calendar].timezone)
            due = t.resolution_due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        return {
            "key": t.key,
            "title": t.title,
            "customer": customer.name if customer else "",
            "requester": (
                (requester.name or (requester.emails[0] if requester.emails else ""))
                if requester is not None
                else (customer.name if customer else "")
            ),
            "agent": actor.name if actor is not None else "",
            "due": due,
            "status": (macro.status or t.status).replace("_", " "),
            "priority": macro.priority or t.priority,
            "team": team.name if team else "",
        }

    def escalate(
        self,
        key: str,
        *,
        reason: str,
        progress: str,
        help_needed: str,
        to: str | None = None,
        expected_version: int | None = None,
    ) -> TicketView:
        """Raise the escalation level by hand: why, what was tried, what help is needed, and
        whom it goes to (``to``: a handle, ``team:NAME``, ``role:supervisor`` or
        ``role:director``; None: the next role up). The alert engine tells them at once."""
        reason = fields.text_body(reason, Said(_("--reason (why escalate)"), _("why escalate")))
        progress = fields.text_body(
            progress,
            Said(_("--progress (what was done so far)"), _("what was done so far")),
        )
        help_needed = fields.text_body(
            help_needed,
            Said(_("--help-needed (what help is needed)"), _("what help is needed")),
        )
        with self._change(key, expected_version) as c:
            self._may(c, "work")
            t = c.ticket
            _require_open(t, _("escalate it"))
            target = escalation_target(c.session, to, c.actor)
            old = {"escalation_level": t.escalation_level}
            t.escalation_level += 1
            t.escalated_at = c.now
            t.escalated_to = target
            new = {
                "escalation_level": t.escalation_level,
                "escalated_to": target,
                "progress": progress,
                "help_needed": help_needed,
            }
            record_event(c.session, t, c.actor, c.now, "escalated", old, new, reason)
        return self.get(key)

    def reopen(
        self, key: str, *, reason: str | None = None, expected_version: int | None = None
    ) -> TicketView:
        """Bring a resolved or closed ticket back: in_progress, or new when unassigned; an
        archived one is restored first (out of the archive, audited as "restored")."""
        with self._change(key, expected_version, archived_ok=True) as c:
            self._may(c, "work")
            if c.ticket.archived_at is not None:
                self._restore(c, reason)
            self._reopen(c, reason)
        return self.get(key)

    def _restore(self, c: _Change, reason: str | None) -> None:
        t = c.ticket
        old = {"archived_at": clock.iso(t.archived_at)}
        t.archived_at = None
        record_event(c.session, t, c.actor, c.now, "restored", old, {"archived_at": None}, reason)

    def _reopen(self, c: _Change, reason: str | None) -> None:
        t = c.ticket
        current = Status(t.status)
        target = workflow.reopen_to(t.key, current, assigned=t.assignee_id is not None)
        old = {"status": current.value, "reopen_count": t.reopen_count}
        sla = self._sla_clock(c.session, t)
        if self.rules.on_reopen == "restart":  # credit everything so far: a fresh clock
            t.pause_credit_seconds = sla.credit_until(t.created_at, c.now)
        elif t.resolved_at is not None:  # resume: time spent resolved does not count
            t.pause_credit_seconds += sla.credit_until(t.resolved_at, c.now)
        t.status = target.value
        t.reopen_count += 1
        t.resolved_at = None
        t.closed_at = None
        new = {"status": target.value, "reopen_count": t.reopen_count}
        record_event(c.session, t, c.actor, c.now, "reopened", old, new, reason)

    def customer_reply(
        self,
        key: str,
        text: str,
        *,
        how: str = "email",
        then: Callable[[Session, Ticket, int], None] | None = None,
    ) -> TicketView:
        """The customer answered (by mail): their words join the conversation, a resolved
        ticket reopens and a pending one goes back to work, so its clock runs again; done by
        the desk itself (no acting agent). A closed ticket stays closed: Refused (the caller
        opens a new one), an archived one too (archived tickets are closed ones). ``then``:
        more to write in the transaction (session, ticket, comment id)."""
        body = text.strip() or "(no text)"
        with self._change(key, None, system=True, archived_ok=True) as c:
            t = c.ticket
            if t.status == Status.CLOSED:
                raise Refused(
                    _("{key} is closed: the customer's message opens a new ticket").format(
                        key=t.key
                    )
                )
            why = f"the customer replied by {how}"
            comment = add_comment(c.session, t, None, c.now, "customer", body)
            if t.status == Status.RESOLVED:
                self._reopen(c, why)
            elif t.status == Status.PENDING:
                back = Status.IN_PROGRESS if t.assignee_id is not None else Status.NEW
                old = {"status": t.status}
                t.status = back.value
                record_event(c.session, t, None, c.now, "status", old, {"status": back.value}, why)
            record_event(c.session, t, None, c.now, "customer_reply", None, {"comment": comment.id})
            if then is not None:
                assert comment.id is not None
                then(c.session, t, comment.id)
        return self.get(key)

    # -- merging and linking -------------------------------------------------------------

    def merge(
        self,
        key: str,
        into: str,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> TicketView:
        """Merge the ticket ``key`` into ``into``, which carries on: its conversation gets a
        copy of every comment of ``key`` (their authors and times kept) and a system comment
        saying what came from where, its requester and CCs are copied, its SLA stays its
        own; ``key`` closes, pointing to ``into``. One transaction, both audited. Refused
        into itself, into a closed ticket, from one already closed, and round in a cycle."""
        with self._changes([key, into], [expected_version, None]) as (gone, kept):
            source, target = gone.ticket, kept.ticket
            if source.id == target.id:
                raise InvalidInput(_("{key} cannot be merged into itself").format(key=source.key))
            me = self._me(gone)
            self._require(permissions.may_merge(me, self._held(gone), self._held(kept)))
            for t, what in ((source, _("merge it")), (target, _("merge into it"))):
                if t.status == Status.CLOSED:
                    why = _merged_words(gone.session, t)
                    raise Refused(
                        _("{key} is {why}: reopen it to {what}").format(
                            key=t.key, why=why, what=what
                        )
                    )
            seen = {source.id}
            step: int | None = target.id
            while step is not None:  # where the target itself was merged (then reopened)
                if step in seen:
                    raise Refused(
                        _(
                            "merging {source} into {target} would make a cycle: "
                            "{target} was merged into {source} before"
                        ).format(source=source.key, target=target.key)
                    )
                seen.add(step)
                step = ticket_links.merged_into(gone.session, step)
            self._merge(gone, kept, reason.strip() if reason else None)
        return self.get(into)

    def _merge(self, gone: _Change, kept: _Change, reason: str | None) -> None:
        s, source, target, now = gone.session, gone.ticket, kept.ticket, gone.now
        assert source.id is not None and target.id is not None
        copied = 0
        for comment, _author in queries.conversation(s, source.id):
            s.add(
                Comment(
                    ticket_id=target.id,
                    author_id=comment.author_id,
                    kind=comment.kind,
                    body=comment.body,
                    created_at=comment.created_at,
                )
            )
            copied += 1
        said = f"Merged {source.key} into this ticket: “{source.title}”"
        if source.description:
            said += f"\n{source.description}"
        add_comment(s, target, kept.actor, now, "system", said)
        people = [source.requester_id, *(c.id for c in contact_rows.ccs(s, source.id))]
        cc = [
            p
            for p in dict.fromkeys(people)
            if p is not None and p != target.requester_id and contact_rows.add_cc(s, target.id, p)
        ]
        ticket_links.add(
            s, source.id, target.id, "merged", now, gone.actor.id if gone.actor else None
        )
        old = {"status": source.status}
        if source.resolved_at is None:
            source.resolved_at = now
        source.status, source.closed_at = Status.CLOSED.value, now
        add_comment(s, source, gone.actor, now, "system", f"Merged into {target.key}")
        new = {"status": source.status, "merged_into": target.key}
        record_event(s, source, gone.actor, now, "merged", old, new, reason)
        into: dict[str, Any] = {"merged_from": source.key, "comments": copied}
        if cc:
            into["cc"] = cc
        record_event(s, target, kept.actor, now, "merged_in", None, into, reason)

    def link(self, key: str, other: str, *, kind: str = "related") -> TicketView:
        """Link two tickets as related (either way); audited on both."""
        if kind not in LINK_KINDS:
            raise InvalidInput(
                _("unknown link kind {kind}: use {known}").format(
                    kind=repr(kind), known=", ".join(LINK_KINDS)
                )
            )
        with self._changes([key, other], [None, None]) as (a, b):
            ids = self._linkable(a, b)
            if ticket_links.find(a.session, *ids) is not None:
                raise Refused(
                    _("{key} and {other} are linked already").format(
                        key=a.ticket.key, other=b.ticket.key
                    )
                )
            by = a.actor.id if a.actor else None
            ticket_links.add(a.session, min(ids), max(ids), kind, a.now, by)
            for this, that in ((a, b), (b, a)):
                new = {kind: that.ticket.key}
                record_event(this.session, this.ticket, this.actor, this.now, "linked", None, new)
        return self.get(key)

    def unlink(self, key: str, other: str) -> TicketView:
        """Take a related link away (a merge stays: it is the merged ticket's history)."""
        with self._changes([key, other], [None, None]) as (a, b):
            found = ticket_links.find(a.session, *self._linkable(a, b))
            if found is None:
                raise Refused(
                    _("{key} and {other} are not linked").format(
                        key=a.ticket.key, other=b.ticket.key
                    )
                )
            if found.kind == "merged":
                raise Refused(
                    _("{key} and {other} were merged: that stays").format(
                        key=a.ticket.key, other=b.ticket.key
                    )
                )
            ticket_links.remove(a.session, found)
            for this, that in ((a, b), (b, a)):
                old = {found.kind: that.ticket.key}
                record_event(this.session, this.ticket, this.actor, this.now, "unlinked", old, None)
        return self.get(key)

    def _linkable(self, a: _Change, b: _Change) -> tuple[int, int]:
        """The two tickets' ids, once my role may link them."""
        assert a.ticket.id is not None and b.ticket.id is not None
        if a.ticket.id == b.ticket.id:
            raise InvalidInput(_("{key} cannot be linked to itself").format(key=a.ticket.key))
        me = self._me(a)
        self._require(permissions.may_merge(me, self._held(a), self._held(b), what=N_("link")))
        return a.ticket.id, b.ticket.id

    # -- presence: who else has the ticket open ---------------------------------------------

    def here(self, key: str, state: str = "viewing") -> builtins.list[tuple[str, str]]:
        """I have this ticket open (``state``: viewing, or writing a "reply" or "note"), for
        ``PRESENCE_SECONDS`` unless renewed; who else has it open now: (handle, state).
        Not a change to the ticket: no version, no audit event, no change row."""
        if state not in PRESENCE_STATES:
            raise InvalidInput(
                _("presence {state}: one of {known}").format(
                    state=repr(state), known=", ".join(PRESENCE_STATES)
                )
            )
        number = fields.ticket_number(key)
        with self._write() as s:
            me = self._actor(s)
            ticket = queries.ticket_by_number(s, number)
            if ticket is None:
                raise _not_found(key)
            assert ticket.id is not None and me.id is not None
            now = self.now()
            presence_rows.renew(
                s, ticket.id, me.id, state, now + timedelta(seconds=PRESENCE_SECONDS), now
            )
            return [p for p in presence_rows.present(s, ticket.id, now) if p[0] != me.handle]

    def away(self) -> None:
        """I have no ticket open any more (the workspace closes)."""
        with self._write() as s:
            me = self._actor(s)
            assert me.id is not None
            presence_rows.leave(s, me.id)

    # -- the alert engine's automatic steps (no acting agent) ---------------------------

    def hand_back(self, key: str, *, reason: str, reroute: bool = True) -> TicketView:
        """Assigned but never started: back to the team queue (status new, no assignee), and
        routed again at once when routing is configured (``reroute``; never to the agent it
        came back from), in the same transaction, both audited as the system."""
        with self._change(key, None, system=True) as c:
            t = c.ticket
            if t.status != Status.ASSIGNED:
                raise Refused(
                    _("{key} is {status}, not waiting to be started").format(
                        key=t.key, status=t.status
                    )
                )
            old = self._holder(c)
            t.status = Status.NEW.value
            t.assignee_id = None
            record_event(c.session, t, None, c.now, "handed_back", old, self._holder(c), reason)
            if reroute and self.routing.enabled:
                self._route(c, exclude=old["assignee"])
        return self.get(key)

    def auto_close(self, key: str, *, reason: str) -> TicketView:
        """Pending with no reply, or resolved and not reopened, for too long: closed, with a
        system comment saying why."""
        with self._change(key, None, system=True) as c:
            t = c.ticket
            if t.status not in (Status.PENDING, Status.RESOLVED):
                raise Refused(
                    _("{key} is {status}: only pending or resolved tickets close").format(
                        key=t.key, status=t.status
                    )
                )
            old = {"status": t.status}
            if t.resolved_at is None:
                t.resolved_at = c.now
            t.status = Status.CLOSED.value
            t.closed_at = c.now
            add_comment(c.session, t, None, c.now, "system", f"Closed automatically: {reason}")
            record_event(
                c.session, t, None, c.now, "auto_closed", old, {"status": t.status}, reason
            )
        return self.get(key)

    def recompute_sla(self) -> int:
        """Store every open ticket's due times and next check again under the current rules
        (``policy apply`` does this itself); returns how many changed. Derived columns only:
        no version bump, so nobody's edit in progress turns stale.

        One transaction per batch of open tickets (``reads.BATCH``, by id): a batch is
        stored whole or not at all, the write lock is held for one batch, memory holds one.
        Stopped midway, the batches before stay done; run again, it finishes (a batch done
        already changes nothing the second time)."""
        from deskline.core.policy.replan import replan_batch  # only recompute needs it

        now, after, total = self.now(), 0, 0
        while True:
            with self._write() as s:
                self._require(permissions.may_change_policy(access.person(s, self._actor(s))))
                found, last = replan_batch(s, self.rules, self.ladder, now, after)
                changes.record(s, found.changed, "sla", now)
            if last is None:
                return total
            total, after = total + len(found.changed), last

    # -- routing -------------------------------------------------------------------

    def route(
        self, key: str, *, expected_version: int | None = None, system: bool = False
    ) -> TicketView:
        """Route an open, unassigned ticket again by the current rules (say, once someone
        came on duty); the attempt is audited whatever it finds (``system``: done by the
        desk itself, audited with no acting agent)."""
        with self._change(key, expected_version, system=system) as c:
            if not self.routing.enabled:  # under the policy this transaction read
                raise DesklineError(
                    _(
                        "no routing is configured: add [[routing.rules]] or [routing] "
                        "fallback_team to the desk's policy (`deskline policy export`, edit, "
                        "`deskline policy apply`)"
                    )
                )
            if not system:
                self._may(c, "work")
            t = c.ticket
            _require_open(t, _("route it"))
            if t.assignee_id is not None:
                holder = self._handle_of(c.session, t.assignee_id)
                raise Refused(
                    _(
                        "{key} is assigned to {holder}: hand it back to the queue first "
                        "(`deskline status {key} new`)"
                    ).format(key=t.key, holder=holder)
                )
            self._route(c)
        return self.get(key)

    def _route(self, c: _Change, *, exclude: str | None = None) -> None:
        """Route ``c.ticket`` by the current rules (``exclude``: never to this agent)."""
        t = c.ticket
        customer, category = self._parties(c.session, t)
        if exclude is None:
            decision = intake.decide(c.session, t, customer, category, self.routing)
        else:
            decision = intake.decide_without(
                c.session, t, customer, category, self.routing, exclude
            )
        done = intake.apply(c.session, t, decision)
        record_event(c.session, t, c.actor, c.now, done.kind, done.old, done.new, done.reason)

    def preview_route(self, key: str) -> Decision:
        """Where the current rules and agents would send this ticket now (changes nothing)."""
        number = fields.ticket_number(key)
        with self._read() as s:
            ticket = queries.ticket_by_number(s, number)
            if ticket is None:
                raise _not_found(key)
            return intake.decide(s, ticket, *self._parties(s, ticket), self.routing)

    def surges(self, *, within: timedelta | None = None) -> tuple[SurgeView, ...]:
        """Surges, newest first: those whose last P0 came in the last ``within`` (all: None)."""
        now = self.now()
        with self._read() as s:
            rows = workload.surges(s, since=now - within if within is not None else None)
            return tuple(SurgeView.from_row(*row, now=now) for row in rows)

    @staticmethod
    def _parties(session: Session, ticket: Ticket) -> tuple[Customer | None, Category | None]:
        customer = session.get(Customer, ticket.customer_id) if ticket.customer_id else None
        category = session.get(Category, ticket.category_id) if ticket.category_id else None
        return customer, category

    # -- inside ----------------------------------------------------------------------

    def _me(self, c: _Change) -> permissions.Person:
        assert c.actor is not None  # the system's own steps ask nobody
        return access.person(c.session, c.actor)

    def _held(self, c: _Change) -> permissions.Held:
        return access.held(c.session, c.ticket)

    def _require(self, refusal: permissions.Refusal | None) -> None:
        """Raise a refusal of the role matrix (Forbidden), if there is one."""
        access.require(refusal)

    def _may(self, c: _Change, action: str) -> None:
        """Refuse (Forbidden, before anything is written) unless my role allows ``action``
        ("work") on the ticket."""
        self._require(permissions.may(self._me(c), action, self._held(c)))

    def allowed(self, view: TicketView) -> frozenset[str]:
        """What my role lets me do on this ticket ("work", "take", "steal", "assign"), from
        the view and my role and team as last read (no store read once whoami ran)."""
        me = self._person or self._read_person()
        ticket = permissions.Held(view.key, view.team, view.assignee)
        return permissions.allowed(me, ticket)

    def refusal(self, view: TicketView, action: str) -> Forbidden | None:
        """Why my role may not do ``action`` on this ticket: the Forbidden the use case
        would raise (None: it may), for a screen that answers a key it does not offer."""
        me = self._person or self._read_person()
        ticket = permissions.Held(view.key, view.team, view.assignee)
        if action == "assign":  # to whom is not chosen yet: a teammate, the least to ask
            teammate = permissions.Person(_("a teammate"), "agent", view.team)
            refusal = permissions.may_assign(me, ticket, teammate)
        else:
            refusal = permissions.may(me, action, ticket)
        try:
            access.require(refusal)
        except Forbidden as exc:
            return exc
        return None

    def _read_person(self) -> permissions.Person:
        me = self.whoami()
        return permissions.Person(me.handle, me.role, me.team)

    def _actor(self, session: Session) -> Agent:
        agent = queries.agent_by_handle(session, self.actor)
        if agent is None:
            raise unknown_agent(self.actor)
        return agent

    @contextmanager
    def _change(
        self,
        key: str,
        expected_version: int | None,
        *,
        system: bool = False,
        archived_ok: bool = False,
    ) -> Iterator[_Change]:
        """One writing transaction on one ticket, refusing a stale edit; ``system``: done by
        the desk itself (no acting agent), for the alert engine's automatic steps;
        ``archived_ok``: the use case handles an archived ticket itself (reopen)."""
        with self._changes([key], [expected_version], system=system, archived_ok=archived_ok) as (
            change,
        ):
            yield change

    @contextmanager
    def _changes(
        self,
        keys: Sequence[str],
        expected_versions: Sequence[int | None],
        *,
        system: bool = False,
        archived_ok: bool = False,
    ) -> Iterator[tuple[_Change, ...]]:
        """One writing transaction on these tickets (a merge: two), each row locked (in
        number order, so two such changes never wait on each other), each refusing a stale
        edit and an archived ticket (read-only until reopened, unless ``archived_ok``), and
        each a new version with its clocks kept and its change row."""
        numbers = [fields.ticket_number(key) for key in keys]
        try:
            with self._write() as s:
                actor = None if system else self._actor(s)
                found: dict[int, Ticket] = {}
                for number in sorted(set(numbers)):
                    ticket = queries.ticket_by_number(s, number, for_update=True)
                    if ticket is None:
                        raise _not_found(keys[numbers.index(number)])
                    if ticket.archived_at is not None and not archived_ok:
                        raise Refused(
                            _("{key} is archived; reopen it to change it").format(key=ticket.key)
                        )
                    found[number] = ticket
                now = self.now()  # once the rows are held: changes are timed in lock order
                for number, expected in zip(numbers, expected_versions, strict=True):
                    ticket = found[number]
                    if expected is not None and ticket.version != expected:
                        raise _stale(ticket.key, expected, ticket.version)
                made = tuple(_Change(s, found[n], actor, now) for n in numbers)
                before = [(c.ticket.status, c.ticket.assignee_id) for c in made]
                yield made
                for change, (status_before, assignee_before) in zip(made, before, strict=True):
                    self._changed(change, status_before, assignee_before)
                s.flush()
                changes.record(s, [c.ticket.id for c in made], "updated", now)
        except StaleDataError:
            raise StaleEdit(
                _(
                    "{keys} was changed by someone else while you edited it; nothing was "
                    "saved: reload it and try again"
                ).format(keys=", ".join(f"T-{n}" for n in numbers))
            ) from None

    def _changed(self, change: _Change, status_before: str, assignee_before: int | None) -> None:
        """What every change does to its ticket at its end."""
        ticket = change.ticket
        ticket.updated_at = change.now
        if ticket.status != status_before:
            ticket.status_at = change.now
        if ticket.assignee_id is not None and ticket.assignee_id != assignee_before:
            ticket.assigned_at = change.now
        # Every use case is a new version, even when no column changes value (a
        # comment, or two edits within one clock tick): that is what stale checks see.
        flag_modified(ticket, "updated_at")
        self._keep_clocks(change, status_before)

    def _sla_clock(self, session: Session, ticket: Ticket) -> SlaClock:
        customer = session.get(Customer, ticket.customer_id) if ticket.customer_id else None
        category = session.get(Category, ticket.category_id) if ticket.category_id else None
        facts = clock_facts(
            ticket, customer.tier if customer else None, category.path if category else None
        )
        return SlaClock(self.rules, facts)

    def _keep_clocks(self, c: _Change, status_before: str) -> None:
        """Pause bookkeeping on a status change, then the due times and next check."""
        t = c.ticket
        paused = t.status in self.rules.pause_on
        if t.paused_at is not None and not paused:  # a pause ends: credit its business time
            t.pause_credit_seconds += self._sla_clock(c.session, t).credit_until(t.paused_at, c.now)
            t.paused_at = None
        elif t.paused_at is None and paused and status_before != t.status:
            t.paused_at = c.now
        sla = self._sla_clock(c.session, t)
        schedule = sla.schedule(c.now)
        t.first_response_due_at = schedule.first_response_due_at
        t.resolution_due_at = schedule.resolution_due_at
        t.next_due_at, t.at_risk_at = queue_marks(sla)
        assert t.id is not None
        with c.session.no_autoflush:  # one flush, one new version, for the whole change
            fired = alert_rows.fired_keys(c.session, [t.id])[t.id]
        t.next_check_at = self._next_check(t, sla, c.now, fired)

    def _next_check(
        self, t: Ticket, sla: SlaClock, now: datetime, fired: set[str]
    ) -> datetime | None:
        """When the alert engine must look at the ticket next (its next rung, or now)."""
        return self.ladder.next_check(ladder_facts(t), sla, now, fired)

    def _holder(self, c: _Change) -> dict[str, Any]:
        return {
            "status": c.ticket.status,
            "assignee": self._handle_of(c.session, c.ticket.assignee_id),
        }

    @staticmethod
    def _handle_of(session: Session, agent_id: int | None) -> str | None:
        if agent_id is None:
            return None
        agent = session.get(Agent, agent_id)
        return agent.handle if agent else None


def escalation_target(session: Session, to: str | None, actor: Agent | None) -> str:
    """Whom a manual escalation goes to, checked: a handle, ``team:NAME``,
    ``role:supervisor`` (the ticket team's supervisors) or ``role:director``; None: the next
    role up from the one escalating (an agent's supervisors; a supervisor's directors)."""
    if to is None:
        role = actor.role if actor is not None else "agent"
        return "role:supervisor" if role == "agent" else "role:director"
    to = to.strip()
    kind, _sep, name = to.partition(":")
    if kind == "role" and name in ("supervisor", "director"):
        return to
    if kind == "role":
        raise InvalidInput(
            _whom(to), _(": the roles to escalate to are role:supervisor, role:director")
        )
    if kind == "team" and name:
        if queries.team_named(session, name) is None:
            raise NotFound(
                _whom(to),
                _(": no team {name}").format(name=repr(name)),
                Said(_(": see `deskline agents list`"), ""),
            )
        return to
    if queries.agent_by_handle(session, to) is None:
        raise NotFound(
            _whom(to),
            _(
                ": no agent {handle}; give a handle, team:NAME, role:supervisor or role:director"
            ).format(handle=repr(to)),
        )
    return to


def _whom(to: str) -> Said:
    """The escalation target given, as each surface names where it was given."""
    return Said(f"--to {to}", _("tell whom: {to}").format(to=to))


def _shown(session: Session, name: str, value: Any) -> Any:
    """A field's value as the audit trail shows it: a category's path, a customer's name."""
    if value is None or name not in ("category_id", "customer_id"):
        return value
    if name == "category_id":
        found = session.get(Category, value)
        return found.path if found else value
    cust = session.get(Customer, value)
    return cust.name if cust else value


def _not_found(key: str) -> NotFound:
    return fields.no_ticket(key)


def _stale(key: str, expected: int, actual: int) -> StaleEdit:
    return StaleEdit(
        _(
            "{key} was changed by someone else (you had version {expected}, it is now "
            "{actual}); nothing was saved: reload it and try again"
        ).format(key=key, expected=expected, actual=actual)
    )


def _link_words(kind: str, outgoing: bool, other: str) -> str:
    """One link as the detail shows it: "related T-3", "merged into T-1"."""
    if kind == "merged":
        return f"merged {'into' if outgoing else 'from'} {other}"
    return f"{kind} {other}"


def _merged_words(session: Session, ticket: Ticket) -> str:
    """``closed``, or ``merged into T-1`` for a merged ticket."""
    assert ticket.id is not None
    into = ticket_links.merged_into(session, ticket.id)
    target = session.get(Ticket, into) if into is not None else None
    if target is None:
        return ticket.status
    return _("merged into {key}").format(key=target.key)


def _require_open(ticket: Ticket, action: str) -> None:
    if ticket.status not in workflow.OPEN:
        raise DesklineError(
            _("{key} is {status}: reopen it to {action}").format(
                key=ticket.key, status=ticket.status, action=action
            )
        )
