"""The dashboard's figures on a known desk, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from busy_desk import T0, Clock, utc

from deskline.core.dashboard.board import Board, check_team, figures_once
from deskline.core.desk.tickets import Desk
from deskline.core.errors import NotFound
from deskline.core.roster.agents import Roster


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    with utc(monkeypatch):
        yield


@pytest.fixture
def known(store):
    """At T0: T-1 P0 for bo (resolution due T0+2h), T-2 P1 unassigned (due T0+4h), both
    answered at once; T-3 P0 for bo answered at once and resolved in 30 min; T-4 P3 in
    Network, opened by di."""
    roster = Roster(store)
    roster.add("ana", name="Ana Silva", role="supervisor", team="Service Desk")
    roster.add("bo", name="Bo Wang", team="Service Desk")
    roster.add("cy", name="Cy Twombly", team="Network", on_duty=False)
    roster.add("di", name="Di Ng", team="Network")
    clock = Clock(T0)
    desk = Desk(store, "ana", now=clock)
    one = desk.create("Mail down for everyone", priority="P0")
    desk.assign(one.key, "bo")
    desk.reply(one.key, "looking")  # first response met at T0
    two = desk.create("Cannot print", priority="P1")
    desk.reply(two.key, "we will look into it")
    three = desk.create("Site down", priority="P0")
    desk.assign(three.key, "bo")
    desk.reply(three.key, "on it")
    clock.at = T0 + timedelta(minutes=30)
    desk.transition(three.key, "in_progress", expected_version=None)
    desk.transition(three.key, "resolved", reason="restarted")
    network = Desk(store, "di", now=clock)
    network.create("A question about the Wi-Fi", priority="P3")
    return desk, clock


def test_counts_lists_and_load_at_one_instant(known):
    desk, clock = known
    clock.at = T0 + timedelta(hours=3, minutes=30)  # T-1 overdue 1:30; T-2 at 87.5 % used
    f = figures_once(desk)
    c = f.counters
    assert (c.breached, c.at_risk, c.open, c.unassigned) == (1, 1, 3, 2)
    assert [e.key for e in f.breached] == ["T-1"]
    assert f.breached[0].reading.remaining_seconds == -90 * 60
    assert f.breached[0].assignee == "bo" and f.breached[0].clock == "resolution"
    assert [(e.key, e.reading.state.value) for e in f.at_risk] == [("T-2", "at_risk")]
    strip = {p.priority: (p.open, p.at_risk, p.breached) for p in f.priorities}
    assert strip == {"P0": (1, 0, 1), "P1": (1, 1, 0), "P2": (0, 0, 0), "P3": (1, 0, 0)}
    loads = {a.handle: (a.open, a.active, a.cap, a.breaches) for a in f.agents}
    assert loads["bo"] == (1, 0, 5, 1)  # a P0 held: open, not counted by the P1/P2 cap
    assert "cy" not in loads  # off duty
    # Today: three first responses and T-3's resolution stopped, all in time.
    assert (c.met_today, c.finished_today, c.attainment) == (4, 4, 100.0)
    assert f.attainment[-1].day == T0.date() and f.attainment[-1].percent == 100.0
    assert len(f.attainment) == 14 and f.attainment[0].finished == 0
    # T-1's resolution clock breached at 10:00; nothing else in the last 24 hours.
    hours = {h.start.hour: h.count for h in f.breaches_per_hour}
    assert len(f.breaches_per_hour) == 24 and hours[10] == 1 and sum(hours.values()) == 1


def test_a_missed_clock_lowers_the_attainment(known):
    desk, clock = known
    late = desk.create("VPN drops", priority="P1")
    clock.at = T0 + timedelta(hours=3)
    desk.reply(late.key, "sorry for the wait")  # its first response was due at T0+30m
    f = figures_once(desk)
    assert (f.counters.met_today, f.counters.finished_today) == (4, 5)
    assert f.counters.attainment == pytest.approx(80.0)


def test_one_team_only(known):
    desk, clock = known
    clock.at = T0 + timedelta(hours=3, minutes=30)
    f = figures_once(desk, "Network")
    assert (f.counters.open, f.counters.breached, f.counters.at_risk) == (1, 0, 0)
    assert [a.handle for a in f.agents] == ["di"]
    with pytest.raises(NotFound, match="no team 'Nowhere': the teams are Network, Service Desk"):
        check_team(desk, "Nowhere")


def test_counters_move_at_the_threshold_the_board_knows(known):
    """The board knows the next instant the clock alone moves a count (here a warning, in
    business time, not stored), and reads its lists again then: not before."""
    desk, clock = known
    clock.at = T0 + timedelta(minutes=50)
    board = Board(desk)
    board.load()
    before = board.figures(clock.at)
    assert (before.counters.breached, before.counters.at_risk) == (0, 0)
    # T-1 (P0, due in 2 h) passes its 1 h warning first: that is the next change
    assert board.next_change(clock.at) == T0 + timedelta(hours=1)
    assert not board.advance_due(T0 + timedelta(minutes=59))
    assert board.advance_due(T0 + timedelta(hours=1))
    warned = board.figures(T0 + timedelta(hours=1))
    assert warned.counters.at_risk == 1 and warned.at_risk[0].reading.state.value == "warning"
    assert not board.new_breach()
    after = board.figures(T0 + timedelta(hours=2))
    assert after.counters.breached == 1 and [e.key for e in after.breached] == ["T-1"]
    assert board.new_breach() and not board.new_breach()


def test_changes_named_by_the_feed_are_read_again(known):
    desk, clock = known
    clock.at = T0 + timedelta(hours=3, minutes=30)
    board = Board(desk)
    board.load()
    assert board.figures(clock.at).counters.breached == 1
    desk.transition("T-1", "in_progress")
    desk.transition("T-1", "resolved", reason="fixed")
    board.changed([1])
    f = board.figures(clock.at)
    assert (f.counters.breached, f.counters.open) == (0, 2)
    assert f.breached == ()


def test_json_shape(known):
    desk, clock = known
    clock.at = T0 + timedelta(hours=3, minutes=30)
    data = figures_once(desk).to_json()
    assert data["counters"] == {
        "breached": 1,
        "at_risk": 1,
        "open": 3,
        "unassigned": 2,
        "attainment_today": 100.0,
        "met_today": 4,
        "finished_today": 4,
    }
    assert data["breached"][0] == {
        "key": "T-1",
        "priority": "P0",
        "title": "Mail down for everyone",
        "assignee": "bo",
        "clock": "resolution",
        "state": "breached",
        "due_at": "2026-04-02T10:00:00Z",
        "remaining_seconds": -5400,
    }
    assert data["priorities"]["P0"] == {"open": 1, "at_risk": 0, "breached": 1}
    assert data["trend"]["attainment"][-1] == {
        "date": "2026-04-02",
        "met": 4,
        "finished": 4,
        "percent": 100.0,
    }
    assert data["trend"]["breaches_per_hour"][-2] == {"hour": "2026-04-02T10:00:00Z", "count": 1}
    assert os.environ["TZ"] == "UTC"


def _shown(f):
    """What a screen shows of figures, but for the instant they were read at."""
    data = f.to_json()
    del data["generated_at"]
    return data


def test_kept_up_to_date_it_shows_what_a_fresh_read_shows(known):
    """A board kept up by ``changed`` and the passing clock (its clocks read again only as
    they cross a threshold) shows, at every step, what a board read afresh shows."""
    desk, clock = known  # at T0 + 30 min
    board = Board(desk)
    board.load()
    late = desk.create("VPN drops", priority="P1")
    steps = [
        (timedelta(minutes=35), lambda: desk.note("T-2", "still looking")),
        (timedelta(minutes=40), lambda: desk.assign(late.key, "bo")),
        (timedelta(minutes=59, seconds=59), None),
        (timedelta(hours=1), lambda: desk.change_priority("T-2", "P0", reason="whole floor")),
        (timedelta(hours=1, minutes=30), lambda: desk.reply(late.key, "on it")),
        (timedelta(hours=2), None),  # T-1 breaches
        (timedelta(hours=2, minutes=4), lambda: desk.assign("T-2", "ana")),
        (timedelta(hours=2, minutes=5), lambda: desk.transition("T-2", "in_progress")),
        (timedelta(hours=2, minutes=6), lambda: desk.transition("T-2", "pending")),
        (timedelta(hours=3), lambda: desk.note("T-1", "waiting on the vendor")),
        (timedelta(hours=3, minutes=30), lambda: desk.transition("T-1", "in_progress")),
        (timedelta(hours=4), lambda: desk.transition("T-1", "resolved", reason="fixed")),
        (timedelta(hours=9), None),
    ]
    numbers = [late.number]  # made since the board was read
    for after, change in steps:
        clock.at = T0 + after
        if change is not None:
            numbers.append(change().number)
        board.changed(numbers)
        numbers = []
        if board.recount_due(clock.at) or board.new_breach():
            board.recount()
        assert _shown(board.figures(clock.at)) == _shown(figures_once(desk)), after


def test_a_note_does_not_count_again_but_an_assignment_does(known, monkeypatch):
    desk, clock = known
    clock.at = T0 + timedelta(hours=1)
    board = Board(desk)
    board.load()
    counted: list[bool] = []
    real = Board._aggregate

    def spy(self, *args, **kwargs):
        counted.append(True)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Board, "_aggregate", spy)
    desk.note("T-2", "looking")
    assert not board.changed([2])  # nothing shown moved: no figures to compute again
    assert counted == []  # nothing a count is made of moved
    assert not board.p0_moved()  # T-2 is a P1: no surge can move
    desk.assign("T-2", "bo")
    assert board.changed([2])
    assert counted == [True]
    desk.note("T-1", "still down")  # a P0: a note cannot begin or feed a surge
    assert not board.changed([1]) and not board.p0_moved()
    desk.change_priority("T-2", "P0", reason="the whole floor")
    assert board.changed([2])
    assert board.p0_moved() and not board.p0_moved()
    loads = {a.handle: a.open for a in board.figures(clock.at).agents}
    assert loads["bo"] == 2


def test_a_new_hour_is_a_change_of_its_own(known):
    desk, clock = known
    clock.at = T0 + timedelta(minutes=20)
    board = Board(desk)
    board.load()
    assert board.next_change(clock.at) <= T0 + timedelta(hours=1)
    assert not board.recount_due(T0 + timedelta(minutes=59))
    assert board.recount_due(T0 + timedelta(hours=1))
