"""``deskline policy``: the desk's policy, in the database: apply a file as a new version,
show a version, list them, export one as a file."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import Commands, JsonOpt, emit, fail, say, session_of

if TYPE_CHECKING:
    from deskline.core.policy.apply import Preview
    from deskline.core.policy.book import Policy

app = Commands(
    name="policy",
    help=N_("The desk's policy (SLA, calendars, alerts, routing, triage, surge, templates)."),
)

PolicyVersionOpt = Annotated[
    int | None,
    typer.Option(
        "--version",
        metavar="N",
        min=1,
        max=2**31 - 1,
        help=N_("This version (default: the newest)."),
    ),
]


def _store(ctx: typer.Context) -> Any:
    session = session_of(ctx)
    session.local_policy = False  # these commands work on the desk's policy itself
    return session.store


@app.command(
    "apply",
    help=N_(
        "Make FILE's policy the desk's (admins only): shows the diff and what it does "
        "to open tickets, then writes a new version and re-plans every open ticket in "
        "one transaction."
    ),
)
def policy_apply(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help=N_("A deskline.toml with the policy sections."))
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Apply without asking."))] = False,
    note: Annotated[
        str | None, typer.Option("--note", metavar="WHY", help=N_("Why (kept with the version)."))
    ] = None,
) -> None:
    from pathlib import Path

    from deskline.core import clock
    from deskline.core.config.settings import load_policy_file
    from deskline.core.policy import apply

    settings = load_policy_file(file)  # checked exactly as `config check` does
    session = session_of(ctx)
    session.local_policy = False
    desk = session.desk()  # a fresh desk enrols its first user (an admin) here
    apply.check_admin(desk.store, desk.actor)
    now = clock.now()
    found = apply.preview(desk.store, settings.rules, now)
    if found.same:
        said = _("no change: {file} is the desk's policy (version {version})")
        typer.echo(said.format(file=file, version=found.old.version))
        return
    typer.echo(found.diff(), nl=False)
    typer.echo(_impact(found))
    if not yes:
        if not sys.stdin.isatty():
            fail(_("not applied: add --yes to apply without asking"), 1)
        asked = _("apply as version {version}?").format(version=found.new.version)
        if not typer.confirm(asked, default=False):
            fail(_("not applied"), 1)
    done = apply.apply(
        desk.store,
        settings.rules,
        actor=desk.actor,
        now=clock.now(),
        source=str(Path(settings.source or file).resolve()),
        note=note.strip() if note and note.strip() else None,
        expect_version=found.old.version,
    )
    applied = ngettext(
        "applied: the desk's policy is version {version} ({digest}); "
        "{count} open ticket re-planned",
        "applied: the desk's policy is version {version} ({digest}); "
        "{count} open tickets re-planned",
        len(done.impact.changed),
    )
    typer.echo(
        applied.format(
            version=done.new.version, digest=done.new.digest[:12], count=len(done.impact.changed)
        )
    )


def _impact(found: Preview) -> str:
    i = found.impact
    return _(
        "open tickets: {open}; due times move on {moved}; "
        "breached now: {breached} (under version {version}: {before})"
    ).format(
        open=i.open,
        moved=i.moved,
        breached=i.breached_now,
        version=found.old.version,
        before=i.breached_before,
    )


@app.command(
    "show", help=N_("Print a version of the desk's policy (default: the one in force) as TOML.")
)
def policy_show(
    ctx: typer.Context, version: PolicyVersionOpt = None, as_json: JsonOpt = False
) -> None:
    import tomllib

    from deskline.core.policy.book import load

    found = load(_store(ctx), version)
    emit(
        {**found.to_json(), "body": found.body, "policy": tomllib.loads(found.body)},
        as_json,
        lambda: typer.echo(f"# {_header(found)}\n{found.body}", nl=False),
    )


def _header(p: Policy) -> str:
    if p.version == 0:
        return _("policy version 0: the built-in defaults (no policy applied yet)")
    return _("policy version {version}, {applied}").format(version=p.version, applied=_applied(p))


def _applied(p: Policy) -> str:
    """When, by whom, from where and why a version was applied."""
    when = p.applied_at.astimezone().strftime("%Y-%m-%d %H:%M") if p.applied_at else "?"
    who = p.applied_by or _("nobody")
    if p.source:
        text = _("applied {when} by {who} from {source}").format(
            when=when, who=who, source=p.source
        )
    else:
        text = _("applied {when} by {who}").format(when=when, who=who)
    return text + (_(" ({note})").format(note=p.note) if p.note else "")


@app.command("history", help=N_("Every version of the desk's policy, oldest first."))
def policy_history(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.policy.book import load_history

    found = load_history(_store(ctx))

    def human() -> None:
        if not found:
            say(_("no policy applied yet: the desk runs on the built-in defaults (version 0)"))
        for p in found:
            typer.echo(f"{p.version:>4}  {p.digest[:12]}  {_applied(p)}")

    emit([p.to_json() for p in found], as_json, human)


@app.command(
    "export",
    help=N_("Print a version's policy as a file `policy apply` takes back (default: the newest)."),
)
def policy_export(ctx: typer.Context, version: PolicyVersionOpt = None) -> None:
    from deskline.core.policy.book import load

    found = load(_store(ctx), version)
    typer.echo(found.body, nl=False)
