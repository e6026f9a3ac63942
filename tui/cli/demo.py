"""``deskline demo``: the workspace on a demo desk of a few hundred tickets."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.tui.cli.context import Commands, say, session_of

app = Commands()


@app.command()
def demo(
    ctx: typer.Context,
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Only fill the demo database.")
    ] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Start the demo database anew.")] = False,
    tickets: Annotated[
        int,
        typer.Option(
            metavar="N", help="How many tickets a new demo desk gets.", min=1, max=100_000
        ),
    ] = 300,
) -> None:
    """Open deskline on a demo database of about 300 tickets (created on first use)."""
    from deskline.core import clock
    from deskline.core.demo import fill
    from deskline.core.desk.database import demo_file, ticket_count

    session = session_of(ctx)
    path = demo_file()
    if session.db is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for stale in path.parent.glob("demo.db*"):
                stale.unlink()
        session.db = str(path)
    store = session.store
    if ticket_count(store) == 0:
        rules = session.service_desk().refresh_policy().sla  # the demo desk's policy
        summary = fill(store, now=clock.now(), tickets=tickets, me=session.me, rules=rules)
        for line in summary.lines():
            say(line)
    if no_open:
        typer.echo(f"demo database: {store.display_url.removeprefix('sqlite:///')}")
        return
    session.open_workspace()
