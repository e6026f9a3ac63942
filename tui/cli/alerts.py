"""Commands of the alert engine: ``watch`` (the headless watcher) and ``alerts`` (mine, and
acknowledging them). Registered on the app by ``tui.cli``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from typing import Annotated

import typer

from deskline.core.alerts.inbox import Inbox, InboxItem
from deskline.core.alerts.watcher import Fired, SlaWatcher
from deskline.tui.cli.main import JsonOpt, _session, app, emit, fail, say

alerts_app = typer.Typer(
    help="My alerts: list them, acknowledge them.", invoke_without_command=True
)
app.add_typer(alerts_app, name="alerts")


@app.command()
def watch(
    ctx: typer.Context,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Print each alert fired as one JSON line.")
    ] = False,
    once: Annotated[
        bool, typer.Option("--once", help="Fire what is due now, then exit (for cron).")
    ] = False,
) -> None:
    """Run the alert watcher without a screen: fires every SLA and workflow alert when it
    comes due, for the whole database (one watcher fires at a time; others stand by)."""
    session = _session(ctx)
    desk = session.service_desk()  # a service: it acts as nobody, so needs no agent
    rules = session.settings.alerts
    if not rules.enabled:
        fail("alerts are turned off ([alerts] enabled = false in deskline.toml)", 1)

    def show(fired: list[Fired]) -> None:
        for item in fired:
            if jsonl:
                line = json.dumps(item.to_json(), ensure_ascii=False)
            else:
                line = f"{item.notice.fired_at.astimezone():%H:%M:%S} {item.notice.summary}"
                line += " → " + (", ".join(item.notice.recipients) or "nobody")
            typer.echo(line)
        sys.stdout.flush()

    def tell(kind: str, line: str) -> None:
        if not (once and kind == "lease"):
            say(line)

    watcher = SlaWatcher(desk.store, desk, rules, on_fire=show, on_event=tell)
    if once:
        try:
            watcher.run_due()
            watcher.flush()
            if not watcher.leader:
                say("another watcher holds this database's lease; it fires the alerts")
        finally:  # even when stdout went away (``| head``): never keep the lease
            watcher.release()
        return
    say(f"watching {desk.store.display_url} (ctrl+c stops)")
    asyncio.run(_watch_forever(watcher))


async def _watch_forever(watcher: SlaWatcher) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    watcher.start()
    try:
        await stop.wait()
    finally:
        await asyncio.to_thread(watcher.stop)


def _line(item: InboxItem) -> str:
    ack = "✓" if item.acknowledged_at else " "
    late = " late" if item.late else ""
    when = f"{item.fired_at.astimezone():%m-%d %H:%M}"
    return f"{ack} {item.delivery_id:>5}  {when}  L{item.level}{late}  {item.summary}"


@alerts_app.callback()
def alerts_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """The alerts addressed to me, newest first (✓ acknowledged)."""
    if ctx.invoked_subcommand is not None:
        return
    session = _session(ctx)
    desk = session.desk()
    items = Inbox(desk.store, desk.actor).recent(limit)
    emit(
        [dict(item.to_json(), id=item.delivery_id) for item in items],
        as_json,
        lambda: typer.echo("\n".join(_line(i) for i in items) or "no alerts for you"),
    )


@alerts_app.command("ack")
def alerts_ack(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None, typer.Argument(help="Alert ids from `deskline alerts`.")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every alert of mine not yet acknowledged.")
    ] = False,
) -> None:
    """Acknowledge alerts of mine (recorded with the time)."""
    if bool(ids) == all_:
        fail("name the alerts to acknowledge (ids from `deskline alerts`) or use --all", 2)
    session = _session(ctx)
    desk = session.desk()
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
