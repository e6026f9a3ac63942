"""``deskline attachments``: the files that came with a ticket's mail: list them, save one
(or all) to disk."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import (
    COUNT_MAX,
    Commands,
    JsonOpt,
    KeyArg,
    emit,
    print_line,
    say,
    session_of,
)

if TYPE_CHECKING:
    from deskline.core.mail.attachments import Attachments

app = Commands(name="attachments", help=N_("The files that came with a ticket's mail."))


def _attachments(ctx: typer.Context) -> Attachments:
    from deskline.core.mail.attachments import Attachments  # noqa: F811  (late: a fast start)

    desk = session_of(ctx).desk()
    return Attachments(desk.store, desk.actor)


@app.command(
    "list", help=N_("A ticket's files: number, name, type, size, who sent it, whether it was kept.")
)
def attachments_list(ctx: typer.Context, key: KeyArg, as_json: JsonOpt = False) -> None:
    found = _attachments(ctx).list(key)

    def human() -> None:
        if not found:
            say(_("{key} has no attachments").format(key=key.strip().upper()))
        for a in found:
            kept = "" if a.kept else _("  (too big: not kept)")
            sender = _("from {sender}").format(sender=a.sender or "-")
            print_line(
                f"{a.number:>3}  {a.filename}  {a.content_type}  {_size(a.size)}  {sender}{kept}"
            )

    emit([a.to_json() for a in found], as_json, human)


@app.command(
    "save",
    help=N_(
        "Write a ticket's file N (or all that were kept) to disk, under a safe name "
        "(never a path the sender chose); an existing file is left alone unless "
        "--force."
    ),
)
def attachments_save(
    ctx: typer.Context,
    key: KeyArg,
    number: Annotated[
        int | None,
        typer.Argument(
            metavar="[N]", min=1, max=COUNT_MAX, help=N_("Which file (from `list`); none: all.")
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR|FILE",
            help=N_("A folder (default: here), or a file name for N."),
        ),
    ] = Path("."),
    force: Annotated[bool, typer.Option("--force", help=N_("Overwrite files that exist."))] = False,
) -> None:
    from deskline.core.errors import InvalidInput

    files = _attachments(ctx)
    if number is None:
        if not out.is_dir():
            raise InvalidInput(
                _("--out {out}: saving every file needs a folder that exists").format(out=out)
            )
        numbers = [a.number for a in files.list(key) if a.kept]
        if not numbers:
            raise InvalidInput(
                _("{key} has no kept attachments to save").format(key=key.strip().upper())
            )
    else:
        numbers = [number]
    for n in numbers:
        print_line(str(files.save(key, n, out, force=force)))


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
