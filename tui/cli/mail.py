"""``deskline mail``: the desk's mailboxes: fetch new mail into tickets, send the outbox,
or both in a loop (``watch``, a service)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import Commands, JsonOpt, emit, fail, print_line, say, session_of

if TYPE_CHECKING:
    from deskline.core.desk.database import Store

app = Commands(
    name="mail",
    help=N_("Mail: fetch the mailboxes into tickets, send replies waiting in the outbox."),
)

MailboxOpt = Annotated[
    str | None, typer.Option("--mailbox", metavar="NAME", help=N_("Only this [[mail.mailbox]]."))
]


@app.command(
    "fetch",
    help=N_("Take every unseen message into the desk once: a new ticket, or a reply on its own."),
)
def mail_fetch(ctx: typer.Context, mailbox: MailboxOpt = None, as_json: JsonOpt = False) -> None:
    from deskline.core.mail.incoming import Fetcher

    fetched = Fetcher(session_of(ctx).store).fetch(mailbox)

    def human() -> None:
        for box in fetched:
            counts: dict[str, int] = {}
            for taken in box.taken:
                counts[taken.outcome] = counts.get(taken.outcome, 0) + 1
                where = f" {taken.ticket}" if taken.ticket else ""
                print_line(f"{box.mailbox}: {taken.outcome}{where} <{taken.message_id}>")
            summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            say(
                _("{mailbox}: {summary}").format(
                    mailbox=box.mailbox, summary=summary or _("nothing new")
                )
            )

    emit([box.to_json() for box in fetched], as_json, human)


@app.command(
    "send",
    help=N_("Send the replies due in the outbox (failures are retried later, with backoff)."),
)
def mail_send(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.mail.outgoing import Sender

    done = Sender(session_of(ctx).store).send_due()
    data = {
        "sent": done.sent,
        "retrying": done.retrying,
        "failed": done.failed,
        "reasons": list(done.reasons),
    }

    def human() -> None:
        print_line(_sent(done))
        for reason in dict.fromkeys(done.reasons):
            say(reason)

    emit(data, as_json, human)


@app.command(
    "outbox", help=N_("The mail the desk sent and waits to send: status, attempts, last failure.")
)
def mail_outbox(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.mail.outgoing import outbox

    rows = outbox(session_of(ctx).store)

    def human() -> None:
        if not rows:
            say(_("the outbox is empty"))
        for row in rows:
            why = f" — {row['detail']}" if row["detail"] else ""
            tries = ngettext(
                "{ticket} {status} ({attempts} try) to {to} <{message_id}>",
                "{ticket} {status} ({attempts} tries) to {to} <{message_id}>",
                row["attempts"],
            )
            said = tries.format(
                ticket=row["ticket"] or "-",
                status=row["status"],
                attempts=row["attempts"],
                to=", ".join(row["to"]),
                message_id=row["message_id"],
            )
            print_line(said + why)

    emit(rows, as_json, human)


@app.command(
    "password",
    help=N_(
        "Keep a mailbox's password in the system keyring, in the entry its "
        "password_keyring (or smtp_password_keyring) names: asked twice, never shown. "
        "Run it as the user that runs the mail service, where its keyring (Secret "
        "Service, Keychain) is unlocked."
    ),
)
def mail_password(
    ctx: typer.Context,
    mailbox: Annotated[
        str, typer.Argument(metavar="MAILBOX", help=N_("The [[mail.mailbox]] name."))
    ],
    smtp: Annotated[
        bool, typer.Option("--smtp", help=N_("The SMTP login's password (smtp_password_keyring)."))
    ] = False,
    stdin: Annotated[
        bool, typer.Option("--stdin", help=N_("Read it from the first line of stdin (scripts)."))
    ] = False,
) -> None:
    import sys

    from deskline.core.mail.secret import mailbox_entry, store_password

    entry = mailbox_entry(session_of(ctx).store, mailbox, smtp)
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            _("Password for {entry}").format(entry=entry),
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
    if not password:
        fail(_("no password given: nothing was stored"))
    store_password(entry, password, f"mailbox {mailbox}")
    say(
        _("mailbox {mailbox}: the password is kept in the keyring as {entry}").format(
            mailbox=mailbox, entry=entry
        )
    )


@app.command(
    "watch",
    help=N_(
        "Fetch and send in a loop (a service: run it under systemd or tmux). Mail to a "
        "mailbox whose server has IMAP IDLE is taken in as it arrives (each mailbox "
        "watched on its own connection); otherwise every SECONDS. A mailbox that fails "
        "is reported and tried again next round."
    ),
)
def mail_watch(
    ctx: typer.Context,
    every: Annotated[
        float, typer.Option(metavar="SECONDS", min=1, help=N_("How often to look (default 30)."))
    ] = 30.0,
    once: Annotated[bool, typer.Option("--once", help=N_("One round, then exit."))] = False,
) -> None:
    mail_rounds(session_of(ctx).store, every, once=once)


def mail_rounds(store: Store, every: float, *, once: bool = False) -> None:
    """Fetch every mailbox and send the outbox, round after round (``once``: one round);
    between rounds, IMAP IDLE wakes it when mail comes, else it waits ``every`` seconds.
    A failure is said and tried again next round. ``deskline watch`` runs it too."""
    from deskline.core.errors import DesklineError
    from deskline.core.mail.incoming import Fetcher, wait_for_any
    from deskline.core.mail.outgoing import Sender

    fetcher, sender = Fetcher(store), Sender(store)
    while True:
        started = time.monotonic()
        try:
            for box in fetcher.fetch():
                if box.taken:
                    taken = ngettext(
                        "{mailbox}: took in {count} message",
                        "{mailbox}: took in {count} messages",
                        len(box.taken),
                    )
                    say(taken.format(mailbox=box.mailbox, count=len(box.taken)))
        except DesklineError as exc:
            say(str(exc))
        done = sender.send_due()
        if done.sent or done.reasons:
            say(_sent(done))
        if once:
            return
        receiving = [m for m in fetcher.rules().mailboxes if m.imap_host]
        if receiving and wait_for_any(receiving, every, say):  # IMAP IDLE: mail came
            continue
        time.sleep(max(0.0, every - (time.monotonic() - started)))


def _sent(done: Any) -> str:
    """What a round of sending did, in a line."""
    return _("sent {sent}, to retry {retrying}, given up {failed}").format(
        sent=done.sent, retrying=done.retrying, failed=done.failed
    )
