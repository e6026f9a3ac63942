"""How fast the workspace paints, and answers keys, with 1,000 and 100,000 open tickets.

Run from the repository root: ``python benchmarks/bench_workspace.py [TICKETS ...]``
(default 1000 100000; about ten minutes). Each desk is built in a temporary SQLite file,
then the real app runs headless at 160×48. Printed per desk:

- first paint: from creating the app until a frame shows the queue with its numbers and
  every visible ticket loaded; as an agent holding tickets (opens on My tickets), and as
  one holding none (falls back to All open);
- header counts: until the open / at risk / breached counts are in the header, and how
  long each computation of them took;
- keypress to repaint, in All open: 200 ``j`` presses (until a frame shows the moved
  cursor with its rows loaded) and 50 filter keystrokes (until a frame shows the queue
  computed for the new filter text: on a big desk, its head, the first 100 matches in
  order, with the rest and the count following); a key still waiting after KEY_TIMEOUT
  counts as KEY_TIMEOUT and ends that series;

and, measured in the same run, the first frame of an empty Textual app as the floor.
Each desk is measured twice: as shipped, and with the header counts replaced by a stub
(marked "no counts"), which shows what the rest of the workspace costs on its own.

A frame is the compositor's render of the dirty regions (``App._display``), which headless
runs compute as a terminal would, only without writing it out."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, update  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App  # noqa: E402

from deskline.core.desk.facts import queue_marks  # noqa: E402
from deskline.core.desk.queue import QueueCounts  # noqa: E402
from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.core.sla.clocks import ClockFacts, SlaClock, SlaRules  # noqa: E402
from deskline.core.sla.defaults import default_rules  # noqa: E402
from deskline.storage.models import Agent, Category, Customer, KeyCounter, Team, Ticket  # noqa: E402
from deskline.storage.store import Store  # noqa: E402
from deskline.tui.workspace.app import DesklineApp  # noqa: E402
from deskline.tui.workspace.queue import QueueView  # noqa: E402
from deskline.tui.workspace.screen import WorkspaceScreen  # noqa: E402

NOW = datetime(2026, 6, 10, 8, 30, tzinfo=UTC)  # a Wednesday morning
SIZE = (160, 48)
ME = "ana"  # holds some tickets: the workspace opens on My tickets
NEWCOMER = "nia"  # holds none: the workspace falls back to All open
MOVES = 200
FILTER_KEYS = 50
FILTER_WORDS = ("printer", "打印机", "vpn", "邮件", "outlook")  # each typed, then erased
TIMEOUT = 60.0  # for a first paint
KEY_TIMEOUT = 20.0
DRAIN_TIMEOUT = 120.0
POLL = 0.002
# Worker groups not waited for between keys: the change feed polls until the app ends, and
# the header counts may run longer than their own period.
LONG_RUNNING = ("feed", "counts")
CHARACTERS = {"slash": "/", "backspace": "\b"}
TARGET_FIRST_PAINT = 1.0
TARGET_P95 = 0.050
TARGET_RATIO = 1.5

TEAMS = ("Service Desk", "Network", "Applications")
CATEGORIES = {
    "Hardware/Printer": "Service Desk",
    "Hardware/Laptop": "Service Desk",
    "Account/Login": "Service Desk",
    "Network/VPN": "Network",
    "Network/Wi-Fi": "Network",
    "Email/Outlook": "Applications",
    "Applications/ERP": "Applications",
    "Applications/报表": "Applications",
}
SUBJECTS = (
    "Printer",
    "VPN",
    "Outlook",
    "Laptop",
    "Wi-Fi",
    "ERP report",
    "Password",
    "打印机",
    "邮件",
    "笔记本电脑",
    "无线网络",
    "报表系统",
    "登录",
)
PROBLEMS = (
    "not working",
    "drops every 10 min",
    "very slow since update",
    "shows error 0x80070005",
    "cannot connect",
    "asks for password again",
    "无法连接",
    "很慢",
    "一直报错",
    "打不开",
    "更新后失败",
)
PLACES = ("", "", "on floor 3", "in Shanghai office", "for the whole team", "在会议室", "（紧急）")
COMPANIES = ("Northwind", "Globex", "Initech", "Umbrella", "Contoso", "Hooli", "Acme")
CHINESE_COMPANIES = ("蓝鲸游戏", "华南物流", "星河科技", "东方银行", "青木设计", "长江制造")
TAGS = ("", "", "", "vpn", "printer", "email", "outage", "vip", "hardware")


# -- the desk ------------------------------------------------------------------------------


def build_desk(path: Path, tickets: int, rules: SlaRules) -> Store:
    """A desk of ``tickets`` open tickets, written with bulk inserts in one transaction."""
    rng = random.Random(tickets)
    store = Store.open(str(path))
    with store.write() as s:
        s.execute(insert(Team.__table__), [{"id": i + 1, "name": n} for i, n in enumerate(TEAMS)])
        team_id = {name: i + 1 for i, name in enumerate(TEAMS)}
        agents = [(ME, "Ana Silva", "Service Desk"), (NEWCOMER, "Nia Novak", "Service Desk")]
        agents += [(f"agent{i:02}", f"Agent {i:02}", TEAMS[i % 3]) for i in range(1, 25)]
        s.execute(
            insert(Agent.__table__),
            [
                {
                    "id": i + 1,
                    "handle": h,
                    "name": n,
                    "role": "agent",
                    "team_id": team_id[t],
                    "skills": "",
                    "on_duty": True,
                    "max_active": 10,
                    "last_routed": 0,
                }
                for i, (h, n, t) in enumerate(agents)
            ],
        )
        agent_id = {h: i + 1 for i, (h, _, _) in enumerate(agents)}
        agent_team = {agent_id[h]: team_id[t] for h, _, t in agents}
        others = [agent_id[h] for h, _, _ in agents if h not in (ME, NEWCOMER)]
        names = [f"{c} {i}" for i in range(40) for c in COMPANIES]
        names += [f"{c}{i}" for i in range(20) for c in CHINESE_COMPANIES]
        customers = [
            (i + 1, n, "vip" if rng.random() < 0.1 else "standard") for i, n in enumerate(names)
        ]
        s.execute(
            insert(Customer.__table__),
            [{"id": i, "name": n, "tier": tier} for i, n, tier in customers],
        )
        categories = list(CATEGORIES.items())
        s.execute(
            insert(Category.__table__),
            [
                {"id": i + 1, "path": p, "default_team_id": team_id[t]}
                for i, (p, t) in enumerate(categories)
            ],
        )
        batch: list[dict[str, Any]] = []
        for number in range(1, tickets + 1):
            customer_id, _, tier = rng.choice(customers)
            category_id = rng.randrange(len(categories)) + 1
            row = ticket_row(rng, number, tier, categories[category_id - 1][0], rules)
            row["customer_id"] = customer_id
            row["category_id"] = category_id
            if row["status"] == "new":
                row["team_id"] = team_id[categories[category_id - 1][1]]
            else:
                holder = agent_id[ME] if rng.random() < 0.04 else rng.choice(others)
                row["assignee_id"] = holder
                row["team_id"] = agent_team[holder]
            batch.append(row)
            if len(batch) == 10_000:
                s.execute(insert(Ticket.__table__), batch)
                batch = []
        if batch:
            s.execute(insert(Ticket.__table__), batch)
        s.execute(
            update(KeyCounter.__table__)
            .where(KeyCounter.__table__.c.name == "ticket")
            .values(value=tickets)
        )
    return store


def ticket_row(
    rng: random.Random, number: int, tier: str, category: str, rules: SlaRules
) -> dict[str, Any]:
    """One open ticket created within the last two weeks, its SLA columns as the Desk keeps
    them (due times and next_check_at from ``SlaClock.schedule``, the queue's marks from
    ``queue_marks``)."""
    created = NOW - timedelta(seconds=min(int(rng.expovariate(1 / 259_200)), 14 * 86_400))
    priority = rng.choices(("P0", "P1", "P2", "P3"), weights=(1, 3, 5, 3))[0]
    status = rng.choices(("new", "assigned", "in_progress", "pending"), weights=(30, 15, 35, 20))[0]
    answered = status in ("in_progress", "pending") or (status == "assigned" and rng.random() < 0.5)
    first_response = None
    if answered:
        first_response = min(created + timedelta(minutes=rng.randrange(3, 180)), NOW)
    paused = None
    if status == "pending":
        since = first_response or created
        paused = since + (NOW - since) * rng.random()
    credit = rng.choice((0, 0, 0, 0, 1800, 7200)) if status != "new" else 0
    channel = rng.choice(("web", "web", "email", "phone", "chat"))
    facts = ClockFacts(
        created_at=created,
        priority=priority,
        tier=tier,
        category=category,
        channel=channel,
        first_response_at=first_response,
        paused_at=paused,
        pause_credit_seconds=credit,
    )
    clock = SlaClock(rules, facts)
    schedule = clock.schedule(NOW)
    next_due_at, at_risk_at = queue_marks(clock)
    title = f"{rng.choice(SUBJECTS)} {rng.choice(PROBLEMS)} {rng.choice(PLACES)}".strip()
    return {
        "number": number,
        "title": title,
        "description": "",
        "priority": priority,
        "status": status,
        "customer_id": None,
        "category_id": None,
        "channel": channel,
        "tags": rng.choice(TAGS),
        "assignee_id": None,
        "team_id": None,
        "created_at": created,
        "updated_at": max(t for t in (created, first_response, paused) if t is not None),
        "first_response_at": first_response,
        "resolved_at": None,
        "closed_at": None,
        "first_response_due_at": schedule.first_response_due_at,
        "resolution_due_at": schedule.resolution_due_at,
        "paused_at": paused,
        "pause_credit_seconds": credit,
        "next_check_at": schedule.next_check_at,
        "next_due_at": next_due_at,
        "at_risk_at": at_risk_at,
        "escalation_level": 0,
        "reopen_count": 0,
        "impact": None,
        "version": 1,
    }


# -- watching frames -----------------------------------------------------------------------


class Frames:
    """Stamps the frames an app paints; stops the clock on the first frame after which a
    condition holds."""

    def __init__(self, app: App[Any]) -> None:
        self.painted = 0
        self.done_at: float | None = None
        self._until: Callable[[], bool] | None = None
        self._watches: dict[str, Callable[[], bool]] = {}
        self.first_at: dict[str, float] = {}  # when each watched condition first held
        display = app._display

        def stamped(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            at = time.perf_counter()
            self.painted += 1
            if self._until is not None and _holds(self._until):
                self.done_at, self._until = at, None
            for name, condition in list(self._watches.items()):
                if _holds(condition):
                    self.first_at[name] = at
                    del self._watches[name]

        app._display = stamped  # type: ignore[method-assign]

    def watch(self, name: str, condition: Callable[[], bool]) -> None:
        """Stamp the first frame after which ``condition`` holds (``first_at[name]``)."""
        self._watches[name] = condition

    def until(self, condition: Callable[[], bool]) -> None:
        self.done_at, self._until = None, condition

    async def wait(self, began: float, timeout: float = TIMEOUT) -> float:
        """Seconds from ``began`` to the frame that satisfied the condition.

        Polls with short sleeps rather than ``pilot.pause()``: a pause waits for the whole
        process to go idle, up to a second at a time while workers run, and forces a frame.
        """
        while self.done_at is None:
            if time.perf_counter() - began > timeout:
                raise TimeoutError("no frame met the condition")
            await asyncio.sleep(POLL)
        return self.done_at - began


def _holds(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except Exception:  # the screen is not there yet
        return False


def press(app: App[Any], key: str) -> None:
    """Send one key as ``pilot.press`` does, without its waits for the process to go idle."""
    event = events.Key(key, CHARACTERS.get(key, key))
    event.set_sender(app)
    app.post_message(event)


def queue_of(app: App[Any]) -> QueueView:
    return app.screen.query_one(QueueView)


def shown(view: QueueView) -> bool:
    """The queue has its numbers and every visible row's ticket."""
    return bool(view.numbers) and all(n in view.tickets for n in view.visible_numbers())


def moving_clock() -> Callable[[], datetime]:
    """NOW, then running, so the countdowns tick as they would on a desk."""
    began = time.perf_counter()
    return lambda: NOW + timedelta(seconds=time.perf_counter() - began)


class CountsWatch:
    """Times each header-counts computation (``Queue.counts``, run by a thread worker), or
    replaces it with a stub that answers at once."""

    def __init__(self, app: DesklineApp, *, stub: bool = False) -> None:
        self.durations: list[float] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        counts = (lambda: QueueCounts(0, 0, 0)) if stub else app.queue.counts

        def timed() -> QueueCounts:
            with self._lock:
                self.running += 1
                self.most_at_once = max(self.most_at_once, self.running)
            began = time.perf_counter()
            try:
                return counts()
            finally:
                with self._lock:
                    self.running -= 1
                    self.durations.append(time.perf_counter() - began)

        app.queue.counts = timed  # type: ignore[method-assign]

    async def drain(self) -> None:
        """Wait (a while) for computations still running after the app left: their
        threads go on, and would slow whatever is measured next."""
        began = time.perf_counter()
        while self.running and time.perf_counter() - began < DRAIN_TIMEOUT:
            await asyncio.sleep(0.1)


# -- the runs --------------------------------------------------------------------------


async def empty_app_start() -> float:
    """Seconds to the first frame of an empty Textual app."""
    app: App[None] = App()
    frames = Frames(app)
    frames.until(lambda: True)
    began = time.perf_counter()
    async with app.run_test(size=SIZE):
        return await frames.wait(began)


@dataclass
class Figures:
    tickets: int
    counts_on: bool
    first_paint: float = 0.0  # opens on My tickets
    first_paint_all: float = 0.0  # opens on All open
    counts: float | None = None
    switch: float = 0.0
    moves: list[float] = field(default_factory=list)
    filters: list[float] = field(default_factory=list)
    count_runs: list[float] = field(default_factory=list)
    counts_at_once: int = 0
    counts_left: int = 0  # still running when the drain gave up

    @property
    def label(self) -> str:
        return f"{self.tickets:,}" + ("" if self.counts_on else " no counts")

    @property
    def slowest_paint(self) -> float:
        return max(self.first_paint, self.first_paint_all)


def open_app(store: Store, handle: str, rules: SlaRules, figures: Figures) -> DesklineApp:
    app = DesklineApp(Desk(store, handle, now=moving_clock(), rules=rules))
    app.counts_watch = CountsWatch(app, stub=not figures.counts_on)  # type: ignore[attr-defined]
    return app


async def first_paint(store: Store, handle: str, rules: SlaRules, figures: Figures) -> float:
    """Seconds from creating the app to a frame showing the queue with its visible rows."""
    began = time.perf_counter()
    app = open_app(store, handle, rules, figures)
    frames = Frames(app)
    frames.until(lambda: shown(queue_of(app)))
    async with app.run_test(size=SIZE):
        seconds = await frames.wait(began)
        # Leaving at once races the detail worker's reply against the screen's teardown.
        await settle(app)
    await app.counts_watch.drain()  # type: ignore[attr-defined]
    return seconds


async def work_the_queue(store: Store, rules: SlaRules, figures: Figures) -> None:
    """First paint, header counts, the switch to All open, then moves and filter keys there."""
    began = began_app = time.perf_counter()
    app = open_app(store, ME, rules, figures)
    watch: CountsWatch = app.counts_watch  # type: ignore[attr-defined]
    frames = Frames(app)
    frames.until(lambda: shown(queue_of(app)))
    # the counts' first frame in the header, stamped without holding the keys up for them
    frames.watch("counts", lambda: app.screen.counts is not None)  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE):
        figures.first_paint = await frames.wait(began)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        await settle(app)

        queues = 0  # how many times the screen has shown a freshly computed queue
        show_queue = screen.show_queue

        def counted(*args: Any) -> None:
            nonlocal queues
            queues += 1
            show_queue(*args)

        screen.show_queue = counted  # type: ignore[method-assign]
        view = queue_of(app)

        frames.until(lambda: queues > 0 and shown(view))
        began = time.perf_counter()
        screen.view_name = "open"
        screen.load_queue(quick=True)  # as the views key (v) does
        figures.switch = await frames.wait(began)
        await settle(app)

        for _ in range(MOVES):
            target = min(view.cursor + 1, len(view.numbers) - 1)
            frames.until(lambda: view.cursor == target and shown(view))  # noqa: B023
            if not await timed_key(app, frames, "j", figures.moves):
                break

        press(app, "slash")
        await settle(app)
        for key, text in filter_keystrokes():
            before = queues
            frames.until(
                lambda: queues > before and screen.filter_text == text and shown(view)  # noqa: B023
            )
            if not await timed_key(app, frames, key, figures.filters):
                break
            await settle(app)
    if "counts" in frames.first_at:
        figures.counts = frames.first_at["counts"] - began_app
    await watch.drain()
    figures.count_runs, figures.counts_at_once = watch.durations, watch.most_at_once
    figures.counts_left = watch.running


async def timed_key(app: App[Any], frames: Frames, key: str, samples: list[float]) -> bool:
    """Press ``key`` and add the seconds to the frame that shows its effect; False when it
    timed out (the sample is then KEY_TIMEOUT)."""
    began = time.perf_counter()
    press(app, key)
    try:
        samples.append(await frames.wait(began, KEY_TIMEOUT))
    except TimeoutError:
        samples.append(KEY_TIMEOUT)
        return False
    return True


def filter_keystrokes() -> Iterator[tuple[str, str]]:
    """(key, the filter text after it): each word typed, then erased, up to FILTER_KEYS."""
    given = 0
    while True:
        for word in FILTER_WORDS:
            steps = [(c, word[: i + 1]) for i, c in enumerate(word)]
            steps += [("backspace", word[:i]) for i in range(len(word) - 1, -1, -1)]
            for step in steps:
                if given == FILTER_KEYS:
                    return
                given += 1
                yield step


async def settle(app: App[Any]) -> None:
    """Let the last key's work finish: every worker but the long-running ones."""
    await asyncio.sleep(POLL)
    running = [w for w in app.workers if not w.is_finished and w.group not in LONG_RUNNING]
    # Cancelled ones (superseded by an exclusive newer one) count as done.
    waits = asyncio.gather(*(w.wait() for w in running), return_exceptions=True)
    try:
        await asyncio.wait_for(waits, KEY_TIMEOUT)
    except TimeoutError:
        pass  # the next key's own timeout tells
    await asyncio.sleep(POLL)


async def measure(store: Store, rules: SlaRules, tickets: int, *, counts_on: bool) -> Figures:
    figures = Figures(tickets, counts_on)
    await work_the_queue(store, rules, figures)
    figures.first_paint_all = await first_paint(store, NEWCOMER, rules, figures)
    return figures


# -- printing ------------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def spread(samples: list[float], wanted: int) -> str:
    if not samples:
        return "—"
    text = "/".join(ms(percentile(samples, p)) for p in (50, 95, 100))
    return text if len(samples) == wanted and samples[-1] < KEY_TIMEOUT else f"{text} *"


def report(floor: float, cold: float, runs: list[Figures]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min) at the end")
    print(f"floor: empty Textual app, first frame {ms(floor)} ms (median of 3)")
    print(f"cold start: the first DesklineApp of this process, first paint {ms(cold)} ms")
    print()
    print(
        f"{'tickets':>17}  {'first paint':>11}  {'first paint':>11}  {'header':>8}  "
        f"{'switch to':>9}  {'move p50/p95/max':>18}  {'filter p50/p95/max':>19}"
    )
    print(
        f"{'':>17}  {'(mine)':>11}  {'(all open)':>11}  {'counts':>8}  "
        f"{'all open':>9}  {'(ms)':>18}  {'(ms)':>19}"
    )
    for f in runs:
        counts = f"{ms(f.counts)} ms" if f.counts is not None else "never"
        print(
            f"{f.label:>17}  {ms(f.first_paint) + ' ms':>11}  {ms(f.first_paint_all) + ' ms':>11}"
            f"  {counts:>8}  {ms(f.switch) + ' ms':>9}  {spread(f.moves, MOVES):>18}"
            f"  {spread(f.filters, FILTER_KEYS):>19}"
        )
    if any(KEY_TIMEOUT in f.moves + f.filters for f in runs):
        print(f"  * timed out: a key not shown after {KEY_TIMEOUT:.0f} s ended the series")
    for f in (f for f in runs if f.counts_on):
        moves, filters = len(f.moves), len(f.filters)
        print(f"  {f.label}: {moves} moves, {filters} filter keys measured;", end=" ")
        took = ", ".join(f"{d:.1f}" for d in f.count_runs) or "none finished"
        left = f", {f.counts_left} still running" if f.counts_left else ""
        print(f"header counts computed in {took} s, up to {f.counts_at_once} at once{left}")
    shipped = [f for f in runs if f.counts_on]
    if len(shipped) < 2:
        return
    small, big = shipped[0], shipped[-1]
    ratios = {
        "first paint": big.slowest_paint / small.slowest_paint,
        "move p95": percentile(big.moves, 95) / percentile(small.moves, 95),
        "filter p95": percentile(big.filters, 95) / percentile(small.filters, 95),
    }
    print(
        f"  {big.tickets:,} / {small.tickets:,}: "
        + ", ".join(f"{name} {ratio:.1f}×" for name, ratio in ratios.items())
    )
    print()
    print("targets (as shipped)")
    met = big.slowest_paint <= TARGET_FIRST_PAINT
    print(verdict(f"first paint ≤ {TARGET_FIRST_PAINT:.1f} s at {big.tickets:,}", met))
    for f in shipped:
        for name, samples in (("move", f.moves), ("filter", f.filters)):
            p95 = percentile(samples, 95)
            print(verdict(f"{name} p95 ≤ {ms(TARGET_P95)} ms at {f.tickets:,}", p95 <= TARGET_P95))
    for name, ratio in ratios.items():
        within = f"{name} at {big.tickets:,} ≤ {TARGET_RATIO}× {small.tickets:,}"
        print(verdict(within, ratio <= TARGET_RATIO))


def verdict(target: str, met: bool) -> str:
    return f"  {'met ' if met else 'MISS'}  {target}"


async def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 100_000]
    rules = default_rules()
    with tempfile.TemporaryDirectory() as tmp:
        stores = []
        for tickets in sizes:
            began = time.perf_counter()
            stores.append(build_desk(Path(tmp) / f"desk-{tickets}.db", tickets, rules))
            took = time.perf_counter() - began
            print(f"built a desk of {tickets:,} open tickets in {took:.1f} s", flush=True)
        await empty_app_start()  # one-time costs of the first app in a process
        cold = await first_paint(stores[0], ME, rules, Figures(sizes[0], counts_on=False))
        floor = statistics.median([await empty_app_start() for _ in range(3)])
        runs = []
        # As shipped last at each size: its leftover count threads would slow what follows.
        for store, tickets in zip(stores, sizes, strict=True):
            for counts_on in (False, True):
                began = time.perf_counter()
                runs.append(await measure(store, rules, tickets, counts_on=counts_on))
                took = time.perf_counter() - began
                print(f"measured {runs[-1].label} in {took:.0f} s", flush=True)
            store.close()
    runs.sort(key=lambda f: (not f.counts_on, f.tickets))
    report(floor, cold, runs)


if __name__ == "__main__":
    asyncio.run(main())
