"""The engine's SLA attainment is the desk's own: whatever happened to a ticket, its history
played back gives the clock facts the desk stored and the clock states the desk shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_desk import RULES
from sqlmodel import select

from deskline.core.desk.facts import clock_facts
from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError
from deskline.core.metrics import engine, reader
from deskline.core.metrics.engine import Measures, Period
from deskline.core.metrics.history import play
from deskline.core.roster.agents import Roster
from deskline.core.sla.clocks import FIRST_RESPONSE, RESOLUTION, ClockState
from deskline.storage.models import Category, Customer, Ticket
from deskline.storage.store import Store

# Weighted towards the moves that stop, pause and restart clocks.
OPS = (
    *("take", "reply", "note", "pending", "resume", "resolve", "reopen", "priority", "close"),
    *("pending", "resume", "resolve", "reopen", "resolve", "reopen"),
)
START = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


class Clock:
    t = START

    def __call__(self) -> datetime:
        return self.t


def _do(desk: Desk, key: str, op: str, arg: str) -> None:
    try:
        if op == "take":
            desk.take(key)
        elif op == "reply":
            desk.reply(key, "hello")
        elif op == "note":
            desk.note(key, "note")
        elif op == "pending":
            desk.transition(key, "pending")
        elif op == "resume":
            desk.transition(key, "in_progress")
        elif op == "resolve":
            desk.transition(key, "resolved", reason="fixed")
        elif op == "reopen":
            desk.reopen(key, reason="again")
        elif op == "priority":
            desk.change_priority(key, arg)
        else:
            desk.transition(key, "closed")
    except DesklineError:
        pass  # an illegal move changes nothing, as at the desk


steps = st.lists(
    st.tuples(
        st.integers(0, 1),  # which ticket
        st.sampled_from(OPS),
        st.sampled_from(("P0", "P1", "P2", "P3")),
        st.integers(0, 60 * 30),  # minutes later
    ),
    min_size=1,
    max_size=30,
)


def test_attainment_equals_the_desks_clock_states(tmp_path):
    store = Store.open(str(tmp_path / "prop.db"))
    Roster(store).add("bo", name="Bo", role="admin", team="Service Desk")
    clock = Clock()
    desk = Desk(store, "bo", now=clock, rules=RULES.sla)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(steps, st.sampled_from(("P1", "P2", "P3")))
    def check(ops, priority):
        clock.t = clock.t + timedelta(days=9)  # each example's tickets on their own
        keys = [
            desk.create(f"t{i}", priority=priority, category="Email", customer="Globex").key
            for i in range(2)
        ]
        desk.take(keys[0])
        for which, op, arg, minutes in ops:
            clock.t += timedelta(minutes=minutes)
            _do(desk, keys[which], op, arg)
        now = clock.t + timedelta(minutes=1)
        clock.t = now
        views = [desk.get(k) for k in keys]
        numbers = {int(k[2:]) for k in keys}
        m = Measures(Period(None, now + timedelta(seconds=1), UTC))
        with store.read() as s:
            stored = {
                t.number: clock_facts(
                    t,
                    s.get(Customer, t.customer_id).tier if t.customer_id else None,
                    s.get(Category, t.category_id).path if t.category_id else None,
                )
                for t in s.exec(select(Ticket).where(Ticket.number.in_(numbers)))  # type: ignore[attr-defined]
            }
            for h in reader.histories(s, since=None, until=now + timedelta(seconds=1)):
                if h.number in numbers:
                    played = play(h, RULES.sla, now)
                    assert played.sla.facts == stored[h.number], h.steps
                    engine.measure(played, m)
        for clock_name, short in ((FIRST_RESPONSE, "fr"), (RESOLUTION, "res")):
            states = [getattr(v.sla, clock_name).state for v in views]
            met = sum(s == ClockState.MET for s in states)
            finished = sum(s in (ClockState.MET, ClockState.MISSED) for s in states)
            assert (m.total.counts[f"{short}_met"], m.total.counts[f"{short}_finished"]) == (
                met,
                finished,
            )

    check()
    store.close()


def test_the_demo_desk_played_back_is_the_stored_desk(demo_file):
    """Every demo ticket's history, played under the policy it was made under, ends at the
    due times, pause credit and clock states the desk stored."""
    from conftest import DEMO_NOW

    from deskline.core.sla.defaults import default_rules

    store = Store.open(str(demo_file))
    rules = default_rules()
    with store.read() as s:
        tickets = {t.number: t for t in s.exec(select(Ticket))}
        n = 0
        for h in reader.histories(s, since=None, until=DEMO_NOW):
            t = tickets[h.number]
            played = play(h, rules, DEMO_NOW)
            assert played.sla.resolution_due() == t.resolution_due_at, h.key
            assert played.sla.first_response_due() == t.first_response_due_at, h.key
            assert played.sla.facts.pause_credit_seconds == t.pause_credit_seconds, h.key
            assert played.state.status == t.status, h.key
            n += 1
    assert n == len(tickets) == 300
    store.close()
