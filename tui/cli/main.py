"""The command line: ``deskline`` and its sub-commands (Typer)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, NoReturn

import typer

from deskline.core import clock
from deskline.core.clock import iso
from deskline.core.config.settings import DeskConfig, desk_toml, load_config
from deskline.core.desk import templates
from deskline.core.desk.templates import Draft
from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError
from deskline.core.roster.agents import HANDLE_ENV, Roster, os_handle
from deskline.storage import queries
from deskline.storage.engine import StoreError
from deskline.storage.store import Store
from deskline.tui.cli import render, rules_text
from deskline.tui.look import Look, look_of, use_in_cli

# Click's UsageError, whether Typer vendors Click or uses it: BadParameter's parent.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
assert UsageError.__name__ == "UsageError"

app = typer.Typer(
    name="deskline",
    help="A keyboard-first helpdesk in the terminal. Run with no command to open the workspace.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
agents_app = typer.Typer(help="Who works at this desk: add, list, duty on/off, skills and caps.")
db_app = typer.Typer(help="The database: upgrade its schema, back it up.")
config_app = typer.Typer(help="deskline.toml: check it, show the effective settings.")
sla_app = typer.Typer(help="SLA arithmetic on the configured calendars.")
app.add_typer(agents_app, name="agents")
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")
app.add_typer(sla_app, name="sla")


@dataclass
class Session:
    """What the global options chose, with the store opened on first use."""

    db: str | None = None
    config: str | None = None
    handle: str | None = None
    theme: str | None = None
    _store: Store | None = field(default=None, repr=False)
    _config: DeskConfig | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.db)
            if self._store.backup_made:
                say(f"upgraded the database schema; backup saved at {self._store.backup_made}")
        return self._store

    @property
    def me(self) -> str:
        return self.handle or os.environ.get(HANDLE_ENV) or os_handle()

    @property
    def settings(self) -> DeskConfig:
        if self._config is None:
            self._config = load_config(self.config)
            use_in_cli(self.look)
        return self._config

    @property
    def look(self) -> Look:
        """The theme and glyphs (``--theme`` naming no theme fails here, one line)."""
        return look_of(self.settings, self.theme)

    def service_desk(self) -> Desk:
        """The desk for a service (``deskline watch``): it acts as nobody, so it needs no
        agent of that name and enrols no one."""
        settings = self.settings
        return Desk(
            self.store,
            self.me,
            rules=settings.sla,
            routing=settings.routing,
            triage=settings.triage,
            surge=settings.surge,
            alerts=settings.alerts,
        )

    def desk(self) -> Desk:
        """The desk acting as me: the first user of an empty desk is enrolled as its admin,
        and an unknown handle is an error."""
        self.settings  # noqa: B018  (a bad config fails before the database is touched)
        enrolled = Roster(self.store).enrol_first(self.me)
        if enrolled:
            say(f"first use of this desk: added you ({enrolled.handle}) as its admin")
        desk = self.service_desk()
        desk.whoami()  # an unknown handle fails here, before anything else
        return desk


def _session(ctx: typer.Context) -> Session:
    return ctx.ensure_object(Session)


def say(message: str) -> None:
    """A notice for the person, on stderr, so stdout stays clean for scripts."""
    typer.echo(f"deskline: {message}", err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"deskline: {message}", err=True)
    raise typer.Exit(code)


def emit(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        human()


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (shape in the README).")]
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        help="Only change the ticket if it is still at this version (else: stale edit).",
    ),
]


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="PATH|URL", help="SQLite file or database URL (env DESKLINE_DB)."
        ),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config", metavar="FILE", help="deskline.toml to use (env DESKLINE_CONFIG)."
        ),
    ] = None,
    handle: Annotated[
        str | None,
        typer.Option(
            "--as", metavar="HANDLE", help="Act as this agent handle (default: your OS user name)."
        ),
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(
            "--theme", metavar="NAME", help="Theme, e.g. deskline-light (default: [ui] theme)."
        ),
    ] = None,
) -> None:
    ctx.obj = Session(db=db, config=config, handle=handle, theme=theme)
    if ctx.invoked_subcommand is None:
        open_workspace(ctx.obj)


def open_workspace(session: Session) -> None:
    from deskline.tui.workspace.app import DesklineApp

    desk = session.desk()
    DesklineApp(desk, session.settings, session.look, alerts=True).run()


# -- tickets ----------------------------------------------------------------------------


@app.command()
def new(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", "-t", help="What is wrong, in a line.")],
    priority: Annotated[
        str | None,
        typer.Option("--priority", "-p", help="P0 to P3 (default: what triage suggests, else P2)."),
    ] = None,
    category: Annotated[str | None, typer.Option(help="Path like Account/Login/Locked.")] = None,
    customer: Annotated[str | None, typer.Option(help="Customer name.")] = None,
    vip: Annotated[bool, typer.Option("--vip", help="The customer is a VIP.")] = False,
    channel: Annotated[
        str | None, typer.Option(help="email, phone, chat, web (default), api or walk-in.")
    ] = None,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")] = None,
    impact: Annotated[
        str | None, typer.Option(help="Users affected: all, some or one (for triage).")
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="Start from a [[templates]] entry.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a new ticket; triage and routing rules set its priority and assignee."""
    session = _session(ctx)
    draft = Draft(
        title, priority, category, customer, channel, impact, description, tuple(tag or ())
    )
    if template:
        draft = templates.apply(templates.find(session.settings.templates, template), draft)
    ticket = session.desk().create(
        draft.title,
        priority=draft.priority,
        category=draft.category,
        customer=draft.customer,
        vip=vip,
        channel=draft.channel or "web",
        description=draft.description,
        tags=draft.tags,
        impact=draft.impact,
    )

    def human() -> None:
        typer.echo(f"created {ticket.key}: {ticket.title}")
        for event in ticket.events:
            if event.kind in ("triaged", "routed", "surge"):
                typer.echo(f"  {event.kind}: {event.reason}")

    emit(ticket.to_json(), as_json, human)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", help="Only this status; repeat for more (default: open)."),
    ] = None,
    priority: Annotated[
        list[str] | None, typer.Option("--priority", "-p", help="Only this priority; repeat.")
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only tickets assigned to me.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Every status, closed included.")] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many.", min=1)] = None,
    as_json: JsonOpt = False,
) -> None:
    """List tickets in queue order (open ones unless --status or --all)."""
    statuses = status
    if all_ and status:
        fail("give either --all or --status, not both", 2)
    if all_:
        statuses = ["new", "assigned", "in_progress", "pending", "resolved", "closed"]
    tickets = (
        _session(ctx).desk().list(statuses=statuses, priorities=priority, mine=mine, limit=limit)
    )
    emit([t.to_json() for t in tickets], as_json, lambda: render.ticket_table(tickets))


@app.command()
def show(ctx: typer.Context, key: str, as_json: JsonOpt = False) -> None:
    """Show one ticket with its conversation and history."""
    ticket = _session(ctx).desk().get(key)
    emit(ticket.to_json(detail=True), as_json, lambda: render.ticket_detail(ticket))


def _changed(ticket: Any, as_json: bool, what: str) -> None:
    emit(ticket.to_json(), as_json, lambda: typer.echo(f"{ticket.key}: {what}"))


@app.command()
def assign(
    ctx: typer.Context,
    key: str,
    handle: str,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a ticket to an agent."""
    t = _session(ctx).desk().assign(key, handle, expected_version=if_version)
    _changed(t, as_json, f"assigned to {t.assignee} ({t.status})")


@app.command()
def take(
    ctx: typer.Context, key: str, if_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Assign a ticket to yourself and start on it."""
    t = _session(ctx).desk().take(key, expected_version=if_version)
    _changed(t, as_json, f"yours now ({t.status})")


@app.command()
def status(
    ctx: typer.Context,
    key: str,
    new_status: Annotated[str, typer.Argument(metavar="STATUS")],
    reason: Annotated[str | None, typer.Option(help="Why; for resolved, the solution.")] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a ticket's status (in_progress, pending, resolved, closed, ...)."""
    t = _session(ctx).desk().transition(key, new_status, reason=reason, expected_version=if_version)
    _changed(t, as_json, f"now {t.status}")


@app.command()
def reply(
    ctx: typer.Context, key: str, text: str, if_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Reply to the customer (public)."""
    t = _session(ctx).desk().reply(key, text, expected_version=if_version)
    _changed(t, as_json, "reply added")


@app.command()
def note(
    ctx: typer.Context, key: str, text: str, if_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    """Add an internal note (never shown to the customer)."""
    t = _session(ctx).desk().note(key, text, expected_version=if_version)
    _changed(t, as_json, "note added")


@app.command()
def priority(
    ctx: typer.Context,
    key: str,
    new_priority: Annotated[str, typer.Argument(metavar="PRIORITY")],
    reason: Annotated[str | None, typer.Option(help="Why the priority changes.")] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a ticket's priority (P0 to P3)."""
    t = (
        _session(ctx)
        .desk()
        .change_priority(key, new_priority, reason=reason, expected_version=if_version)
    )
    _changed(t, as_json, f"priority {t.priority}")


@app.command()
def escalate(
    ctx: typer.Context,
    key: str,
    reason: Annotated[str, typer.Option(help="Why it needs escalating.")],
    progress: Annotated[str, typer.Option(help="What has been done so far.")],
    help_needed: Annotated[str, typer.Option("--help-needed", help="What help is needed.")],
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Escalate a ticket by hand."""
    t = (
        _session(ctx)
        .desk()
        .escalate(
            key,
            reason=reason,
            progress=progress,
            help_needed=help_needed,
            expected_version=if_version,
        )
    )
    _changed(t, as_json, f"escalated to level {t.escalation_level}")


@app.command()
def reopen(
    ctx: typer.Context,
    key: str,
    reason: Annotated[str | None, typer.Option(help="Why it is reopened.")] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reopen a resolved or closed ticket."""
    t = _session(ctx).desk().reopen(key, reason=reason, expected_version=if_version)
    _changed(t, as_json, f"reopened ({t.status}, reopened {t.reopen_count}x)")


# -- agents -----------------------------------------------------------------------------


@agents_app.command("add")
def agents_add(
    ctx: typer.Context,
    handle: str,
    name: Annotated[str | None, typer.Option(help="Full name (default: the handle).")] = None,
    role: Annotated[str, typer.Option(help="agent, supervisor, director or admin.")] = "agent",
    team: Annotated[str | None, typer.Option(help="Team name (created if new).")] = None,
    skill: Annotated[list[str] | None, typer.Option("--skill", help="A skill; repeat.")] = None,
    email: Annotated[str | None, typer.Option()] = None,
    max_active: Annotated[int, typer.Option(help="Most open tickets at once.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Add an agent."""
    agent = Roster(_session(ctx).store).add(
        handle,
        name=name,
        role=role,
        team=team,
        skills=skill or (),
        email=email,
        max_active=max_active,
    )
    emit(agent.to_json(), as_json, lambda: typer.echo(f"added {agent.handle} ({agent.role})"))


@agents_app.command("list")
def agents_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the agents."""
    agents = Roster(_session(ctx).store).list()
    emit([a.to_json() for a in agents], as_json, lambda: render.agent_table(agents))


# -- database ---------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bring the database schema to this version (backs up a SQLite file first)."""
    from deskline.storage.migrate import current_revision, head_revision

    store = _session(ctx).store  # opening upgrades
    typer.echo(
        f"{store.display_url} is at schema {current_revision(store.engine)} "
        f"(newest: {head_revision()})"
    )


@db_app.command("backup")
def db_backup(ctx: typer.Context) -> None:
    """Copy the SQLite database to a timestamped file beside it."""
    from deskline.storage.migrate import backup

    typer.echo(str(backup(_session(ctx).store.engine)))


# -- configuration and SLA --------------------------------------------------------------


@config_app.command("check")
def config_check(
    ctx: typer.Context,
    file: Annotated[
        str | None, typer.Argument(help="File to check (default: the one in use).")
    ] = None,
) -> None:
    """Validate deskline.toml and print the effective SLA policy table."""
    session = _session(ctx)
    settings = load_config(file or session.config)
    where = settings.source or "no deskline.toml found; the defaults"
    typer.echo(f"{where}: ok")
    render.policy_table(settings.sla)
    rules_text.config_summary(settings)


@config_app.command("show")
def config_show(ctx: typer.Context) -> None:
    """Print the effective configuration as TOML."""
    settings = _session(ctx).settings
    typer.echo(f"# {settings.source or 'defaults (no deskline.toml found)'}")
    typer.echo(desk_toml(settings))


@sla_app.command("due")
def sla_due(
    ctx: typer.Context,
    start: Annotated[
        str, typer.Option(help="ISO time with offset, e.g. 2026-04-02T16:30:00+08:00.")
    ],
    duration: Annotated[str, typer.Option(help="Business time: 90s, 15m, 2h, 1h30m, 3bd.")],
    calendar: Annotated[str, typer.Option(help="A calendar name from deskline.toml.")] = "business",
) -> None:
    """Print when a duration of business time from START ends on a calendar (UTC)."""
    from deskline.core.config.settings import check_target
    from deskline.core.sla.calendar import DurationError, parse_duration

    rules = _session(ctx).settings.sla
    if calendar not in rules.calendars:
        fail(f"unknown calendar {calendar!r}; known: {', '.join(sorted(rules.calendars))}", 2)
    try:
        span = check_target(parse_duration(duration))
    except (DurationError, ValueError) as exc:
        fail(str(exc), 2)
    try:
        due = rules.calendars[calendar].add(clock.parse_instant(start), span)
    except OverflowError:
        fail(f"{duration} after {start} is beyond the year 9999", 2)
    typer.echo(iso(due))


@sla_app.command("recompute")
def sla_recompute(ctx: typer.Context) -> None:
    """Store open tickets' due times again under the current deskline.toml."""
    changed = _session(ctx).desk().recompute_sla()
    typer.echo(f"{changed} open ticket(s) had their due times moved")


# -- demo -------------------------------------------------------------------------------


@app.command()
def demo(
    ctx: typer.Context,
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Only fill the demo database.")
    ] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Start the demo database anew.")] = False,
    tickets: Annotated[
        int, typer.Option(help="How many tickets a new demo desk gets.", min=1)
    ] = 300,
) -> None:
    """Open deskline on a demo database of about 300 tickets (created on first use)."""
    from deskline.core.demo import fill
    from deskline.storage.engine import data_dir

    session = _session(ctx)
    path = data_dir() / "demo.db"
    if session.db is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for stale in path.parent.glob("demo.db*"):
                stale.unlink()
        session.db = str(path)
    store = session.store
    with store.read() as s:
        empty = queries.ticket_count(s) == 0
    if empty:
        summary = fill(
            store, now=clock.now(), tickets=tickets, me=session.me, rules=session.settings.sla
        )
        for line in summary.lines():
            say(line)
    if no_open:
        typer.echo(f"demo database: {store.display_url.removeprefix('sqlite:///')}")
        return
    open_workspace(session)


@app.command()
def dashboard(
    ctx: typer.Context,
    team: Annotated[
        str | None, typer.Option("--team", metavar="NAME", help="Only this team (default: all).")
    ] = None,
    refresh: Annotated[
        float,
        typer.Option(
            "--refresh", metavar="SECONDS", help="How often to look for changes.", min=0.2, max=60
        ),
    ] = 1.0,
    once: Annotated[
        bool, typer.Option("--once", help="Print the figures once; exit 2 if anything is breached.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The supervisor's breach dashboard, read-only (--once: print it and exit)."""
    from deskline.core.dashboard.board import check_team, figures_once

    if as_json and not once:
        fail("--json goes with --once (the live dashboard is a screen)", 2)
    desk = _session(ctx).desk()
    if once:
        from deskline.tui.dashboard.once import exit_code, print_figures

        figures = figures_once(desk, team)
        emit(figures.to_json(), as_json, lambda: print_figures(figures, render.colours))
        raise typer.Exit(exit_code(figures))
    from deskline.tui.dashboard.app import DashboardApp

    check_team(desk, team)  # an unknown team fails here, as one line, before the screen
    session = _session(ctx)
    DashboardApp(
        desk,
        team=team,
        refresh=refresh,
        config=session.settings,
        look=session.look,
        alerts=True,
    ).run()


# The other command modules add themselves to ``app`` (rules, customers, agents duty/set;
# watch and alerts).
from deskline.tui.cli import alerts as _alerts  # noqa: E402, F401
from deskline.tui.cli import rules as _rules  # noqa: E402, F401


def main() -> None:
    """Console entry point: user errors become one line on stderr and a non-zero exit."""
    try:
        code = app(standalone_mode=False)
    except UsageError as exc:  # Click's own block is several lines; one is enough
        command = exc.ctx.command_path if exc.ctx else "deskline"
        typer.echo(f"deskline: {exc.format_message()} (see `{command} --help`)", err=True)
        sys.exit(2)
    except typer.Abort:
        sys.exit(130)
    except DesklineError as exc:
        typer.echo(f"deskline: {exc}", err=True)
        sys.exit(exc.exit_code)
    except StoreError as exc:
        typer.echo(f"deskline: {exc}", err=True)
        sys.exit(1)
    except clock.ClockError as exc:
        typer.echo(f"deskline: {exc}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
