"""``deskline audit``: the append-only, hash-chained audit trail checked and read back."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, emit, print_line, session_of

app = Commands(name="audit", help=N_("The audit trail: verify its hash chains, read a chain."))


def plain(text: str) -> str:
    """Stored text as one line with no control characters (customer text is hostile)."""
    return "".join(c if c.isprintable() else " " for c in text)


@app.command(
    "verify",
    help=N_(
        "Walk every chain (each ticket's, and the desk's) and recompute its hashes; "
        "report the first broken link of each. Exit 2 when a link is broken."
    ),
)
def audit_verify(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.desk.trail import verify

    report = verify(session_of(ctx).store)

    def human() -> None:
        for b in report.broken:
            problem, detail = b.said()
            print_line(
                _("{chain}: event {event}: {problem}: {detail}").format(
                    chain=b.chain, event=b.event_id, problem=problem, detail=detail
                )
            )
        counted = _("{events} events in {chains} chains").format(
            events=report.events, chains=report.chains
        )
        if report.holds:
            print_line(_("{counted}: all links hold").format(counted=counted))
        else:
            broken = _("{counted}: {broken} broken").format(
                counted=counted, broken=len(report.broken)
            )
            print_line(broken, err=True)

    emit(report.to_json(), as_json, human)
    if not report.holds:
        raise typer.Exit(2)


def _values(value: dict[str, Any] | None) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "—"


@app.command(
    "log",
    help=N_(
        "One chain, oldest first, with who acted and as which login: a ticket's, or "
        "(no KEY) the desk's own (policy versions, logins bound, roster changes)."
    ),
)
def audit_log(
    ctx: typer.Context,
    key: Annotated[
        str | None,
        typer.Argument(metavar="KEY", help=N_("A ticket's key (default: the desk's own chain).")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk.trail import log
    from deskline.tui.times import local

    entries = log(session_of(ctx).store, key)

    def human() -> None:
        for e in entries:
            who = e.actor or "deskline"
            login = _(" (login {login})").format(login=e.login) if e.login else ""
            why = f" — {e.reason}" if e.reason else ""
            line = f"{e.id:>6}  {local(e.at)}  {who}{login}  {e.kind}  "
            line += f"{_values(e.old)} → {_values(e.new)}{why}  {(e.hash or _('no hash'))[:12]}"
            print_line(plain(line))
        if not entries:
            print_line(_("no events in this chain"))

    emit([e.to_json() for e in entries], as_json, human)
