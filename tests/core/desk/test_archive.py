"""The archive on a real store (SQLite file and PostgreSQL): closed tickets past the policy's
age leave the live desk, a batch per transaction, each audited; they stay searchable,
shown and counted by reports, refuse every change, and come back with ``reopen``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from deskline.core.config.archive import ArchiveRules
from deskline.core.config.reader import ConfigError
from deskline.core.desk import archive, search
from deskline.core.desk.archive import ArchiveRun, nightly
from deskline.core.desk.edits import Edit
from deskline.core.desk.queue import Queue
from deskline.core.desk.reading import Reader
from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import verify
from deskline.core.errors import DesklineError, Forbidden, InvalidInput, Refused
from deskline.core.metrics import report
from deskline.core.policy.apply import apply
from deskline.core.policy.book import parse_policy_text
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ana(desk, clock) -> Desk:
    return Desk(desk.store, "ana", now=clock)


def closed(desk: Desk, clock: Clock, title: str, at: datetime) -> str:
    """A ticket made, solved and closed at ``at``."""
    clock.t = at
    key = desk.create(title, priority="P3", description=f"{title}, in words").key
    desk.take(key)
    desk.transition(key, "resolved", reason="fixed it")
    desk.transition(key, "closed")
    return key


def archived_keys(store: Store) -> list[str]:
    with store.read() as s:
        found = s.execute(
            text("SELECT number FROM ticket WHERE archived_at IS NOT NULL ORDER BY number")
        )
        return [f"T-{n}" for (n,) in found]


def row_counts(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {
            name: s.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("ticket", "event", "change", "comment")
        }


def test_a_run_archives_only_closed_tickets_at_least_the_age_old(ana, clock):
    at_age = closed(ana, clock, "closed exactly 90 days before", T0)
    young = closed(ana, clock, "closed a second later", T0 + timedelta(seconds=1))
    clock.t = T0
    solved = ana.create("resolved long ago, not closed").key
    ana.take(solved)
    ana.transition(solved, "resolved", reason="done")
    still_open = ana.create("open for ever").key
    clock.t = T0 + 90 * DAY

    done = archive.run(ana)

    assert (done.archived, done.after_days, done.cutoff) == (1, 90, T0)
    assert archived_keys(ana.store) == [at_age]
    assert young not in archived_keys(ana.store)
    assert ana.get(solved).archived_at is None and ana.get(still_open).archived_at is None
    assert ana.get(at_age).archived_at == clock.t
    assert done.summary() == "archived 1 ticket closed 90 days ago or more"


def test_a_dry_run_counts_and_changes_nothing(ana, clock):
    for i in range(3):
        closed(ana, clock, f"old {i}", T0)
    clock.t = T0 + 100 * DAY
    before = row_counts(ana.store)
    done = archive.run(ana, dry_run=True)
    assert (done.archived, done.dry_run) == (3, True)
    assert "nothing changed" in done.summary()
    assert row_counts(ana.store) == before and archived_keys(ana.store) == []


def test_a_run_goes_in_batches_audits_each_ticket_and_runs_again_to_nothing(ana, clock):
    keys = [closed(ana, clock, f"old {i}", T0) for i in range(5)]
    clock.t = T0 + 91 * DAY
    before = row_counts(ana.store)
    assert archive.run(ana, batch=2).archived == 5
    assert archived_keys(ana.store) == keys
    after = row_counts(ana.store)
    assert after["event"] == before["event"] + 5 and after["ticket"] == before["ticket"]
    assert after["comment"] == before["comment"]  # the conversation stays with its ticket
    [event] = [e for e in ana.get(keys[0]).events if e.kind == "archived"]
    assert (event.actor, event.reason) == ("ana", "closed 90 days ago or more")
    assert verify(ana.store).holds  # each event on the end of its ticket's chain
    again = row_counts(ana.store)
    assert archive.run(ana).archived == 0 and row_counts(ana.store) == again


def test_older_than_overrides_the_policy_and_a_bad_one_is_refused(ana, clock):
    key = closed(ana, clock, "a month old", T0)
    clock.t = T0 + 30 * DAY
    assert archive.run(ana).archived == 0
    assert archive.run(ana, older_than=30).archived == 1
    assert archived_keys(ana.store) == [key]
    for bad in (0, -1, 40000):
        with pytest.raises(InvalidInput, match="--older-than"):
            archive.run(ana, older_than=bad)


def test_the_live_desk_leaves_archived_tickets_out_and_the_archive_lists_them(ana, clock):
    old = closed(ana, clock, "VPN drops at night", T0)
    kept = closed(ana, clock, "VPN slow this week", T0 + 80 * DAY)
    clock.t = T0 + 90 * DAY
    live = ana.create("VPN refuses my password").key
    archive.run(ana)

    every = ["new", "assigned", "in_progress", "pending", "resolved", "closed"]
    assert [t.key for t in ana.list(statuses=every)] == [live, kept]
    reader = Reader(ana.store, "ana", now=clock)
    assert [t.key for t in reader.list(statuses=every)] == [live, kept]
    assert [t.key for t in reader.list(archived=True)] == [old]
    assert [t.key for t in ana.list(archived=True)] == [old]
    queue = Queue(ana)
    assert f"T-{queue.numbers('open')[0]}" == live and queue.counts().open == 1
    # typed in a view of open tickets, is:archived shows the archive's (as status:closed would)
    assert [f"T-{n}" for n in queue.numbers("open", "vpn is:archived")] == [old]
    assert [f"T-{n}" for n in queue.numbers("mine", "is:archived")] == [old]

    # search finds the archive's tickets too, marked; is:archived only them
    found = {t.key: t.archived_at for t in search.search(ana, "VPN")}
    assert found == {old: clock.t, kept: None, live: None}
    assert [t.key for t in search.search(ana, "vpn is:archived")] == [old]
    assert [t.key for t in search.search(ana, "is:archived")] == [old]
    assert search.search(ana, "password is:archived") == []
    shown = ana.get(old)
    assert shown.archived_at == clock.t and shown.to_json()["archived_at"] is not None


def _report(store: Store, now: datetime) -> dict:
    r = report.build(
        store, "ana", parse_policy_text("", "none").sla, 0, kind="range", now=now, zone=UTC,
        start="2026-03-01", end="2026-12-31",
    )  # fmt: skip
    data = r.to_json()
    data.pop("generated_at", None)
    return data


def test_reports_count_archived_tickets_as_before(ana, clock):
    for i in range(3):
        closed(ana, clock, f"old {i}", T0 + i * DAY)
    key = closed(ana, clock, "reopened later", T0 + 5 * DAY)
    clock.t = T0 + 6 * DAY
    ana.reopen(key, reason="back again")
    ana.transition(key, "resolved", reason="fixed again")
    ana.transition(key, "closed")
    now = T0 + 120 * DAY
    clock.t = now
    before = _report(ana.store, now)
    [summary] = before["tables"]["summary"]
    assert (summary["solved"], summary["reopened"]) == (4, 1)
    assert archive.run(ana).archived == 4
    assert _report(ana.store, now) == before


def _edit(d: Desk, k: str) -> object:
    return d.edit(k, Edit(title="new words"))


WRITES: dict[str, Callable[[Desk, str], object]] = {
    "assign": lambda d, k: d.assign(k, "bo"),
    "take": lambda d, k: d.take(k),
    "status": lambda d, k: d.transition(k, "resolved", reason="x"),
    "reply": lambda d, k: d.reply(k, "hello"),
    "note": lambda d, k: d.note(k, "a note"),
    "priority": lambda d, k: d.change_priority(k, "P0"),
    "edit": _edit,
    "tag": lambda d, k: d.tag(k, ["vpn"]),
    "escalate": lambda d, k: d.escalate(k, reason="r", progress="p", help_needed="h"),
    "route": lambda d, k: d.route(k),
    "merge": lambda d, k: d.merge(k, "T-2"),
    "merge into": lambda d, k: d.merge("T-2", k),
    "link": lambda d, k: d.link(k, "T-2"),
    "hand back": lambda d, k: d.hand_back(k, reason="r"),
    "auto close": lambda d, k: d.auto_close(k, reason="r"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_change_refuses_an_archived_ticket(ana, clock, write):
    key = closed(ana, clock, "old and archived", T0)
    clock.t = T0 + 95 * DAY
    ana.create("a live one")  # T-2
    archive.run(ana)
    before = row_counts(ana.store)
    with pytest.raises(Refused) as refused:
        WRITES[write](ana, key)
    assert str(refused.value) == f"{key} is archived; reopen it to change it"
    assert row_counts(ana.store) == before


def test_a_customer_reply_to_an_archived_ticket_is_refused_like_a_closed_ones(ana, clock):
    """Mail answering an archived ticket opens a new ticket, as one answering a closed one."""
    key = closed(ana, clock, "old and archived", T0)
    clock.t = T0 + 95 * DAY
    archive.run(ana)
    before = row_counts(ana.store)
    with pytest.raises(Refused, match="closed: the customer's message opens a new ticket"):
        ana.customer_reply(key, "it is broken again")
    assert row_counts(ana.store) == before


def test_reopen_restores_an_archived_ticket_audited(ana, clock):
    key = closed(ana, clock, "old and archived", T0)
    clock.t = T0 + 95 * DAY
    archive.run(ana)
    clock.t += DAY
    back = ana.reopen(key, reason="the customer called")
    assert back.archived_at is None and back.status == "in_progress" and back.reopen_count == 1
    kinds = [e.kind for e in back.events]
    assert kinds[-3:] == ["archived", "restored", "reopened"]
    assert key in [t.key for t in ana.list()]
    ana.note(key, "working on it again")  # changes go through once more
    assert verify(ana.store).holds


def test_the_policy_says_the_age_and_can_turn_archiving_off(ana, clock, store):
    rules = parse_policy_text("[archive]\nafter_days = 30\n", "t").archive
    assert rules == ArchiveRules(30, True)
    assert parse_policy_text("[archive]\nafter_days = 0\n", "t").archive.after_days == 90
    assert parse_policy_text("", "t").archive == ArchiveRules()
    for bad, said in (
        ("after_days = -1", "archive.after_days: must be a whole number"),
        ("after_days = 1.5", "archive.after_days: must be a whole number"),
        ('after_days = "90"', "archive.after_days: must be a whole number"),
        ("enabled = 1", "archive.enabled: must be true or false"),
        ("keep = 3", "archive.keep: unknown key"),
    ):
        with pytest.raises(ConfigError, match=said):
            parse_policy_text(f"[archive]\n{bad}\n", "t")

    key = closed(ana, clock, "a month old", T0)
    clock.t = T0 + 31 * DAY
    Roster(store).add("root", name="Root", role="admin")
    off = parse_policy_text("[archive]\nafter_days = 30\nenabled = false\n", "t.toml")
    apply(store, off, actor="root", now=clock.t)
    done = archive.run(ana)
    assert (done.archived, done.off) == (0, True) and "archiving is off" in done.summary()
    assert archived_keys(store) == []
    assert archive.run(ana, older_than=30).archived == 1  # asked for by name: done
    apply(store, parse_policy_text("[archive]\nafter_days = 30\n", "t"), actor="root", now=clock.t)
    assert archive.run(ana).after_days == 30
    assert archived_keys(store) == [key]


def test_only_supervisors_directors_and_admins_archive(ana, clock, store):
    closed(ana, clock, "old", T0)
    clock.t = T0 + 95 * DAY
    before = row_counts(store)
    bo = Desk(store, "bo", now=clock)
    for dry in (True, False):
        with pytest.raises(Forbidden, match="only a supervisor, director or admin can archive"):
            archive.run(bo, dry_run=dry)
    assert row_counts(store) == before
    assert archive.run(ana).archived == 1


def test_the_watcher_runs_the_archive_nightly_by_the_frozen_clock(ana, clock, store, monkeypatch):
    key = closed(ana, clock, "old", T0)
    errors: list[Exception] = []
    said: list[ArchiveRun] = []
    job = nightly(store, errors.append, said.append)
    monkeypatch.setenv("DESKLINE_NOW", "2026-07-10T01:59:59+00:00")  # before the night's hour
    job()
    assert said == [] and archived_keys(store) == []
    monkeypatch.setenv("DESKLINE_NOW", "2026-07-10T02:00:00+00:00")
    job()
    assert [r.archived for r in said] == [1] and archived_keys(store) == [key]
    [event] = [e for e in ana.get(key).events if e.kind == "archived"]
    assert event.actor is None  # the desk's own step
    monkeypatch.setenv("DESKLINE_NOW", "2026-07-10T23:00:00+00:00")
    job()  # once a night
    assert len(said) == 1
    monkeypatch.setenv("DESKLINE_NOW", "2026-07-11T02:10:00+00:00")
    job()
    assert [r.archived for r in said] == [1, 0] and errors == []


def test_a_failing_nightly_run_is_said_and_waits_for_the_next_night(store, monkeypatch):
    errors: list[Exception] = []
    calls: list[object] = []

    def failing(given: Store) -> ArchiveRun:
        calls.append(given)
        raise DesklineError("the database is read-only")

    job = nightly(store, errors.append, archive=failing)
    monkeypatch.setenv("DESKLINE_NOW", "2026-07-10T03:00:00+00:00")
    job()
    job()
    assert len(calls) == 1 and [str(e) for e in errors] == ["the database is read-only"]
