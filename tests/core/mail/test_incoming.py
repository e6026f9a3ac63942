"""Mail in from a real Dovecot on loopback: new mail opens a ticket, replies thread into
theirs (In-Reply-To, References alone, the subject token from the ticket's own people),
automatic mail is ignored, a message is taken in once however often it is fetched, and a
fetch killed with SIGKILL loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import need_tool
from mail_servers import IMAP_PASSWORD, Dovecot, dovecot, free_port, mailbox, with_mailbox
from sqlmodel import func, select
from test_parse import corpus

from deskline.core.desk.tickets import Desk
from deskline.core.mail.incoming import Fetcher
from deskline.storage.models import MailMessage, Ticket

START = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def imap(desk: Desk, monkeypatch: pytest.MonkeyPatch):
    with dovecot(need_tool("dovecot")) as server:
        monkeypatch.setenv("DESKLINE_TEST_MAIL_PASSWORD", IMAP_PASSWORD)
        # smtp: replies are queued (their Message-IDs are the desk's); nothing listens there
        with_mailbox(desk.store, mailbox(smtp_port=free_port(), imap_port=server.port), START)
        yield server


def fetch(desk: Desk) -> list:
    return [t for box in Fetcher(desk.store).fetch() for t in box.taken]


def test_new_mail_opens_a_ticket_and_is_marked_seen_after(desk: Desk, imap: Dovecot) -> None:
    imap.append(corpus("multipart_alternative"))
    [taken] = fetch(desk)
    assert (taken.outcome, taken.ticket) == ("new", "T-1")
    ticket = desk.get("T-1")
    assert ticket.title == "VPN drops every 10 minutes"
    assert ticket.description == "The VPN drops every 10 minutes since Monday."
    assert (ticket.channel, ticket.team) == ("email", "Service Desk")
    assert ticket.requester == "Ana Costa <ana@globex.example>"
    assert ticket.cc == ("boss <boss@globex.example>",)
    assert ticket.events[0].actor is None  # opened by the desk itself
    assert imap.unseen() == 0
    assert fetch(desk) == []


def test_replies_thread_into_their_ticket(desk: Desk, imap: Dovecot) -> None:
    imap.append(corpus("plain"))
    fetch(desk)
    desk.take("T-1")
    ours = desk.reply("T-1", "We are on it.").events[-1].new["mail"]
    subject = "[T-1] Printer on the 3rd floor is on fire"
    imap.append(corpus("outlook_reply", SUBJECT=subject, IN_REPLY_TO=ours))
    imap.append(corpus("gmail_references_only", SUBJECT=subject, REFERENCES=ours))
    requester = "Li Wei <li.wei@acme.example>"
    imap.append(corpus("subject_token", FROM=requester, KEY="T-1", MESSAGE_ID="tok-1@acme.example"))
    stranger = "Mallory <mallory@evil.example>"
    imap.append(corpus("subject_token", FROM=stranger, KEY="T-1", MESSAGE_ID="tok-2@evil.example"))
    taken = fetch(desk)
    assert [(t.outcome, t.ticket) for t in taken] == [
        ("reply", "T-1"),
        ("reply", "T-1"),
        ("reply", "T-1"),
        ("new", "T-2"),  # a stranger quoting a key opens their own ticket
    ]
    words = [c.body for c in desk.get("T-1").comments if c.kind == "customer"]
    assert words == [
        "It smokes again this morning.\n\nLi Wei",
        "Still broken, sorry.",
        "Any news on this?",
    ]
    assert desk.get("T-2").requester == "Mallory <mallory@evil.example>"
    # the desk's next reply answers the newest message and names the whole conversation
    desk.reply("T-1", "Replaced the fuser.")
    with desk.store.read() as s:
        from deskline.storage import mail as rows

        [*_, (out, _msg)] = rows.outbox(s)
        assert "In-Reply-To: <tok-1@acme.example>" in out.raw
        assert "<outlook-reply-1@acme.example>" in out.raw  # in References


def test_a_reply_reopens_a_resolved_ticket_and_ends_a_pending_pause(
    desk: Desk, imap: Dovecot
) -> None:
    imap.append(corpus("plain"))
    fetch(desk)
    desk.take("T-1")
    ours = desk.reply("T-1", "Fixed?").events[-1].new["mail"]
    desk.transition("T-1", "pending")
    assert desk.get("T-1").clock.paused_at is not None  # type: ignore[union-attr]
    imap.append(corpus("outlook_reply", SUBJECT="x", IN_REPLY_TO=ours))
    fetch(desk)
    ticket = desk.get("T-1")
    assert ticket.status == "in_progress"
    assert ticket.clock.paused_at is None  # type: ignore[union-attr]  # the clock runs again
    desk.transition("T-1", "resolved", reason="new fuser")
    imap.append(corpus("gmail_references_only", SUBJECT="x", REFERENCES=ours))
    fetch(desk)
    ticket = desk.get("T-1")
    assert (ticket.status, ticket.reopen_count) == ("in_progress", 1)
    assert [e.kind for e in ticket.events][-2:] == ["reopened", "customer_reply"]
    reopened = [e for e in ticket.events if e.kind == "reopened"][0]
    assert reopened.actor is None and reopened.reason == "the customer replied by email"


@pytest.mark.parametrize("name", ["auto_reply", "bounce", "bulk"])
def test_automatic_mail_makes_no_ticket(desk: Desk, imap: Dovecot, name: str) -> None:
    imap.append(corpus(name, IN_REPLY_TO="T-1.1@desk.example"))
    [taken] = fetch(desk)
    assert taken.outcome == "ignored" and taken.note
    assert desk.list() == []
    assert imap.unseen() == 0


def test_our_own_message_coming_back_is_ignored(desk: Desk, imap: Dovecot) -> None:
    raw = b"From: support@desk.example\r\nMessage-ID: <loop@x>\r\nSubject: x\r\n\r\nloop\r\n"
    imap.append(raw)
    assert [t.outcome for t in fetch(desk)] == ["ignored"]


def test_the_same_message_twice_makes_one_ticket(desk: Desk, imap: Dovecot) -> None:
    imap.append(corpus("plain"), corpus("plain"))
    assert [t.outcome for t in fetch(desk)] == ["new", "known"]
    with imap.client() as box:  # someone marks it unread on the server
        box.flag(box.uids(), "\\Seen", False)
    assert [t.outcome for t in fetch(desk)] == ["known", "known"]
    assert len(desk.list()) == 1


def test_chinese_mail_lands_decoded(desk: Desk, imap: Dovecot) -> None:
    imap.append(corpus("gbk_subject"), corpus("utf8_subject"), corpus("attachment"))
    fetch(desk)
    assert desk.get("T-1").title == "打印机无法连接 镕"
    assert desk.get("T-1").requester == "王芳 <wang.fang@acme.example>"
    assert desk.get("T-2").description == "我无法登录邮箱，提示密码错误。"
    assert "报告.pdf (application/pdf" in desk.get("T-3").description


FETCH = """
import sys
from deskline.core.mail.incoming import Fetcher
from deskline.storage.store import Store
store = Store.open(sys.argv[1])
Fetcher(store).fetch()
"""


def test_a_fetch_killed_midway_loses_and_doubles_nothing(
    desk: Desk, imap: Dovecot, db_url: str
) -> None:
    many = 40
    imap.append(
        *(corpus("plain").replace(b"plain-1@", f"plain-{i}@".encode()) for i in range(many))
    )
    child = subprocess.Popen(
        [sys.executable, "-c", FETCH, db_url], env=os.environ.copy(), start_new_session=True
    )
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        with desk.store.read() as s:
            if s.exec(select(func.count()).select_from(Ticket)).one() >= 5:
                break
        time.sleep(0.01)
    assert child.poll() is None, "the fetch ended before it could be killed midway"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    fetch(desk)
    with desk.store.read() as s:
        ids = s.exec(select(MailMessage.message_id)).all()
        tickets = s.exec(select(func.count()).select_from(Ticket)).one()
    assert sorted(ids) == sorted(f"plain-{i}@acme.example" for i in range(many))
    assert tickets == many
    assert imap.unseen() == 0


def test_a_message_the_desk_cannot_use_is_kept_as_ignored_and_the_rest_go_on(
    desk: Desk, imap: Dovecot
) -> None:
    bad = b"From: <bad'quote@x.example>\r\nMessage-ID: <bad@x>\r\nSubject: x\r\n\r\nhi\r\n"
    imap.append(bad, corpus("plain"))
    taken = fetch(desk)
    assert [t.outcome for t in taken] == ["ignored", "new"]
    assert taken[0].note is not None and "bad email address" in taken[0].note
    assert imap.unseen() == 0


def test_mail_watch_takes_mail_in_as_it_arrives_with_idle(
    desk: Desk, imap: Dovecot, db_url: str
) -> None:
    """``mail watch`` polls only every 300 s here: the second message arriving within the
    wait shows that IMAP IDLE woke it."""
    imap.append(corpus("plain"))
    _watch_takes_in(desk, db_url, lambda: imap.append(corpus("multipart_alternative")))


def test_mail_watch_idles_on_every_mailbox(desk: Desk, imap: Dovecot, db_url: str) -> None:
    """Two receiving mailboxes (two folders of one server): mail to the second one wakes
    the watcher too, within the 300 s it would otherwise wait."""
    from deskline.core.config.mail import MailRules
    from deskline.core.policy import apply
    from deskline.core.policy.book import Rules

    sales = mailbox(
        smtp_port=free_port(), imap_port=imap.port, name="sales", address="sales@desk.example"
    )
    sales = replace(sales, folder="Sales")
    support = mailbox(smtp_port=free_port(), imap_port=imap.port)
    rules = Rules(mail=MailRules((support, sales)))
    apply.apply(desk.store, rules, actor="ada", now=START + timedelta(minutes=1))
    with imap.client() as client:
        client.folder.create("Sales")
    imap.append(corpus("plain"))

    def to_sales() -> None:
        with imap.client() as client:
            client.append(corpus("multipart_alternative"), "Sales")

    _watch_takes_in(desk, db_url, to_sales)


def test_the_alert_watcher_takes_mail_in_too(desk: Desk, imap: Dovecot, db_url: str) -> None:
    """``deskline watch`` (the one service a desk runs) fetches the mailboxes as ``mail
    watch`` does, IMAP IDLE included."""
    imap.append(corpus("plain"))
    second = lambda: imap.append(corpus("multipart_alternative"))  # noqa: E731
    _watch_takes_in(desk, db_url, second, ("watch", "--mail-every", "300"))


def test_watch_once_does_one_mail_round_unless_told_not_to(
    desk: Desk, imap: Dovecot, db_url: str
) -> None:
    imap.append(corpus("plain"))
    once = [sys.executable, "-m", "deskline", "--db", db_url, "watch", "--once"]
    done = subprocess.run([*once, "--no-mail"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert imap.unseen() == 1 and desk.list() == []
    done = subprocess.run(once, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert imap.unseen() == 0 and [t.key for t in desk.list()] == ["T-1"]


def _watch_takes_in(
    desk: Desk,
    db_url: str,
    second: Callable[[], None],
    command: tuple[str, ...] = ("mail", "watch", "--every", "300"),
) -> None:
    """A watcher that polls every 300 s takes in the message already there, then the one
    ``second`` delivers, well within those 300 s."""
    watch = subprocess.Popen(
        [sys.executable, "-m", "deskline", "--db", db_url, *command],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )

    def tickets() -> int:
        with desk.store.read() as s:
            return s.exec(select(func.count()).select_from(Ticket)).one()

    try:
        deadline = time.monotonic() + 60
        while tickets() < 1 and time.monotonic() < deadline and watch.poll() is None:
            time.sleep(0.05)
        assert tickets() == 1, watch.stderr.read().decode() if watch.poll() is not None else ""
        second()
        while tickets() < 2 and time.monotonic() < deadline and watch.poll() is None:
            time.sleep(0.05)
        assert tickets() == 2
    finally:
        os.kill(watch.pid, signal.SIGTERM)
        watch.wait(timeout=20)


def test_the_policy_can_acknowledge_new_mail(desk: Desk, imap: Dovecot) -> None:
    from deskline.storage import mail as rows

    box = mailbox(smtp_port=free_port(), imap_port=imap.port)
    with_mailbox(desk.store, box, START, acknowledge="Dear {name}, we have {key}: {title}.")
    imap.append(corpus("plain"))
    fetch(desk)
    desk.take("T-1")
    imap.append(corpus("outlook_reply", SUBJECT="x", IN_REPLY_TO="plain-1@acme.example"))
    assert [t.outcome for t in fetch(desk)] == ["reply"]
    with desk.store.read() as s:
        [(ack, message)] = rows.outbox(s)  # the reply is acknowledged by nobody
    assert message.message_id == "T-1.ack@desk.example"
    assert "Auto-Submitted: auto-replied" in ack.raw
    assert "In-Reply-To: <plain-1@acme.example>" in ack.raw
    assert "Dear Li Wei, we have T-1: Printer on the 3rd floor is on fire." in ack.raw


def test_mail_to_a_closed_ticket_opens_a_new_one(desk: Desk, imap: Dovecot) -> None:
    imap.append(corpus("plain"))
    fetch(desk)
    desk.take("T-1")
    desk.transition("T-1", "resolved", reason="done")
    desk.transition("T-1", "closed")
    imap.append(corpus("gmail_references_only", SUBJECT="x", REFERENCES="plain-1@acme.example"))
    [taken] = fetch(desk)
    assert (taken.outcome, taken.ticket) == ("new", "T-2")
    assert taken.note is not None and "T-1 is closed" in taken.note
    assert desk.get("T-1").status == "closed"
    assert desk.get("T-2").links == ("related T-1",)
    assert desk.get("T-1").links == ("related T-2",)


def test_mail_to_an_archived_ticket_opens_a_new_one_and_leaves_it_archived(
    desk: Desk, imap: Dovecot
) -> None:
    from deskline.core.desk import archive

    imap.append(corpus("plain"))
    fetch(desk)
    desk.take("T-1")
    desk.transition("T-1", "resolved", reason="done")
    desk.transition("T-1", "closed")
    later = Desk(desk.store, "ana", now=lambda: datetime.now(UTC) + timedelta(days=100))
    assert archive.run(later).archived == 1
    imap.append(corpus("gmail_references_only", SUBJECT="x", REFERENCES="plain-1@acme.example"))
    [taken] = fetch(desk)
    assert (taken.outcome, taken.ticket) == ("new", "T-2")
    assert taken.note is not None and "T-1 is closed" in taken.note
    old = desk.get("T-1")
    assert old.status == "closed" and old.archived_at is not None
    # linked, the old one unchanged: no event of its own, its version as it was
    assert old.links == ("related T-2",)
    assert [e.new for e in desk.get("T-2").events if e.kind == "linked"] == [{"related": "T-1"}]
    assert "linked" not in [e.kind for e in old.events]


def test_two_fetchers_racing_for_one_message_make_one_ticket(
    desk: Desk, imap: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second looked before the first committed: the unique Message-ID refuses its
    whole transaction (no second ticket), and it reports the message as known."""
    from deskline.core.mail.incoming import Intake
    from deskline.storage import mail as rows

    box = Fetcher(desk.store).rules().mailboxes[0]
    rules = Fetcher(desk.store).rules()
    intake = Intake(desk.store)
    assert intake.take(corpus("plain"), box, rules).outcome == "new"
    monkeypatch.setattr(rows, "known", lambda session, message_id: None)
    late = intake.take(corpus("plain"), box, rules)
    assert late.outcome == "known" and late.note == "taken in by another fetch meanwhile"
    assert len(desk.list()) == 1
