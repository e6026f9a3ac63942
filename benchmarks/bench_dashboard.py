"""What the breach dashboard costs while it sits there, beside an empty Textual app.

Run from the repository root: ``python benchmarks/bench_dashboard.py [--tickets 5000]
[--every 3] [--cpu-seconds 60] [--duration 600]``. It builds a desk of TICKETS open tickets
(created over the last two weeks, up to now; 26 agents and a supervisor per team) in a
temporary SQLite file, then starts, each in its own tmux pane at 160×48 (a real terminal):

- ``deskline dashboard`` on that desk, run by the Service Desk supervisor,
- an empty Textual app (``App().run()``), the floor;

and, while another process (this one) makes a change to a random ticket every EVERY seconds
(an internal note: one transaction, one change-feed row), it prints for each:

- CPU: the process's own user+sys time from /proc/PID/stat over CPU_SECONDS, as a percent
  of one core (target for the dashboard: at most 2 %), and over the whole run;
- memory: VmRSS from /proc/PID/status after a 15 s warm-up and again after DURATION
  seconds (target: grows by at most 5 MB over 10 minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_workspace  # noqa: E402

from deskline.core.alerts.watcher import SlaWatcher  # noqa: E402
from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.core.roster.agents import Roster  # noqa: E402
from deskline.core.sla.defaults import default_rules  # noqa: E402

WARM_UP = 15.0
TICKS = os.sysconf("SC_CLK_TCK")
EMPTY_APP = "from textual.app import App; App().run()"
SUPERVISOR = {team: f"sup{i}" for i, team in enumerate(bench_workspace.TEAMS, 1)}
SESSIONS = {"dashboard": "dash", "empty Textual app": "empty"}  # tmux session names


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


class Tmux:
    def __init__(self) -> None:
        exe = shutil.which("tmux")
        if exe is None:
            sys.exit("tmux is needed: apt-get install tmux")
        self.exe, self.socket = exe, f"bench-dash-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        done = subprocess.run([self.exe, "-L", self.socket, *args], capture_output=True, text=True)
        return done.stdout

    def start(self, name: str, command: str, env: dict[str, str]) -> int:
        extra = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
        self("new-session", "-d", "-s", name, "-x", "160", "-y", "48", *extra, f"exec {command}")
        self("set-option", "-t", name, "remain-on-exit", "on")  # a crash stays readable
        return int(self("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def screen(self, name: str) -> str:
        return self("capture-pane", "-p", "-t", name)

    def close(self) -> None:
        self("kill-server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between changes")
    parser.add_argument("--cpu-seconds", type=float, default=60.0)
    parser.add_argument("--duration", type=float, default=600.0, help="memory: seconds")
    args = parser.parse_args()
    deskline = shutil.which("deskline")
    if deskline is None:
        sys.exit("the deskline command is needed: pip install -e .")

    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    path = folder / "desk.db"
    rules = default_rules()
    bench_workspace.NOW = datetime.now(UTC).replace(microsecond=0)  # tickets up to now
    started = time.perf_counter()
    store = bench_workspace.build_desk(path, args.tickets, rules)
    print(f"desk: {args.tickets} open tickets in {time.perf_counter() - started:.1f}s ({path})")
    # Supervisors run the dashboard, and a desk has them: one per team, so an alert for an
    # unassigned ticket goes to its team's supervisor, not (with nobody to tell) to everyone.
    roster = Roster(store)
    for team in bench_workspace.TEAMS:
        roster.add(SUPERVISOR[team], name=f"{team} supervisor", role="supervisor", team=team)
    desk = Desk(store, bench_workspace.ME, rules=rules)
    # A desk that has had a watcher all along: every ticket's next check includes the
    # workflow rungs (unassigned, not started, ...), and its past alerts are history, not a
    # backlog the dashboard's own watcher would fire (and toast) at start, or as soon as a
    # change makes the Desk store a ticket's next check again.
    then = Desk(store, bench_workspace.ME, rules=rules, now=lambda: bench_workspace.NOW)
    then.recompute_sla()
    history = SlaWatcher(store, then, now=then.now).record_history(bench_workspace.NOW)
    print(f"desk: {history} past alerts recorded as history")
    env = {"DESKLINE_AS": SUPERVISOR["Service Desk"], "TERM": "xterm-256color"}

    tmux = Tmux()
    try:
        pids = {
            "dashboard": tmux.start(
                SESSIONS["dashboard"], f"{deskline} --db {path} dashboard", env
            ),
            "empty Textual app": tmux.start(
                SESSIONS["empty Textual app"], f"{sys.executable} -c '{EMPTY_APP}'", env
            ),
        }
        deadline = time.monotonic() + 60
        while "Breached (" not in tmux.screen("dash") and time.monotonic() < deadline:
            time.sleep(0.2)
        if "Breached (" not in tmux.screen("dash"):
            sys.exit("the dashboard did not show up:\n" + tmux.screen("dash"))
        rng = random.Random(7)
        changes = 0

        def change() -> None:
            nonlocal changes
            desk.note(f"T-{rng.randrange(1, args.tickets + 1)}", f"benchmark note {changes}")
            changes += 1

        def run_for(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                change()
                time.sleep(min(args.every, max(0.0, end - time.monotonic())))

        run_for(WARM_UP)
        rss_start = {name: rss_mb(pid) for name, pid in pids.items()}
        cpu_start = {name: cpu_seconds(pid) for name, pid in pids.items()}
        run_for(args.cpu_seconds)
        cpu = {
            name: 100 * (cpu_seconds(pid) - cpu_start[name]) / args.cpu_seconds
            for name, pid in pids.items()
        }
        run_for(max(0.0, args.duration - args.cpu_seconds))
        cpu_all = {
            name: 100 * (cpu_seconds(pid) - cpu_start[name]) / max(args.duration, args.cpu_seconds)
            for name, pid in pids.items()
        }
        for name, pid in pids.items():
            if not Path(f"/proc/{pid}").exists():
                sys.exit(f"the {name} ended before the run did:\n" + tmux.screen(SESSIONS[name]))
        rss_end = {name: rss_mb(pid) for name, pid in pids.items()}
        shown = tmux.screen("dash")
        alive = "Breached (" in shown
    finally:
        tmux.close()
        store.close()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"{changes} changes, one every {args.every:g}s; 160×48 tmux panes; same run")
    print(
        f"{'':20} {'CPU % of a core':>16} {'(whole run)':>12} {'RSS start MB':>13} "
        f"{'RSS end MB':>11} {'growth MB':>10}"
    )
    for name in pids:
        growth = rss_end[name] - rss_start[name]
        print(
            f"{name:20} {cpu[name]:16.2f} {cpu_all[name]:12.2f} {rss_start[name]:13.1f} "
            f"{rss_end[name]:11.1f} {growth:10.1f}"
        )
    print(
        f"(CPU over the first {args.cpu_seconds:g}s, and over the whole {args.duration:g}s; "
        f"memory over {args.duration:g}s; all after a {WARM_UP:g}s warm-up)"
    )
    print(
        f"dashboard CPU target ≤ 2 %: {'met' if cpu['dashboard'] <= 2 else 'NOT met'}; "
        f"memory growth target ≤ 5 MB: "
        f"{'met' if rss_end['dashboard'] - rss_start['dashboard'] <= 5 else 'NOT met'}"
        f"{'' if args.duration >= 600 else ' (run shorter than 10 minutes)'}"
    )
    if not alive:
        print("warning: the dashboard was no longer on screen at the end")


if __name__ == "__main__":
    main()
