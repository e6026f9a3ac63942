"""``deskline db``: the database's schema and backups."""

from __future__ import annotations

import typer

from deskline.tui.cli.context import Commands, session_of

app = Commands(name="db", help="The database: upgrade its schema, back it up.")


@app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring the database schema to this version (backs up a SQLite file first)."""
    from deskline.core.desk.database import schema_of

    store = session_of(ctx).store  # opening upgrades
    schema = schema_of(store)
    typer.echo(f"{store.display_url} is at schema {schema.at} (newest: {schema.newest})")


@app.command("backup")
def db_backup(ctx: typer.Context) -> None:
    """Copy the SQLite database to a timestamped file beside it."""
    from deskline.core.desk.database import backup

    typer.echo(str(backup(session_of(ctx).store)))
