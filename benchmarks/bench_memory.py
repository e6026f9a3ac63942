"""Whether the read commands stream: peak memory and wall time at two desk sizes.

    python benchmarks/bench_memory.py [--sizes 10000 100000] [--base 1000] [--from DESK]
                                      [--against main]

Builds a demo desk of ``--base`` tickets (``deskline demo --no-open``, the clock frozen with
DESKLINE_NOW; ``--from`` takes one made before, at the schema both revisions know), then
desks of each size from it by copying its ticket rows with new numbers in one INSERT ...
SELECT (realistic rows: the demo's titles, customers, assignees and stored
SLA clocks; their comments and events are not copied, the commands below do not read them).
Then runs, once each per size, as their own processes: ``list --json`` and ``list --jsonl``
of all open tickets, ``list --limit 50``, ``dashboard --once`` and ``sla recompute``, and
prints each one's peak RSS (``ru_maxrss`` of that child, from ``os.wait4``) and wall time,
with the ratio of the largest size to the smallest.

Targets (issue 19): memory ratio near 1 (streaming: it does not grow with the desk),
``list --jsonl`` <= 150 MB, ``list --limit 50`` <= 1.5x, ``dashboard --once`` <= 3 s at the
largest size. With ``--against REV`` the same runs at that revision too (a command it does
not have, ``--jsonl``, shows as none), before and after side by side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench_startup import AFTER_ENTRY, Version, drop, older, worktree

COMMANDS = {
    "list --json": ["list", "--json"],
    "list --jsonl": ["list", "--jsonl"],
    "list --limit 50": ["list", "--limit", "50"],
    "dashboard --once": ["dashboard", "--once"],
    "sla recompute": ["sla", "recompute"],
}


def grow(base: Path, path: Path, size: int) -> None:
    """A copy of the desk ``base`` with ``size`` tickets: its tickets again and again, each
    copy numbered after the last, then the key counter moved past them."""
    shutil.copy(base, path)
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(ticket)") if r[1] != "id"]
        listed = ", ".join(columns)
        picked = ", ".join("number + :shift" if c == "number" else c for c in columns)
        have, top = conn.execute("SELECT count(*), max(number) FROM ticket").fetchone()
        seed = have
        while have < size:
            conn.execute(
                f"INSERT INTO ticket ({listed}) SELECT {picked} FROM ticket ORDER BY id LIMIT :n",
                {"shift": top, "n": min(seed, size - have)},
            )
            have, top = conn.execute("SELECT count(*), max(number) FROM ticket").fetchone()
        conn.execute("UPDATE key_counter SET value = ? WHERE name = 'ticket'", (top,))
    conn.close()


def admin_of(desk: Path) -> str:
    """An admin of the demo desk: who may recompute its SLA schedules."""
    with sqlite3.connect(desk) as conn:
        (handle,) = conn.execute("SELECT handle FROM agent WHERE role = 'admin'").fetchone()
    conn.close()
    return str(handle)


def run(command: list[str], env: dict[str, str]) -> tuple[float, float] | None:
    """Wall seconds and peak RSS (MB) of one process; None when it failed (a command that
    revision lacks). Exit 2 of ``dashboard --once`` says something is breached: it ran."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 2) or (child.returncode == 2 and "dashboard" not in command):
        print(f"  ({' '.join(command[3:])} failed: {errors.decode(errors='replace')[:200]})")
        return None
    return took, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--base", type=int, default=1000, help="tickets of the demo desk")
    parser.add_argument(
        "--from", dest="source", metavar="DESK", help="grow this demo desk instead of a new one"
    )
    parser.add_argument("--against", metavar="REV", help="also measure this revision")
    args = parser.parse_args()
    sizes = sorted(args.sizes)

    figures: dict[tuple[str, str, int], tuple[float, float] | None] = {}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        where = Path(tmp)
        os.chdir(where)
        after = Version("after", AFTER_ENTRY, os.environ.get("PYTHONPATH"), where / "base.db")
        versions = [after]
        old: Path | None = None
        try:
            if args.against:
                old = worktree(args.against, where)
                versions.insert(0, older(args.against, old, where / "base.db"))
            if args.source:
                shutil.copy(args.source, after.db)
            else:
                print(f"building a {args.base}-ticket demo desk ...")
                after.build_desk(args.base)
            for size in sizes:
                print(f"growing it to {size} tickets ...")
                desk = where / f"desk-{size}.db"
                grow(after.db, desk, size)
                for version in versions:
                    for name, words in COMMANDS.items():
                        env, target = version.env, desk
                        if name == "sla recompute":  # it writes, as an admin: on a copy
                            target = where / f"recompute-{version.label}-{size}.db"
                            shutil.copy(desk, target)
                            env = dict(env, DESKLINE_AS=admin_of(desk))
                        command = version.command("--db", str(target), *words)
                        figures[(name, version.label, size)] = run(command, env)
        finally:
            if old is not None:
                drop(old)
    report(figures, [v.label for v in versions], sizes)


def report(
    figures: dict[tuple[str, str, int], tuple[float, float] | None],
    labels: list[str],
    sizes: list[int],
) -> None:
    small, large = sizes[0], sizes[-1]
    head = "".join(f"{f'{s // 1000}k MB':>9}{f'{s // 1000}k s':>8}" for s in sizes)
    print(f"\n{'command':18}{'version':>10}{head}{'MB ratio':>10}{'s ratio':>9}")
    for name in COMMANDS:
        for label in labels:
            cells = ""
            for size in sizes:
                got = figures.get((name, label, size))
                cells += f"{'none':>17}" if got is None else f"{got[1]:9.0f}{got[0]:8.2f}"
            lo, hi = figures.get((name, label, small)), figures.get((name, label, large))
            ratios = f"{hi[1] / lo[1]:10.2f}{hi[0] / lo[0]:9.2f}" if lo and hi else ""
            print(f"{name:18}{label:>10}{cells}{ratios}")
    print(f"\ntargets at {large // 1000}k ({labels[-1]}):")
    jsonl = figures.get(("list --jsonl", labels[-1], large))
    limit = [figures.get(("list --limit 50", labels[-1], s)) for s in (small, large)]
    board = figures.get(("dashboard --once", labels[-1], large))
    if jsonl:
        print(f"  list --jsonl memory {jsonl[1]:.0f} MB (<= 150): {verdict(jsonl[1] <= 150)}")
    if limit[0] and limit[1]:
        ratio = limit[1][0] / limit[0][0]
        print(f"  list --limit 50 time {ratio:.2f}x (<= 1.5x): {verdict(ratio <= 1.5)}")
    if board:
        print(f"  dashboard --once {board[0]:.2f} s (<= 3 s): {verdict(board[0] <= 3)}")


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
