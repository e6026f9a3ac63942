"""How fast ``deskline import`` brings a desk in, beside raw inserts of the same rows.

    python benchmarks/bench_import.py [--tickets 100000] [--backend sqlite|postgresql|both]
        [--name bench]

PostgreSQL: the database of ``DESKLINE_TEST_PG``, a schema per desk named after ``--name``
(``NAME_import_PID``, ``NAME_raw_PID``), dropped after.

A CSV of N tickets (70% closed, 10% resolved, 20% open; 500 customers, 5,000 requesters,
24 categories, 6 agents) and a comments CSV of 3N is written once. Then, per backend, on a
fresh desk with the agents enrolled:

1. ``deskline import FILE --comments FILE`` runs as a child process (pipe: no progress
   bar): its wall time, tickets/s, and its peak memory (``ru_maxrss`` of that child).
   Targets: >= 5,000 tickets/s; <= 300 MB.
2. Baseline, same run: every row the import wrote (tickets, comments, audit events, past
   alerts, change feed, customers, categories, contacts), read back and put into the same
   tables of another fresh desk with the driver's own ``executemany``, one transaction per
   5,000 rows: the floor the import is measured against. Target: the import within 5x.
   The floor is without the search index: its triggers are off on that desk (the import
   indexes its tickets too; with the triggers on, each comment would rewrite its
   ticket's row of the index and the "floor" costs more than the import).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from deskline.core.roster.agents import Roster  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

PG_URL = os.environ.get("DESKLINE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NAME = "bench"  # the PostgreSQL schemas' and connections' prefix (--name)
AGENTS = [("ana", "Ana Silva"), ("bo", "Bo Wang"), ("cy", "Cy Diaz"), ("di", "Di Okafor")]
AGENTS += [("ed", "Ed Berg"), ("flo", "Flo Marin")]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
COLUMNS = (
    "external_id,subject,description,requester_email,requester_name,customer,status,priority,"
    "category,tags,team,assignee,channel,created_at,updated_at,first_response_at,solved_at,"
    "closed_at"
).split(",")


def iso(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ") if at else ""


def write_files(work: Path, n: int) -> tuple[Path, Path]:
    rng = random.Random(19)
    tickets, comments = work / "tickets.csv", work / "comments.csv"
    cats = [f"Area {a}/Topic {b}" for a in range(6) for b in range(4)]
    with tickets.open("w", newline="") as tf, comments.open("w", newline="") as cf:
        tw, cw = csv.writer(tf), csv.writer(cf)
        tw.writerow(COLUMNS)
        cw.writerow(["external_id", "author", "public", "created_at", "body"])
        for i in range(n):
            created = NOW - timedelta(minutes=rng.randint(60, 60 * 24 * 400))
            roll = rng.random()
            status = "closed" if roll < 0.7 else "resolved" if roll < 0.8 else "in_progress"
            first = created + timedelta(minutes=rng.randint(5, 600))
            solved = created + timedelta(hours=rng.randint(1, 200))
            solved = min(solved, NOW - timedelta(minutes=5))
            first = min(first, solved)
            closed = min(solved + timedelta(hours=rng.randint(1, 72)), NOW)
            agent = AGENTS[i % len(AGENTS)]
            c = rng.randint(0, 4999)
            tw.writerow(
                [
                    f"EXT-{i}",
                    f"Ticket {i}: the export screen fails on report {rng.randint(1, 999)}",
                    "Steps: open the report, press export, wait. " * rng.randint(1, 4),
                    f"person{c}@customer{c % 500}.example",
                    f"Person {c}",
                    f"Customer {c % 500}",
                    status,
                    rng.choice(("P0", "P1", "P2", "P2", "P3")),
                    rng.choice(cats),
                    "import,bench",
                    "",
                    agent[0],
                    rng.choice(("email", "web", "chat", "phone")),
                    iso(created),
                    iso({"closed": closed, "resolved": solved}.get(status, first)),
                    iso(first),
                    iso(solved) if status != "in_progress" else "",
                    iso(closed) if status == "closed" else "",
                ]
            )
            for k in range(3):
                at = created + timedelta(minutes=10 * (k + 1))
                cw.writerow(
                    [
                        f"EXT-{i}",
                        agent[0] if k != 1 else f"Person {c}",
                        "false" if k == 2 else "true",
                        iso(at),
                        f"Comment {k} on ticket {i}: we looked at it and here is what we found.",
                    ]
                )
    return tickets, comments


def fresh_desk(backend: str, work: Path, name: str) -> tuple[str, object]:
    """A new desk's URL (and what drops it afterwards), with the agents enrolled."""
    if backend == "sqlite":
        url = f"sqlite:///{work / name}.db"
        drop = None
    else:
        schema = f"{NAME}_{name}_{os.getpid()}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
        drop = (admin, schema)
    store = Store.open(url)
    roster = Roster(store)
    roster.add("ada", name="Ada Admin", role="admin", team="Support")
    for handle, full in AGENTS:
        roster.add(handle, name=full, team="Support")
    store.close()
    return url, drop


class ServerCpu:
    """PostgreSQL: the CPU seconds of the server processes serving connections named
    ``name`` (``application_name``), read from /proc while they live, every 0.1 s (the
    last tenth of a second of each is missed: a floor)."""

    def __init__(self, name: str) -> None:
        self.name, self.seen, self.running = name, {}, True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        import psycopg

        tick = os.sysconf("SC_CLK_TCK")
        with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql")) as conn:
            conn.autocommit = True
            while self.running:
                pids = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.name,)
                ).fetchall()
                for (pid,) in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / tick
                time.sleep(0.1)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return sum(self.seen.values())


def run_import(
    url: str, tickets: Path, comments: Path, work: Path
) -> tuple[float, float, float, float | None, str]:
    """Wall seconds, CPU seconds and peak MB of the child (its own rusage), the database
    server's CPU seconds for it (PostgreSQL), its first output line."""
    server = None
    if not url.startswith("sqlite"):
        name = f"{NAME}_import_{os.getpid()}"
        url, server = f"{url}&application_name={name}", ServerCpu(name)
    cmd = [sys.executable, "-m", "deskline", "--db", url, "--as", "ada", "import", str(tickets)]
    cmd += ["--comments", str(comments)]
    out, err = work / "import.out", work / "import.err"
    t0 = time.perf_counter()
    with out.open("wb") as o, err.open("wb") as e:
        child = subprocess.Popen(cmd, stdout=o, stderr=e)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
    wall = time.perf_counter() - t0
    served = server.stop() if server is not None else None
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"import failed: {err.read_text()[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, served, out.read_text().strip().splitlines()[0]


# What the import wrote, table by table (in an order their references allow).
COPIED = {
    "customer": "SELECT * FROM customer",
    "category": "SELECT * FROM category",
    "contact": "SELECT * FROM contact",
    "contact_email": "SELECT * FROM contact_email",
    "ticket": "SELECT * FROM ticket",
    "comment": "SELECT * FROM comment",
    "event": "SELECT * FROM event WHERE ticket_id IS NOT NULL",
    "alert": "SELECT * FROM alert",
    "change": "SELECT * FROM change WHERE ticket_id IS NOT NULL",
}


def connect(backend: str, url: str):  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn, "?"
    import psycopg

    plain = url.replace("postgresql+psycopg", "postgresql")
    return psycopg.connect(plain, autocommit=True), "%s"


def written_rows(backend: str, url: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row the import wrote: the floor is putting exactly these in again."""
    conn, _ = connect(backend, url)
    found = {}
    for table, sql in COPIED.items():
        cur = conn.cursor()
        cur.execute(sql.replace(" change", ' "change"') if backend != "sqlite" else sql)
        names = [d[0] for d in cur.description]
        found[table] = (names, [tuple(map(_plain, r)) for r in cur.fetchall()])
    conn.close()
    return found


def _plain(value: object) -> object:
    """JSON read back (PostgreSQL gives dicts) as the text the driver sends."""
    return json.dumps(value) if isinstance(value, dict | list) else value


def run_raw(
    backend: str, url: str, rows: dict[str, tuple[list[str], list[tuple]]]
) -> tuple[float, float, float | None]:
    """The same rows into the same tables of a fresh desk: the driver's executemany, one
    transaction per 5,000 rows of a table. Wall seconds, this process's CPU seconds, the
    server's (PostgreSQL)."""
    per = 5000
    server = None
    if backend != "sqlite":
        name = f"{NAME}_raw_{os.getpid()}"
        url, server = f"{url}&application_name={name}", ServerCpu(name)
    conn, mark = connect(backend, url)
    cur = conn.cursor()
    for table, trigger in (("ticket", "ticket_text_made"), ("comment", "ticket_text_comment")):
        if backend == "sqlite":
            cur.execute(f"DROP TRIGGER {trigger}")
        else:
            cur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {trigger}')
    t0, c0 = time.perf_counter(), time.process_time()
    for table, (names, values) in rows.items():
        quoted = ", ".join(f'"{n}"' for n in names)
        sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join([mark] * len(names))})'
        for i in range(0, len(values), per):
            cur = conn.cursor()
            cur.execute("BEGIN")
            cur.executemany(sql, values[i : i + per])
            cur.execute("COMMIT")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    conn.close()
    return wall, cpu, server.stop() if server is not None else None


def drop(what: object) -> None:
    if what is not None:
        admin, schema = what  # type: ignore[misc]
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    global NAME
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--name", default=NAME, help="PostgreSQL schemas' prefix")
    args = parser.parse_args()
    NAME = args.name
    n = args.tickets
    work = Path(tempfile.mkdtemp(prefix="deskline-bench-import-"))
    t0 = time.perf_counter()
    tickets, comments = write_files(work, n)
    print(f"files: {n:,} tickets, {3 * n:,} comments ({time.perf_counter() - t0:.1f} s to write)")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    # Every import first, while this process is small: ru_maxrss survives fork and exec, so
    # a parent grown by reading the rows back would be the next child's peak.
    imported = {}
    for backend in backends:
        url, dropped = fresh_desk(backend, work, "import")
        load = os.getloadavg()[0]
        imported[backend] = (url, dropped, load, *run_import(url, tickets, comments, work))
        print(f"{backend}: {imported[backend][-1]}")
    for backend in backends:
        url, dropped, load, wall, cpu, peak, served, _ = imported[backend]
        print(
            f"{backend}: import {wall:.1f} s = {n / wall:,.0f} tickets/s (target >= 5,000); "
            f"peak memory {peak:.0f} MB (target <= 300)"
        )
        server = (
            "the database server's not counted"
            if served is None
            else f"the database server's for it {served:.1f} s more: client and server "
            f"{n / (cpu + served):,.0f} tickets per CPU second"
        )
        print(
            f"{backend}: the import's own CPU {cpu:.1f} s = {n / cpu:,.0f} tickets per CPU "
            f"second ({server}); load average {load:.1f} at its start on {os.cpu_count()} "
            "cores"
        )
        written = written_rows(backend, url)
        raw_url, raw_drop = fresh_desk(backend, work, "raw")
        raw, raw_cpu, raw_served = run_raw(backend, raw_url, written)
        count = sum(len(v) for _, v in written.values())
        print(
            f"{backend}: raw executemany of the same {count:,} rows into the same tables "
            "(no search index) "
            f"{raw:.1f} s = {n / raw:,.0f} tickets/s; import / raw = {wall / raw:.1f}x "
            "(target <= 5x)"
        )
        more = "" if raw_served is None else f", the server's {raw_served:.1f} s"
        both = cpu + (served or 0)
        print(
            f"{backend}: raw CPU {raw_cpu:.1f} s{more}; import / raw in CPU seconds "
            f"(client and server) = {both / (raw_cpu + (raw_served or 0)):.1f}x"
        )
        drop(dropped)
        drop(raw_drop)
        del written
        gc.collect()


if __name__ == "__main__":
    main()
