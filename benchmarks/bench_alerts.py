"""How fast the alert engine fires, and what one wake-up costs at 100,000 open tickets.

    python benchmarks/bench_alerts.py [--tickets 200] [--big 100000]

1. Latency, real clock: a headless ``deskline watch --jsonl`` runs on a fresh SQLite desk
   whose P0 first response is due 20 s after creation; 200 tickets are created (through
   the Desk, as another process would) over ~10 s. For every breach line printed, the
   latency is the moment the line was read here minus the due time it names. Target:
   p99 <= 1 s.
2. Cost of one wake-up with 100,000 open tickets: the watcher's pass (find what is due with
   the ``next_check_at`` index, fire it, move each ticket's next check on, read the next
   wake-up), stepping the clock 1 s at a time, beside a full scan of every open ticket's
   ladder measured in the same run. Target: <= 10 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from deskline.core.alerts.ladder import AlertRules, Ladder  # noqa: E402
from deskline.core.alerts.watcher import SlaWatcher  # noqa: E402
from deskline.core.config.settings import load_config  # noqa: E402
from deskline.core.desk.facts import clock_facts, ladder_facts  # noqa: E402
from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.core.roster.agents import Roster  # noqa: E402
from deskline.core.sla.clocks import SlaClock  # noqa: E402
from deskline.core.sla.defaults import default_rules  # noqa: E402
from deskline.storage import queries  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

CONFIG = """
[sla.P0]
first_response = "20s"
resolution = "2h"
calendar = "always"

[alerts]
sweep = "1s"
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def latency(tickets: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="deskline-bench-alerts-"))
    db, config = work / "desk.db", work / "deskline.toml"
    config.write_text(CONFIG, encoding="utf-8")
    env = dict(os.environ, DESKLINE_DB=str(db), DESKLINE_CONFIG=str(config), DESKLINE_AS="ana")
    env.pop("DESKLINE_NOW", None)
    store = Store.open(str(db))
    Roster(store).add("ana", name="Ana", role="supervisor", team="Service Desk")
    settings = load_config(str(config))
    desk = Desk(store, "ana", rules=settings.sla, alerts=settings.alerts)
    watch = subprocess.Popen(
        [sys.executable, "-m", "deskline", "watch", "--jsonl"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=work,
    )
    seen: dict[str, float] = {}
    due: dict[str, datetime] = {}

    def read() -> None:
        assert watch.stdout is not None
        for line in watch.stdout:
            got = time.time()
            data = json.loads(line)
            if data["rung"] == "breach":
                seen[data["ticket"]] = got
                due[data["ticket"]] = datetime.fromisoformat(data["at"].replace("Z", "+00:00"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(2)  # the watcher is up and holds the lease
    for _ in range(tickets):
        desk.create("Checkout down", priority="P0")
        time.sleep(10 / tickets)
    deadline = time.time() + 40
    while len(seen) < tickets and time.time() < deadline:
        time.sleep(0.2)
    watch.terminate()
    watch.wait(10)
    lags = [seen[k] - due[k].timestamp() for k in seen]
    print(f"latency, real clock: {len(seen)}/{tickets} breaches seen by `deskline watch --jsonl`")
    if lags:
        print(
            f"  due time -> JSON line: p50 {pct(lags, 50) * 1000:.0f} ms, "
            f"p99 {pct(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms  (target p99 <= 1 s)"
        )


def wake_cost(count: int) -> None:
    from bench_workspace import NOW, build_desk  # the same 100k desk the workspace uses

    work = Path(tempfile.mkdtemp(prefix="deskline-bench-wake-"))
    rules = default_rules()
    began = time.perf_counter()
    store = build_desk(work / "big.db", count, rules)
    built = time.perf_counter() - began
    print(f"\nwake-up cost at {count:,} open tickets (desk built in {built:.1f} s)")
    desk = Desk(store, "ana.silva", now=lambda: NOW, rules=rules)
    watcher = SlaWatcher(store, desk, AlertRules(), now=lambda: NOW)
    watcher.run_due(NOW - timedelta(days=30))  # takes the lease; nothing is that old
    quiet: list[float] = []  # passes that found nothing due: finding + re-arming only
    busy: list[tuple[float, int]] = []  # passes that fired: (cost, alerts fired)
    for step in range(1, 121):
        now = NOW + timedelta(seconds=step)
        t = time.perf_counter()
        fired = len(watcher.run_due(now))
        watcher.next_wake()
        cost = time.perf_counter() - t
        (busy.append((cost, fired)) if fired else quiet.append(cost))
    alerts = sum(n for _, n in busy)
    print(
        f"  one wake-up, finding what is due and re-arming ({len(quiet)} of 120 passes 1 s "
        f"apart found nothing due): p50 {pct(quiet, 50) * 1000:.2f} ms, "
        f"p95 {pct(quiet, 95) * 1000:.2f} ms, max {max(quiet) * 1000:.2f} ms  (target <= 10 ms)"
    )
    if busy:
        per_alert = (sum(c for c, _ in busy) - len(busy) * pct(quiet, 50)) / alerts
        print(
            f"  the other {len(busy)} passes fired {alerts} alerts (rows, deliveries, levels, "
            f"hand-backs): {per_alert * 1000:.2f} ms per alert on top"
        )
    costs = quiet
    ladder = Ladder(AlertRules())
    scans = []
    for _ in range(2):
        t = time.perf_counter()
        with store.read() as s:
            rows = queries.ticket_rows(s, statuses=["new", "assigned", "in_progress", "pending"])
        due = 0
        for row in rows:
            sla = SlaClock(rules, clock_facts(row.ticket, row.tier, row.category))
            due += sum(1 for m in ladder.marks(ladder_facts(row.ticket), sla) if m.at <= NOW)
        scans.append(time.perf_counter() - t)
    print(
        f"  full scan of every open ticket's ladder (the baseline): {min(scans) * 1000:.0f} ms "
        f"-> one wake-up is {min(scans) / pct(costs, 50):,.0f}x cheaper at the median"
    )
    watcher.stop()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    print(f"deskline alert engine benchmark · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    latency(args.tickets)
    wake_cost(args.big)


if __name__ == "__main__":
    main()
