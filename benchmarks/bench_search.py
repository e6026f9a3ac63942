"""How fast search answers, at 1,000, 100,000 and 1,000,000 tickets with comments, on
SQLite and PostgreSQL, beside a LIKE scan.

Run from the repository root::

    python benchmarks/bench_search.py [--sizes 1000,100000,1000000]
        [--backends sqlite,postgresql] [--pg URL] [--keep DIR] [--repeat N]

(default: 1000,100000 on both backends; PostgreSQL at
postgresql+psycopg://postgres@127.0.0.1:5432/search_bench, made with ``createdb``; a
backend that cannot be reached is skipped, said so). A quick run: ``--sizes 1000,100000
--backends sqlite``. Desks are built set-based by ``search_desk.py`` (1M: a few minutes
per backend); ``--keep DIR`` keeps them for the next run (SQLite files in DIR, PostgreSQL
schemas ``bench_N``).

Printed per backend, desk and query, over REPEAT runs of ``core.desk.search.numbers``
(the search language parsed, names looked up, the best LIMIT read, by relevance): p50 and
p95 in milliseconds, and the same for the baseline measured in the same run: ``LIKE
'%word%'`` over the title, the description and every comment, read whole (what a search
without the index does). Queries: an English word, a Chinese word of three characters
(the trigram index), one of two (shorter than a trigram: the index's vocabulary), a word
with a field filter, and two words. Then, per backend, the ratios of the bigger desks'
p95 to the smallest's.

Targets (issue 16): p95 <= 50 ms at 100k and 1M, and <= 2x the 1k figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_desk  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from deskline.core.desk import search  # noqa: E402
from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/search_bench"
LIMIT = 50
TARGET_P95 = 50.0  # ms
TARGET_RATIO = 2.0
QUERIES = (
    ("word", "printer"),
    ("CJK 3 chars", "打印机"),
    ("CJK 2 chars", "退款"),
    ("word + filter", "vpn status:closed"),
    ("two words", "printer floor"),
)
Figures = dict[str, tuple[float, float]]


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


def timed(run: Any, repeat: int) -> tuple[float, float, Any]:
    """p50 and p95 in ms over ``repeat`` runs (after one to warm the caches), and the answer."""
    answer = run()
    spent = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        spent.append((time.perf_counter() - began) * 1000)
    spent.sort()
    return statistics.median(spent), spent[max(int(len(spent) * 0.95) - 1, 0)], answer


def measure(backend: str, tickets: int, args: argparse.Namespace) -> Figures:
    store, built = search_desk.open_desk(backend, tickets, keep=args.keep, pg=args.pg)
    try:
        with store.read() as s:
            comments = s.execute(text("SELECT count(*) FROM comment")).scalar_one()
        how = f"built in {built:.0f} s" if built else "kept from an earlier run"
        print(f"\n{backend}: {tickets:,} tickets, {comments:,} comments ({how})", flush=True)
        desk = Desk(store, search_desk.ME, now=lambda: search_desk.NOW)
        found: Figures = {}
        scans = args.repeat if tickets <= 100_000 else max(args.repeat // 8, 3)
        for label, query in QUERIES:
            p50, p95, hits = timed(
                lambda q=query: search.numbers(desk, q, limit=LIMIT), args.repeat
            )
            word = query.split()[0]
            l50, l95, matches = timed(lambda w=word: like_scan(store, w), scans)
            print(
                f"  {label:14} {query!r:22} search p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                f"  ({len(hits)} shown)   LIKE scan p50 {l50:7.1f} ms  p95 {l95:7.1f} ms"
                f"  ({len(matches):,} match)",
                flush=True,
            )
            found[label] = (p50, p95)
    finally:
        search_desk.discard(store, backend, keep=args.keep, pg=args.pg)
    return found


def reachable(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as exc:  # noqa: BLE001  (any reason: say it, skip the backend)
        print(f"PostgreSQL at {url} skipped: {str(exc).splitlines()[0]}")
        return False


def ratios(backend: str, results: dict[int, Figures]) -> None:
    sizes = sorted(results)
    small = sizes[0]
    for big in sizes[1:]:
        print(
            f"\n{backend}: p95 at {big:,} against {small:,} "
            f"(targets: <= {TARGET_P95:.0f} ms, <= {TARGET_RATIO:.0f}x)"
        )
        for label, _ in QUERIES:
            p95_small, p95_big = results[small][label][1], results[big][label][1]
            ratio = p95_big / p95_small if p95_small else float("inf")
            ok = p95_big <= TARGET_P95 and ratio <= TARGET_RATIO
            print(f"  {label:14} {p95_big:7.1f} ms  {ratio:5.1f}x  {'ok' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="tickets per desk, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default=PG, help="PostgreSQL database for the desks")
    parser.add_argument("--keep", type=Path, help="keep the desks here (and reuse them)")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(n) for n in args.sizes.split(","))
    for backend in args.backends.split(","):
        if backend == "postgresql" and not reachable(args.pg):
            continue
        results = {n: measure(backend, n, args) for n in sizes}
        ratios(backend, results)


if __name__ == "__main__":
    main()
