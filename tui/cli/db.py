"""``deskline db``: the database's schema and backups."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import Commands, JsonOpt, emit, session_of

app = Commands(
    name="db", help=N_("The database: upgrade its schema, back it up, grant team-mode permissions.")
)


@app.command(
    "upgrade", help=N_("Bring the database schema to this version (backs up a SQLite file first).")
)
def db_upgrade(ctx: typer.Context) -> None:
    from deskline.core.desk.database import schema_of

    store = session_of(ctx).store  # opening upgrades
    schema = schema_of(store)
    said = _("{database} is at schema {at} (newest: {newest})")
    typer.echo(said.format(database=store.display_url, at=schema.at, newest=schema.newest))


@app.command("backup", help=N_("Copy the SQLite database to a timestamped file beside it."))
def db_backup(ctx: typer.Context) -> None:
    from deskline.core.desk.database import backup

    typer.echo(str(backup(session_of(ctx).store)))


@app.command(
    "grant",
    help=N_(
        "Make PostgreSQL enforce the roles: a group role per deskline role, each "
        "agent's login in its role's group (admin only; PostgreSQL only; run again "
        "after changing roles)."
    ),
)
def db_grant(
    ctx: typer.Context,
    service: Annotated[
        list[str] | None,
        typer.Option(
            "--service",
            metavar="LOGIN",
            help=N_("A login `deskline watch` runs as; repeat (default: keep the service's)."),
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.grants import grant

    session = session_of(ctx)
    report = grant(session.store, by=session.desk().actor, service=service or ())

    def human() -> None:
        for role, group in report.groups.items():
            logins = ", ".join(report.members[group]) or _("no one")
            typer.echo(f"{role:<10} {group}: {logins}")
        for agent, login in report.missing:
            said = _("skipped {agent}: no database login {login} (CREATE ROLE ... LOGIN)")
            typer.echo(said.format(agent=agent, login=repr(login)))
        for login in report.unrestricted:
            said = _("note: {login} owns the tables or is a superuser; no grant restricts it")
            typer.echo(said.format(login=login))
        said = ngettext(
            "{count} statement run; grants in place",
            "{count} statements run; grants in place",
            len(report.statements),
        )
        typer.echo(said.format(count=len(report.statements)))

    emit(report.to_json(), as_json, human)
