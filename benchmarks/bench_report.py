"""How long the weekly report takes on a big desk, and how it grows with the desk.

Run from the repository root: ``python benchmarks/bench_report.py [--tickets 100000]
[--big 1000000] [--weeks 10]``. Writes a SQLite desk of TICKETS tickets with their audit
history (created, taken, replied, sometimes pending, resolved, closed, some reopened)
spread evenly over WEEKS weeks, straight into the tables (the desk's use cases would take
hours), then times ``report weekly`` for the last week (every ticket in it played through its
history) and the 30-day what-if replay, with peak memory (ru_maxrss) after each. With
``--big`` it does the same at that size and prints the ratio. Each time is given as wall
clock and as the process's CPU time: on a shared machine the wall clock also counts the
others' work, the CPU time is what the report itself costs (the ratio is given for both).
``--keep DIR`` keeps the desks there and reuses them on the next run (writing the million
takes minutes). ``--aged`` adds a desk of BIG tickets spread over as many more weeks, so
its last week holds what the small desk's does: the report should cost the same there.
``--cli`` also times the whole command, ``python -m deskline --db DESK report weekly`` (start-up
included), the median of three runs, on a copy of each desk (a desk's first command pins the
built-in policy on it: the kept desks are only read).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from deskline.core.metrics import report  # noqa: E402
from deskline.core.policy.book import DEFAULT  # noqa: E402
from deskline.core.roster.agents import Roster  # noqa: E402
from deskline.storage.models import Event, Ticket  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

NOW = datetime(2026, 6, 10, 6, 30, tzinfo=UTC)  # a Wednesday
BATCH = 5000


def fill(path: Path, count: int, weeks: int) -> None:
    store = Store.open(str(path))
    Roster(store).add("boss", name="Boss", role="director", team="Ops")
    with store.read() as s:
        from deskline.storage import queries

        boss = queries.agent_by_handle(s, "boss")
        assert boss is not None
        boss_id, team_id = boss.id, boss.team_id
    rng = random.Random(5)
    span = weeks * 7 * 86_400
    tickets: list[dict] = []
    events: list[dict] = []

    def flush() -> None:
        with store.write() as s:
            s.execute(insert(Ticket), tickets)
            s.execute(insert(Event), events)
        tickets.clear()
        events.clear()

    for n in range(1, count + 1):
        created = NOW - timedelta(seconds=span * (count - n) / count + 60)
        priority = rng.choice(["P1", "P2", "P2", "P3"])
        t: dict = {
            "id": n,
            "number": n,
            "title": f"ticket {n}",
            "priority": priority,
            "status": "new",
            "channel": "web",
            "team_id": team_id,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }
        steps = [
            (created, "created", None, {"title": t["title"], "status": "new", "priority": priority})
        ]
        at = created + timedelta(minutes=rng.randint(1, 90))
        if at < NOW:
            steps.append(
                (
                    at,
                    "taken",
                    {"status": "new", "assignee": None},
                    {"status": "in_progress", "assignee": "boss"},
                )
            )
            t.update(status="in_progress", assignee_id=boss_id)
            at += timedelta(minutes=rng.randint(1, 60))
        if at < NOW:
            steps.append(
                (
                    at,
                    "reply",
                    {"first_response_at": None},
                    {"comment": 0, "first_response_at": at.isoformat()},
                )
            )
            t["first_response_at"] = at
        if at < NOW and rng.random() < 0.3:
            at += timedelta(hours=rng.randint(1, 20))
            if at < NOW:
                steps.append((at, "status", {"status": "in_progress"}, {"status": "pending"}))
                t["status"] = "pending"
                t["paused_at"] = at
                at += timedelta(hours=rng.randint(1, 20))
                if at < NOW:
                    steps.append((at, "status", {"status": "pending"}, {"status": "in_progress"}))
                    t["status"], t["paused_at"] = "in_progress", None
        at += timedelta(hours=rng.randint(1, 48))
        if at < NOW and t["status"] == "in_progress":
            steps.append((at, "status", {"status": "in_progress"}, {"status": "resolved"}))
            t.update(status="resolved", resolved_at=at)
            if rng.random() < 0.05:
                at += timedelta(hours=rng.randint(1, 20))
                if at < NOW:
                    steps.append(
                        (at, "reopened", {"status": "resolved"}, {"status": "in_progress"})
                    )
                    t.update(status="in_progress", resolved_at=None)
        t["updated_at"] = steps[-1][0]
        tickets.append(t)
        events += [
            {"ticket_id": n, "actor_id": boss_id, "at": a, "kind": k, "old": o, "new": w}
            for a, k, o, w in steps
        ]
        if len(tickets) >= BATCH:
            flush()
    if tickets:
        flush()
    store.close()


def measure(
    path: Path, replay: bool
) -> tuple[tuple[float, float], tuple[float, float] | None, int, float]:
    store = Store.open(str(path))
    t0, c0 = time.perf_counter(), time.process_time()
    built = report.build(
        store, "boss", DEFAULT.sla, 0, kind="weekly", now=NOW, zone=UTC, start=None
    )
    weekly = (time.perf_counter() - t0, time.process_time() - c0)
    played = built.table("summary").to_json()[0]
    replayed = None
    if replay:
        t0, c0 = time.perf_counter(), time.process_time()
        period = report.replay_period(NOW, UTC, None, None)
        report.what_if(store, "boss", DEFAULT, DEFAULT.rules, "same", period)
        replayed = (time.perf_counter() - t0, time.process_time() - c0)
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return weekly, replayed, played["created"] + played["backlog"], rss


def whole_process(path: Path, runs: int = 3) -> tuple[float, float]:
    """Median wall clock and CPU time (user + system) of the report command on a copy of
    the desk, at the same instant as in-process (DESKLINE_NOW), as the desk's director."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        env = {
            **os.environ,
            "DESKLINE_NOW": NOW.isoformat(),
            "DESKLINE_AS": "boss",
            "TZ": "UTC",
            "HOME": tmp,  # no one's own settings
        }
        command = [sys.executable, "-m", "deskline", "--db", str(copy), "report", "weekly"]

        def once() -> None:
            quiet = subprocess.DEVNULL
            subprocess.run(command, env=env, stdout=quiet, stderr=quiet, check=True)

        once()  # pins the built-in policy, as any first command on a desk does
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            once()
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def run(
    count: int, weeks: int, folder: Path, replay: bool = True, cli: bool = False
) -> tuple[tuple[float, float], tuple[float, float] | None]:
    path = folder / f"desk-{count}-{weeks}w.db"
    if path.exists():
        print(f"{count:>9,} tickets: the desk kept in {path}", flush=True)
    else:
        t0 = time.perf_counter()
        fill(path, count, weeks)
        print(f"{count:>9,} tickets: desk written in {time.perf_counter() - t0:.1f} s", flush=True)
    (wall, cpu), replayed, seen, rss = measure(path, replay)
    replay_text = (
        f"{replayed[0]:.2f} s wall, {replayed[1]:.2f} s CPU (goal: 30 s)"
        if replayed is not None
        else "not run"
    )
    print(
        f"{count:>9,} tickets: weekly report {wall:.2f} s wall, {cpu:.2f} s CPU (created + "
        f"open in it: {seen:,}), 30-day replay under two policies {replay_text}, "
        f"peak RSS {rss:.0f} MB",
        flush=True,
    )
    whole = whole_process(path) if cli else None
    if whole is not None:
        print(
            f"{count:>9,} tickets: `deskline report weekly`, the whole process: "
            f"{whole[0]:.2f} s wall, {whole[1]:.2f} s CPU (median of 3; goal at 100k: 3 s)",
            flush=True,
        )
    return (wall, cpu), whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=0, help="also this many (say 1000000)")
    parser.add_argument("--weeks", type=int, default=10, help="weeks the tickets span")
    parser.add_argument("--no-replay", action="store_true", help="time the report only")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep (and reuse) the desks")
    parser.add_argument(
        "--cli", action="store_true", help="also time the whole command (median of 3)"
    )
    parser.add_argument(
        "--aged",
        action="store_true",
        help="also BIG tickets over as many more weeks: the same week's volume, an older desk",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        small, small_cli = run(args.tickets, args.weeks, folder, not args.no_replay, args.cli)
        if args.big:  # the same weeks: ten times the tickets in the reported week too
            big, big_cli = run(args.big, args.weeks, folder, False, args.cli)
            print(
                f"ratio {args.big:,} / {args.tickets:,}: {big[0] / small[0]:.2f}x wall, "
                f"{big[1] / small[1]:.2f}x CPU (goal: at most 10x; 3 s at 100k)"
            )
            if small_cli is not None and big_cli is not None:
                print(
                    f"ratio {args.big:,} / {args.tickets:,}, the whole process: "
                    f"{big_cli[0] / small_cli[0]:.2f}x wall, {big_cli[1] / small_cli[1]:.2f}x CPU"
                )
        if args.big and args.aged:  # a week like the small desk's, in a desk grown older
            weeks = args.weeks * args.big // args.tickets
            aged, _whole = run(args.big, weeks, folder, False)
            print(
                f"ratio {args.big:,} over {weeks} weeks / {args.tickets:,} over {args.weeks}: "
                f"{aged[0] / small[0]:.2f}x wall, {aged[1] / small[1]:.2f}x CPU (the same "
                "week's volume: a report costs the period, not the desk's age)"
            )


if __name__ == "__main__":
    main()
