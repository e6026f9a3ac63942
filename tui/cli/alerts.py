"""Commands of the alert engine: ``watch`` (the headless watcher) and ``alerts`` (mine, and
acknowledging them)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskline.tui.cli import log
from deskline.tui.cli.context import Commands, JsonOpt, emit, fail, say, session_of

if TYPE_CHECKING:
    from deskline.core.alerts.inbox import InboxItem
    from deskline.core.alerts.watcher import Fired, SlaWatcher

app = Commands()
alerts_app = Commands(
    name="alerts", help="My alerts: list them, acknowledge them.", invoke_without_command=True
)
app.add_typer(alerts_app)

logger = logging.getLogger(__name__)


@app.command()
def watch(
    ctx: typer.Context,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Print each alert fired as one JSON line.")
    ] = False,
    once: Annotated[
        bool, typer.Option("--once", help="Fire what is due now, then exit (for cron).")
    ] = False,
    log_file: Annotated[
        Path | None,
        typer.Option(
            "--log-file",
            metavar="FILE",
            dir_okay=False,
            help="Write the log here, not to stderr (info lines at least; -vv for debug).",
        ),
    ] = None,
) -> None:
    """Run the alert watcher without a screen: fires every SLA and workflow alert when it
    comes due, for the whole database (one watcher fires at a time; others stand by)."""
    import asyncio

    from deskline.core.alerts.watcher import SlaWatcher

    session = session_of(ctx)
    if log_file is not None:
        try:
            log.configure(session.verbose, log_file)
        except OSError as exc:
            fail(f"cannot write the log to {log_file}: {exc.strerror or exc}", 2)
    desk = session.service_desk()  # a service: it acts as nobody, so needs no agent
    if not desk.refresh_policy().alerts.enabled:
        fail("alerts are turned off ([alerts] enabled = false in the desk's policy)", 1)

    def show(fired: list[Fired]) -> None:
        for item in fired:
            recipients = ", ".join(item.notice.recipients) or "nobody"
            logger.info("fired: %s → %s", item.notice.summary, recipients)
            if jsonl:
                line = json.dumps(item.to_json(), ensure_ascii=False)
            else:
                line = f"{item.notice.fired_at.astimezone():%H:%M:%S} {item.notice.summary}"
                line += " → " + recipients
            typer.echo(line)
        sys.stdout.flush()

    def tell(kind: str, line: str) -> None:
        logger.info("%s: %s", kind, line)
        if not (once and kind == "lease"):
            say(line)

    watcher = SlaWatcher(desk.store, desk, on_fire=show, on_event=tell)  # the desk's policy
    if once:
        logger.info("firing what is due on %s", desk.store.display_url)
        try:
            watcher.run_due()
            watcher.flush()
            if not watcher.leader:
                say("another watcher holds this database's lease; it fires the alerts")
        finally:  # even when stdout went away (``| head``): never keep the lease
            watcher.release()
        return
    logger.info("watching %s", desk.store.display_url)
    say(f"watching {desk.store.display_url} (ctrl+c stops)")
    asyncio.run(watch_until_stopped(watcher))


async def watch_until_stopped(watcher: SlaWatcher) -> None:
    """Run the watcher until SIGINT or SIGTERM (systemd's stop), then let it finish."""
    import asyncio
    import contextlib
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    watcher.start(follow=True)  # a new policy version re-arms it at once
    try:
        await stop.wait()
    finally:
        await asyncio.to_thread(watcher.stop)
        logger.info("stopped")


def inbox_line(item: InboxItem) -> str:
    """One alert of mine: acknowledged mark, id, when, level, what."""
    ack = "✓" if item.acknowledged_at else " "
    late = " late" if item.late else ""
    when = f"{item.fired_at.astimezone():%m-%d %H:%M}"
    return f"{ack} {item.delivery_id:>5}  {when}  L{item.level}{late}  {item.summary}"


@alerts_app.callback()
def alerts_list(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, help="How many, newest first.")
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
        lambda: typer.echo("\n".join(inbox_line(i) for i in items) or "no alerts for you"),
    )


@alerts_app.command("ack")
def alerts_ack(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None,
        typer.Argument(metavar="ID...", help="Alert ids from `deskline alerts`."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every alert of mine not yet acknowledged.")
    ] = False,
) -> None:
    """Acknowledge alerts of mine (recorded with the time)."""
    from deskline.core.alerts.inbox import Inbox

    if bool(ids) == all_:
        fail("name the alerts to acknowledge (ids from `deskline alerts`) or use --all", 2)
    desk = session_of(ctx).desk()
    inbox = Inbox(desk.store, desk.actor)
    mine = {item.delivery_id: item for item in inbox.recent(100_000)}
    wanted = list(dict.fromkeys(ids or [i for i, item in mine.items() if not item.acknowledged_at]))
    unknown = [i for i in wanted if i not in mine]
    if unknown:
        fail(f"no alert {unknown[0]} for you: see `deskline alerts` for yours", 1)
    done = [i for i in wanted if inbox.acknowledge(i)]
    already = len(wanted) - len(done)
    typer.echo(
        f"acknowledged {len(done)} alert{'s' if len(done) != 1 else ''}"
        + (f" ({already} already were)" if already else "")
    )
