"""``deskline bulk``: one change to many tickets, each its own audited change; the keys come
as arguments or, with none (or ``-``) and a pipe, one a line on stdin (``deskline list``
output works). Exit 0 when every ticket was changed, 1 when some were refused (one line each
on stderr: key and reason)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, fail, print_line, say, session_of

app = Commands(name="bulk", help=N_("One change to many tickets (keys as arguments or on stdin)."))

KeysArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="KEY...", help=N_("Ticket keys; none or - : read them from stdin.")),
]
ReasonOpt = Annotated[str | None, typer.Option(metavar="REASON", help=N_("Why (audited)."))]
# Tag changes start with "-": taken as arguments, not as unknown options.
LOOSE = {"ignore_unknown_options": True}


def _keys(given: list[str] | None) -> list[str]:
    if given and given != ["-"]:
        return given
    if given != ["-"] and sys.stdin.isatty():
        fail(_("no ticket keys: give them as arguments, or pipe them in (one a line)"), 2)
    keys = keys_piped(sys.stdin)
    if not keys:
        fail(_("no ticket keys on stdin (one a line, like T-12)"), 2)
    return keys


def keys_piped(lines: Iterable[str]) -> list[str]:
    """The keys piped in, one a line, every line read before any change: a key first on
    its line (words after it are left), or a `deskline list` row (its SLA cell, then the
    key) and that table's header line first; blank lines and ``#`` comments are skipped.
    Any other line is refused (exit 2) by its number and text: a key typed wrong must not
    be dropped silently while the others are changed."""
    from deskline.core.desk.bulk import KEY, normal
    from deskline.core.inert import quoted

    keys: list[str] = []
    first = True
    for number, line in enumerate(lines, start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        key = next((w for w in _key_place(words) if KEY.match(w)), None)
        if key is not None:
            keys.append(normal(key))
        elif not (first and _is_header(words)):
            said = _("stdin line {line}: '{text}' is not a ticket key (one a line, like T-12)")
            fail(said.format(line=number, text=quoted(line.strip())), 2)
        first = False
    return keys


def _key_place(words: list[str]) -> list[str]:
    """Where a line's key may be: first, or after a `deskline list` row's SLA cell (its
    glyph and countdown or state)."""
    from deskline.themes.palette import SLA_LOOK

    glyphs = {look.glyph for look in SLA_LOOK.values()} | {look.ascii for look in SLA_LOOK.values()}
    return words[:1] if words[0] not in glyphs else words[1:3]


def _is_header(words: list[str]) -> bool:
    """The header of `deskline list`'s table (some of its columns), in any language shipped
    (the list may have been said in another than this command)."""
    from deskline.core.language import shipped, speaking
    from deskline.tui.cli.render import TICKET_COLUMNS

    said: set[str] = set()
    for code in shipped():
        with speaking(code):
            said.update(" ".join(_(column) for column in TICKET_COLUMNS).split())
    return all(word in said for word in words)


def _run(ctx: typer.Context, what: str, keys: list[str], change: Callable[..., object]) -> None:
    """Do ``change`` to each ticket; the applied ones on stdout, the refused on stderr."""
    from deskline.core.desk.bulk import each

    desk = session_of(ctx).desk()
    report = each(_keys(keys), lambda key: change(desk, key))
    for key in report.applied:
        print_line(f"{key}: {what}")
    for outcome in report.refused:
        say(f"{outcome.key}: {outcome.refused}")
    say(report.summary(what))
    if report.refused:
        raise typer.Exit(1)


@app.command("assign", help=N_("Give every ticket to an agent."))
def bulk_assign(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(metavar="HANDLE", help=N_("The agent to give them to."))],
    keys: KeysArg = None,
) -> None:
    _run(
        ctx,
        _("assigned to {handle}").format(handle=handle),
        keys or [],
        lambda d, k: d.assign(k, handle),
    )


@app.command(
    "status", help=N_("Move every ticket to a status (resolved needs --reason, the solution).")
)
def bulk_status(
    ctx: typer.Context,
    new_status: Annotated[
        str, typer.Argument(metavar="STATUS", help=N_("in_progress, resolved, ..."))
    ],
    keys: KeysArg = None,
    reason: ReasonOpt = None,
) -> None:
    from deskline.core.desk import workflow

    target = workflow.parse_status(new_status).value
    now = _("now {status}").format(status=target)
    _run(ctx, now, keys or [], lambda d, k: d.transition(k, target, reason=reason))


@app.command(
    "priority",
    help=N_("Give every ticket a priority (it moves their SLA targets: --reason says why)."),
)
def bulk_priority(
    ctx: typer.Context,
    new_priority: Annotated[str, typer.Argument(metavar="PRIORITY", help=N_("P0 to P3."))],
    keys: KeysArg = None,
    reason: ReasonOpt = None,
) -> None:
    from deskline.core.desk import fields

    wanted = fields.priority(new_priority)
    if not reason or not reason.strip():
        fail(_("a priority change moves SLA targets: give --reason"), 2)
    _run(
        ctx,
        _("priority {priority}").format(priority=wanted),
        keys or [],
        lambda d, k: d.change_priority(k, wanted, reason=reason),
    )


@app.command(
    "tag",
    context_settings=LOOSE,
    help=N_("Add (+x) and remove (-y) tags on every ticket: `bulk tag +vip -new T-1 T-2`."),
)
def bulk_tag(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(metavar="+TAG|-TAG... KEY...", help=N_("Tags to add (+x) or remove (-y).")),
    ],
) -> None:
    from deskline.core.desk.bulk import KEY
    from deskline.core.desk.macros import tag_changes

    changes = [w for w in words if not KEY.match(w) and w != "-"]
    keys = [w for w in words if KEY.match(w) or w == "-"]
    if not changes:
        fail(_("no tag change: give +tag to add, -tag to remove"), 2)
    bare = next((w for w in changes if not w.startswith(("+", "-"))), None)
    if bare is not None:
        fail(
            _("{given} is neither a ticket key nor a tag change: write +{bare} or -{bare}").format(
                given=repr(bare), bare=bare
            ),
            2,
        )
    try:
        add, remove = tag_changes(changes)
    except ValueError as exc:
        fail(str(exc), 2)
    said = " ".join([*(f"+{t}" for t in add), *(f"-{t}" for t in remove)])
    _run(ctx, _("tags {tags}").format(tags=said), keys, lambda d, k: d.tag(k, add, remove))


@app.command(
    "macro", help=N_("Apply a macro to every ticket: its reply or note, and what it sets.")
)
def bulk_macro(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("A macro (`deskline macros`)."))],
    keys: KeysArg = None,
) -> None:
    from deskline.core.desk import macros

    desk = session_of(ctx).desk()
    found = macros.find(desk.refresh_policy().macros, name)  # an unknown name: one line
    _run(
        ctx,
        _("macro {name}").format(name=found.name),
        keys or [],
        lambda d, k: d.apply_macro(k, found.name),
    )
