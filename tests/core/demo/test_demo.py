"""The demo desk: a full, believable history, the same every time for a seed and a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskline.core.demo import DemoSummary, corpus, fill
from deskline.core.desk import fields
from deskline.core.desk.tickets import Desk
from deskline.core.desk.views import TicketView
from deskline.core.desk.workflow import OPEN, Status
from deskline.core.errors import InvalidInput
from deskline.core.roster.agents import Roster
from deskline.core.sla.clocks import ClockState
from deskline.storage.store import Store

NOW = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)  # a Thursday
ALL = [s.value for s in Status]
ME = "alice"


def _store(path: Path) -> Store:
    return Store.open(str(path / "demo.db"))


def _reader(store: Store, handle: str = "amy.chen") -> Desk:
    return Desk(store, handle, now=lambda: NOW)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, DemoSummary]:
    store = _store(tmp_path_factory.mktemp("demo"))
    summary = fill(store, now=NOW, me=ME)
    yield store, summary
    store.close()


@pytest.fixture(scope="module")
def tickets(filled: tuple[Store, DemoSummary]) -> list[TicketView]:
    store, _ = filled
    return _reader(store).list(statuses=ALL)


def test_fill_makes_about_three_hundred_tickets(filled, tickets):
    _, summary = filled
    assert summary.tickets == len(tickets) == 300
    assert sum(summary.by_status.values()) == 300


def test_the_desk_has_teams_agents_of_every_role_and_customers(filled):
    store, summary = filled
    agents = Roster(store).list()
    assert summary.agents == len(agents) >= 9
    assert {a.role for a in agents} == set(fields.ROLES)
    assert summary.teams == len({a.team for a in agents}) == 4
    assert all(a.handle.isascii() for a in agents)
    assert summary.customers >= 15


def test_every_status_priority_and_channel_shows_up(tickets):
    assert {t.status for t in tickets} == set(ALL)
    assert {t.priority for t in tickets} == set(fields.PRIORITIES)
    assert {t.channel for t in tickets} == set(fields.CHANNELS)
    by_priority = {p: sum(t.priority == p for t in tickets) for p in fields.PRIORITIES}
    assert by_priority["P0"] == min(by_priority.values())  # outages are the rarest


def test_titles_come_in_english_chinese_and_a_mix(tickets):
    chinese = [t for t in tickets if _chinese(t.title)]
    english = [t for t in tickets if t.title.isascii()]
    mixed = [t for t in chinese if any(ch.isascii() and ch.isalpha() for ch in t.title)]
    assert 0.3 <= len(chinese) / len(tickets) <= 0.5
    assert len(english) >= 0.45 * len(tickets)
    assert mixed
    assert len({t.title for t in tickets}) >= 150  # not copy-pasted


def test_categories_are_paths_of_two_or_three_levels(tickets):
    depths = {t.category.count("/") + 1 for t in tickets if t.category}
    assert depths == {2, 3}


def test_every_ticket_history_is_in_order_and_never_after_now(filled, tickets):
    store, _ = filled
    desk = _reader(store)
    for listed in tickets:
        t = desk.get(listed.key)
        times = [e.at for e in t.events]
        assert times == sorted(times), t.key
        # one step at a time; the desk's own decisions on a new ticket share its creation
        steps = [e.at for e in t.events if e.kind not in ("triaged", "routed", "surge")]
        assert len(set(steps)) == len(steps), t.key
        assert t.events[0].kind == "created" and times[0] == t.created_at
        assert max(times) <= NOW
        assert all(c.created_at <= NOW for c in t.comments)
        assert t.created_at >= NOW - timedelta(days=11)
        if t.first_response_at:
            assert t.created_at < t.first_response_at <= NOW
        if t.resolved_at:
            assert t.created_at < t.resolved_at <= NOW
        if t.closed_at:
            assert t.resolved_at is not None and t.resolved_at < t.closed_at <= NOW


def test_solved_tickets_carry_a_solution_note(filled, tickets):
    store, _ = filled
    desk = _reader(store)
    for listed in tickets:
        if listed.status not in ("resolved", "closed"):
            continue
        t = desk.get(listed.key)
        solved = [e for e in t.events if e.kind == "status" and e.new == {"status": "resolved"}]
        assert solved and all(e.reason for e in solved), t.key


def test_conversations_escalations_and_changes_happen(filled, tickets):
    store, summary = filled
    desk = _reader(store)
    kinds: set[str] = set()
    conversations = 0
    for listed in tickets:
        t = desk.get(listed.key)
        kinds.update(e.kind for e in t.events)
        conversations += any(c.kind == "reply" for c in t.comments)
        for e in t.events:
            if e.kind == "escalated":
                assert e.reason and e.new and e.new["progress"] and e.new["help_needed"]
    assert {"reply", "note", "escalated", "priority", "reopened", "assigned", "taken"} <= kinds
    assert conversations >= 200
    assert summary.reopened == sum(t.reopen_count > 0 for t in tickets) >= 5
    assert any(t.reopen_count and t.status in OPEN for t in tickets)
    assert any(t.reopen_count and t.status == "closed" for t in tickets)
    assert summary.escalated >= 5


def test_open_tickets_sit_just_before_and_just_past_deadlines(filled, tickets):
    _, summary = filled
    soon, late = [], []
    for t in tickets:
        if t.status not in OPEN or t.sla is None:
            continue
        clocks = (t.sla.first_response, t.sla.resolution)
        if any(c.state == ClockState.BREACHED for c in clocks):
            late.append(t)
        running = [c for c in clocks if c.state not in (ClockState.MET, ClockState.PAUSED)]
        if any(NOW < c.due_at <= NOW + timedelta(hours=1) for c in running):
            soon.append(t)
    assert len(soon) == summary.near_deadline >= 10
    assert len(late) == summary.overdue
    assert 3 <= len(late) <= 10


def test_me_gets_a_share_of_the_open_queue(filled):
    store, summary = filled
    me = Roster(store).get(ME)
    assert me.team == "Service Desk"
    mine = Desk(store, ME, now=lambda: NOW).list(mine=True)
    assert mine and summary.mine == len(mine) >= 10
    assert {t.status for t in mine} >= {"assigned", "in_progress", "pending"}


def test_a_second_fill_is_refused_and_adds_nothing(filled, tickets):
    store, _ = filled
    agents = len(Roster(store).list())
    with pytest.raises(InvalidInput, match="already holds tickets"):
        fill(store, now=NOW, me="newcomer")
    assert len(_reader(store).list(statuses=ALL)) == len(tickets)
    assert len(Roster(store).list()) == agents


def test_same_seed_and_time_give_the_same_desk(tmp_path):
    def picture(folder: str, seed: int) -> list[tuple[object, ...]]:
        (tmp_path / folder).mkdir()
        store = _store(tmp_path / folder)
        fill(store, now=NOW, tickets=60, seed=seed)
        rows = [
            (t.key, t.title, t.status, t.priority, t.assignee, t.created_at)
            for t in _reader(store).list(statuses=ALL)
        ]
        store.close()
        return sorted(rows, key=str)

    first = picture("a", 7)
    assert picture("b", 7) == first
    assert [r[1] for r in picture("c", 8)] != [r[1] for r in first]


def test_me_already_on_the_roster_keeps_their_role(tmp_path):
    store = _store(tmp_path)
    Roster(store).enrol_first("bob")  # the first user of a desk becomes its admin
    summary = fill(store, now=NOW, tickets=40, me="bob")
    assert Roster(store).get("bob").role == "admin"
    assert summary.mine == len(Desk(store, "bob", now=lambda: NOW).list(mine=True)) > 0


@pytest.mark.parametrize("count", [1, 5, 12])
def test_small_desks_fill_too(tmp_path, count):
    store = _store(tmp_path)
    assert fill(store, now=NOW, tickets=count).tickets == count


def test_a_time_without_offset_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="offset"):
        fill(_store(tmp_path), now=datetime(2026, 4, 2, 8, 30))


def test_every_issue_has_titles_a_description_and_a_fix_in_its_language():
    assert {i.lang for i in corpus.ISSUES} == {"en", "zh", "mix"}
    for issue in corpus.ISSUES:
        assert issue.titles and all(issue.titles), issue
        assert issue.description and issue.fix, issue
        assert issue.category.count("/") in (1, 2), issue
        english = issue.lang == "en"
        assert all(_chinese(t) != english for t in (issue.description, issue.fix)), issue


def test_every_phrase_table_speaks_english_and_chinese_for_every_family():
    by_lang = [corpus.ACK, corpus.BACK_ON_IT, corpus.PASSED_ON, corpus.HOLD, corpus.FIXED]
    by_lang += [corpus.MORE_URGENT, corpus.LESS_URGENT, corpus.CLOSE, corpus.TAILS]
    for table in by_lang:
        assert set(table) == {"en", "zh"} and all(table.values())
    by_family = [corpus.ASK, corpus.CUSTOMER_BACK, corpus.UPDATE, corpus.NOTE, corpus.REOPEN]
    for table in [*by_family, corpus.REFIX, corpus.ESCALATION]:
        for lang in ("en", "zh"):
            families = table[lang]
            for family in ("desk", "infra", "billing"):
                assert families.get("any", ()) + families.get(family, ()), (lang, family)
