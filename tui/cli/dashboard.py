"""``deskline dashboard``: the supervisor's breach dashboard, live or printed once."""

from __future__ import annotations

import gc
from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, emit, fail, session_of

app = Commands()


@app.command(help=N_("The supervisor's breach dashboard, read-only (--once: print it and exit)."))
def dashboard(
    ctx: typer.Context,
    team: Annotated[
        str | None,
        typer.Option("--team", metavar="NAME", help=N_("Only this team (default: all).")),
    ] = None,
    refresh: Annotated[
        float,
        typer.Option(
            "--refresh",
            metavar="SECONDS",
            help=N_("How often to look for changes."),
            min=0.2,
            max=60,
        ),
    ] = 1.0,
    once: Annotated[
        bool,
        typer.Option("--once", help=N_("Print the figures once; exit 2 if anything is breached.")),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.dashboard.board import check_team, figures_once

    if as_json and not once:
        fail(_("--json goes with --once (the live dashboard is a screen)"), 2)
    session = session_of(ctx)
    desk = session.desk()
    if once:
        from deskline.tui.dashboard.once import exit_code, print_figures

        gc.enable()  # loaded: the collector back on (``main`` turned it off for the start)
        figures = figures_once(desk, team)
        emit(figures.to_json(), as_json, lambda: print_figures(figures, session.look.colours))
        raise typer.Exit(exit_code(figures))
    from deskline.tui.dashboard.app import DashboardApp  # Textual loads only for the screen

    gc.enable()
    check_team(desk, team)  # an unknown team fails here, as one line, before the screen
    DashboardApp(
        desk,
        team=team,
        refresh=refresh,
        config=session.settings,
        look=session.look,
        alerts=True,
    ).run()
