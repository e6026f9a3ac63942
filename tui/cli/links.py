"""``deskline merge T-2 into T-1``, ``link`` and ``unlink``: tickets that are one problem
(merged: the second carries on, the first closes pointing to it) or related ones."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, KeyArg, VersionOpt, fail, session_of
from deskline.tui.cli.tickets import changed

app = Commands()

OtherArg = Annotated[str, typer.Argument(metavar="OTHER", help=N_("The other ticket's key."))]


@app.command(
    help=N_(
        "Merge a ticket into another: its comments are copied there (authors and times "
        "kept), it closes pointing there; the other keeps its SLA. `deskline merge T-2 "
        "into T-1`."
    )
)
def merge(
    ctx: typer.Context,
    key: KeyArg,
    into_word: Annotated[str, typer.Argument(metavar="into", help=N_('The word "into".'))],
    target: Annotated[
        str, typer.Argument(metavar="TARGET", help=N_("The ticket that carries on."))
    ],
    reason: Annotated[str | None, typer.Option(metavar="REASON", help=N_("Why (audited)."))] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    if into_word.strip().lower() != "into":
        said = _("write `deskline merge {key} into {target}` (not {given})")
        fail(said.format(key=key, target=target, given=repr(into_word)), 2)
    t = session_of(ctx).desk().merge(key, target, reason=reason, expected_version=if_version)
    changed(t, as_json, _("{key} merged into it").format(key=key.strip().upper()))


@app.command(help=N_("Link two tickets as related (shown in `show` and the workspace's detail)."))
def link(
    ctx: typer.Context,
    key: KeyArg,
    other: OtherArg,
    kind: Annotated[str, typer.Option(metavar="KIND", help=N_("What they are to each other."))] = (
        "related"
    ),
    as_json: JsonOpt = False,
) -> None:
    t = session_of(ctx).desk().link(key, other, kind=kind.strip().lower())
    said = _("linked to {other} ({kind})").format(
        other=other.strip().upper(), kind=kind.strip().lower()
    )
    changed(t, as_json, said)


@app.command(help=N_("Take the link between two related tickets away."))
def unlink(ctx: typer.Context, key: KeyArg, other: OtherArg, as_json: JsonOpt = False) -> None:
    t = session_of(ctx).desk().unlink(key, other)
    changed(t, as_json, _("no longer linked to {other}").format(other=other.strip().upper()))
