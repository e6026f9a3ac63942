"""``deskline config``: check deskline.toml, show the effective settings."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.tui.cli.context import Commands, session_of

app = Commands(name="config", help="deskline.toml: check it, show the effective settings.")


@app.command("check")
def config_check(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(metavar="FILE", help="File to check (default: the one in use)."),
    ] = None,
) -> None:
    """Validate deskline.toml and print the effective SLA policy table."""
    from deskline.core.config.settings import load_config
    from deskline.tui.cli import render, rules_text

    settings = load_config(file or session_of(ctx).config)
    where = settings.source or "no deskline.toml found; the defaults"
    typer.echo(f"{where}: ok")
    render.policy_table(settings.sla)
    rules_text.config_summary(settings)


@app.command("show")
def config_show(ctx: typer.Context) -> None:
    """Print the effective configuration as TOML."""
    from deskline.core.config.settings import desk_toml

    settings = session_of(ctx).settings
    typer.echo(f"# {settings.source or 'defaults (no deskline.toml found)'}")
    typer.echo(desk_toml(settings))
