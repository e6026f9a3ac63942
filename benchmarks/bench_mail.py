"""How fast mail becomes tickets: 1,000 messages in a real Dovecot's INBOX (loopback),
taken in by one ``mail fetch`` pass on a fresh SQLite desk, then 200 replies threaded by
In-Reply-To into those tickets.

    python benchmarks/bench_mail.py [--messages 1000] [--replies 200]

Needs dovecot (dovecot-imapd) and root (Dovecot's processes switch to its own users).
Prints messages per second for each pass, and the per-message cost beside the cost of
creating a ticket through the Desk directly (the mail's own share: IMAP, parsing, the
Message-ID row). Then ``--idle`` messages (default 40) are delivered one at a time while a
``deskline mail watch`` (IMAP IDLE, its poll set to 300 s) runs: the time from each APPEND
to its ticket committed in the desk, p50 and p95 (an open app shows it at its change
pump's next look, within about a second on top).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "core" / "mail"))

from mail_servers import IMAP_PASSWORD, dovecot, mailbox, with_mailbox  # noqa: E402
from sqlalchemy import text  # noqa: E402

from deskline.core.desk.tickets import Desk  # noqa: E402
from deskline.core.mail.incoming import Fetcher  # noqa: E402
from deskline.storage.store import Store  # noqa: E402

MESSAGE = (
    "From: Customer {i} <customer{i}@acme.example>\r\n"
    "To: support@desk.example\r\n"
    "Subject: Problem number {i}: the printer =?UTF-8?B?5omT5Y2w5py6?=\r\n"
    "Message-ID: <{kind}-{i}@acme.example>\r\n"
    "{extra}"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hello,\r\n\r\nthe printer number {i} fails with error E{i}.\r\n\r\n"
    "> an earlier quote\r\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--idle", type=int, default=40)
    args = parser.parse_args()
    path = shutil.which("dovecot")
    if path is None:
        sys.exit("bench_mail: needs dovecot (apt-get install dovecot-imapd)")
    os.environ["DESKLINE_TEST_MAIL_PASSWORD"] = IMAP_PASSWORD
    work = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    store = Store.open(f"sqlite:///{work / 'desk.db'}")
    now = datetime.now(UTC)
    with dovecot(path) as imap:
        with_mailbox(store, mailbox(imap_port=imap.port), now)
        imap.append(
            *(MESSAGE.format(i=i, kind="new", extra="").encode() for i in range(args.messages))
        )
        started = time.perf_counter()
        [box] = Fetcher(store).fetch()
        took = time.perf_counter() - started
        assert len(box.taken) == args.messages and {t.outcome for t in box.taken} == {"new"}
        print(
            f"new mail:  {args.messages} messages -> tickets in {took:.2f} s: "
            f"{args.messages / took:.0f} msgs/s ({took / args.messages * 1000:.1f} ms each)"
        )
        replies = [
            MESSAGE.format(i=i, kind="re", extra=f"In-Reply-To: <new-{i}@acme.example>\r\n")
            for i in range(args.replies)
        ]
        imap.append(*(r.encode() for r in replies))
        started = time.perf_counter()
        [box] = Fetcher(store).fetch()
        took_r = time.perf_counter() - started
        assert {t.outcome for t in box.taken} == {"reply"}
        print(
            f"replies:   {args.replies} threaded in {took_r:.2f} s: "
            f"{args.replies / took_r:.0f} msgs/s"
        )
        started = time.perf_counter()
        again = Fetcher(store).fetch()
        print(
            f"nothing new: one pass {1000 * (time.perf_counter() - started):.0f} ms "
            f"({sum(len(b.taken) for b in again)} taken)"
        )
        idle_latency(store, work / "desk.db", imap, args.idle)
    desk = Desk(store, "ada")
    started = time.perf_counter()
    for i in range(200):
        desk.create(f"Direct {i}", requester=f"direct{i}@acme.example", description="x")
    direct = (time.perf_counter() - started) / 200
    each = took / args.messages
    print(
        f"Desk.create alone: {direct * 1000:.1f} ms each; mail's share of a new message: "
        f"{(each - direct) * 1000:.1f} ms ({each / direct:.2f}x)"
    )
    store.close()
    shutil.rmtree(work, ignore_errors=True)


def tickets(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(text("SELECT count(*) FROM ticket")).scalar_one())


def idle_latency(store: Store, db: Path, imap: object, count: int) -> None:
    """Messages delivered one by one to a running ``mail watch``: APPEND to ticket."""
    said = (db.parent / "watch.log").open("wb")
    watch = subprocess.Popen(
        [sys.executable, "-m", "deskline", "--db", str(db), "mail", "watch", "--every", "300"],
        stdout=subprocess.DEVNULL,
        stderr=said,
        start_new_session=True,
    )
    took: list[float] = []
    try:
        for i in range(-1, count):  # the first one (-1) only shows the watcher is up
            before = tickets(store)
            message = MESSAGE.format(i=10_000 + i, kind="idle", extra="").encode()
            sent = time.perf_counter()
            imap.append(message)  # type: ignore[attr-defined]
            deadline = sent + 60
            while tickets(store) == before:
                if time.perf_counter() > deadline or watch.poll() is not None:
                    said.close()
                    log = (db.parent / "watch.log").read_text(errors="replace")
                    sys.exit(f"bench_mail: mail watch took no message within 60 s: {log}")
                time.sleep(0.005)
            if i >= 0:
                took.append(time.perf_counter() - sent)
    finally:
        os.killpg(watch.pid, signal.SIGTERM)
        watch.wait(timeout=20)
        said.close()
    cuts = statistics.quantiles(took, n=20)
    print(
        f"IDLE:      {count} messages one at a time, APPEND -> ticket: p50 "
        f"{statistics.median(took) * 1000:.0f} ms, p95 {cuts[18] * 1000:.0f} ms, "
        f"max {max(took) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
