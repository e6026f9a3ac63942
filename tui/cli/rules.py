"""Commands for routing and triage: ``rules explain|check``, ``route``, ``surges``,
``customers set|list`` and ``agents duty|set``. Registered on the app by ``tui.cli``."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.config.settings import load_config
from deskline.core.desk.views import AgentView
from deskline.core.roster.agents import Roster
from deskline.core.roster.customers import Customers
from deskline.core.routing.check import Member, check
from deskline.core.routing.route import Decision
from deskline.storage import queries, workload
from deskline.tui.cli import rules_text
from deskline.tui.cli.main import (
    JsonOpt,
    VersionOpt,
    _changed,
    _session,
    agents_app,
    app,
    emit,
    fail,
    say,
)

rules_app = typer.Typer(help="Routing rules: explain where a ticket went and why, check them.")
customers_app = typer.Typer(help="Customers: tier (standard or vip) and dedicated agent.")
app.add_typer(rules_app, name="rules")
app.add_typer(customers_app, name="customers")


# -- agents -----------------------------------------------------------------------------


@agents_app.command("duty")
def agents_duty(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(metavar="on|off", help="On duty or off.")],
    handle: Annotated[str | None, typer.Argument(help="Whose duty (default: yours).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Go on or off duty (routing gives tickets only to agents on duty)."""
    if state.strip().lower() not in ("on", "off"):
        fail(f"bad duty {state!r}: use on or off", 2)
    session = _session(ctx)
    me = session.desk().actor  # who I am, checked (and enrolled on a new desk)
    agent = Roster(session.store).set_duty(handle or me, state.strip().lower() == "on", by=me)
    emit(
        agent.to_json(),
        as_json,
        lambda: typer.echo(f"{agent.handle} is {'on' if agent.on_duty else 'off'} duty"),
    )


def _cap(text: str | None) -> tuple[int | None, bool]:
    """``--cap 3`` -> (3, False); ``--cap default`` -> (None, True)."""
    if text is None:
        return None, False
    if text.strip().lower() == "default":
        return None, True
    if not text.strip().isdigit():
        fail(f"bad cap {text!r}: use a whole number (0 or more) or default", 2)
    return int(text), False


@agents_app.command("set")
def agents_set(
    ctx: typer.Context,
    handle: str,
    skill: Annotated[
        list[str] | None,
        typer.Option("--skill", "--skills", help="A skill (or several, comma-separated); repeat."),
    ] = None,
    clear_skills: Annotated[
        bool, typer.Option("--clear-skills", help="Remove every skill.")
    ] = False,
    cap: Annotated[
        str | None,
        typer.Option(
            metavar="N|default",
            help="Most active P1/P2 tickets routing gives them (default: [routing] cap, 5).",
        ),
    ] = None,
    max_active: Annotated[
        int | None, typer.Option(help="Most open tickets they hold at once, any priority.")
    ] = None,
    team: Annotated[
        str | None, typer.Option(help="Move them to this team (created if new).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an agent's skills, cap, max active or team (supervisor, director or admin)."""
    if skill and clear_skills:
        fail("give --skill or --clear-skills, not both", 2)
    number, default = _cap(cap)
    session = _session(ctx)
    me = session.desk().actor
    agent = Roster(session.store).update(
        handle,
        by=me,
        skills=[] if clear_skills else skill,
        cap=number,
        default_cap=default,
        max_active=max_active,
        team=team,
    )
    emit(agent.to_json(), as_json, lambda: typer.echo(_agent_line(agent)))


def _agent_line(agent: AgentView) -> str:
    skills = ", ".join(agent.skills) or "none"
    cap = "default" if agent.cap is None else str(agent.cap)
    return (
        f"{agent.handle}: team {agent.team or '—'}, skills {skills}, cap {cap}, "
        f"max active {agent.max_active}, {'on' if agent.on_duty else 'off'} duty"
    )


# -- rules ------------------------------------------------------------------------------


@rules_app.command("explain")
def rules_explain(
    ctx: typer.Context,
    key: str,
    now: Annotated[
        bool,
        typer.Option(
            "--now", help="Where the current rules and agents would send it (changes nothing)."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Why a ticket got its priority, team and assignee: rules tried, agents weighed."""
    session = _session(ctx)
    desk = session.desk()
    ticket = desk.get(key)
    if now:
        if not desk.routing.enabled:
            fail("no routing is configured: add [[routing.rules]] or [routing] fallback_team", 1)
        decision: Decision = desk.preview_route(key)
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


@rules_app.command("check")
def rules_check(
    ctx: typer.Context,
    file: Annotated[
        str | None, typer.Argument(help="deskline.toml to check (default: the one in use).")
    ] = None,
) -> None:
    """Check the routing rules against this desk: unknown teams, agents and categories,
    rules that can never match."""
    session = _session(ctx)
    settings = load_config(file or session.config)  # a malformed file stops here (exit 2)
    with session.store.read() as s:
        teams = workload.team_names(s)
        agents = {a.handle: Member(team, a.role) for a, team in queries.agents(s)}
        categories = workload.category_paths(s)
    problems = check(
        settings.routing, settings.templates, teams=teams, agents=agents, categories=categories
    )
    source = str(settings.source or "no deskline.toml found: the defaults")
    rules_text.check_report(source, settings.routing, problems)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        fail(f"{len(errors)} error(s) in the routing rules of {source}", 1)


# -- tickets ----------------------------------------------------------------------------


@app.command()
def route(
    ctx: typer.Context, key: str, if_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Route an unassigned ticket again by the current rules (say, once someone is on duty)."""
    t = _session(ctx).desk().route(key, expected_version=if_version)
    what = f"assigned to {t.assignee}" if t.assignee else "still unassigned"
    _changed(t, as_json, f"{what}, team {t.team or '—'} (`deskline rules explain {t.key}`)")


@app.command()
def surges(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Every surge, ended ones too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Surges of P0 tickets: the one going on in each team, or all of them with --all."""
    desk = _session(ctx).desk()
    found = desk.surges()
    if not all_:
        found = tuple(s for s in found if s.active)
    emit([s.to_json() for s in found], as_json, lambda: rules_text.surge_table(found))


# -- customers --------------------------------------------------------------------------


@customers_app.command("set")
def customers_set(
    ctx: typer.Context,
    name: str,
    tier: Annotated[str | None, typer.Option(help="standard or vip.")] = None,
    dedicated: Annotated[
        str | None, typer.Option(metavar="HANDLE", help="Their dedicated agent.")
    ] = None,
    no_dedicated: Annotated[
        bool, typer.Option("--no-dedicated", help="They no longer have a dedicated agent.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Set a customer's tier and dedicated agent (supervisor, director or admin)."""
    session = _session(ctx)
    me = session.desk().actor
    customer = Customers(session.store).set(
        name, by=me, tier=tier, dedicated=dedicated, no_dedicated=no_dedicated
    )
    if customer.tier == "vip" and customer.dedicated is None and dedicated is None:
        say(f"{customer.name} is VIP without a dedicated agent: routing sends it to the team")
    emit(
        customer.to_json(),
        as_json,
        lambda: typer.echo(
            f"{customer.name}: {customer.tier}, dedicated agent {customer.dedicated or '—'}"
        ),
    )


@customers_app.command("list")
def customers_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List customers with their tier and dedicated agent."""
    found = Customers(_session(ctx).store).list()
    emit([c.to_json() for c in found], as_json, lambda: rules_text.customer_table(found))
