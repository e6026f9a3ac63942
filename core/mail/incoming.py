"""Mail in: each message of a mailbox's folder becomes a ticket, or joins the ticket it
answers, in one transaction that also stores its Message-ID (unique: a message fetched
twice, or by two fetchers at once, is taken in once). It is marked seen on the server only
after that transaction committed (in batches); a fetch killed in between leaves it unseen,
and the next fetch finds its Message-ID stored and only marks it.

Threading: the Message-IDs it answers (In-Reply-To, References) against those the desk
received and sent; else the ``[T-123]`` subject token, only when the sender is that
ticket's requester or CC. Automatic mail (Auto-Submitted other than "no", Precedence
bulk/junk/list, bounces, lists) and the desk's own messages are stored as ignored.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from deskline.core import clock
from deskline.core.config.mail import Mailbox, MailRules
from deskline.core.desk import fields
from deskline.core.desk.audit import record_event
from deskline.core.desk.fields import TITLE_MAX
from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError, Refused
from deskline.core.language import _
from deskline.core.mail import outgoing
from deskline.core.mail.parse import InMail, parse
from deskline.core.policy.book import PolicyBook
from deskline.storage import attachments as attachment_rows
from deskline.storage import contacts as contact_rows
from deskline.storage import links as ticket_links
from deskline.storage import mail as rows
from deskline.storage import queries
from deskline.storage.models import Ticket
from deskline.storage.store import Store

SYSTEM = "deskline"  # the handle the desk's own steps carry (no agent is checked)
SEEN_BATCH = 50  # messages taken in are marked seen on the server this many at a time


@dataclass(frozen=True)
class Taken:
    """What became of one message."""

    message_id: str
    outcome: str  # new, reply, ignored, known
    ticket: str | None = None  # its key
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "outcome": self.outcome,
            "ticket": self.ticket,
            "note": self.note,
        }


def _describe(mail: InMail, limit: int) -> str:
    text = mail.text or "(no text)"
    if mail.attachments:
        listed = "\n".join(
            f"- {a['filename']} ({a['type']}, {a['size']} bytes"
            + ("" if a["size"] <= limit else ", too big to keep")
            + ")"
            for a in mail.attachments
        )
        text += f"\n\nAttachments (`deskline attachments list` shows them):\n{listed}"
    return text


def _title(subject: str) -> str:
    title = " ".join(subject.split()) or "(no subject)"
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


class Intake:
    """Takes messages into the desk (one transaction each)."""

    def __init__(self, store: Store, *, now: Callable[[], datetime] = clock.now) -> None:
        self.store = store
        self.now = now
        self.desk = Desk(store, SYSTEM, now=now)

    def take(self, raw: bytes, box: Mailbox, rules: MailRules) -> Taken:
        mail = parse(raw)
        try:
            return self._take(mail, box, rules)
        except IntegrityError:  # another fetcher stored this Message-ID first
            return Taken(mail.message_id, "known", note="taken in by another fetch meanwhile")
        except DesklineError as exc:  # say, a From the desk cannot use: kept as ignored
            why = f"could not be taken in: {exc}"
            try:
                with self.store.write() as s:
                    self._record(s, mail, box, None, None, "ignored", why)
            except IntegrityError:
                pass
            return Taken(mail.message_id, "ignored", note=why)

    def _take(self, mail: InMail, box: Mailbox, rules: MailRules) -> Taken:
        ours = {m.address for m in rules.mailboxes}
        with self.store.read() as s:
            seen = rows.known(s, mail.message_id)
            if seen is not None:
                ticket = s.get(Ticket, seen.ticket_id) if seen.ticket_id else None
                return Taken(
                    mail.message_id, "known", ticket.key if ticket else None, seen.direction
                )
            why = mail.automatic
            if why is None and (mail.sender in ours or not mail.sender):
                why = "the desk's own address" if mail.sender else "no From address"
            target = None if why else self._thread(s, mail)
        if why is not None:
            with self.store.write() as s:
                self._record(s, mail, box, None, None, "ignored", why)
            return Taken(mail.message_id, "ignored", note=why)
        first: str | None = None
        follows: str | None = None
        if target is not None:
            key, how = target
            try:
                view = self.desk.customer_reply(
                    key,
                    mail.reply,
                    then=lambda s, t, comment: self._record(
                        s, mail, box, t, comment, "in", how, keep=rules.attachment_limit
                    ),
                )
                return Taken(mail.message_id, "reply", view.key, how)
            except Refused as exc:  # closed: a new ticket, linked to the one it answers
                first, follows = f"{exc}", key
        view = self.desk.create(
            _title(mail.subject),
            channel="email",
            description=_describe(mail, rules.attachment_limit),
            requester=mail.sender,
            requester_name=mail.sender_name or None,
            cc=[a for a in mail.cc if a not in ours and a != mail.sender],
            team=box.team,
            system=True,
            then=lambda s, t: self._opened(s, mail, box, t, rules, first or "new", follows),
        )
        return Taken(mail.message_id, "new", view.key, first)

    def _opened(
        self,
        s: Session,
        mail: InMail,
        box: Mailbox,
        ticket: Ticket,
        rules: MailRules,
        note: str,
        follows: str | None = None,
    ) -> None:
        """A ticket opened from ``mail``: its message stored, the acknowledgement queued, and
        when the mail answered a closed or archived ticket, the two linked as related. The old
        ticket is not changed (an archived one is read-only): the link and the new ticket's
        ``linked`` event are written, and the old one shows the link among its own."""
        self._record(s, mail, box, ticket, None, "in", note, keep=rules.attachment_limit)
        outgoing.queue_acknowledgement(s, ticket, rules, self.now())
        old = queries.ticket_by_number(s, fields.ticket_number(follows)) if follows else None
        if old is not None and old.id is not None and ticket.id is not None:
            ticket_links.add(s, old.id, ticket.id, "related", self.now(), None)
            record_event(s, ticket, None, self.now(), "linked", None, {"related": old.key})

    def _thread(self, s: Session, mail: InMail) -> tuple[str, str] | None:
        """The ticket a message answers, and how that was found."""
        found = rows.ticket_of(s, mail.thread_ids)
        if found is not None:
            return found.key, "threaded by its In-Reply-To/References"
        number = mail.token()
        if number is None:
            return None
        ticket = queries.ticket_by_number(s, number)
        if ticket is None or ticket.id is None:
            return None
        contact = contact_rows.by_address(s, mail.sender)
        if contact is None:
            return None
        copied = {c.id for c in contact_rows.ccs(s, ticket.id)}
        if contact.id == ticket.requester_id or contact.id in copied:
            return ticket.key, "threaded by the [T-N] in its subject"
        return None  # a stranger quoting a key opens their own ticket

    def _record(
        self,
        s: Session,
        mail: InMail,
        box: Mailbox,
        ticket: Ticket | None,
        comment: int | None,
        direction: str,
        note: str | None,
        *,
        keep: int = 0,
    ) -> None:
        """The message, and its files with its ticket (each one's bytes up to ``keep``)."""
        message = rows.add(
            s,
            message_id=mail.message_id,
            direction=direction,
            ticket_id=ticket.id if ticket else None,
            comment_id=comment,
            mailbox=box.name,
            sender=mail.sender or None,
            subject=mail.subject,
            note=note,
            attachments=list(mail.attachments),
            at=self.now(),
        )
        if ticket is not None:
            files = [
                {
                    "ticket_id": ticket.id,
                    "mail_message_id": message.id,
                    "filename": about["filename"],
                    "content_type": about["type"],
                    "size": about["size"],
                    "sha256": about["sha256"],
                    "data": data if about["size"] <= keep else None,
                    "at": self.now(),
                }
                for about, data in zip(mail.attachments, mail.files, strict=True)
            ]
            attachment_rows.add(s, files)


# -- IMAP ----------------------------------------------------------------------------


class MailError(DesklineError):
    """A mailbox cannot be reached or read; one line."""


def password_of(box: Mailbox) -> str:
    """The IMAP password: from its environment variable, or its entry in the system keyring."""
    if box.password_keyring is not None:
        from deskline.core.mail.secret import SecretError, read_password

        try:
            return read_password(
                box.password_keyring,
                _("mailbox {name}").format(name=box.name),
                f"deskline mail password {box.name}",
            )
        except SecretError as exc:
            raise MailError(str(exc)) from None
    if box.password_env is None:
        raise MailError(
            _(
                "mailbox {name}: no password_env or password_keyring in the policy's "
                "[[mail.mailbox]]"
            ).format(name=box.name)
        )
    value = os.environ.get(box.password_env)
    if value is None:
        raise MailError(
            _(
                "mailbox {name}: the environment variable {env} (the password of {user}) is not set"
            ).format(name=box.name, env=box.password_env, user=box.user)
        )
    return value


@contextmanager
def connect(box: Mailbox, timeout: float = 30.0) -> Iterator[Any]:
    """A logged-in imap_tools mailbox on the box's folder."""
    from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted  # loads for mail only

    assert box.imap_host is not None and box.user is not None
    password = password_of(box)
    where = f"{box.imap_host}:{box.imap_port}"
    try:
        if box.imap_tls == "ssl":
            client: Any = MailBox(box.imap_host, box.imap_port, timeout=timeout)
        elif box.imap_tls == "starttls":
            client = MailBoxStartTls(box.imap_host, box.imap_port, timeout=timeout)
        else:
            client = MailBoxUnencrypted(box.imap_host, box.imap_port, timeout=timeout)
        client.login(box.user, password, initial_folder=box.folder)
    except Exception as exc:  # imaplib, ssl and socket errors all say what went wrong
        raise MailError(
            _("mailbox {name} at {where}: {kind}: {error}").format(
                name=box.name, where=where, kind=type(exc).__name__, error=exc
            )
        ) from None
    try:
        yield client
    finally:
        try:
            client.logout()
        except Exception:
            pass


@dataclass
class Fetched:
    mailbox: str
    taken: list[Taken]

    def to_json(self) -> dict[str, Any]:
        return {"mailbox": self.mailbox, "messages": [t.to_json() for t in self.taken]}


class Fetcher:
    """``deskline mail fetch``: every unseen message of each receiving mailbox, once."""

    def __init__(self, store: Store, *, now: Callable[[], datetime] = clock.now) -> None:
        self.store = store
        self.intake = Intake(store, now=now)
        self.book = PolicyBook()

    def rules(self) -> MailRules:
        with self.store.read() as s:
            return self.book.check(s).mail

    def fetch(self, name: str | None = None, limit: int | None = None) -> list[Fetched]:
        rules = self.rules()
        boxes = [m for m in rules.mailboxes if m.imap_host and name in (None, m.name)]
        if not boxes:
            raise MailError(
                _("no mailbox {name} receives mail").format(name=repr(name))
                if name
                else _(
                    "no mailbox receives mail: add [[mail.mailbox]] with imap_host to the desk's "
                    "policy (`deskline policy export`, edit, `deskline policy apply`)"
                )
            )
        return [self.fetch_box(box, rules, limit) for box in boxes]

    def fetch_box(self, box: Mailbox, rules: MailRules, limit: int | None = None) -> Fetched:
        from imap_tools import AND

        taken: list[Taken] = []
        done: list[str] = []  # taken in (committed), not yet marked on the server
        with connect(box) as client:
            try:
                for message in client.fetch(AND(seen=False), mark_seen=False, limit=limit):
                    taken.append(self.intake.take(message.obj.as_bytes(), box, rules))
                    done.append(message.uid)  # only now, after its transaction committed
                    if len(done) >= SEEN_BATCH:
                        client.flag(done, "\\Seen", True)
                        done = []
            finally:
                if done:
                    client.flag(done, "\\Seen", True)
        return Fetched(box.name, taken)


IDLE_SLICE = 5.0  # seconds: the longest a message that came just as IDLE began can wait


def _buffered(client: Any) -> bool:
    """Whether a server's line already sits read into the connection's buffer (a poll of
    the socket would not see it)."""
    sock = client.client.sock
    old = sock.gettimeout()
    sock.settimeout(0)
    try:
        return bool(client.client.file.peek(1))
    except OSError:  # nothing there (would block)
        return False
    finally:
        sock.settimeout(old)


def wait_for_mail(box: Mailbox, timeout: float, stop: threading.Event | None = None) -> bool:
    """Wait up to ``timeout`` seconds for new mail in the box's folder with IMAP IDLE (the
    server tells at once); False at once if the server has no IDLE (the caller polls), and
    within one IDLE slice once ``stop`` is set."""
    from imap_tools import AND

    deadline = time.monotonic() + timeout
    with connect(box, timeout=timeout + 30) as client:
        if "IDLE" not in client.client.capabilities:
            return False
        try:
            while time.monotonic() < deadline:
                if stop is not None and stop.is_set():
                    return False
                if list(client.uids(AND(seen=False))):  # came since the last look
                    return True
                client.client.untagged_responses.pop("EXISTS", None)
                client.idle.start()
                try:
                    # Mail that came as IDLE began was read with its "+ idling" (kept aside
                    # by imaplib), or sits in the read buffer where a poll of the socket
                    # cannot see it: so poll in short slices, and look again between them.
                    if client.client.untagged_responses.get("EXISTS") or _buffered(client):
                        return True
                    slice_ = max(0.0, min(IDLE_SLICE, deadline - time.monotonic()))
                    if client.idle.poll(timeout=slice_):
                        return True
                finally:
                    client.idle.stop()
        except Exception as exc:
            raise MailError(
                _("mailbox {name}: IDLE failed: {kind}: {error}").format(
                    name=box.name, kind=type(exc).__name__, error=exc
                )
            ) from None
    return True


def wait_for_any(boxes: list[Mailbox], timeout: float, on_error: Callable[[str], None]) -> bool:
    """Wait up to ``timeout`` seconds for new mail in any of ``boxes``, each watched with
    IMAP IDLE on its own connection: True as soon as one has mail. A box whose server has
    no IDLE, or that fails (told to ``on_error``, once per wait), is left to the caller's
    polling. The watchers still idling stop within one IDLE slice, on their own."""
    woke, stop = threading.Event(), threading.Event()

    def watch(box: Mailbox) -> None:
        try:
            if wait_for_mail(box, timeout, stop):
                woke.set()
        except DesklineError as exc:
            on_error(str(exc))

    for box in boxes:
        threading.Thread(target=watch, args=(box,), name=f"idle {box.name}", daemon=True).start()
    woke.wait(timeout)
    stop.set()
    return woke.is_set()
