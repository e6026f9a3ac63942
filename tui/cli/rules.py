"""Routing on the command line: ``rules explain|check`` and ``surges``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from deskline.core.language import N_, _, ngettext
from deskline.tui.cli.context import Commands, JsonOpt, KeyArg, emit, fail, session_of

app = Commands()
rules_app = Commands(
    name="rules", help=N_("Routing rules: explain where a ticket went and why, check them.")
)
app.add_typer(rules_app)


@rules_app.command(
    "explain",
    help=N_("Why a ticket got its priority, team and assignee: rules tried, agents weighed."),
)
def rules_explain(
    ctx: typer.Context,
    key: KeyArg,
    now: Annotated[
        bool,
        typer.Option(
            "--now", help=N_("Where the current rules and agents would send it (changes nothing).")
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.tui.cli import rules_text

    session = session_of(ctx)
    desk = session.desk()
    ticket = desk.get(key)
    if now:
        if not desk.routing.enabled:
            fail(_("no routing is configured: add [[routing.rules]] or [routing] fallback_team"), 1)
        decision = desk.preview_route(key)
        emit(
            {"key": ticket.key, "reason": decision.reason, **decision.to_json()},
            as_json,
            lambda: rules_text.preview(ticket, decision),
        )
        return
    emit(
        rules_text.explain_json(ticket),
        as_json,
        lambda: rules_text.explain(ticket, desk.routing.enabled),
    )


@rules_app.command(
    "check",
    help=N_(
        "Check routing rules against this desk (the desk's policy, or FILE's): unknown "
        "teams, agents and categories, rules that can never match."
    ),
)
def rules_check(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="FILE", help=N_("deskline.toml to check (default: the desk's policy).")
        ),
    ] = None,
) -> None:
    from deskline.core.config.settings import load_config
    from deskline.core.routing.desk_check import check_on_desk
    from deskline.tui.cli import rules_text

    session = session_of(ctx)
    if file:
        settings: Any = load_config(file)  # a malformed file stops here (exit 2)
        source = str(settings.source)
    else:
        settings = session.service_desk().refresh_policy()
        source = _("the desk's policy (version {version})").format(version=settings.version)
    problems = check_on_desk(session.store, settings.routing, settings.templates)
    rules_text.check_report(source, settings.routing, problems)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        said = ngettext(
            "{count} error in the routing rules of {source}",
            "{count} errors in the routing rules of {source}",
            len(errors),
        )
        fail(said.format(count=len(errors), source=source), 1)


@app.command(
    help=N_("Surges of P0 tickets: the one going on in each team, or all of them with --all.")
)
def surges(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help=N_("Every surge, ended ones too."))] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.tui.cli import rules_text

    found = session_of(ctx).desk().surges()
    if not all_:
        found = tuple(s for s in found if s.active)
    emit([s.to_json() for s in found], as_json, lambda: rules_text.surge_table(found))
