"""``deskline demo``: the workspace on a demo desk of a few hundred tickets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, Session, say, session_of

app = Commands()


@app.command(
    help=N_("Open deskline on a demo database of about 300 tickets (created on first use).")
)
def demo(
    ctx: typer.Context,
    no_open: Annotated[
        bool, typer.Option("--no-open", help=N_("Only fill the demo database."))
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help=N_("Start the demo database anew."))
    ] = False,
    tickets: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help=N_(
                "How many tickets a new demo desk gets (default 300); an existing one is "
                "kept as it is (--fresh makes it anew)."
            ),
            min=1,
            max=100_000,
        ),
    ] = None,
) -> None:
    from deskline.core.desk.database import demo_file, sqlite_file, ticket_count

    session = session_of(ctx)
    if session.db is None:
        path = demo_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for stale in path.parent.glob("demo.db*"):
                stale.unlink()
        made = _whole_demo(session, path, tickets)
        session.db = str(path)
    else:  # a database of the user's own: a new SQLite file all or nothing, as above;
        # an existing one (or PostgreSQL) filled in place when it has no ticket
        path = sqlite_file(session.db)
        made = path is not None and _whole_demo(session, path, tickets)
        if not made:
            made = ticket_count(session.store) == 0
            if made:
                _fill(session, tickets or DEFAULT_TICKETS)
    store = session.store
    if tickets is not None and not made:
        said = _(
            "the demo desk exists ({count} tickets); --tickets is for a new one: "
            "add --fresh to make it anew with {wanted}"
        )
        say(said.format(count=ticket_count(store), wanted=tickets))
    if no_open:
        where = store.display_url.removeprefix("sqlite:///")
        typer.echo(_("demo database: {where}").format(where=where))
        return
    session.open_workspace()


DEFAULT_TICKETS = 300


def _whole_demo(session: Session, path: Path, tickets: int | None) -> bool:
    """The demo file, made all or nothing (a killed run leaves no half desk behind: the next
    run says so and makes it again); whether it was made now."""
    from deskline.core.desk.database import build_whole, unfinished_builds

    if unfinished_builds(path):
        say(_("an unfinished demo desk (its making was stopped) was removed"))
    if path.exists():
        return False

    def make(part: Path) -> None:
        building = Session(db=str(part), config=session.config, handle=session.handle)
        try:
            _fill(building, tickets or DEFAULT_TICKETS)
        finally:
            building.store.close()

    build_whole(path, make)
    return True


def _fill(session: Session, tickets: int) -> None:
    from deskline.core import clock
    from deskline.core.demo import fill
    from deskline.tui.cli.progress import bar

    rules = session.service_desk().refresh_policy().sla  # the demo desk's policy
    with bar(_("demo")) as show:
        summary = fill(
            session.store,
            now=clock.now(),
            tickets=tickets,
            me=session.me,
            rules=rules,
            progress=lambda done, total: show("tickets", done, total),
        )
    for line in summary.lines():
        say(line)
