"""The role matrix, every cell (role x action x where the ticket stands), on SQLite and
PostgreSQL: what is allowed is done, what is refused is Forbidden and writes nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from deskline.core.desk import archive
from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError, Forbidden, Refused
from deskline.core.roster import permissions
from deskline.core.roster.agents import Roster
from deskline.core.roster.customers import Customers
from deskline.storage.models import Agent, Comment, Event, Ticket

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
ROLES = ("agent", "supervisor", "director", "admin")
ACTOR = {"agent": "ag", "supervisor": "su", "director": "di", "admin": "ad"}
RELATIONS = ("own", "team", "queue", "other_queue", "other")
ALL = set(RELATIONS)
WORKED = {"own", "team", "queue"}

# The oracle, written out by hand (not read from the module under test).
EXPECTED: dict[str, dict[str, set[str]]] = {
    **{
        action: {"agent": WORKED, "supervisor": WORKED, "director": ALL, "admin": ALL}
        for action in ("status", "reply", "note", "priority", "escalate", "reopen")
    },
    "take": {
        "agent": {"own", "queue"},
        "supervisor": {"own", "queue"},
        "director": {"own", "queue", "other_queue"},
        "admin": {"own", "queue", "other_queue"},
    },
    "take_steal": {
        "agent": {"own", "queue"},
        "supervisor": {"own", "queue", "team"},
        "director": ALL,
        "admin": ALL,
    },
    # to mate2, of Service Desk: the ticket moves out of Billing when it is Billing's
    "assign_teammate": {"agent": {"own"}, "supervisor": WORKED, "director": ALL, "admin": ALL},
    # to far2, of Billing: a Service Desk ticket moves to Billing
    "assign_other_team": {"agent": set(), "supervisor": WORKED, "director": ALL, "admin": ALL},
}


def do(desk: Desk, action: str, key: str) -> Callable[[], object]:
    return {
        "status": lambda: desk.transition(key, "in_progress"),
        "reply": lambda: desk.reply(key, "We are on it"),
        "note": lambda: desk.note(key, "looked at the logs"),
        "priority": lambda: desk.change_priority(key, "P1"),
        "escalate": lambda: desk.escalate(key, reason="r", progress="p", help_needed="h"),
        "reopen": lambda: desk.reopen(key, reason="still broken"),
        "take": lambda: desk.take(key),
        "take_steal": lambda: desk.take(key, steal=True),
        "assign_teammate": lambda: desk.assign(key, "mate2"),
        "assign_other_team": lambda: desk.assign(key, "far2"),
    }[action]


@pytest.fixture
def roster(store) -> Roster:
    """Every actor is in Service Desk (so "team" means something for each role); mate and
    mate2 are their teammates, far and far2 work in Billing."""
    roster = Roster(store)
    roster.add("ad", role="admin", team="Service Desk")
    for handle, role, team in (
        ("ag", "agent", "Service Desk"),
        ("su", "supervisor", "Service Desk"),
        ("di", "director", "Service Desk"),
        ("mate", "agent", "Service Desk"),
        ("mate2", "agent", "Service Desk"),
        ("far", "agent", "Billing"),
        ("far2", "agent", "Billing"),
        ("bsup", "supervisor", "Billing"),
    ):
        roster.add(handle, role=role, team=team, by="ad")
    return roster


def ticket_for(store, actor: str, relation: str, action: str) -> str:
    """A ticket standing in ``relation`` to ``actor``, in the state ``action`` needs."""
    admin = Desk(store, "ad", now=lambda: T0)
    creator = "far" if relation in ("other_queue", "other") else "mate"  # its team
    key = Desk(store, creator, now=lambda: T0).create(f"{relation} for {actor}").key
    holder = {"own": actor, "team": "mate", "other": "far"}.get(relation)
    if holder == "ad":
        admin.take(key)
    elif holder is not None:
        admin.assign(key, holder)
    if action == "reopen":  # resolved by its holder
        closer = Desk(store, holder or "ad", now=lambda: T0)
        if holder != "ad":
            closer.transition(key, "in_progress")
        closer.transition(key, "resolved", reason="fixed")
    return key


def footprint(store, key: str) -> tuple[int, int, int, str | None, str]:
    number = int(key.split("-")[1])
    with store.read() as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == number)).one()
        events = s.exec(select(func.count()).select_from(Event)).one()
        comments = s.exec(select(func.count()).select_from(Comment)).one()
        holder = s.get(Agent, ticket.assignee_id).handle if ticket.assignee_id else None
        return ticket.version, events, comments, holder, ticket.status


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_every_cell_of_the_role_matrix(store, roster, role, action):
    actor = ACTOR[role]
    wrong = []
    for relation in RELATIONS:
        if action == "reopen" and relation in ("queue", "other_queue"):
            continue  # a resolved ticket always has a holder
        key = ticket_for(store, actor, relation, action)
        before = footprint(store, key)
        desk = Desk(store, actor, now=lambda: T0)
        allowed = relation in EXPECTED[action][role]
        try:
            do(desk, action, key)()
        except Forbidden as exc:
            assert footprint(store, key) == before, f"{relation}: written though refused"
            assert f"you ({actor}) are" in str(exc) or "is held by" in str(exc), str(exc)
            if allowed:
                wrong.append(f"{relation}: refused: {exc}")
        except DesklineError:  # past the role check, refused by the workflow: fine
            assert footprint(store, key) == before
            if not allowed:
                wrong.append(f"{relation}: allowed (then refused by the workflow)")
        else:
            assert footprint(store, key) != before
            if not allowed:
                wrong.append(f"{relation}: allowed")
    assert not wrong, f"{role} {action}: {wrong}"


def test_the_pure_matrix_agrees_with_the_oracle():
    """``allowed`` (what the workspace offers) says what the use cases do."""
    names = {"take": "take", "take_steal": "steal", "status": "work", "assign_teammate": "assign"}
    for role in ROLES:
        me = permissions.Person(ACTOR[role], role, "Service Desk")
        for relation in RELATIONS:
            team = "Billing" if relation in ("other_queue", "other") else "Service Desk"
            holder = {"own": me.handle, "team": "mate", "other": "far"}.get(relation)
            got = permissions.allowed(me, permissions.Held("T-1", team, holder))
            for action, name in names.items():
                want = relation in EXPECTED[action][role]
                if action == "take_steal":
                    want = relation in ("team", "other") and want
                assert (name in got) == want, (role, relation, action)


def test_a_refusal_names_who_may(store, roster):
    key = ticket_for(store, "ag", "other", "note")
    with pytest.raises(Forbidden, match=r"^only Billing's agents, its holder, a director or an"):
        Desk(store, "ag", now=lambda: T0).note(key, "hi")
    with pytest.raises(
        Forbidden, match=rf"only a supervisor of Billing, a director or an admin can take {key}"
    ):
        Desk(store, "su", now=lambda: T0).take(key, steal=True)
    mine = ticket_for(store, "ag", "own", "assign")
    with pytest.raises(
        Forbidden,
        match=(
            rf"only a supervisor of Service Desk, a director or an admin can move {mine} to "
            r"Billing \(assigning it to far2\); you \(ag\) are agent"
        ),
    ):
        Desk(store, "ag", now=lambda: T0).assign(mine, "far2")


def test_an_agent_hands_their_own_ticket_to_a_teammate(store, roster):
    key = ticket_for(store, "ag", "own", "assign")
    t = Desk(store, "ag", now=lambda: T0).assign(key, "mate")
    assert (t.assignee, t.team) == ("mate", "Service Desk")


def test_assigning_to_another_teams_agent_moves_the_ticket_there(store, roster):
    key = ticket_for(store, "su", "queue", "assign")
    t = Desk(store, "su", now=lambda: T0).assign(key, "far")
    assert (t.assignee, t.team) == ("far", "Billing")
    event = t.events[-1]
    assert (event.kind, event.old["team"], event.new["team"]) == (
        "assigned",
        "Service Desk",
        "Billing",
    )
    # Billing's now: Service Desk's supervisor may no longer hand it on
    with pytest.raises(Forbidden, match="only a supervisor of Billing"):
        Desk(store, "su", now=lambda: T0).assign(key, "mate")


# -- the desk: roster, customers, policy --------------------------------------------------


def agent_rows(store) -> list[tuple[str, str, int | None, int | None]]:
    with store.read() as s:
        rows = s.exec(select(Agent).order_by(Agent.handle)).all()
        return [(a.handle, a.role, a.team_id, a.cap) for a in rows]


@pytest.mark.parametrize("role", ROLES)
def test_who_changes_agents_customers_and_policy(store, roster, role):
    actor = ACTOR[role]
    checks: list[tuple[str, bool, Callable[[], object]]] = [
        ("add", role == "admin", lambda: roster.add("new1", by=actor)),
        ("role", role == "admin", lambda: roster.update("mate", by=actor, role="supervisor")),
        ("team", role == "admin", lambda: roster.update("mate2", by=actor, team="Billing")),
        ("remove", role == "admin", lambda: roster.remove("bsup", by=actor)),
        ("cap of a teammate", role != "agent", lambda: roster.update("mate", by=actor, cap=1)),
        (
            "cap of another team's",
            role in ("director", "admin"),
            lambda: roster.update("far", by=actor, cap=1),
        ),
        ("own duty", True, lambda: roster.set_duty(actor, False, by=actor)),
        ("teammate's duty", role != "agent", lambda: roster.set_duty("mate", False, by=actor)),
        (
            "other team's duty",
            role in ("director", "admin"),
            lambda: roster.set_duty("far2", False, by=actor),
        ),
        (
            "customer",
            role != "agent",
            lambda: Customers(store).set("Acme", by=actor, tier="vip"),
        ),
        (
            "sla recompute",
            role == "admin",
            lambda: Desk(store, actor, now=lambda: T0).recompute_sla(),
        ),
        (
            "archive run",
            role != "agent",
            lambda: archive.run(Desk(store, actor, now=lambda: T0), dry_run=True),
        ),
    ]
    wrong = []
    for name, allowed, call in checks:
        before = (agent_rows(store), Customers(store).list())
        try:
            call()
        except Forbidden:
            assert (agent_rows(store), Customers(store).list()) == before, name
            if allowed:
                wrong.append(f"{name}: refused")
        else:
            if not allowed:
                wrong.append(f"{name}: allowed")
    assert not wrong, f"{role}: {wrong}"


def test_may_archive_is_a_supervisors_and_up():
    for role in ROLES:
        refusal = permissions.may_archive(permissions.Person("x", role))
        assert (refusal is None) == (role != "agent"), role
    assert "only a supervisor, director or admin can archive tickets; you (x) are agent" == (
        permissions.may_archive(permissions.Person("x", "agent"))
    )


def test_may_change_policy_is_an_admins():
    for role in ROLES:
        refusal = permissions.may_change_policy(permissions.Person("x", role))
        assert (refusal is None) == (role == "admin"), role
    assert "only an admin can change the desk's policy; you (x) are director" == (
        permissions.may_change_policy(permissions.Person("x", "director"))
    )


# -- the last admin --------------------------------------------------------------------


def test_the_last_admin_is_never_removed_or_demoted(store):
    roster = Roster(store)
    roster.add("ad", role="admin")
    roster.add("bo", by="ad")
    before = agent_rows(store)
    with pytest.raises(Refused, match="ad is the desk's last admin: demoting them"):
        roster.update("ad", by="ad", role="supervisor")
    with pytest.raises(Refused, match="ad is the desk's last admin: removing them"):
        roster.remove("ad", by="ad")
    assert agent_rows(store) == before
    roster.update("bo", by="ad", role="admin")  # a second admin: now either may go
    assert roster.update("ad", by="bo", role="agent").role == "agent"
    with pytest.raises(Refused, match="bo is the desk's last admin"):
        roster.update("bo", by="bo", role="director")
    with pytest.raises(Forbidden):  # ad is an agent now
        roster.remove("bo", by="ad")


def test_an_agent_with_history_stays_on_the_roster(store):
    roster = Roster(store)
    roster.add("ad", role="admin", team="Service Desk")
    roster.add("bo", team="Service Desk", by="ad")
    Desk(store, "bo", now=lambda: T0).create("x")
    with pytest.raises(Refused, match="bo has history on this desk"):
        roster.remove("bo", by="ad")
    roster.add("cy", by="ad")
    roster.remove("cy", by="ad")
    assert [a.handle for a in roster.list()] == ["ad", "bo"]


# -- two takes at once -----------------------------------------------------------------


def test_two_plain_takes_at_once_the_second_finds_it_held(store):
    """bo's take holds the ticket's row (PostgreSQL) or the write lock (SQLite) while its
    clock is read; cy's take waits on it, then reads the ticket again and is refused."""
    roster = Roster(store)
    roster.add("ad", role="admin", team="Service Desk")
    roster.add("bo", team="Service Desk", by="ad")
    roster.add("cy", team="Service Desk", by="ad")
    key = Desk(store, "ad", now=lambda: T0).create("one ticket, two takers").key
    inside, go = threading.Event(), threading.Event()

    def slow_now() -> datetime:
        inside.set()  # bo's transaction holds the ticket now
        assert go.wait(10)
        return T0

    results: dict[str, object] = {}

    def take(handle: str, now: Callable[[], datetime]) -> None:
        try:
            results[handle] = Desk(store, handle, now=now).take(key).assignee
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            results[handle] = exc

    first = threading.Thread(target=take, args=("bo", slow_now))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=take, args=("cy", lambda: T0))
    second.start()
    time.sleep(0.5)  # cy is waiting on bo's lock
    assert "cy" not in results
    go.set()
    first.join(10)
    second.join(10)
    assert results["bo"] == "bo"
    refused = results["cy"]
    assert isinstance(refused, Forbidden), refused
    assert str(refused).startswith(f"{key} is held by bo; only a supervisor of Service Desk")
    view = Desk(store, "ad", now=lambda: T0).get(key)
    assert view.assignee == "bo"
    assert [e.kind for e in view.events] == ["created", "taken"]
