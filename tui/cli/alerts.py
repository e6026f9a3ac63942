"""Commands of the alert engine: ``watch`` (the headless watcher) and ``alerts`` (mine, and
acknowledging them)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli import log
from deskline.tui.cli.context import (
    COUNT_MAX,
    Commands,
    JsonOpt,
    emit,
    fail,
    print_line,
    say,
    session_of,
)
from deskline.tui.cli.helptext import padded

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from deskline.core.alerts.feed import AlertFeed
    from deskline.core.alerts.inbox import InboxItem
    from deskline.core.alerts.outbound import DeliveryView
    from deskline.core.alerts.watcher import Fired, SlaWatcher

app = Commands()
alerts_app = Commands(
    name="alerts",
    help=N_("My alerts: list them, acknowledge them; the desk's webhook and email deliveries."),
    invoke_without_command=True,
)
app.add_typer(alerts_app)
me_app = Commands(name="me", help=N_("My own settings: how alerts reach me."))
app.add_typer(me_app)

logger = logging.getLogger(__name__)


@app.command(
    help=N_(
        "Run the alert watcher without a screen: fires every SLA and workflow alert "
        "when it comes due, for the whole database (one watcher fires at a time; "
        "others stand by). With mailboxes in the desk's policy it also takes mail in "
        "and sends the outbox, as `mail watch` does (--no-mail: not)."
    )
)
def watch(
    ctx: typer.Context,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help=N_(
                "Print every alert of the desk as one JSON line, once each, whoever fires "
                "it (also while another watcher holds the lease)."
            ),
        ),
    ] = False,
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            metavar="ID",
            min=0,
            max=2**63 - 1,
            help=N_("With --jsonl: first print the alerts stored after this id (each line's id)."),
        ),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help=N_("Fire what is due now, then exit (for cron)."))
    ] = False,
    log_file: Annotated[
        Path | None,
        typer.Option(
            "--log-file",
            metavar="FILE",
            dir_okay=False,
            help=N_("Write the log here, not to stderr (info lines at least; -vv for debug)."),
        ),
    ] = None,
    no_mail: Annotated[
        bool,
        typer.Option("--no-mail", help=N_("Leave the desk's mailboxes to `deskline mail watch`.")),
    ] = False,
    mail_every: Annotated[
        float,
        typer.Option(
            "--mail-every", metavar="SECONDS", min=1, help=N_("Mail without IMAP IDLE: how often.")
        ),
    ] = 30.0,
) -> None:
    import asyncio
    import threading

    from deskline.core.alerts.feed import AlertFeed
    from deskline.core.alerts.watcher import SlaWatcher
    from deskline.core.desk.archive import ArchiveRun, nightly
    from deskline.core.kb.tell import daily
    from deskline.tui.cli.mail import mail_rounds

    if since is not None and not jsonl:
        fail(_("--since goes with --jsonl: it resumes the JSON feed after that alert id"), 2)
    session = session_of(ctx)
    if log_file is not None:
        try:
            log.configure(session.verbose, log_file)
        except OSError as exc:
            fail(
                _("cannot write the log to {file}: {reason}").format(
                    file=log_file, reason=exc.strerror or exc
                ),
                2,
            )
    desk = session.service_desk()  # a service: it acts as nobody, so needs no agent
    if not desk.refresh_policy().alerts.enabled:
        fail(_("alerts are turned off ([alerts] enabled = false in the desk's policy)"), 1)

    feed = AlertFeed(desk.store, since) if jsonl else None

    def show(fired: list[Fired]) -> None:
        for item in fired:
            recipients = ", ".join(item.notice.recipients) or _("nobody")
            logger.info("fired: %s → %s", item.notice.summary, recipients)
            if feed is None:
                line = f"{item.notice.fired_at.astimezone():%H:%M:%S} {item.notice.summary}"
                print_line(line + " → " + recipients)
        sys.stdout.flush()

    def tell(kind: str, line: str) -> None:
        logger.info("%s: %s", kind, line)
        if not (once and kind == "lease"):
            say(line)

    watcher = SlaWatcher(desk.store, desk, on_fire=show, on_event=tell)  # the desk's policy
    mail = not no_mail and bool(desk.refresh_policy().mail.mailboxes)
    if once:
        logger.info("firing what is due on %s", desk.store.display_url)
        try:
            watcher.run_due()
            watcher.deliver()  # retries that came due since the last run, too
            watcher.flush()
            if feed is not None:
                print_feed(feed)
            if not watcher.leader:
                say(_("another watcher holds this database's lease; it fires the alerts"))
        finally:  # even when stdout went away (``| head``): never keep the lease
            watcher.release()
        if mail:
            mail_rounds(desk.store, mail_every, once=True)
        return
    logger.info("watching %s", desk.store.display_url)
    if mail:  # its own thread: a slow mail server never holds an alert back
        rounds = threading.Thread(
            target=mail_rounds, args=(desk.store, mail_every), name="mail", daemon=True
        )
        rounds.start()
    if mail:
        watching = _("watching {url} and its mailboxes (ctrl+c stops)")
    else:
        watching = _("watching {url} (ctrl+c stops)")
    say(watching.format(url=desk.store.display_url))

    def failed(exc: Exception) -> None:
        logger.error("knowledge-base suggestions failed: %s", exc)

    def archive_failed(exc: Exception) -> None:
        logger.error("the nightly archive run failed: %s", exc)

    def archived(done: ArchiveRun) -> None:
        logger.info("%s", done.summary())
        if done.archived:
            say(done.summary())

    jobs = [
        daily(desk.store, failed),  # articles worth writing, told to supervisors
        nightly(desk.store, archive_failed, archived),  # old closed tickets into the archive
    ]
    asyncio.run(watch_until_stopped(watcher, feed, jobs))


FEED_POLL = 0.25  # seconds between two reads of the alert feed
JOB_POLL = 600.0  # seconds between two looks at the daily jobs (suggestions, the archive)


def print_feed(feed: AlertFeed) -> None:
    lines = [json.dumps(item, ensure_ascii=False) for item in feed.poll()]
    if lines:
        typer.echo("\n".join(lines))
        sys.stdout.flush()


async def watch_until_stopped(
    watcher: SlaWatcher,
    feed: AlertFeed | None = None,
    jobs: Sequence[Callable[[], None]] = (),
) -> None:
    """Run the watcher until SIGINT or SIGTERM (systemd's stop), then let it finish; the
    feed (``--jsonl``) is read every FEED_POLL seconds meanwhile, and once more at the end;
    ``jobs`` run at the start and every JOB_POLL seconds (each knows when it is due)."""
    import asyncio
    import contextlib
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    watcher.start(follow=True)  # a new policy version re-arms it at once
    jobs_at = 0.0
    try:
        while not stop.is_set():
            if feed is not None:
                try:
                    await asyncio.to_thread(print_feed, feed)
                except Exception:  # a database hiccup: the next read catches up
                    logger.exception("reading the alert feed failed")
            if jobs and loop.time() >= jobs_at:
                jobs_at = loop.time() + JOB_POLL
                for job in jobs:
                    await asyncio.to_thread(job)
            wait = FEED_POLL if feed is not None else (JOB_POLL if jobs else None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
    finally:
        await asyncio.to_thread(watcher.stop)
        if feed is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(print_feed, feed)
        logger.info("stopped")


def inbox_line(item: InboxItem) -> str:
    """One alert of mine: acknowledged mark, id, when, level, what."""
    ack = "✓" if item.acknowledged_at else " "
    late = " " + _("late") if item.late else ""
    when = f"{item.fired_at.astimezone():%m-%d %H:%M}"
    return f"{ack} {item.delivery_id:>5}  {when}  L{item.level}{late}  {item.summary}"


@alerts_app.callback()
def alerts_list(
    ctx: typer.Context,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", metavar="N", min=1, max=COUNT_MAX, help=N_("How many, newest first.")
        ),
    ] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The alerts addressed to me, newest first (✓ acknowledged)."""
    if ctx.invoked_subcommand is not None:
        return
    from deskline.core.alerts.inbox import Inbox

    desk = session_of(ctx).desk()
    items = Inbox(desk.store, desk.actor).recent(limit)
    emit(
        [dict(item.to_json(), id=item.delivery_id) for item in items],
        as_json,
        lambda: print_line("\n".join(inbox_line(i) for i in items) or _("no alerts for you")),
    )


@alerts_app.command("ack", help=N_("Acknowledge alerts of mine (recorded with the time)."))
def alerts_ack(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None,
        typer.Argument(metavar="ID...", help=N_("Alert ids from `deskline alerts`.")),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help=N_("Every alert of mine not yet acknowledged."))
    ] = False,
) -> None:
    from deskline.core.alerts.inbox import Inbox

    if bool(ids) == all_:
        fail(_("name the alerts to acknowledge (ids from `deskline alerts`) or use --all"), 2)
    desk = session_of(ctx).desk()
    inbox = Inbox(desk.store, desk.actor)
    mine = {item.delivery_id: item for item in inbox.recent(100_000)}
    wanted = list(dict.fromkeys(ids or [i for i, item in mine.items() if not item.acknowledged_at]))
    unknown = [i for i in wanted if i not in mine]
    if unknown:
        fail(_("no alert {id} for you: see `deskline alerts` for yours").format(id=unknown[0]), 1)
    done = [i for i in wanted if inbox.acknowledge(i)]
    already = len(wanted) - len(done)
    said = ngettext("acknowledged {count} alert", "acknowledged {count} alerts", len(done))
    if already:
        said += _(" ({count} already were)").format(count=already)
    typer.echo(said.format(count=len(done)))


def delivery_line(view: DeliveryView) -> str:
    """One webhook or email delivery: id, state, channel, target, alert, ticket, attempts,
    the next attempt or what the last one met."""
    if view.status == "pending" and view.next_attempt_at is not None:
        at = f"{view.next_attempt_at.astimezone():%m-%d %H:%M:%S}"
        state = _("next {at}").format(at=at)
    else:
        state = view.status
    tries = ngettext("{count} attempt", "{count} attempts", view.attempts)
    alert = _("alert {id}").format(id=view.alert_id)
    line = (
        f"{view.id:>6}  {padded(state, 20)} {view.channel:<7} {view.target}  {alert} "
        f"{view.ticket or '-'}  {tries.format(count=view.attempts)}"
    )
    error = {"failed": view.detail, "pending": view.last_error}.get(view.status)
    return line + (f"  {error}" if error else "")


@alerts_app.command(
    "deliveries",
    help=N_(
        "The desk's webhook and email deliveries, newest first: state, attempts, the "
        "next attempt and the last error (supervisors, directors and admins)."
    ),
)
def alerts_deliveries(
    ctx: typer.Context,
    failed: Annotated[
        bool, typer.Option("--failed", help=N_("Only those given up (resend them with resend)."))
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", metavar="N", min=1, max=COUNT_MAX, help=N_("How many, newest first.")
        ),
    ] = 50,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.alerts.outbound import list_deliveries

    desk = session_of(ctx).desk()
    views = list_deliveries(
        desk.store, desk.refresh_policy().alerts, desk.actor, failed=failed, limit=limit
    )
    nothing = _("no failed deliveries") if failed else _("no webhook or email deliveries")
    emit(
        [view.to_json() for view in views],
        as_json,
        lambda: print_line("\n".join(delivery_line(v) for v in views) or nothing),
    )


@alerts_app.command(
    "resend",
    help=N_(
        "Put failed deliveries back in the queue: the watcher holding the lease sends "
        "them again, in firing order, with a new give-up age (supervisors, directors "
        "and admins)."
    ),
)
def alerts_resend(
    ctx: typer.Context,
    ids: Annotated[
        list[int],
        typer.Argument(
            metavar="ID...", min=1, max=COUNT_MAX, help=N_("Ids from `deskline alerts deliveries`.")
        ),
    ],
) -> None:
    from deskline.core import clock
    from deskline.core.alerts.outbound import resend

    desk = session_of(ctx).desk()
    count = resend(desk.store, desk.actor, list(dict.fromkeys(ids)), clock.now())
    typer.echo(
        ngettext("queued {count} delivery again", "queued {count} deliveries again", count).format(
            count=count
        )
    )


@me_app.command(
    "notify",
    help=N_("Show or set how alerts reach me: my channels, my quiet hours and their language."),
)
def me_notify(
    ctx: typer.Context,
    channels: Annotated[
        str | None,
        typer.Option(
            "--channels",
            metavar="LIST",
            help=N_("The channels that reach me, of app, desktop, email (like app,desktop)."),
        ),
    ] = None,
    quiet: Annotated[
        str | None,
        typer.Option(
            "--quiet",
            metavar="HH:MM-HH:MM|off",
            help=N_("My quiet hours: no desktop or email alerts below breach level then."),
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option("--tz", metavar="ZONE", help=N_("The time zone of my quiet hours.")),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            metavar="LANG|off",
            help=N_(
                "The language of my alert texts (toast, desktop, email), e.g. zh_CN; "
                "off: my app's own."
            ),
        ),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option("--agent", metavar="HANDLE", help=N_("Another agent's (admins only).")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.alerts import preferences

    session = session_of(ctx)
    desk = session.desk()
    handle = agent or desk.actor
    if channels is None and quiet is None and tz is None and language is None:
        prefs = preferences.show(desk.store, handle)
    else:
        chosen = preferences.parse_channels(channels) if channels is not None else None
        hours = preferences.parse_quiet(quiet) if quiet is not None else preferences.keep()
        zone = preferences.parse_timezone(tz) if tz is not None else None
        if zone is None and quiet is not None and quiet.strip().lower() != "off":
            zone = local_zone()
        speaks = (
            preferences.parse_language(language) if language is not None else preferences.keep()
        )
        prefs = preferences.change(
            desk.store,
            handle,
            by=desk.actor,
            channels=chosen,
            quiet=hours,
            timezone=zone,
            language=speaks,
        )
    data = dict(prefs.to_json(), agent=handle)

    def human() -> None:
        hours = f"{data['quiet']} ({data['timezone']})" if data["quiet"] else _("none")
        said = _("{handle}: channels {channels}; quiet hours {hours}").format(
            handle=handle, channels=", ".join(data["channels"]), hours=hours
        )
        if data["language"]:
            said += _("; alerts in {language}").format(language=data["language"])
        print_line(said)

    emit(data, as_json, human)


def local_zone() -> str:
    """This machine's time zone name (TZ, else /etc/localtime's), UTC when unknown."""
    import os
    from zoneinfo import ZoneInfo

    for name in (os.environ.get("TZ", "").lstrip(":"), _localtime_name()):
        if name:
            try:
                ZoneInfo(name)
                return name
            except Exception:
                continue
    return "UTC"


def _localtime_name() -> str:
    import os

    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return ""
    _, found, name = target.partition("zoneinfo/")
    return name if found else ""
