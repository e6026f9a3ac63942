"""The supervisor's breach dashboard: what is breached, what is about to, who is overloaded.

A ``Board`` keeps the SLA clocks of the open tickets that can be at risk or breached (due
within ``HORIZON``) and knows, for each, the next instant its state changes (its next
threshold). So the counters are exact at any instant without re-reading the store: the
store is read again only for the tickets the change feed names (``changed``), for the
counts and trends the database aggregates, and once an hour for the whole set (the
horizon and the trend windows move on).
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, Protocol

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
from deskline.core.sla.calendar import BusinessCalendar
from deskline.core.sla.clocks import ClockFacts, ClockReading, ClockState, SlaClock, SlaRules
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


@dataclass
class _Tracked:
    """One open ticket's clocks and when their state next changes."""

    number: int
    title: str
    priority: str
    assignee: str | None
    sla: SlaClock
    marks: list[datetime]  # every threshold instant of its running clocks, in order
    clock: str = "resolution"
    reading: ClockReading | None = None
    next_at: datetime | None = None  # the next threshold after the last reading


@dataclass
class _Aggregates:
    open_by_priority: dict[str, tuple[int, int]]
    agents: list[Any]
    held: dict[int, dict[str, int]]
    attainment: list[tuple[int, int]]
    breaches: list[int]
    days: list[date]
    hours: list[datetime]


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

    ``load`` and ``changed`` read the store (call them from a worker thread);
    ``figures`` and ``next_change`` work in memory, on the clocks whose state moved since
    the last call only (a heap of each clock's next threshold), so a figure costs the same
    with 50 tracked tickets or 50,000. One lock guards the state, so a worker may refresh
    while the UI reads.
    """

    def __init__(self, desk: Desk, team: str | None = None) -> None:
        self.desk = desk
        self.team = team
        self._team_id: int | None = None
        self._tracked: dict[int, _Tracked] = {}
        self._clocks: dict[ClockFacts, tuple[SlaClock, list[datetime]]] = {}
        self._aggregates: _Aggregates | None = None
        # What the aggregates are counted from, per ticket: a change that leaves it alone
        # (a note, a tag, a title) cannot move a count, so the counts are not read again.
        self._signatures: dict[int, Signature] = {}
        self._loaded_at: datetime | None = None
        self._new_breach = False
        self._p0_moved = False
        self._lock = threading.Lock()
        # In memory, between changes: the clocks never read yet, a heap of (next threshold,
        # order, clock), and the breached and at-risk ones; the lists sorted on demand.
        self._unread: list[_Tracked] = []
        self._heap: list[tuple[datetime, int, _Tracked]] = []
        self._order = itertools.count()
        self._places: dict[int, _Place] = {}  # the breached and at-risk tickets
        self._sorted: _Lists | None = None

    # -- reading the store ---------------------------------------------------------------

    def teams(self) -> list[str]:
        with self.desk.store.read() as s:
            return queries.team_names(s)

    def load(self) -> None:
        """Read every ticket that can be at risk or breached, and the aggregates."""
        now = self.desk.now()
        with self.desk.store.read() as s:
            self._team_id = self._find_team(s)
            rows = queries.clock_rows(
                s, statuses=OPEN, team=self._team_id, due_before=now + HORIZON
            )
            signatures = queries.signatures(s, statuses=OPEN)
            aggregates = self._aggregate(s, now)
        with self._lock:
            self._tracked, self._unread, self._heap = {}, [], []
            self._places, self._sorted = {}, None
            self._track(rows)
            self._aggregates = aggregates
            self._signatures = signatures
            self._loaded_at = now
            # clocks of tickets no longer tracked (or whose facts changed) are let go
            used = {t.sla.facts for t in self._tracked.values()}
            self._clocks = {f: c for f, c in self._clocks.items() if f in used}

    def changed(self, numbers: Sequence[int]) -> bool:
        """Read again the tickets the change feed named, and the aggregates when a change
        can have moved them. False when nothing the figures are made of moved (a note, a
        tag, a reply after the first): the figures need not be computed, nor shown, again."""
        now = self.desk.now()
        if self._loaded_at is None or now - self._loaded_at >= RELOAD:
            self.load()
            return True
        if not numbers:
            return False
        with self.desk.store.read() as s:
            rows = queries.clock_rows(s, statuses=OPEN, team=self._team_id, numbers=list(numbers))
            signatures = queries.signatures(s, numbers=list(numbers))
            moved = [n for n in numbers if self._signatures.get(n) != signatures.get(n)]
            p0 = any(
                sig.priority == "P0"
                for n in moved
                for sig in (self._signatures.get(n), signatures.get(n))
                if sig is not None
            )
            aggregates = self._aggregate(s, now, full=False) if moved else None
        with self._lock:
            gone = (set(numbers) - {row.number for row in rows}) & self._tracked.keys()
            for number in gone:
                self._untrack(number)  # closed, moved to another team, ...
            fresh = [row for row in rows if not self._same(row)]
            self._track(fresh)
            self._signatures.update(signatures)
            self._p0_moved = self._p0_moved or p0
            if aggregates is not None:
                self._aggregates = aggregates
        return bool(gone or fresh or aggregates is not None)

    def recount(self) -> None:
        """Only the aggregates again (a clock breached, or a new hour or day began)."""
        now = self.desk.now()
        with self.desk.store.read() as s:
            aggregates = self._aggregate(s, now, full=False)
        with self._lock:
            self._aggregates = aggregates

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
            attainment = queries.finished_clocks(session, day_edges, self._team_id)
            breaches = queries.breaches(session, hours, self._team_id)
        else:
            today = queries.finished_clocks(session, day_edges[-2:], self._team_id)
            this_hour = queries.breaches(session, hours[-2:], self._team_id)
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

    def _same(self, row: ClockRow) -> bool:
        """The ticket is tracked, and the row shows and times it as it did."""
        t = self._tracked.get(row.number)
        return (
            t is not None
            and (t.title, t.priority, t.assignee) == (row.title, row.priority, row.assignee)
            and t.sla.facts == clock_facts(row, row.tier, row.category)
        )

    def _track(self, rows: Sequence[ClockRow]) -> None:
        for row in rows:
            facts = clock_facts(row, row.tier, row.category)
            cached = self._clocks.get(facts)
            if cached is None:
                sla = SlaClock(self.desk.rules, facts)
                cached = (sla, [at for _, _, at in sla.thresholds()])
                self._clocks[facts] = cached
            # its place in the lists: at its first read
            t = _Tracked(row.number, row.title, row.priority, row.assignee, *cached)
            self._tracked[row.number] = t
            self._unread.append(t)

    def _untrack(self, number: int) -> None:
        """Forget a ticket (its heap entry goes stale: it no longer matches ``_tracked``)."""
        self._tracked.pop(number, None)
        self._place(number, None)

    def _place(self, number: int, place: _Place | None) -> None:
        """Put a ticket in a list (or in none); the lists are sorted again only when one
        gains or loses a ticket, or when what they are sorted or counted by moved."""
        if self._places.get(number) != place:
            if place is None:
                del self._places[number]
            else:
                self._places[number] = place
            self._sorted = None

    # -- figures (in memory) ---------------------------------------------------------------

    def figures(self, now: datetime, limit: int = LIST_LIMIT) -> Figures:
        """The figures at ``now``: only clocks that passed a threshold are read again."""
        with self._lock:
            if self._aggregates is None:
                raise RuntimeError("Board.load() first")
            self._catch_up(now)
            if self._sorted is None:
                self._sorted = _Lists.of(self._places)
            lists = self._sorted
            return self._figures(
                now,
                self._aggregates,
                lists,
                [self._entry(self._tracked[n], now) for n in lists.breached[:limit]],
                [self._entry(self._tracked[n], now) for n in lists.at_risk[:limit]],
            )

    def once(self, now: datetime, limit: int = LIST_LIMIT) -> Figures:
        """The figures at ``now`` read straight from the store (``dashboard --once``): the
        lists' counts by the database, from the stored instants; the clocks read only of
        each list's first ``limit`` and of the tickets a warning may have reached, as they
        stream by, so memory holds a batch and the time follows those, not the desk."""
        tally = _Tally(limit)
        rules = self.desk.rules
        with self.desk.store.read() as s:
            self._team_id = self._find_team(s)
            aggregates = self._aggregate(s, now)
            # Breached, or at risk, by their stored instants: counted by the database, only
            # each list's head read; of the others, those a warning lead may have reached
            # are read one at a time (a warning counts in business time: not stored).
            horizon, team = now + HORIZON, self._team_id
            for which, due_before in ((BREACHED, None), (AT_RISK_LIST, horizon)):
                for priority, assignee, n in queries.marked_counts(
                    s, now, due_before=due_before, team=team
                ):
                    tally.count(which, priority, assignee, n)
                for row in queries.marked_rows(
                    s, now, limit=limit, due_before=due_before, team=team
                ):
                    tally.read(row, rules, now, counted=True)
            for row in queries.unmarked_rows(s, now, warned_before(rules, now), horizon, team):
                tally.read(row, rules, now)
        return self._figures(
            now, aggregates, tally, tally.entries(BREACHED, now), tally.entries(AT_RISK_LIST, now)
        )

    def _figures(
        self,
        now: datetime,
        agg: _Aggregates,
        lists: _Counted,
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

    def _catch_up(self, now: datetime) -> None:
        """Read the clocks never read, and those whose next threshold came."""
        unread, self._unread = self._unread, []
        for t in unread:
            if self._tracked.get(t.number) is t:
                self._read(t, now)
        heap = self._heap
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            if self._live(entry):
                self._read(entry[2], now)

    def _live(self, entry: tuple[datetime, int, _Tracked]) -> bool:
        """Whether a heap entry is still the ticket's next threshold."""
        at, _, t = entry
        return self._tracked.get(t.number) is t and t.next_at == at

    def next_change(self, now: datetime) -> datetime | None:
        """The next instant a counter changes without any change to a ticket: the earliest
        threshold of a tracked clock, the next hour (the trends move on) or the hourly
        reload."""
        with self._lock:
            if self._unread:
                return now
            heap = self._heap
            while heap and not self._live(heap[0]):
                heapq.heappop(heap)  # stale: the ticket changed or left since
            upcoming = [heap[0][0]] if heap else []
            if self._aggregates is not None and self._aggregates.hours:
                upcoming.append(self._aggregates.hours[-1] + timedelta(hours=1))
            reload_at = (self._loaded_at or now) + RELOAD
        return min([*upcoming, reload_at])

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
        """Whether a tracked clock breached since the last call (the hourly trend moved)."""
        with self._lock:
            found, self._new_breach = self._new_breach, False
        return found

    def _read(self, t: _Tracked, now: datetime) -> None:
        before = t.reading
        t.clock, t.reading = t.sla.read(now).most_urgent()
        state = t.reading.state
        if before is not None and before.state != ClockState.BREACHED == state:
            self._new_breach = True
        i = bisect.bisect_right(t.marks, now)
        t.next_at = t.marks[i] if i < len(t.marks) else None
        if t.next_at is not None:
            heapq.heappush(self._heap, (t.next_at, next(self._order), t))
        which = (
            BREACHED if state == ClockState.BREACHED else AT_RISK_LIST if state in AT_RISK else None
        )
        self._place(
            t.number,
            None if which is None else _Place(which, t.reading.due_at, t.priority, t.assignee),
        )

    def _entry(self, t: _Tracked, now: datetime) -> Entry:
        reading = t.sla.read_clock(t.clock, now)
        return Entry(t.number, t.priority, t.title, t.assignee, t.clock, reading, t.sla)

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


class _Place(NamedTuple):
    """Which list a ticket is in, and what the lists are sorted and counted by."""

    which: str  # BREACHED or AT_RISK_LIST
    due_at: datetime
    priority: str
    assignee: str | None


class _Counted(Protocol):
    """What the figures count of the two lists: their lengths, the strip and breaches per
    agent (``_Lists`` of the tracked tickets, or a ``_Tally`` of the streamed ones)."""

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


def warned_before(rules: SlaRules, now: datetime) -> datetime:
    """An instant after which no clock due then is in a warning at ``now``: past the
    longest warning lead from ``now`` in each calendar's business time (the at-risk
    threshold is stored; a warning, in business time, is not)."""
    lead = max(rules.warning_leads, default=timedelta(0)) + timedelta(minutes=1)
    calendars = [*rules.calendars.values(), BusinessCalendar.always()]
    return max(calendar.add(now, lead) for calendar in calendars)


@dataclass(frozen=True)
class _Lists:
    """The breached and at-risk tickets in list order, and what is counted from them."""

    breached: list[int]
    at_risk: list[int]
    strip: dict[str, list[int]]  # priority: [at risk, breached]
    agent_breaches: dict[str, int]

    @property
    def breached_count(self) -> int:
        return len(self.breached)

    @property
    def at_risk_count(self) -> int:
        return len(self.at_risk)

    @classmethod
    def of(cls, places: dict[int, _Place]) -> _Lists:
        # Most overdue / least time left first: the earliest due time, then the key.
        ordered = sorted(places.items(), key=lambda item: (item[1].due_at, item[0]))
        lists = cls([], [], {p: [0, 0] for p in PRIORITIES}, {})
        for number, place in ordered:
            (lists.breached if place.which == BREACHED else lists.at_risk).append(number)
            _count(lists, place.which, place.priority, place.assignee)
        return lists


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class _Tally:
    """The two lists' counts, and their first ``limit`` tickets (the earliest due, then the
    lowest number, as ``_Lists`` orders them), of tickets seen one at a time."""

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

    def count(self, which: str, priority: str, assignee: str | None, n: int = 1) -> None:
        if which == BREACHED:
            self.breached_count += n
        else:
            self.at_risk_count += n
        _count(self, which, priority, assignee, n)

    def read(self, row: ClockRow, rules: SlaRules, now: datetime, *, counted: bool = False) -> None:
        """A ticket's clocks read at ``now``, and added."""
        sla = SlaClock(rules, clock_facts(row, row.tier, row.category))
        self.add(row, sla, *sla.read(now).most_urgent(), counted=counted)

    def add(
        self,
        row: ClockRow,
        sla: SlaClock,
        clock: str,
        reading: ClockReading,
        *,
        counted: bool = False,
    ) -> None:
        """One ticket read; ``counted``: it is in the counts already (only kept)."""
        state = reading.state
        which = (
            BREACHED if state == ClockState.BREACHED else AT_RISK_LIST if state in AT_RISK else None
        )
        if which is None or reading.due_at is None:
            return
        if not counted:
            self.count(which, row.priority, row.assignee)
        # negated (due time in microseconds, number): the heap's top is the last kept
        item = (-((reading.due_at - _EPOCH) // _MICROSECOND), -row.number, row, clock, sla)
        heap = self.kept[which]
        if len(heap) < self.limit:
            heapq.heappush(heap, item)
        elif item[:2] > heap[0][:2]:
            heapq.heapreplace(heap, item)

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
