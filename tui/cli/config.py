"""``deskline config``: check a deskline.toml, show the effective settings (the desk's
policy, from the database, and the person's own settings, from their file)."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, session_of

app = Commands(name="config", help=N_("deskline.toml: check a file, show the effective settings."))


@app.command(
    "check",
    help=N_("Validate a deskline.toml (policy and personal sections) and print its SLA table."),
)
def config_check(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(metavar="FILE", help=N_("File to check (default: the one in use).")),
    ] = None,
) -> None:
    from deskline.core.config.settings import load_config
    from deskline.tui.cli import render, rules_text
    from deskline.tui.keys import check_keymap

    settings = load_config(file or session_of(ctx).config)
    check_keymap(settings.keys, settings.source)  # as the app would: unusable keys refused
    where = settings.source or _("no deskline.toml found; the defaults")
    typer.echo(_("{where}: ok").format(where=where))
    render.policy_table(settings.sla)
    rules_text.config_summary(settings)


@app.command(
    "show",
    help=N_("Print the effective configuration as TOML: the desk's policy and my own settings."),
)
def config_show(ctx: typer.Context) -> None:
    from deskline.core.config.settings import desk_toml

    session = session_of(ctx)
    settings = session.settings
    policy = session.service_desk().refresh_policy()
    where = settings.source or _("defaults (no deskline.toml found)")
    typer.echo("# " + _("{where}: personal settings").format(where=where))
    said = _("the desk's policy: version {version} (`deskline policy show`)")
    typer.echo("# " + said.format(version=policy.version))
    typer.echo(desk_toml(settings, policy.rules))
