"""What the archive costs the live queue: the queue's reads on a desk of LIVE live tickets
with ARCHIVED archived ones beside a desk of the LIVE live tickets alone (the ratio should
be about 1x: archived tickets are closed, and the queue's indexes lead with the open
statuses and the running clocks, where no archived ticket is).

Run from the repository root: ``python benchmarks/bench_archive.py [--live 100000]
[--archived 900000] [--backend sqlite|postgresql] [--repeat 15]``. Each desk is built
set-based in SQL (one INSERT ... SELECT over a generated series; the search index's
triggers are set aside while it fills: search is not what is measured), in a temporary
SQLite file or a PostgreSQL database of its own (``createdb``, dropped afterwards). Of the
live tickets 80 % are open (new, assigned, in progress, pending) with running clocks, 20 %
closed in the last month; the archived ones closed 100 days to three years ago. Then, for
each desk, the median of REPEAT runs of:

- ``list --limit 50``: the queue's first 50 tickets with their clocks read (the read path
  ``deskline list`` uses);
- the due clocks: the watcher's earliest next check and the tickets due now (up to 200);
- the workspace header's counts (open, at risk, breached) and "My tickets" (50);
- ``archive run --dry-run``: counting what the nightly run would archive.

``--no-partial`` drops the partial index on an agent's live tickets first: "My tickets"
then reads every ticket the agent ever held, the archive's too (what it cost before it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from deskline.core.desk import archive  # noqa: E402
from deskline.core.desk.queue import Queue  # noqa: E402
from deskline.core.desk.reading import Reader  # noqa: E402
from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.core.roster.agents import Roster  # noqa: E402
from deskline.core.sla.defaults import default_rules  # noqa: E402
from deskline.storage import alerts as alert_rows  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
AGENTS = 20
ME = "agent1"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432"

# One ticket per number n of the series: the first ARCHIVED are archived (the oldest), the
# rest live: one in five closed, the others open by n % 4. Times in seconds before NOW.
COLUMNS = (
    "number, title, description, priority, status, channel, tags, assignee_id, team_id, "
    "created_at, updated_at, status_at, first_response_at, first_response_due_at, "
    "resolution_due_at, paused_at, next_check_at, next_due_at, at_risk_at, resolved_at, "
    "closed_at, archived_at, pause_credit_seconds, escalation_level, reopen_count, version"
)
STATUS = (
    "CASE WHEN n <= :archived OR n % 5 = 0 THEN 'closed' ELSE "
    "CASE n % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'assigned' WHEN 2 THEN 'in_progress' "
    "ELSE 'pending' END END"
)
OPEN = "(n > :archived AND n % 5 <> 0)"
PAUSED = f"({OPEN} AND n % 4 = 3)"
RUNNING = f"({OPEN} AND n % 4 <> 3)"


def values(at: Callable[[str], str]) -> str:
    """The SELECT list for one backend; ``at(seconds)``: NOW minus that many seconds."""
    age = (
        "(CASE WHEN n <= :archived THEN 8640000 + (:archived - n) * 90 ELSE (:total - n) * 20 END)"
    )
    due = "(n % 86400 - 3600)"  # from an hour overdue to a day ahead: some breached
    closed = f"CASE WHEN {OPEN} THEN NULL ELSE {at(age + ' - 3600')} END"
    return ", ".join(
        (
            "n",
            "'Ticket number ' || n",
            "''",
            "'P' || (n % 4)",
            STATUS,
            "'web'",
            "''",
            "CASE WHEN n % 4 = 0 THEN NULL ELSE n % :agents + 1 END",
            "n % 3 + 1",
            at(age),
            at(age + " - 3600"),
            at(age + " - 60"),
            f"CASE WHEN n % 4 = 0 AND {OPEN} THEN NULL ELSE {at(age + ' - 600')} END",
            at(age + " - 3600"),
            at(f"CASE WHEN {OPEN} THEN -{due} ELSE {age} - 86400 END"),
            f"CASE WHEN {PAUSED} THEN {at('600')} ELSE NULL END",
            f"CASE WHEN {RUNNING} THEN {at(f'-{due} + 1800')} ELSE NULL END",
            f"CASE WHEN {RUNNING} THEN {at(f'-{due}')} ELSE NULL END",
            f"CASE WHEN {RUNNING} THEN {at(f'-{due} + 3600')} ELSE NULL END",
            closed,
            closed,
            f"CASE WHEN n <= :archived THEN {at('86400')} ELSE NULL END",
            "0",
            "0",
            "0",
            "1",
        )
    )


def sqlite_at(seconds: str) -> str:
    # As SQLAlchemy stores a UTC time in SQLite: naive, microseconds written.
    return f"datetime(strftime('%s', :now) - ({seconds}), 'unixepoch') || '.000000'"


def pg_at(seconds: str) -> str:
    return f"(CAST(:now AS timestamptz) - make_interval(secs => ({seconds})))"


def build(url: str, live: int, archived: int) -> Store:
    """A desk of ``live`` live and ``archived`` archived tickets, set-based."""
    store = Store.open(url)
    roster = Roster(store)
    for team in ("Service Desk", "Billing", "Network"):
        roster.add(f"sup-{team[:3].lower()}", name=f"{team} lead", role="supervisor", team=team)
    for i in range(1, AGENTS + 1):
        roster.add(f"agent{i}", name=f"Agent {i}", team="Service Desk")
    params = {"archived": archived, "total": live + archived, "agents": AGENTS}
    sqlite = store.backend == "sqlite"
    with store.write() as s:
        team_ids = [r[0] for r in s.execute(text("SELECT id FROM team ORDER BY id"))]
        agent_ids = [r[0] for r in s.execute(text("SELECT id FROM agent ORDER BY id"))]
        assert team_ids == [1, 2, 3] and agent_ids[-1] >= AGENTS, (team_ids, agent_ids)
        if sqlite:
            triggers = s.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'ticket'"
                )
            ).all()
            for name, _ in triggers:
                s.execute(text(f"DROP TRIGGER {name}"))
            series = (
                "WITH RECURSIVE series(n) AS "
                "(SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < :total) "
            )
            s.execute(
                text(
                    f"{series}INSERT INTO ticket ({COLUMNS}) SELECT {values(sqlite_at)} FROM series"
                ),
                {**params, "now": NOW.replace(tzinfo=None).isoformat(" ")},
            )
            for _, sql in triggers:
                s.execute(text(sql))
        else:
            s.execute(text("ALTER TABLE ticket DISABLE TRIGGER USER"))
            s.execute(
                text(
                    f"INSERT INTO ticket ({COLUMNS}) SELECT {values(pg_at)} "
                    "FROM generate_series(1, :total) AS n"
                ),
                {**params, "now": NOW.isoformat()},
            )
            s.execute(text("ALTER TABLE ticket ENABLE TRIGGER USER"))
        s.execute(
            text("UPDATE key_counter SET value = :v WHERE name = 'ticket'"), {"v": live + archived}
        )
    if not sqlite:  # as autovacuum would; deskline runs no ANALYZE on SQLite (none here)
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return store


def median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm the caches: steady state is what the queue lives in
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(store: Store, repeat: int) -> dict[str, float]:
    rules = default_rules()
    reader = Reader(store, ME, now=lambda: NOW)
    desk = Desk(store, ME, rules=rules, now=lambda: NOW)
    boss = Desk(store, "sup-ser", rules=rules, now=lambda: NOW)
    queue = Queue(desk)

    def listed() -> object:
        found = list(reader.list(limit=50))
        assert len(found) == 50
        return found

    def due() -> object:
        with store.read() as s:
            alert_rows.earliest_check(s)
            return alert_rows.due_rows(s, NOW, 200)

    def header() -> object:
        return queue.counts(), queue.numbers("mine", limit=50)

    return {
        "list --limit 50": median_ms(listed, repeat),
        "due clocks (earliest + due now)": median_ms(due, repeat),
        "header counts + My tickets": median_ms(header, repeat),
        "archive run --dry-run": median_ms(lambda: archive.run(boss, dry_run=True), repeat),
    }


def desk_url(backend: str, folder: Path, name: str) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{folder / name}.db", lambda: None
    db = f"bench_archive_{name}_{uuid.uuid4().hex[:6]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    return f"{PG_ADMIN}/{db}", lambda: subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", db], check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", type=int, default=100_000)
    parser.add_argument("--archived", type=int, default=900_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--no-partial",
        action="store_true",
        help="drop ix_ticket_assignee_live after building (the queue before it, to compare)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    figures = {}
    for name, archived in (("live", 0), ("archive", args.archived)):
        url, drop = desk_url(args.backend, folder, name)
        try:
            started = time.perf_counter()
            store = build(url, args.live, archived)
            if args.no_partial:
                with store.engine.begin() as conn:
                    conn.execute(text("DROP INDEX ix_ticket_assignee_live"))
            took = time.perf_counter() - started
            print(
                f"{args.backend}: built {args.live:,} live + {archived:,} archived tickets "
                f"in {took:.1f}s"
            )
            figures[name] = measure(store, args.repeat)
            store.close()
        finally:
            drop()
    print(f"\nmedian of {args.repeat} runs (ms)   live only   with archive   ratio")
    for what, alone in figures["live"].items():
        beside = figures["archive"][what]
        print(f"{what:<33} {alone:>9.1f}   {beside:>12.1f}   {beside / alone:>5.2f}x")


if __name__ == "__main__":
    main()
