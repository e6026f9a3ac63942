"""How fast search answers, at 1,000 and 100,000 tickets with comments, beside a LIKE scan.

Run from the repository root: ``python benchmarks/bench_search.py [TICKETS ...]`` (default
1000 100000; a few minutes, most of it building the big desk). Each desk is a temporary
SQLite file built with bulk inserts (the index kept by its triggers, as in use): tickets
of mixed English and Chinese text, two comments each on average, every status.

Printed per desk and query, over REPEAT runs of ``core.desk.search.numbers`` (the search
language parsed, names looked up, the best LIMIT read): p50 and p95 in milliseconds, and
the same for the baseline measured in the same run: ``LIKE '%word%'`` over the title,
the description and every comment, read whole (what a search without the index does).
Queries: an English word, a Chinese word of three characters (the trigram index), a
Chinese word of two characters (shorter than a trigram: a LIKE over the index's own text),
and a word with a filter. Then the ratio of the 100k p95 to the 1k p95 per query.

Targets (issue 16): p95 <= 50 ms at 100k, and <= 2x the 1k figure.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text, update  # noqa: E402

from deskline.core.desk import search  # noqa: E402
from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.storage.models import Agent, Comment, KeyCounter, Team, Ticket  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ME = "ana"
REPEAT = 40
LIMIT = 50
TARGET_P95 = 50.0  # ms
TARGET_RATIO = 2.0
QUERIES = (
    ("word", "printer"),
    ("CJK 3 chars", "打印机"),
    ("CJK 2 chars", "退款"),
    ("word + filter", "vpn status:closed"),
)
ENGLISH = (
    "printer not working on floor 3",
    "VPN drops every ten minutes",
    "Outlook asks for the password again",
    "laptop very slow since the update",
    "cannot connect to the Wi-Fi",
    "ERP report shows error 0x80070005",
    "double payment taken at checkout",
    "need access to the sales mailbox",
    "invoice address is wrong",
    "new starter needs an account on Monday",
)
CHINESE = (
    "打印机卡纸，换纸也没用",
    "退款一周了还没到账",
    "账号被锁定，登录不了",
    "邮件发不出去",
    "无线网络很慢",
    "报表系统一直报错",
    "更新后 VPN 连不上",
    "会议室投影仪打不开",
    "发票抬头开错了",
    "申请开通共享盘权限",
)
FILLER = (
    "thanks",
    "please check",
    "any update?",
    "we restarted it",
    "谢谢",
    "麻烦尽快处理",
    "客户在催",
    "已经重启过了",
    "see the screenshot",
    "still happening",
)
STATUSES = ("new", "assigned", "in_progress", "pending", "resolved", "closed", "closed")


def sentence(rng: random.Random) -> str:
    """A line of what customers and agents write: mostly filler, sometimes an issue."""
    words = [rng.choice(FILLER) for _ in range(rng.randint(2, 6))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), rng.choice(ENGLISH + CHINESE))
    return " ".join(words)


def build_desk(path: Path, tickets: int) -> Store:
    """A desk of ``tickets`` tickets and about twice as many comments, in one transaction."""
    rng = random.Random(tickets)
    store = Store.open(str(path))
    with store.write() as s:
        s.execute(insert(Team.__table__), [{"id": 1, "name": "Service Desk"}])
        s.execute(
            insert(Agent.__table__),
            [
                {
                    "id": 1,
                    "handle": ME,
                    "name": "Ana",
                    "role": "agent",
                    "team_id": 1,
                    "skills": "",
                    "on_duty": True,
                    "max_active": 10,
                    "last_routed": 0,
                }
            ],
        )
        batch: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        for number in range(1, tickets + 1):
            made = NOW - timedelta(minutes=rng.randrange(60 * 24 * 90))
            batch.append(
                {
                    "id": number,
                    "number": number,
                    "title": rng.choice(ENGLISH + CHINESE),
                    "description": sentence(rng),
                    "priority": rng.choice(("P0", "P1", "P2", "P2", "P3")),
                    "status": rng.choice(STATUSES),
                    "channel": "email",
                    "tags": rng.choice(("", "", "vpn", "printer", "billing")),
                    "team_id": 1,
                    "created_at": made,
                    "updated_at": made,
                    "escalation_level": 0,
                    "reopen_count": 0,
                    "version": 1,
                    "pause_credit_seconds": 0,
                }
            )
            for _ in range(rng.choice((0, 1, 2, 3, 4))):
                notes.append(
                    {"ticket_id": number, "kind": "note", "body": sentence(rng), "created_at": made}
                )
            if len(batch) == 10_000:
                s.execute(insert(Ticket.__table__), batch)
                s.execute(insert(Comment.__table__), notes)
                batch, notes = [], []
        if batch:
            s.execute(insert(Ticket.__table__), batch)
        if notes:
            s.execute(insert(Comment.__table__), notes)
        s.execute(
            update(KeyCounter.__table__)
            .where(KeyCounter.__table__.c.name == "ticket")
            .values(value=tickets)
        )
    return store


def like_scan(store: Store, word: str) -> list[int]:
    """The baseline: every ticket whose title, description or a comment holds ``word``."""
    pattern = f"%{word}%"
    with store.read() as s:
        rows = s.execute(
            text(
                "SELECT t.number FROM ticket t WHERE t.title LIKE :p OR t.description LIKE :p "
                "OR EXISTS (SELECT 1 FROM comment c WHERE c.ticket_id = t.id AND c.body LIKE :p)"
            ),
            {"p": pattern},
        )
        return [r[0] for r in rows]


def timed(run: Any) -> tuple[float, float, Any]:
    """p50 and p95 in ms over REPEAT runs (after one to warm the caches), and the answer."""
    answer = run()
    spent = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        run()
        spent.append((time.perf_counter() - began) * 1000)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.95) - 1], answer


def measure(tickets: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        store = build_desk(Path(folder) / "bench.db", tickets)
        built = time.perf_counter() - began
        with store.read() as s:
            comments = s.execute(text("SELECT count(*) FROM comment")).scalar_one()
        print(f"\n{tickets:,} tickets, {comments:,} comments (built in {built:.0f} s)")
        desk = Desk(store, ME, now=lambda: NOW)
        found: dict[str, tuple[float, float]] = {}
        for label, query in QUERIES:
            p50, p95, hits = timed(lambda q=query: search.numbers(desk, q, limit=LIMIT))
            word = query.split()[0]
            l50, l95, matches = timed(lambda w=word: like_scan(store, w))
            print(
                f"  {label:14} {query!r:22} search p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                f"  ({len(hits)} shown)   LIKE scan p50 {l50:7.1f} ms  p95 {l95:7.1f} ms"
                f"  ({len(matches):,} match)"
            )
            found[label] = (p50, p95)
        store.close()
    return found


def main(sizes: list[int]) -> None:
    results = {n: measure(n) for n in sizes}
    small, big = min(sizes), max(sizes)
    if small == big:
        return
    print(
        f"\np95 at {big:,} against {small:,} (targets: <= {TARGET_P95:.0f} ms, "
        f"<= {TARGET_RATIO:.0f}x)"
    )
    for label, _ in QUERIES:
        p95_small, p95_big = results[small][label][1], results[big][label][1]
        ratio = p95_big / p95_small if p95_small else float("inf")
        ok = p95_big <= TARGET_P95 and ratio <= TARGET_RATIO
        print(f"  {label:14} {p95_big:7.1f} ms  {ratio:5.1f}x  {'ok' if ok else 'MISSED'}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 100_000])
