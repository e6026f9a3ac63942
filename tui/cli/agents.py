"""``deskline agents``: who works at this desk (add, list, duty on/off, skills, caps, team)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskline.core.inert import quoted
from deskline.core.language import N_, _
from deskline.tui.cli.context import (
    COUNT_MAX,
    Commands,
    JsonOpt,
    emit,
    fail,
    print_line,
    session_of,
)

if TYPE_CHECKING:
    from deskline.core.desk.views import AgentView

app = Commands(
    name="agents",
    help=N_("Who works at this desk: add, remove, list, duty on/off, skills, caps and roles."),
)

HandleArg = Annotated[str, typer.Argument(metavar="HANDLE", help=N_("The agent's handle."))]


@app.command("add", help=N_("Add an agent (an admin only)."))
def agents_add(
    ctx: typer.Context,
    handle: HandleArg,
    name: Annotated[
        str | None, typer.Option(metavar="NAME", help=N_("Full name (default: the handle)."))
    ] = None,
    role: Annotated[
        str, typer.Option(metavar="ROLE", help=N_("agent, supervisor, director or admin."))
    ] = "agent",
    team: Annotated[
        str | None, typer.Option(metavar="TEAM", help=N_("Team name (created if new)."))
    ] = None,
    skill: Annotated[
        list[str] | None, typer.Option("--skill", metavar="SKILL", help=N_("A skill; repeat."))
    ] = None,
    email: Annotated[str | None, typer.Option(metavar="ADDRESS", help=N_("Their email."))] = None,
    max_active: Annotated[
        int, typer.Option(metavar="N", max=COUNT_MAX, help=N_("Most open tickets at once."))
    ] = 10,
    db_role: Annotated[
        str | None,
        typer.Option(
            "--db-role",
            metavar="LOGIN",
            help=N_("Team mode: the PostgreSQL login they connect as (their identity)."),
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.agents import Roster

    session = session_of(ctx)
    me = session.desk().actor  # who asks, checked (and enrolled on a new desk)
    agent = Roster(session.store).add(
        handle,
        name=name,
        role=role,
        team=team,
        skills=skill or (),
        email=email,
        max_active=max_active,
        by=me,
        db_role=db_role,
    )
    emit(
        agent.to_json(),
        as_json,
        lambda: print_line(
            _("added {handle} ({role})").format(handle=agent.handle, role=agent.role)
        ),
    )


@app.command("list", help=N_("List the agents."))
def agents_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.roster.agents import Roster

    agents = Roster(session_of(ctx).store).list()

    def human() -> None:
        from deskline.tui.cli import render  # Rich loads for people, not for --json

        render.agent_table(agents)

    emit([a.to_json() for a in agents], as_json, human)


@app.command("duty", help=N_("Go on or off duty (routing gives tickets only to agents on duty)."))
def agents_duty(
    ctx: typer.Context,
    state: Annotated[str, typer.Argument(metavar="on|off", help=N_("On duty or off."))],
    handle: Annotated[
        str | None, typer.Argument(metavar="HANDLE", help=N_("Whose duty (default: yours)."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.agents import Roster

    if state.strip().lower() not in ("on", "off"):
        fail(_("bad duty {state}: use on or off").format(state=repr(state)), 2)
    session = session_of(ctx)
    me = session.desk().actor  # who I am, checked (and enrolled on a new desk)
    agent = Roster(session.store).set_duty(handle or me, state.strip().lower() == "on", by=me)
    emit(
        agent.to_json(),
        as_json,
        lambda: print_line(duty(agent.on_duty).format(handle=agent.handle)),
    )


def parse_cap(text: str | None) -> tuple[int | None, bool]:
    """``--cap 3`` -> (3, False); ``--cap default`` -> (None, True)."""
    if text is None:
        return None, False
    if text.strip().lower() == "default":
        return None, True
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or int(digits) > COUNT_MAX:
        fail(
            _("bad cap '{cap}': use a whole number (0 to {most}) or default").format(
                cap=quoted(text), most=COUNT_MAX
            ),
            2,
        )
    return int(text), False


@app.command(
    "set",
    help=N_(
        "Change an agent's skills, cap or max active (a supervisor of their team, "
        "director, admin), or their team or role (an admin)."
    ),
)
def agents_set(
    ctx: typer.Context,
    handle: HandleArg,
    skill: Annotated[
        list[str] | None,
        typer.Option(
            "--skill",
            "--skills",
            metavar="SKILL",
            help=N_("A skill (or several, comma-separated); repeat."),
        ),
    ] = None,
    clear_skills: Annotated[
        bool, typer.Option("--clear-skills", help=N_("Remove every skill."))
    ] = False,
    cap: Annotated[
        str | None,
        typer.Option(
            metavar="N|default",
            help=N_("Most active P1/P2 tickets routing gives them (default: [routing] cap, 5)."),
        ),
    ] = None,
    max_active: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            max=COUNT_MAX,
            help=N_("Most open tickets they hold at once, any priority."),
        ),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option(metavar="TEAM", help=N_("Move them to this team (created if new; admin).")),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(metavar="ROLE", help=N_("agent, supervisor, director or admin (admin).")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.agents import Roster

    if skill and clear_skills:
        fail(_("give --skill or --clear-skills, not both"), 2)
    number, default = parse_cap(cap)
    session = session_of(ctx)
    me = session.desk().actor
    agent = Roster(session.store).update(
        handle,
        by=me,
        skills=[] if clear_skills else skill,
        cap=number,
        default_cap=default,
        max_active=max_active,
        team=team,
        role=role,
    )
    emit(agent.to_json(), as_json, lambda: print_line(agent_line(agent)))


@app.command(
    "remove", help=N_("Remove an agent with no history (an admin only; never the last admin).")
)
def agents_remove(ctx: typer.Context, handle: HandleArg) -> None:
    from deskline.core.roster.agents import Roster

    session = session_of(ctx)
    me = session.desk().actor
    Roster(session.store).remove(handle, by=me)
    print_line(_("removed {handle}").format(handle=handle))


def agent_line(agent: AgentView) -> str:
    """One agent in a line: team, skills, cap, max active, duty."""
    skills = ", ".join(agent.skills) or _("none")
    cap = _("default") if agent.cap is None else str(agent.cap)
    said = (
        _("{handle} ({role}): team {team}, skills {skills}, cap {cap}, max active {most}, on duty")
        if agent.on_duty
        else _(
            "{handle} ({role}): team {team}, skills {skills}, cap {cap}, max active {most}, "
            "off duty"
        )
    )
    return said.format(
        handle=agent.handle,
        role=agent.role,
        team=agent.team or "—",
        skills=skills,
        cap=cap,
        most=agent.max_active,
    )


def duty(on: bool) -> str:
    """The line saying an agent is on or off duty, to format with their handle."""
    return _("{handle} is on duty") if on else _("{handle} is off duty")


@app.command(
    "set-login",
    help=N_(
        "Bind an agent to the database login they connect as, their identity in team "
        "mode (admin only; audited)."
    ),
)
def agents_set_login(
    ctx: typer.Context,
    handle: HandleArg,
    login: Annotated[
        str | None,
        typer.Argument(
            metavar="LOGIN", help=N_("The PostgreSQL login they connect as (omit with --none).")
        ),
    ] = None,
    none: Annotated[bool, typer.Option("--none", help=N_("Bind them to no login."))] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.agents import Roster

    if (login is None) == (not none):
        fail(_("give a LOGIN or --none"), 2)
    session = session_of(ctx)
    agent = Roster(session.store).set_login(handle, login, by=session.desk().actor)
    if agent.db_role:
        bound = _("{handle} is bound to login {login}")
    else:
        bound = _("{handle} is bound to no login")
    said = bound.format(handle=agent.handle, login=agent.db_role)
    emit(agent.to_json(), as_json, lambda: print_line(said))
