"""How long ``deskline demo`` takes to build a desk, as a whole process.

    python benchmarks/bench_demo.py [--tickets 10000,100000] [--old 300]

For each size, ``deskline --db FILE demo --fresh --no-open --tickets N`` runs as a child
(a pipe: no progress bar), on a new SQLite file in a temporary folder, with the clock
frozen (DESKLINE_NOW), so each run builds the same desk (deskline as the environment's
PYTHONPATH finds it). The demo builds the file beside its place and renames it when
whole: that is in the time. Printed: wall seconds, the child's own CPU seconds,
milliseconds per ticket, the machine's load average before and after (the figures are of
a shared machine), and for 100,000 tickets the target (issue 19: <= 60 s).

First, in the same run, the old way at a small size (``--old``): a child process filling
a file through the Desk, a use case at a time (``fill(through_desk=True)``), with its
per-ticket cost beside the set-based path's (ratios of CPU seconds, which a loaded machine
disturbs less than wall seconds).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = {100_000: 60.0}
NOW = "2026-04-02T16:30:00+02:00"


def run_demo(work: Path, tickets: int) -> tuple[float, float, str]:
    """Wall and CPU seconds of one whole ``demo``, and its line that counts the tickets."""
    db = work / f"demo-{tickets}.db"
    env = dict(os.environ, DESKLINE_NOW=NOW, DESKLINE_AS="root")
    env["HOME"] = str(work)
    cmd = [sys.executable, "-m", "deskline", "--db", str(db), "demo", "--fresh", "--no-open"]
    cmd += ["--tickets", str(tickets)]
    err = work / "demo.err"
    t0 = time.perf_counter()
    with err.open("wb") as e:
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=e, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    said = err.read_text()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"demo --tickets {tickets} failed: {said[-500:]}")
    counted = next((line for line in said.splitlines() if " tickets, " in line), "")
    return wall, usage.ru_utime + usage.ru_stime, counted.removeprefix("deskline: ")


OLD = """
import sys
from datetime import datetime
from deskline.core.demo import fill
from deskline.storage.store import Store
fill(Store.open(sys.argv[1]), now=datetime.fromisoformat(sys.argv[2]), tickets=int(sys.argv[3]),
     me="root", through_desk=True)
"""


def run_old(work: Path, tickets: int) -> tuple[float, float]:
    """Wall and CPU seconds of a whole process filling a desk through the Desk."""
    db = work / f"old-{tickets}.db"
    cmd = [sys.executable, "-c", OLD, str(db), NOW, str(tickets)]
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=dict(os.environ, HOME=str(work)))
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the old demo of {tickets} tickets failed")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--old", type=int, default=300, help="tickets through the Desk (0: not)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.tickets.split(",") if n.strip()]
    with tempfile.TemporaryDirectory(prefix="deskline-bench-demo-") as folder:
        work = Path(folder)
        old = None
        if args.old:
            load = os.getloadavg()[0]
            wall, cpu = run_old(work, args.old)
            old = cpu / args.old
            print(
                f"old path (through the Desk), {args.old:,} tickets: {wall:.1f} s whole process; "
                f"its own CPU {cpu:.1f} s; {1000 * old:.1f} ms CPU a ticket; load average "
                f"{load:.1f} -> {os.getloadavg()[0]:.1f}"
            )
        for n in sizes:
            load = os.getloadavg()[0]
            wall, cpu, counted = run_demo(work, n)
            target = TARGET.get(n)
            aim = f" (target <= {target:.0f} s)" if target else ""
            print(
                f"demo --tickets {n:,}: {wall:.1f} s whole process{aim}; its own CPU "
                f"{cpu:.1f} s; {1000 * wall / n:.1f} ms a ticket; load average "
                f"{load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            )
            if old is not None:
                print(
                    f"  {1000 * cpu / n:.2f} ms CPU a ticket, against {1000 * old:.1f} ms through "
                    f"the Desk: {old * n / cpu:.0f}x less"
                )
            print(f"  {counted}")
            for part in work.glob(f"demo-{n}.db*"):
                part.unlink()


if __name__ == "__main__":
    main()
