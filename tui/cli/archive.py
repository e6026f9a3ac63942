"""``deskline archive``: closed tickets past the desk's age leave the live desk (searched,
reported and shown still; read-only until reopened). The watcher service runs it nightly."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_
from deskline.tui.cli.context import Commands, JsonOpt, emit, print_line, session_of

app = Commands(
    name="archive",
    help=N_("The archive: old closed tickets out of the live desk, still searched and reported."),
)


@app.command(
    "run",
    help=N_(
        "Archive the closed tickets closed long enough ago (supervisors, directors, "
        "admins); run again, it archives nothing more."
    ),
)
def run(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Count what would be archived; change nothing."))
    ] = False,
    older_than: Annotated[
        int | None,
        typer.Option(
            "--older-than",
            metavar="DAYS",
            help=N_(
                "Closed at least this many days ago (default: the policy's [archive] "
                "after_days, 90)."
            ),
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk import archive

    done = archive.run(session_of(ctx).desk(), older_than=older_than, dry_run=dry_run)
    emit(done.to_json(), as_json, lambda: print_line(done.summary()))
