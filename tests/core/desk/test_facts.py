"""One way to build clock facts: a ticket read back by the Desk, the dashboard, the queue and
the watcher gives the facts it was written with, and the same clock readings."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.core.alerts.ladder import LadderFacts
from deskline.core.dashboard.board import Board
from deskline.core.desk.facts import clock_facts, ladder_facts, queue_marks
from deskline.core.desk.queue import Queue
from deskline.core.desk.tickets import Desk
from deskline.core.roster.agents import Roster
from deskline.core.sla.clocks import ClockFacts, ClockState, SlaClock
from deskline.core.sla.defaults import default_rules
from deskline.storage import alerts as alert_rows
from deskline.storage import dashboard, queries
from deskline.storage.models import Customer, Ticket
from deskline.storage.store import Store

NOW = datetime(2026, 4, 8, 6, 0, tzinfo=UTC)  # a Wednesday
RULES = default_rules()
OPEN = ("new", "assigned", "in_progress", "pending")
CATEGORIES = (None, "Account", "Account/Login/Locked", "Billing/Refund")


@dataclass(frozen=True)
class Written:
    """A ticket as the test writes it, and the facts its clocks must be read from."""

    status: str
    facts: ClockFacts


@st.composite
def written(draw: st.DrawFn) -> Written:
    created = NOW - timedelta(seconds=draw(st.integers(0, 10 * 86_400)))
    status = draw(st.sampled_from((*OPEN, "resolved")))
    since = (NOW - created).total_seconds()

    def instant() -> datetime:
        return created + timedelta(seconds=draw(st.floats(0, since)))

    answered = draw(st.booleans())
    return Written(
        status,
        ClockFacts(
            created_at=created,
            priority=draw(st.sampled_from(("P0", "P1", "P2", "P3"))),
            tier=draw(st.sampled_from((None, "standard", "vip"))),
            category=draw(st.sampled_from(CATEGORIES)),
            channel=draw(st.sampled_from(("web", "email", "phone", "chat"))),
            first_response_at=instant() if answered else None,
            resolved_at=instant() if status == "resolved" else None,
            paused_at=instant() if status == "pending" else None,
            pause_credit_seconds=draw(st.sampled_from((0, 0, 1800, 7200))),
        ),
    )


def write(store: Store, tickets: list[Written]) -> None:
    """The tickets as a desk upgraded before the at-risk instant was stored: due times and
    the next due time kept, ``at_risk_at`` not, so the queue reads their clocks."""
    with store.write() as s:
        for number, w in enumerate(tickets, start=1):
            f = w.facts
            customer = None
            if f.tier is not None:
                customer = queries.get_or_create(s, Customer, name=f"{f.tier} co")
                customer.tier = f.tier
            category = queries.category_at(s, f.category, create=True) if f.category else None
            sla = SlaClock(RULES, f)
            plan = sla.schedule(NOW)
            s.add(
                Ticket(
                    number=number,
                    title=f"ticket {number}",
                    priority=f.priority,
                    status=w.status,
                    channel=f.channel,
                    customer_id=customer.id if customer else None,
                    category_id=category.id if category else None,
                    created_at=f.created_at,
                    updated_at=f.created_at,
                    first_response_at=f.first_response_at,
                    resolved_at=f.resolved_at,
                    paused_at=f.paused_at,
                    pause_credit_seconds=f.pause_credit_seconds,
                    first_response_due_at=plan.first_response_due_at,
                    resolution_due_at=plan.resolution_due_at,
                    next_due_at=queue_marks(sla)[0],
                    next_check_at=f.created_at,  # every one due for the watcher
                )
            )


def expected_lists(tickets: list[Written]) -> tuple[set[int], set[int]]:
    """The dashboard's breached and at-risk tickets, from the written facts."""
    breached, at_risk = set(), set()
    for number, w in enumerate(tickets, start=1):
        if w.status in OPEN:
            state = SlaClock(RULES, w.facts).read(NOW).most_urgent()[1].state
            if state == ClockState.BREACHED:
                breached.add(number)
            elif state in (ClockState.WARNING, ClockState.AT_RISK):
                at_risk.add(number)
    return breached, at_risk


def expected_queue_at_risk(tickets: list[Written]) -> int:
    """At risk as the queue's header counts it: a running clock not yet due, at risk."""
    count = 0
    for w in tickets:
        sla = SlaClock(RULES, w.facts)
        due = queue_marks(sla)[0]
        if w.status in OPEN and due is not None and due > NOW:
            count += sla.read(NOW).most_urgent()[1].state == ClockState.AT_RISK
    return count


@settings(max_examples=40, deadline=None)
@given(st.lists(written(), min_size=1, max_size=8))
def test_every_reader_builds_the_facts_the_ticket_was_written_with(tickets):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "deskline.db"))
        try:
            Roster(store).add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
            write(store, tickets)
            desk = Desk(store, "ana", now=lambda: NOW, rules=RULES)
            numbers = list(range(1, len(tickets) + 1))
            written_facts = {n: w.facts for n, w in zip(numbers, tickets, strict=True)}
            open_facts = {n: f for n, f in written_facts.items() if tickets[n - 1].status in OPEN}

            # the Desk (a Ticket with its customer's tier and category path)
            views = desk.tickets(numbers)
            assert {v.number: v.clock for v in views} == written_facts
            for v in views:
                assert v.sla == SlaClock(RULES, written_facts[v.number]).read(NOW)

            with store.read() as s:
                # the dashboard's and the queue's rows, by name
                board_rows = dashboard.clock_rows(s, statuses=OPEN)
                assert {r.number: clock_facts(r, r.tier, r.category) for r in board_rows} == (
                    open_facts
                )
                unmarked = queries.unmarked_clock_rows(s)
                running = {n for n, f in open_facts.items() if queue_marks(SlaClock(RULES, f))[0]}
                assert {r.number: clock_facts(r, r.tier, r.category) for r in unmarked} == {
                    n: open_facts[n] for n in running
                }
                # the watcher's due tickets
                due = alert_rows.due_rows(s, NOW, 100)
                assert {
                    r.ticket.number: clock_facts(r.ticket, r.tier, r.category) for r in due
                } == written_facts

            # and what they show: the dashboard's lists and readings, the queue's counts
            board = Board(desk)
            board.load()
            figures = board.figures(NOW)
            assert ({e.number for e in figures.breached}, {e.number for e in figures.at_risk}) == (
                expected_lists(tickets)
            )
            for entry in (*figures.breached, *figures.at_risk):
                facts = written_facts[entry.number]
                assert entry.reading == SlaClock(RULES, facts).read_clock(entry.clock, NOW)
            counts = Queue(desk).counts()
            assert counts.open == len(open_facts)
            assert counts.at_risk == expected_queue_at_risk(tickets)
        finally:
            store.close()


def test_the_ladder_facts_of_a_stored_ticket(desk):
    view = desk.create("Printer on fire", priority="P1")
    desk.assign(view.key, "bo")
    with desk.store.read() as s:
        ticket = queries.ticket_by_number(s, view.number)
        assert ticket is not None
        assert ladder_facts(ticket) == LadderFacts(
            id=ticket.id,
            status="assigned",
            assigned=True,
            created_at=ticket.created_at,
            assigned_at=ticket.assigned_at,
            status_at=ticket.status_at,
            resolved_at=None,
        )
    assert ticket.assigned_at is not None and ticket.status_at is not None


def test_queue_marks_are_the_earliest_running_breach_and_its_at_risk_instant():
    created = NOW - timedelta(minutes=5)
    sla = SlaClock(RULES, ClockFacts(created_at=created, priority="P1"))
    marks = {(clock, name): at for clock, name, at in sla.thresholds()}
    # P1: first response within 30 min runs out before resolution within 4 h
    assert queue_marks(sla) == (
        marks[("first_response", "breach")],
        marks[("first_response", "at_risk")],
    )
    answered = SlaClock(RULES, ClockFacts(created_at=created, priority="P1", first_response_at=NOW))
    resolution = {(c, n): at for c, n, at in answered.thresholds()}
    assert queue_marks(answered) == (
        resolution[("resolution", "breach")],
        resolution[("resolution", "at_risk")],
    )
    paused = ClockFacts(created_at=created, priority="P1", first_response_at=NOW, paused_at=NOW)
    assert queue_marks(SlaClock(RULES, paused)) == (None, None)  # no clock runs
