"""The supervisor's breach dashboard: what is breached, what is about to, who is overloaded.

A ``Board`` holds the database's counts and each list's first tickets, not the open tickets:
the breached and at-risk tickets are counted by the database from their stored instants
(``next_due_at``, ``at_risk_at``); only the tickets a warning may have reached (a warning
counts in business time, not stored) are read one at a time as they stream by. It knows the
next instant the clock alone moves a count (a stored instant, a threshold of a ticket read,
or ``WARNING_WINDOW`` on), and reads the lists again then; between, the figures come from
memory. The store is read again for the tickets the change feed names (``changed``: their
counts only when what the counts are made of moved), and once an hour whole (the horizon
and the trend windows move on). Memory stays flat as the desk grows.
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import math
import threading
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from deskline.core.dashboard.figures import (
    AgentLoad,
    Counters,
    DayAttainment,
    Entry,
    Figures,
    HourBreaches,
    PriorityLine,
)
from deskline.core.desk import workflow
from deskline.core.desk.facts import clock_facts
from deskline.core.desk.tickets import Desk
from deskline.core.errors import NotFound
from deskline.core.language import _
from deskline.core.routing.route import ROUTED_STATUSES
from deskline.core.routing.surge import SurgeView
from deskline.core.sla.clocks import ClockReading, ClockState, SlaClock, SlaRules, Target
from deskline.storage import dashboard as queries
from deskline.storage.dashboard import Signature
from deskline.storage.queries import ClockRow

OPEN = tuple(s.value for s in workflow.OPEN)
PRIORITIES = ("P0", "P1", "P2", "P3")
# No clock is at risk further than 4 days from its due time (core.queue); 2 h more, so a
# ticket outside at one hourly reload cannot turn at risk before the next.
HORIZON = timedelta(days=4, hours=2)
RELOAD = timedelta(hours=1)
DAYS = 14
HOURS = 24
LIST_LIMIT = 50
SURGE_LOOKBACK = timedelta(days=1)  # surges whose last P0 came within this are candidates
AT_RISK = (ClockState.WARNING, ClockState.AT_RISK)
BREACHED, AT_RISK_LIST = "breached", "at_risk"  # the two lists


_INSTANT = timedelta(microseconds=1)  # spans end before their bound: this takes ``now`` in
# The tickets whose warning may begin within this of a read are read (streamed) with the
# lists, so the lists are read again at least this often (a ticket due later than that
# cannot turn at risk before).
WARNING_WINDOW = timedelta(minutes=10)


@dataclass
class _Aggregates:
    open_by_priority: dict[str, tuple[int, int]]
    agents: list[Any]
    held: dict[int, dict[str, int]]
    attainment: list[tuple[int, int]]
    breaches: list[int]
    days: list[date]
    hours: list[datetime]


@dataclass
class _Read:
    """The two lists as read at ``at``: their counts and first entries (a ``_Tally``), and
    the next instant the clock alone changes them (a stored due or at-risk instant, or a
    threshold of a ticket read: a warning comes in business time, and is not stored)."""

    at: datetime
    tally: _Tally
    next_at: datetime
    next_due: datetime | None  # the earliest stored due time after ``at``: a breach then


def day_bounds(now: datetime, days: int = DAYS) -> tuple[list[date], list[datetime]]:
    """The last ``days`` local dates (today last) and their midnights as UTC instants,
    then the end of today so far (``now`` included)."""
    today = now.astimezone().date()
    dates = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    # A naive local time made aware by astimezone() gets that day's own offset (DST).
    starts = [datetime.combine(d, time()).astimezone().astimezone(now.tzinfo) for d in dates]
    return dates, [*starts, now + _INSTANT]


def hour_bounds(now: datetime, hours: int = HOURS) -> list[datetime]:
    """Starts of the last ``hours`` local hours (this one last), then the end of this hour
    so far (``now`` included)."""
    local = now.astimezone()
    this_hour = local.replace(minute=0, second=0, microsecond=0)
    starts = [(this_hour - timedelta(hours=i)).astimezone(now.tzinfo) for i in range(hours)]
    return [*reversed(starts), now + _INSTANT]


class Board:
    """The dashboard's figures for one team (or every team), kept up to date cheaply.

    What it holds is bounded, whatever the desk's size: the database's counts (the lists'
    lengths by priority and assignee, the aggregates), each list's first ``LIST_LIMIT``
    tickets with their clocks, and a compact signature per open ticket (what the counts
    are made of, so a note or a tag is seen to move nothing). ``load``, ``changed``,
    ``recount`` and ``advance`` read the store (call them from a worker thread); the lists
    are read again when a change moves a count, and when the clock alone does: at the next
    stored due or at-risk instant, the next threshold of a ticket read, or after
    ``WARNING_WINDOW``. ``figures`` works in memory between those instants (it reads the
    lists itself if one has passed). One lock guards the state, so a worker may refresh
    while the UI reads.
    """

    def __init__(self, desk: Desk, team: str | None = None) -> None:
        self.desk = desk
        self.team = team
        self._team_id: int | None = None
        self._aggregates: _Aggregates | None = None
        self._lists: _Read | None = None
        # What the aggregates are counted from, per open ticket (a hash of it): a change
        # that leaves it alone (a note, a tag, a title) cannot move a count.
        self._signatures = _Signatures()
        self._loaded_at: datetime | None = None
        self._new_breach = False
        self._p0_moved = False
        self._lock = threading.Lock()

    # -- reading the store ---------------------------------------------------------------

    def teams(self) -> list[str]:
        with self.desk.store.read() as s:
            return queries.team_names(s)

    def load(self, *, signatures: bool = True) -> None:
        """Read the lists and the aggregates; ``signatures``: and what each open ticket's
        counts are made of (``remember``; the screen shows the figures first)."""
        now = self.desk.now()
        with self.desk.store.read() as s:
            self._team_id = self._find_team(s)
            aggregates = self._aggregate(s, now)
            lists = self._read_lists(s, now)
        with self._lock:
            self._aggregates, self._lists = aggregates, lists
            self._loaded_at = now
        if signatures:
            self.remember()

    def remember(self) -> None:
        """Read what the counts are made of, of every open ticket (``changed`` compares)."""
        with self.desk.store.read() as s:
            found = _Signatures.of(queries.each_signature(s, statuses=OPEN))
        with self._lock:
            self._signatures = found

    def changed(self, numbers: Sequence[int]) -> bool:
        """Read again the tickets the change feed named, and the counts when a change can
        have moved them. False when nothing the figures are made of moved (a note, a tag, a
        reply after the first): the figures need not be computed, nor shown, again."""
        now = self.desk.now()
        if self._loaded_at is None or now - self._loaded_at >= RELOAD:
            self.load()
            return True
        if not numbers:
            return False
        with self.desk.store.read() as s:
            signatures = queries.signatures(s, numbers=list(numbers))
            with self._lock:
                before = {n: self._signatures.get(n) for n in numbers}
                kept = self._lists.tally.kept_rows(numbers) if self._lists else {}
            after = {n: _digest(signatures.get(n)) for n in numbers}
            moved = [n for n in numbers if before[n] != after[n]]
            # a P0 before or after: only those can begin, feed or end a surge
            p0 = any(d is not None and d[1] for n in moved for d in (before[n], after[n]))
            aggregates = self._aggregate(s, now, full=False) if moved else None
            # a row shown in a list whose title changed (the rest is in the signature)
            shown = bool(kept) and any(
                kept[row.number].title != row.title
                for row in queries.clock_rows(s, statuses=OPEN, numbers=list(kept))
            )
            lists = self._read_lists(s, now) if moved or shown else None
        with self._lock:
            for n in numbers:
                self._signatures.put(n, after[n])
            self._p0_moved = self._p0_moved or p0
            if aggregates is not None:
                self._aggregates = aggregates
            if lists is not None:
                self._lists = lists
        return bool(moved or shown)

    def recount(self) -> None:
        """Only the aggregates again (a clock breached, or a new hour or day began)."""
        now = self.desk.now()
        with self.desk.store.read() as s:
            aggregates = self._aggregate(s, now, full=False)
        with self._lock:
            self._aggregates = aggregates

    def advance(self, now: datetime) -> None:
        """The lists read again at ``now`` if the clock alone moved them since they were
        read (``next_change`` came)."""
        with self._lock:
            lists = self._lists
        if lists is not None and now < lists.next_at:
            return
        with self.desk.store.read() as s:
            fresh = self._read_lists(s, now)
        with self._lock:
            self._take(fresh)

    def _take(self, fresh: _Read) -> None:
        """Lists read again as time went by: a stored due time that came is a new breach."""
        before = self._lists
        if before is not None and before.next_due is not None and before.next_due <= fresh.at:
            self._new_breach = True
        self._lists = fresh

    def _find_team(self, session: Any) -> int | None:
        if self.team is None:
            return None
        found = queries.team_id(session, self.team)
        if found is None:
            raise _no_team(self.team, queries.team_names(session))
        return found

    def _aggregate(self, session: Any, now: datetime, full: bool = True) -> _Aggregates:
        """The database's counts; ``full`` False counts again only today and this hour of
        the trends (a change can only add to those; the rest follows at the hourly reload)."""
        days, day_edges = day_bounds(now)
        hours = hour_bounds(now)
        before = self._aggregates
        if full or before is None or before.days != days or before.hours != hours[:-1]:
            attainment, breaches = queries.trends(session, day_edges, hours, self._team_id)
        else:
            today, this_hour = queries.trends(session, day_edges[-2:], hours[-2:], self._team_id)
            attainment = [*before.attainment[:-1], *today]
            breaches = [*before.breaches[:-1], *this_hour]
        return _Aggregates(
            open_by_priority=queries.open_by_priority(session, statuses=OPEN, team=self._team_id),
            agents=queries.on_duty_agents(session, self._team_id),
            held=queries.held(session, statuses=ROUTED_STATUSES),
            attainment=attainment,
            breaches=breaches,
            days=days,
            hours=hours[:-1],
        )

    def _read_lists(
        self, s: Any, now: datetime, limit: int | None = None, *, live: bool = True
    ) -> _Read:
        """The two lists at ``now``: breached, or at risk, by their stored instants, counted
        by the database and only each list's head read; of the others, those a warning lead
        may have reached (a warning counts in business time: not stored) read one at a time
        as they stream by, so memory holds a batch and the time follows those, not the
        desk. ``live``: with the next instant the clock alone changes them (else, for one
        look, ``next_at`` is ``now``)."""
        limit = LIST_LIMIT if limit is None else limit
        tally = _Tally(limit)
        rules = self.desk.rules
        horizon, team = now + HORIZON, self._team_id
        for which, due_before in ((BREACHED, None), (AT_RISK_LIST, horizon)):
            for priority, assignee, n in queries.marked_counts(
                s, now, due_before=due_before, team=team
            ):
                tally.count(which, priority, assignee, n)
            for row in queries.marked_rows(s, now, limit=limit, due_before=due_before, team=team):
                tally.read(row, rules, now, counted=True)
        within = WARNING_WINDOW if live else timedelta(minutes=1)
        near = _Near(rules, now, within)
        for row, due, at_risk in queries.unmarked_rows(s, now, near.bounds(), horizon, team):
            if at_risk is None or near.may_warn(row, due):
                tally.read(row, rules, now, watch=live)
        if not live:  # one look: no next change
            return _Read(now, tally, now, None)
        window = now + within
        tally.watch_kept(now)
        next_due, next_risk = queries.next_instants(s, now, horizon, team)
        upcoming = [window, *(at for at in (next_due, next_risk, tally.next_at) if at)]
        return _Read(now, tally, min(upcoming), next_due)

    # -- figures (in memory) ---------------------------------------------------------------

    def figures(self, now: datetime, limit: int = LIST_LIMIT) -> Figures:
        """The figures at ``now``: from memory, unless the clock moved the lists since
        they were read (then they are read again first)."""
        with self._lock:
            if self._aggregates is None or self._lists is None:
                raise RuntimeError("Board.load() first")
            lists = self._lists
        if now >= lists.next_at:
            self.advance(now)
        with self._lock:
            assert self._aggregates is not None and self._lists is not None
            tally = self._lists.tally
            return self._figures(
                now,
                self._aggregates,
                tally,
                tally.entries(BREACHED, now)[:limit],
                tally.entries(AT_RISK_LIST, now)[:limit],
            )

    def once(self, now: datetime, limit: int = LIST_LIMIT) -> Figures:
        """The figures at ``now`` read straight from the store (``dashboard --once``)."""
        with self.desk.store.read() as s:
            self._team_id = self._find_team(s)
            aggregates = self._aggregate(s, now)
            tally = self._read_lists(s, now, limit, live=False).tally
        return self._figures(
            now, aggregates, tally, tally.entries(BREACHED, now), tally.entries(AT_RISK_LIST, now)
        )

    def _figures(
        self,
        now: datetime,
        agg: _Aggregates,
        lists: _Tally,
        breached: list[Entry],
        at_risk: list[Entry],
    ) -> Figures:
        """The figures from the aggregates, the lists' counts and their first entries."""
        strip = lists.strip
        open_total = sum(n for n, _ in agg.open_by_priority.values())
        unassigned = sum(u for _, u in agg.open_by_priority.values())
        finished, met = agg.attainment[-1] if agg.attainment else (0, 0)
        counters = Counters(
            lists.breached_count, lists.at_risk_count, open_total, unassigned, met, finished
        )
        priorities = tuple(
            PriorityLine(p, agg.open_by_priority.get(p, (0, 0))[0], *strip.get(p, [0, 0]))
            for p in sorted(set(PRIORITIES) | set(agg.open_by_priority))
        )
        return Figures(
            now=now,
            team=self.team,
            counters=counters,
            priorities=priorities,
            breached=tuple(breached),
            at_risk=tuple(at_risk),
            agents=self._agents(agg, lists.agent_breaches),
            attainment=tuple(
                DayAttainment(d, met, fin)
                for d, (fin, met) in zip(agg.days, agg.attainment, strict=True)
            ),
            breaches_per_hour=tuple(
                HourBreaches(h, n) for h, n in zip(agg.hours, agg.breaches, strict=True)
            ),
        )

    def next_change(self, now: datetime) -> datetime | None:
        """The next instant a counter changes without any change to a ticket: the lists'
        next change by the clock, the next hour (the trends move on) or the hourly reload."""
        with self._lock:
            upcoming = [self._lists.next_at] if self._lists is not None else [now]
            if self._aggregates is not None and self._aggregates.hours:
                upcoming.append(self._aggregates.hours[-1] + timedelta(hours=1))
            reload_at = (self._loaded_at or now) + RELOAD
        return min([*upcoming, reload_at])

    def advance_due(self, now: datetime) -> bool:
        """Whether the clock moved the lists since they were read (``advance`` reads them)."""
        with self._lock:
            return self._lists is None or now >= self._lists.next_at

    def reload_due(self, now: datetime) -> bool:
        return self._loaded_at is None or now - self._loaded_at >= RELOAD

    def recount_due(self, now: datetime) -> bool:
        """Whether a new hour (or day) began since the aggregates were counted."""
        with self._lock:
            agg = self._aggregates
        return agg is not None and hour_bounds(now)[:-1] != agg.hours

    def p0_moved(self) -> bool:
        """Whether a change read since the last call was to a P0 ticket (or made one, or
        unmade one): only those can begin, feed or end a surge."""
        with self._lock:
            found, self._p0_moved = self._p0_moved, False
        return found

    def new_breach(self) -> bool:
        """Whether a clock breached since the last call (the hourly trend moved)."""
        with self._lock:
            found, self._new_breach = self._new_breach, False
        return found

    def _agents(self, agg: _Aggregates, breaches: dict[str, int]) -> tuple[AgentLoad, ...]:
        routing = self.desk.routing
        loads = []
        for agent_id, handle, name, role, cap in agg.agents:
            held = agg.held.get(agent_id, {})
            loads.append(
                AgentLoad(
                    handle=handle,
                    name=name,
                    role=role,
                    open=sum(held.values()),
                    active=sum(held.get(p, 0) for p in routing.cap_priorities),
                    cap=routing.cap if cap is None else cap,
                    breaches=breaches.get(handle, 0),
                )
            )
        loads.sort(key=lambda a: (-a.load, -a.open, -a.breaches, a.handle))
        return tuple(loads)


def _digest(signature: Signature | None) -> tuple[int, bool] | None:
    """A signature as held: its hash, and whether it is of a P0 (a surge may move)."""
    return None if signature is None else (hash(signature), signature.priority == "P0")


class _Signatures:
    """{number: digest} of the open tickets, in two flat arrays sorted by number (16 bytes
    and a flag a ticket, not a dict of tuples): bounded by the open tickets' count."""

    def __init__(self) -> None:
        self._numbers = array("q")
        self._hashes = array("q")
        self._p0 = bytearray()

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, Signature]]) -> _Signatures:
        """From (number, signature) pairs in number order (streamed: none held)."""
        found = cls()
        for number, signature in pairs:
            found._numbers.append(number)
            found._hashes.append(hash(signature))
            found._p0.append(signature.priority == "P0")
        return found

    def get(self, number: int) -> tuple[int, bool] | None:
        i = bisect.bisect_left(self._numbers, number)
        if i < len(self._numbers) and self._numbers[i] == number:
            return self._hashes[i], bool(self._p0[i])
        return None

    def put(self, number: int, digest: tuple[int, bool] | None) -> None:
        i = bisect.bisect_left(self._numbers, number)
        here = i < len(self._numbers) and self._numbers[i] == number
        if digest is None:
            if here:
                del self._numbers[i], self._hashes[i], self._p0[i]
        elif here:
            self._hashes[i], self._p0[i] = digest[0], digest[1]
        else:
            self._numbers.insert(i, number)
            self._hashes.insert(i, digest[0])
            self._p0.insert(i, digest[1])


class _Counted(Protocol):
    """What the figures count of the two lists: their lengths, the strip and breaches per
    agent (a ``_Tally`` of the tickets read)."""

    @property
    def breached_count(self) -> int: ...
    @property
    def at_risk_count(self) -> int: ...
    @property
    def strip(self) -> dict[str, list[int]]: ...
    @property
    def agent_breaches(self) -> dict[str, int]: ...


def _count(lists: _Counted, which: str, priority: str, assignee: str | None, n: int = 1) -> None:
    """``n`` more tickets in a list: in the strip, and in their assignee's breaches."""
    counts = lists.strip.setdefault(priority, [0, 0])
    if which == BREACHED:
        counts[1] += n
        if assignee:
            lists.agent_breaches[assignee] = lists.agent_breaches.get(assignee, 0) + n
    else:
        counts[0] += n


class _Near:
    """Whether a ticket whose stored at-risk instant has not come may be in a warning at
    ``now`` or ``within`` after, told from its stored due time and its target, before
    its clocks are read (most cannot: the read is what costs).

    A warning that comes at or after a clock's at-risk threshold finds the ticket at risk
    by its stored instant already; only a lead ``L`` with ``target - L`` before the
    at-risk threshold can show first. The ticket's earliest due time (stored) is then
    within ``L`` (and ``within``) of business time of ``now`` in its calendar, or no clock
    of it is in a warning."""

    def __init__(self, rules: SlaRules, now: datetime, within: timedelta) -> None:
        self.rules, self.now, self.within = rules, now, within
        self._leads: dict[tuple[Any, ...], tuple[str, timedelta] | None] = {}
        self._bounds: dict[tuple[str, timedelta], datetime] = {}

    def may_warn(self, row: ClockRow, due: datetime) -> bool:
        first = row.first_response_at is None and row.resolved_at is None
        resolution = row.resolved_at is None and row.paused_at is None
        key = (row.priority, row.tier, row.category, row.channel, first, resolution)
        if key not in self._leads:
            self._leads[key] = self._lead(row, first, resolution)
        found = self._leads[key]
        if found is None:
            return False
        if found not in self._bounds:
            calendar, lead = found
            self._bounds[found] = self.rules.calendars[calendar].add(self.now, lead + self.within)
        return due < self._bounds[found]

    def bounds(self) -> list[tuple[str, bool, datetime]]:
        """(priority, whether the first-response clock runs, a due time before which a
        ticket of them may warn): the widest of the targets of the priority and of each
        policy, for the database to leave the others out before they are read."""
        found = []
        for priority in self.rules.targets:
            for first in (True, False):
                ends = []
                for target in self._variants(priority):
                    lead = self._longest(target, first, True)
                    if lead is not None:
                        calendar = self.rules.calendars[lead[0]]
                        ends.append(calendar.add(self.now, lead[1] + self.within))
                if ends:
                    found.append((priority, first, max(ends)))
        return found

    def _variants(self, priority: str) -> list[Target]:
        """The targets a ticket of ``priority`` can have: its own, and each policy's."""
        rules = self.rules
        found = [rules.target_for(priority)]
        for policy in rules.policies:
            alone = dataclasses.replace(rules, policies=(policy,))
            found.append(
                alone.target_for(
                    priority, tier=policy.tier, category=policy.category, channel=policy.channel
                )
            )
        return found

    def _lead(self, row: ClockRow, first: bool, resolution: bool) -> tuple[str, timedelta] | None:
        target = self.rules.target_for(
            row.priority, tier=row.tier, category=row.category, channel=row.channel
        )
        return self._longest(target, first, resolution)

    def _longest(
        self, target: Target, first: bool, resolution: bool
    ) -> tuple[str, timedelta] | None:
        """The target's calendar and the longest lead that can show before its at-risk
        threshold, of the running clocks; None when none can."""
        rules = self.rules
        running = [
            d for d, on in ((target.first_response, first), (target.resolution, resolution)) if on
        ]
        leads = sorted(rules.warning_leads, reverse=True)
        best: timedelta | None = None
        for duration in running:
            if duration.business_days:  # its length in seconds depends on the start: any lead
                best = leads[0] if leads else best
                continue
            seconds = duration.seconds
            at_risk = math.ceil(seconds * rules.at_risk_percent / 100)
            for lead in leads:
                s = lead.total_seconds()
                if s < seconds and seconds - s < at_risk:
                    best = lead if best is None else max(best, lead)
                    break
        return None if best is None else (target.calendar, best)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class _Tally:
    """The two lists' counts, and their first ``limit`` tickets (most overdue, or least
    time left, first: the earliest due, then the lowest number), of tickets seen one at a
    time; and the earliest threshold to come of those watched (``next_at``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.breached_count = self.at_risk_count = 0
        self.strip: dict[str, list[int]] = {p: [0, 0] for p in PRIORITIES}
        self.agent_breaches: dict[str, int] = {}
        # per list, a heap of the first ``limit`` kept: the last of them on top
        self.kept: dict[str, list[tuple[int, int, ClockRow, str, SlaClock]]] = {
            BREACHED: [],
            AT_RISK_LIST: [],
        }
        self.next_at: datetime | None = None

    def count(self, which: str, priority: str, assignee: str | None, n: int = 1) -> None:
        if which == BREACHED:
            self.breached_count += n
        else:
            self.at_risk_count += n
        _count(self, which, priority, assignee, n)

    def read(
        self,
        row: ClockRow,
        rules: SlaRules,
        now: datetime,
        *,
        counted: bool = False,
        watch: bool = False,
    ) -> None:
        """A ticket's clocks read at ``now``, and added; ``watch``: if in no list, its next
        threshold is one ``next_at`` waits for (its warning may put it in one)."""
        sla = SlaClock(rules, clock_facts(row, row.tier, row.category))
        if not self.add(row, sla, *sla.read(now).most_urgent(), counted=counted) and watch:
            self._watch(sla, now)

    def _watch(self, sla: SlaClock, now: datetime) -> None:
        at = sla.next_threshold(now)
        if at is not None and (self.next_at is None or at < self.next_at):
            self.next_at = at

    def watch_kept(self, now: datetime) -> None:
        """The kept tickets' next thresholds too (a list's row shows its clock's state)."""
        for heap in self.kept.values():
            for *_earlier, sla in heap:
                self._watch(sla, now)

    def kept_rows(self, numbers: Sequence[int]) -> dict[int, ClockRow]:
        """Those of these tickets kept (shown in a list), as they were read."""
        wanted = set(numbers)
        return {
            item[2].number: item[2]
            for heap in self.kept.values()
            for item in heap
            if item[2].number in wanted
        }

    def add(
        self,
        row: ClockRow,
        sla: SlaClock,
        clock: str,
        reading: ClockReading,
        *,
        counted: bool = False,
    ) -> bool:
        """One ticket read; ``counted``: it is in the counts already (only kept). Whether
        it is in a list."""
        state = reading.state
        which = (
            BREACHED if state == ClockState.BREACHED else AT_RISK_LIST if state in AT_RISK else None
        )
        if which is None or reading.due_at is None:
            return False
        if not counted:
            self.count(which, row.priority, row.assignee)
        # negated (due time in microseconds, number): the heap's top is the last kept
        item = (-((reading.due_at - _EPOCH) // _MICROSECOND), -row.number, row, clock, sla)
        heap = self.kept[which]
        if len(heap) < self.limit:
            heapq.heappush(heap, item)
        elif item[:2] > heap[0][:2]:
            heapq.heapreplace(heap, item)
        return True

    def entries(self, which: str, now: datetime) -> list[Entry]:
        """The kept tickets of a list, in its order, their clock read at ``now``."""
        kept = sorted(self.kept[which], key=lambda item: (-item[0], -item[1]))
        return [
            Entry(
                row.number,
                row.priority,
                row.title,
                row.assignee,
                clock,
                sla.read_clock(clock, now),
                sla,
            )
            for _, _, row, clock, sla in kept
        ]


def _no_team(name: str, teams: Sequence[str]) -> NotFound:
    # exit 1, not 2: for --once, 2 means "something is breached"
    return NotFound(
        _("no team {name}: the teams are {teams}").format(
            name=repr(name), teams=", ".join(teams) or _("none yet")
        )
    )


def check_team(desk: Desk, team: str | None) -> None:
    """An unknown team is an error naming the teams there are."""
    if team is not None:
        teams = Board(desk).teams()
        if team not in teams:
            raise _no_team(team, teams)


def figures_once(desk: Desk, team: str | None = None) -> Figures:
    """The figures now, read once (``deskline dashboard --once``)."""
    board = Board(desk, team)
    return dataclasses.replace(board.once(desk.now()), surges=active_surges(desk, team))


def active_surges(desk: Desk, team: str | None = None) -> tuple[SurgeView, ...]:
    """The surges going on now, of this team (or of any), newest first."""
    views = desk.surges(within=SURGE_LOOKBACK)
    return tuple(v for v in views if v.active and (team is None or v.team == team))
