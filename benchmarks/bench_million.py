"""A million tickets: every command's time and memory at 100k and 1M tickets (20% open), on
SQLite and PostgreSQL, with the ratio and issue 19's target beside each.

    python benchmarks/bench_million.py [--sizes 100000 1000000] [--backends sqlite postgresql]
                                       [--seed 2000] [--keep DIR] [--only NAME ...]

The desks are realistic: a ``deskline demo`` desk of ``--seed`` tickets (its comments,
audit events, SLA clocks and next checks, as the app wrote them; the clock frozen with
DESKLINE_NOW) is grown to each size by set-based INSERT ... SELECT of its rows: each new
ticket copies a seed ticket (an open one for the newest 20% of the desk, a closed one for
the rest) with its comments and events; closed copies are moved back in time, spread over
three years (older ids older), open ones keep their seed's times, so their clocks run as
the seed's do. The search index is filled for the new rows at the end (as migration 0011
fills it), the key counter moved past them. Not copied: alerts, deliveries, links, CCs,
mail; the copied events keep their seed's hashes, so ``audit verify`` finds them broken.
SQLite desks are files under ``--keep`` (a temporary directory without it; an existing desk
of the right size there is reused); PostgreSQL desks are databases ``million_bench_<size>``
at 127.0.0.1 (made from ``million_bench_seed`` as a template; reused with ``--keep``;
``--pg-prefix`` names them otherwise).

Measured as whole processes (``python -m deskline``, peak RSS of the child from
``os.wait4``, wall time): ``list --limit 50``, ``list --jsonl`` (all open), ``export
--format jsonl``, ``dashboard --once``, ``report weekly``, ``sla recompute`` (last: it
writes); the workspace's first paint, as a user sees it: the app started in tmux at
160x48 until the pane shows the queue's rows (``capture-pane`` polled; as on a user's
machine, Python keeps its bytecode: PYTHONDONTWRITEBYTECODE, which this environment sets,
is unset for the app, and the second of two starts is timed); and in-process the
watcher's quiet wake-up (``SlaWatcher.run_due`` finding nothing due, then ``next_wake``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench_startup import FROZEN

PY = sys.executable
PG = "postgresql://postgres@127.0.0.1"
ADMIN = "bench.admin"  # added to each desk: export and recompute are for admins
DEMO_ADMIN = "sven.lind"  # the demo's own admin, who adds it
OPEN = ("new", "assigned", "in_progress", "pending")
OPEN_SHARE = 0.2
YEARS_DAYS = 3 * 365  # closed copies spread over this many days back
SEARCH = importlib.import_module("deskline.storage.migrations.versions.0011_search_views")

# Indexes proposed for a migration (``--indexes`` adds them to the desks before measuring):
# the dashboard's trends (and the reports) read tickets by these instants in a recent span.
INDEXES = {
    "ix_ticket_first_response_at": "ticket (first_response_at)",
    "ix_ticket_resolved_at": "ticket (resolved_at)",
    "ix_ticket_first_response_due_at": "ticket (first_response_due_at)",
    "ix_ticket_resolution_due_at": "ticket (resolution_due_at)",
    # an agent's running tickets in queue order (My tickets' head, the workspace's first
    # paint): without it SQLite reads all of the agent's tickets by ix_ticket_assignee_id
    # and sorts them
    "ix_ticket_assignee_queue": "ticket (assignee_id, next_due_at, number) "
    "WHERE next_due_at IS NOT NULL",
}

# name: (deskline arguments, what the target bounds: "s" wall time, "MB" peak RSS, "x" the
# time's ratio of the largest desk to the smallest), target
COMMANDS: dict[str, tuple[list[str], str, float | None]] = {
    "list --limit 50": (["list", "--limit", "50"], "x", 1.5),
    "list --jsonl (open)": (["list", "--jsonl"], "MB", 150),
    "export --format jsonl": (["export", "--format", "jsonl"], "MB", 150),
    "dashboard --once": (["dashboard", "--once"], "s", 3.0),
    "report weekly": (["report", "weekly"], "s", None),
    "sla recompute": (["sla", "recompute"], "MB", 150),
}


# -- building the desks ------------------------------------------------------------------


class Backend:
    """Where a desk lives, and the few SQL words that differ."""

    name = ""

    def url(self, size: int | str) -> str:
        raise NotImplementedError

    def connect(self, size: int | str) -> Any:
        raise NotImplementedError

    def exists(self, size: int) -> bool:
        raise NotImplementedError

    def fresh(self, size: int) -> None:
        """A copy of the seed desk to grow to ``size``."""
        raise NotImplementedError

    def series(self, n: int) -> str:
        raise NotImplementedError

    def shifted(self, column: str) -> str:
        """``column`` moved back by ``m.days`` days."""
        raise NotImplementedError


class Sqlite(Backend):
    name = "sqlite"

    def __init__(self, where: Path) -> None:
        self.where = where

    def url(self, size: int | str) -> str:
        return str(self.where / f"desk-{size}.db")

    def connect(self, size: int | str) -> sqlite3.Connection:
        conn = sqlite3.connect(self.url(size), isolation_level=None)
        conn.execute("PRAGMA synchronous=OFF")
        return conn

    def exists(self, size: int) -> bool:
        return Path(self.url(size)).exists() and tickets_in(self, size) == size

    def fresh(self, size: int) -> None:
        seed = sqlite3.connect(self.url("seed"))
        seed.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seed.close()
        shutil.copy(self.url("seed"), self.url(size))

    def series(self, n: int) -> str:
        return (
            f"WITH RECURSIVE s(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM s WHERE j + 1 < {n}) "
            "SELECT j FROM s"
        )

    def shifted(self, column: str) -> str:
        # As SQLAlchemy writes them, "YYYY-MM-DD HH:MM:SS.ffffff": the date moved, the
        # fraction kept.
        return (
            f"CASE WHEN m.days = 0 OR {column} IS NULL THEN {column} ELSE "
            f"strftime('%Y-%m-%d %H:%M:%S', {column}, '-' || m.days || ' days') "
            f"|| substr({column}, 20) END"
        )


class Postgres(Backend):
    name = "postgresql"

    def __init__(self, prefix: str = "million_bench") -> None:
        self.prefix = prefix

    def url(self, size: int | str) -> str:
        return f"{PG}/{self.prefix}_{size}"

    def connect(self, size: int | str) -> Any:
        import psycopg

        return psycopg.connect(self.url(size), autocommit=True)

    def exists(self, size: int) -> bool:
        try:
            return tickets_in(self, size) == size
        except Exception:
            return False

    def fresh(self, size: int) -> None:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.prefix}_{size}")
            conn.execute(f"CREATE DATABASE {self.prefix}_{size} TEMPLATE {self.prefix}_seed")

    def series(self, n: int) -> str:
        return f"SELECT j FROM generate_series(0, {n - 1}) AS s(j)"

    def shifted(self, column: str) -> str:
        return f"{column} - m.days * interval '1 day'"


def tickets_in(backend: Backend, size: int | str) -> int:
    conn = backend.connect(size)
    try:
        return int(conn.execute("SELECT count(*) FROM ticket").fetchone()[0])
    finally:
        conn.close()


def deskline(backend: Backend, size: int | str, *words: str) -> list[str]:
    return [PY, "-m", "deskline", "--db", backend.url(size), *words]


def environment(**more: str) -> dict[str, str]:
    env = {**os.environ, "DESKLINE_NOW": FROZEN, "DESKLINE_AS": ADMIN, "TZ": "UTC", **more}
    env.pop("DESKLINE_CONFIG", None)
    return env


def build_seed(backend: Backend, tickets: int, home: Path) -> None:
    if isinstance(backend, Postgres):
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {backend.prefix}_seed")
            conn.execute(f"CREATE DATABASE {backend.prefix}_seed")
    print(f"{backend.name}: a demo desk of {tickets} tickets ...", flush=True)
    env = environment(HOME=str(home), DESKLINE_AS="bench")
    done = subprocess.run(
        deskline(backend, "seed", "demo", "--no-open", "--tickets", str(tickets)),
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"the demo desk was not built:\n{done.stderr}")
    done = subprocess.run(
        deskline(backend, "seed", "agents", "add", ADMIN, "--name", "Bench", "--role", "admin"),
        env=dict(env, DESKLINE_AS=DEMO_ADMIN),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"the admin was not added:\n{done.stderr}")


def time_columns(table: str) -> set[str]:
    from deskline.storage.columns import UtcDateTime
    from deskline.storage.models import SQLModel

    columns = SQLModel.metadata.tables[table].c
    return {c.name for c in columns if isinstance(c.type, UtcDateTime)}


def columns_of(conn: Any, backend: Backend, table: str) -> list[str]:
    if isinstance(backend, Sqlite):
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    found = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position",
        (table,),
    )
    return [r[0] for r in found]


def copied(conn: Any, backend: Backend, table: str, special: dict[str, str]) -> tuple[str, str]:
    """The column list of ``table`` and what each is selected as: ``special`` ones as given,
    times moved back, the rest as the seed's row (``x``) has them."""
    names = [c for c in columns_of(conn, backend, table) if c != "id" or "id" in special]
    times = time_columns(table)
    picked = [
        special[c] if c in special else backend.shifted(f"x.{c}") if c in times else f"x.{c}"
        for c in names
    ]
    return ", ".join(names), ", ".join(picked)


def add_indexes(backend: Backend, size: int) -> None:
    began = time.perf_counter()
    conn = backend.connect(size)
    for name, on in INDEXES.items():
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")
    conn.execute("ANALYZE" if isinstance(backend, Postgres) else "SELECT 1")
    conn.close()
    print(f"{backend.name}: {size:,}: the proposed indexes in {time.perf_counter() - began:.0f} s")


def grow(backend: Backend, size: int) -> None:
    """The seed desk copied, then grown to ``size`` tickets (see the module's text)."""
    began = time.perf_counter()
    backend.fresh(size)
    conn = backend.connect(size)
    sql = conn.execute
    statuses = ", ".join(f"'{s}'" for s in OPEN)
    have, top, top_number = sql("SELECT count(*), max(id), max(number) FROM ticket").fetchone()
    (have_open,) = sql(f"SELECT count(*) FROM ticket WHERE status IN ({statuses})").fetchone()
    adding = size - have
    opening = max(0, round(size * OPEN_SHARE) - have_open)
    closing = adding - opening
    if isinstance(backend, Sqlite):
        sql("BEGIN")
        for name in SEARCH.SQLITE_TRIGGERS:
            sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        sql("SET session_replication_role = replica")  # no triggers, no FK checks
        sql("SET maintenance_work_mem = '1GB'")
        sql("DROP INDEX IF EXISTS ix_ticket_text_trigram")
        sql("BEGIN")
    for name, test in (("open", f"IN ({statuses})"), ("closed", f"NOT IN ({statuses})")):
        sql(f"CREATE TABLE bench_{name} (k INTEGER PRIMARY KEY, src INTEGER NOT NULL)")
        sql(
            f"INSERT INTO bench_{name} SELECT row_number() OVER (ORDER BY id) - 1, id "
            f"FROM ticket WHERE status {test}"
        )
    (n_open,) = sql("SELECT count(*) FROM bench_open").fetchone()
    (n_closed,) = sql("SELECT count(*) FROM bench_closed").fetchone()
    sql("CREATE TABLE bench_map (new_id INTEGER PRIMARY KEY, src INTEGER NOT NULL, days INTEGER)")
    sql(
        f"INSERT INTO bench_map SELECT {top} + 1 + j, CASE WHEN j < {closing} "
        f"THEN (SELECT src FROM bench_closed WHERE k = j % {n_closed}) "
        f"ELSE (SELECT src FROM bench_open WHERE k = (j - {closing}) % {n_open}) END, "
        f"CASE WHEN j < {closing} THEN (({closing} - j) * {YEARS_DAYS}) / {closing} + 1 "
        f"ELSE 0 END FROM ({backend.series(adding)}) AS s"
    )
    listed, picked = copied(
        conn,
        backend,
        "ticket",
        {"id": "m.new_id", "number": f"m.new_id - {top} + {top_number}", "external_id": "NULL"},
    )
    sql(
        f"INSERT INTO ticket ({listed}) SELECT {picked} FROM bench_map m "
        "JOIN ticket x ON x.id = m.src ORDER BY m.new_id"
    )
    for table in ("comment", "event"):
        listed, picked = copied(conn, backend, table, {"ticket_id": "m.new_id"})
        sql(
            f"INSERT INTO {table} ({listed}) SELECT {picked} FROM bench_map m "
            f"JOIN {table} x ON x.ticket_id = m.src ORDER BY m.new_id, x.id"
        )
    sql(f"UPDATE key_counter SET value = {size - top + top_number} WHERE name = 'ticket'")
    fill = SEARCH.SQLITE_FILL if isinstance(backend, Sqlite) else SEARCH.PG_FILL
    sql(fill + f" WHERE t.id > {top}")
    for name in ("bench_open", "bench_closed", "bench_map"):
        sql(f"DROP TABLE {name}")
    sql("COMMIT")
    if isinstance(backend, Sqlite):
        for name, body in SEARCH.SQLITE_TRIGGERS.items():
            sql(f"CREATE TRIGGER {name} {body}")
        sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        sql("SET session_replication_role = origin")
        (schema,) = sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        ).fetchone() or (None,)
        if schema:
            sql(
                "CREATE INDEX ix_ticket_text_trigram ON ticket_text "
                f'USING gin (body "{schema}".gin_trgm_ops)'
            )
        sql("VACUUM ANALYZE")  # as autovacuum would have by the time a desk is this big
    counts = {
        t: sql(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("ticket", "comment", "event")
    }
    (open_now,) = sql(f"SELECT count(*) FROM ticket WHERE status IN ({statuses})").fetchone()
    conn.close()
    print(
        f"{backend.name}: {size:,} tickets ({open_now:,} open), {counts['comment']:,} "
        f"comments, {counts['event']:,} events, built in {time.perf_counter() - began:.0f} s",
        flush=True,
    )


# -- measuring ---------------------------------------------------------------------------

Figure = tuple[float, float, float] | None  # (wall seconds, MB, CPU seconds)


def run_process(command: list[str], env: dict[str, str]) -> Figure:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one process, as
    ``/usr/bin/time`` reports them: its own small process forks the command, so the
    figure is the command's alone, not this benchmark's (a child forked from a big
    process starts with its pages). None when it failed (exit 2 of ``dashboard --once``:
    something is breached, it ran)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        timed = ["/usr/bin/time", "-q", "-o", report.name, "-f", "%e %M %U %S", *command]
        done = subprocess.run(timed, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode not in (0, 2) or (done.returncode == 2 and "dashboard" not in command):
            print(
                f"  ({' '.join(command[4:])} failed: {done.stderr.decode(errors='replace')[:300]})"
            )
            return None
        wall, kib, user, system = (float(v) for v in report.read().split()[-4:])
    return wall, kib / 1024, user + system


def measure_commands(backend: Backend, size: int, only: set[str]) -> dict[str, Figure]:
    found: dict[str, Figure] = {}
    for name, (words, _, _) in COMMANDS.items():
        if only and name not in only:
            continue
        runs = 3 if name == "list --limit 50" else 1  # the fastest of three: a ratio of it
        best: Figure = None
        for _ in range(runs):
            got = run_process(deskline(backend, size, *words), environment())
            if got is not None and (best is None or got[2] < best[2]):
                best = got
        found[name] = best
        print(f"  {backend.name} {size:>9,} {name:22} {show(best)}", flush=True)
    return found


def show(figure: Figure) -> str:
    if figure is None:
        return "failed"
    return f"{figure[0]:7.2f} s {figure[1]:6.0f} MB {figure[2]:7.2f} s CPU"


def first_paint(
    backend: Backend, size: int | str, home: Path, *, width: int = 160, height: int = 48
) -> float | None:
    """Seconds from starting ``deskline`` in tmux until its pane shows queue rows (a ticket
    key and an SLA figure on a line), polled every 10 ms; None if not within 60 s. The
    second of two starts: the first writes the bytecode a user's install keeps."""
    first = paint_once(backend, size, home, width=width, height=height)
    return first if first is None else paint_once(backend, size, home, width=width, height=height)


def paint_once(
    backend: Backend, size: int | str, home: Path, *, width: int, height: int
) -> float | None:
    session = f"million-paint-{os.getpid()}"
    env = " ".join(
        f"{k}={v}"
        for k, v in environment(HOME=str(home), PYTHONPATH=os.environ.get("PYTHONPATH", "")).items()
        if k in ("DESKLINE_NOW", "DESKLINE_AS", "TZ", "HOME", "PYTHONPATH")
    )
    command = f"env -u PYTHONDONTWRITEBYTECODE {env} {' '.join(deskline(backend, size))}"
    began = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), command],
        check=True,
    )
    try:
        while time.perf_counter() - began < 60:
            pane = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if sum(1 for line in pane.splitlines() if "T-" in line) >= 3:
                return time.perf_counter() - began
            time.sleep(0.01)
        return None
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


PILOT = ("paint in-proc (All open)", "paint in-proc (Mine)")
HOLDER = "priya.nair"  # a demo agent holding tickets: opens on My tickets (bench.admin: All open)


def pilot_paint(backend: Backend, size: int, handle: str) -> float:
    """In-process: seconds from creating the app (headless, 160x48) to the first frame
    showing the queue with its visible rows (``bench_workspace``'s measure)."""
    import asyncio

    from bench_workspace import Frames, queue_of, settle, shown

    from deskline.core.desk.tickets import Desk
    from deskline.storage.engine import resolve_url
    from deskline.storage.store import Store
    from deskline.tui.workspace.app import DesklineApp

    now = datetime.fromisoformat(FROZEN)

    async def paint() -> float:
        store = Store(resolve_url(backend.url(size)))
        began = time.perf_counter()
        app = DesklineApp(Desk(store, handle, now=lambda: now))
        frames = Frames(app)
        frames.until(lambda: shown(queue_of(app)))
        async with app.run_test(size=(160, 48)):
            seconds = await frames.wait(began)
            await settle(app)
        store.close()
        return seconds

    return asyncio.run(paint())


def quiet_wake(backend: Backend, size: int) -> float | None:
    """Median seconds of one quiet watcher wake-up (``SlaWatcher._sweep`` finding nothing
    due: the lease, the look for anything due, the next wake from that read), in-process,
    50 of them a second apart, before the earliest next check."""
    from deskline.core.alerts.watcher import SlaWatcher
    from deskline.core.config.alerts import AlertRules
    from deskline.core.desk.tickets import Desk
    from deskline.storage import alerts as rows
    from deskline.storage.engine import resolve_url
    from deskline.storage.store import Store

    store = Store(resolve_url(backend.url(size)))
    try:
        with store.read() as s:
            earliest = rows.earliest_check(s)
        if earliest is None:
            return None
        at = earliest - timedelta(minutes=5)
        clock = [at]
        desk = Desk(store, ADMIN, now=lambda: clock[0])
        watcher = SlaWatcher(store, desk, AlertRules(), now=lambda: clock[0])
        watcher.run_due(at)  # takes the lease
        costs = []
        for step in range(50):
            clock[0] = at + timedelta(seconds=step)
            t = time.perf_counter()
            watcher._sweep()  # what a wake-up runs: a pass, and the next wake from its read
            costs.append(time.perf_counter() - t)
        with store.read() as s:
            assert rows.earliest_check(s) == earliest, "a quiet cycle fired"
        watcher.stop()
        costs.sort()
        print(
            f"  quiet wake-up: fastest {costs[0] * 1000:.2f} ms, median "
            f"{costs[len(costs) // 2] * 1000:.2f} ms (a busy machine shows in the median)"
        )
        return costs[len(costs) // 2]
    finally:
        store.close()


# -- the report --------------------------------------------------------------------------


def verdict(value: float | None, target: float | None) -> str:
    if target is None or value is None:
        return ""
    return "ok" if value <= target else "MISSED"


def report(
    figures: dict[tuple[str, str, int], Figure], backends: list[str], sizes: list[int]
) -> None:
    """A line per measurement and backend: wall seconds, CPU seconds and MB at each size,
    the ratios of the largest size to the smallest, and the target with its verdict."""
    small, large = sizes[0], sizes[-1]
    names = [*COMMANDS, "workspace first paint", *PILOT, "watcher quiet wake-up"]
    targets: dict[str, tuple[str, float | None]] = {n: (u, t) for n, (_, u, t) in COMMANDS.items()}
    targets["workspace first paint"] = ("s", 1.0)
    targets.update({name: ("s", 1.0) for name in PILOT})
    targets["watcher quiet wake-up"] = ("ms", 10.0)
    head = "".join(f"{f'{s // 1000}k wall':>10}{'CPU':>7}{'MB':>6}" for s in sizes)
    print(f"\n{'':24}{'backend':>11}{head}{'wall x':>8}{'CPU x':>7}{'MB x':>6}  target")
    for name in names:
        unit, target = targets[name]
        for label in backends:
            cells = ""
            for size in sizes:
                got = figures.get((name, label, size))
                if got is None:
                    cells += f"{'-':>23}"
                elif unit == "ms":
                    cells += f"{got[0] * 1000:8.2f}ms{'':13}"
                elif got[1]:
                    cells += f"{got[0]:10.2f}{got[2]:7.2f}{got[1]:6.0f}"
                else:
                    cells += f"{got[0]:10.2f}{'':13}"
            lo, hi = figures.get((name, label, small)), figures.get((name, label, large))
            ratios, value = f"{'':21}", None
            if lo and hi and small != large:
                cpu = f"{hi[2] / lo[2]:7.2f}" if lo[2] else f"{'':7}"
                mb = f"{hi[1] / lo[1]:6.2f}" if lo[1] else f"{'':6}"
                ratios = f"{hi[0] / lo[0]:8.2f}{cpu}{mb}"
            if hi:
                if unit == "x":
                    value = hi[2] / lo[2] if lo and lo[2] else None
                else:
                    value = {"s": hi[0], "MB": hi[1], "ms": hi[0] * 1000}[unit]
            mark = ""
            if target is not None:
                bound = f"CPU 1M/100k <= {target:g}x" if unit == "x" else f"{unit} <= {target:g}"
                mark = f"{bound}: {verdict(value, target)}"
            print(f"{name:24}{label:>11}{cells}{ratios}  {mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--seed", type=int, default=2000, help="tickets of the demo desk")
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the SQLite desks here")
    parser.add_argument("--only", nargs="+", default=[], help="only these measurements")
    parser.add_argument(
        "--indexes", action="store_true", help="add the proposed indexes (INDEXES) first"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build the desks, measure nothing"
    )
    parser.add_argument(
        "--pg-prefix",
        default="million_bench",
        help="the PostgreSQL desks' names: PREFIX_seed, PREFIX_<size>",
    )
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    only = set(args.only)

    with tempfile.TemporaryDirectory(prefix="bench-million-") as tmp:
        where = Path(args.keep or tmp)
        where.mkdir(parents=True, exist_ok=True)
        home = where / "home"
        backends: list[Backend] = []
        for name in args.backends:
            backends.append(Sqlite(where) if name == "sqlite" else Postgres(args.pg_prefix))
        figures: dict[tuple[str, str, int], Figure] = {}
        for backend in backends:
            if not (args.keep and all(backend.exists(s) for s in sizes)):
                if not (args.keep and seed_exists(backend)):
                    build_seed(backend, args.seed, home)
                for size in sizes:
                    if not (args.keep and backend.exists(size)):
                        grow(backend, size)
            if args.build_only:
                continue
            if not only or "workspace first paint" in only:  # the floor: a 2k-ticket desk
                floor = first_paint(backend, "seed", home)
                print(f"  {backend.name} the seed desk: first paint {floor}", flush=True)
            for size in sizes:
                if args.indexes:
                    add_indexes(backend, size)
                for name, got in measure_commands(backend, size, only).items():
                    figures[(name, backend.name, size)] = got
                if not only or "workspace first paint" in only:
                    paint = first_paint(backend, size, home)
                    figures[("workspace first paint", backend.name, size)] = (
                        None if paint is None else (paint, 0.0, 0.0)
                    )
                    print(f"  {backend.name} {size:>9,} first paint {paint}", flush=True)
                for handle in (ADMIN, HOLDER):
                    name = PILOT[0] if handle == ADMIN else PILOT[1]
                    if not only or name in only:
                        took = pilot_paint(backend, size, handle)
                        figures[(name, backend.name, size)] = (took, 0.0, 0.0)
                        print(f"  {backend.name} {size:>9,} {name} {took:.2f}", flush=True)
                if not only or "watcher quiet wake-up" in only:
                    wake = quiet_wake(backend, size)
                    figures[("watcher quiet wake-up", backend.name, size)] = (
                        None if wake is None else (wake, 0.0, 0.0)
                    )
                    print(f"  {backend.name} {size:>9,} quiet wake-up {wake}", flush=True)
        if not args.build_only:
            report(figures, [b.name for b in backends], sizes)


def seed_exists(backend: Backend) -> bool:
    try:
        return tickets_in(backend, "seed") > 0
    except Exception:
        return False


if __name__ == "__main__":
    main()
