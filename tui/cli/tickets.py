"""Ticket commands: ``new``, ``list``, ``show`` and every change to one ticket (assign, take,
status, reply, note, priority, escalate, reopen, route, edit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import (
    COUNT_MAX,
    Commands,
    JsonlOpt,
    JsonOpt,
    KeyArg,
    VersionOpt,
    emit,
    emit_each,
    fail,
    print_line,
    say,
    session_of,
)

if TYPE_CHECKING:
    from deskline.core.desk.views import TicketView

app = Commands()

STATUSES = ("new", "assigned", "in_progress", "pending", "resolved", "closed")
# What a new ticket's decisions are called on ``deskline new`` (the event kinds, said).
DECIDED = {"triaged": N_("triaged"), "routed": N_("routed"), "surge": N_("surge")}


def changed(ticket: TicketView, as_json: bool, what: str) -> None:
    """A changed ticket: its JSON, or one line saying what changed."""
    emit(ticket.to_json(), as_json, lambda: print_line(f"{ticket.key}: {what}"))


@app.command(help=N_("Open a new ticket; triage and routing rules set its priority and assignee."))
def new(
    ctx: typer.Context,
    title: Annotated[
        str, typer.Option("--title", "-t", metavar="TITLE", help=N_("What is wrong, in a line."))
    ],
    priority: Annotated[
        str | None,
        typer.Option(
            "--priority",
            "-p",
            metavar="PRIORITY",
            help=N_("P0 to P3 (default: what triage suggests, else P2)."),
        ),
    ] = None,
    category: Annotated[
        str | None, typer.Option(metavar="CATEGORY", help=N_("Path like Account/Login/Locked."))
    ] = None,
    customer: Annotated[str | None, typer.Option(metavar="NAME", help=N_("Customer name."))] = None,
    vip: Annotated[bool, typer.Option("--vip", help=N_("The customer is a VIP."))] = False,
    channel: Annotated[
        str | None,
        typer.Option(
            metavar="CHANNEL", help=N_("email, phone, chat, web (default), api or walk-in.")
        ),
    ] = None,
    description: Annotated[str, typer.Option("--description", "-d", metavar="DESCRIPTION")] = "",
    tag: Annotated[
        list[str] | None, typer.Option("--tag", metavar="TAG", help=N_("A tag; repeat for more."))
    ] = None,
    impact: Annotated[
        str | None,
        typer.Option(
            metavar="all|some|one", help=N_("Users affected: all, some or one (for triage).")
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", metavar="NAME", help=N_("Start from a [[templates]] entry.")),
    ] = None,
    requester: Annotated[
        str | None,
        typer.Option(
            metavar="EMAIL",
            help=N_(
                "Who asks: a contact's address (a new one becomes a contact); replies mail them."
            ),
        ),
    ] = None,
    cc: Annotated[
        list[str] | None,
        typer.Option("--cc", metavar="EMAIL", help=N_("Copy this address on replies; repeat.")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk import templates

    session = session_of(ctx)
    draft = templates.Draft(
        title, priority, category, customer, channel, impact, description, tuple(tag or ())
    )
    desk = session.desk()
    if template:
        draft = templates.apply(templates.find(desk.refresh_policy().templates, template), draft)
    ticket = desk.create(
        draft.title,
        priority=draft.priority,
        category=draft.category,
        customer=draft.customer,
        vip=vip,
        channel=draft.channel or "web",
        description=draft.description,
        tags=draft.tags,
        impact=draft.impact,
        requester=requester,
        cc=tuple(cc or ()),
    )

    def human() -> None:
        print_line(_("created {key}: {title}").format(key=ticket.key, title=ticket.title))
        if ticket.requester:
            print_line(_("  requester: {requester}").format(requester=ticket.requester))
        for event in ticket.events:
            if event.kind in DECIDED:
                kind = _(DECIDED[event.kind])
                print_line(_("  {kind}: {reason}").format(kind=kind, reason=event.reason))

    emit(ticket.to_json(), as_json, human)


@app.command(
    "list",
    help=N_(
        "List tickets in queue order (open ones unless --status or --all; archived "
        "ones only with --archived)."
    ),
)
def list_(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUS",
            help=N_("Only this status; repeat for more (default: open)."),
        ),
    ] = None,
    priority: Annotated[
        list[str] | None,
        typer.Option(
            "--priority", "-p", metavar="PRIORITY", help=N_("Only this priority; repeat.")
        ),
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help=N_("Only tickets assigned to me."))] = False,
    all_: Annotated[
        bool, typer.Option("--all", help=N_("Every status, closed included (archived: not)."))
    ] = False,
    archived: Annotated[
        bool, typer.Option("--archived", help=N_("The archive's tickets instead, newest first."))
    ] = False,
    limit: Annotated[
        int | None, typer.Option(metavar="N", help=N_("At most this many."), min=1, max=COUNT_MAX)
    ] = None,
    as_json: JsonOpt = False,
    as_jsonl: JsonlOpt = False,
) -> None:
    statuses = status
    if all_ and status:
        fail(_("give either --all or --status, not both"), 2)
    if as_json and as_jsonl:
        fail(_("give either --json or --jsonl, not both"), 2)
    if all_:
        statuses = list(STATUSES)
    session = session_of(ctx)
    # Streamed from the database (Core reads, no ORM): memory holds a batch, not the desk.
    tickets = session.reader().list(
        statuses=statuses, priorities=priority, mine=mine, limit=limit, archived=archived
    )

    def human() -> None:
        from deskline.tui.cli import render  # Rich loads for people, not for --json

        render.ticket_table(list(tickets), session.look.colours)

    emit_each((t.to_json() for t in tickets), as_json, as_jsonl, human)


@app.command(help=N_("Show one ticket with its conversation and history."))
def show(ctx: typer.Context, key: KeyArg, as_json: JsonOpt = False) -> None:
    ticket = session_of(ctx).desk().get(key)

    def human() -> None:
        from deskline.tui.cli import render

        render.ticket_detail(ticket)

    # its id in the desk it was imported from (null for one made here)
    emit({**ticket.to_json(detail=True), "external_id": ticket.external_id}, as_json, human)


@app.command(help=N_("Give a ticket to an agent."))
def assign(
    ctx: typer.Context,
    key: KeyArg,
    handle: Annotated[str, typer.Argument(metavar="HANDLE", help=N_("The agent to give it to."))],
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = session_of(ctx).desk().assign(key, handle, expected_version=if_version)
    changed(
        t,
        as_json,
        _("assigned to {assignee} ({status})").format(assignee=t.assignee, status=t.status),
    )


@app.command(
    help=N_("Assign a ticket to yourself and start on it (one someone else holds: --steal).")
)
def take(
    ctx: typer.Context,
    key: KeyArg,
    steal: Annotated[
        bool,
        typer.Option(
            "--steal",
            help=N_("Take it from whoever holds it (a supervisor of its team, director, admin)."),
        ),
    ] = False,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = session_of(ctx).desk().take(key, steal=steal, expected_version=if_version)
    changed(t, as_json, _("yours now ({status})").format(status=t.status))


@app.command(help=N_("Change a ticket's status (in_progress, pending, resolved, closed, ...)."))
def status(
    ctx: typer.Context,
    key: KeyArg,
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="STATUS", help=N_("in_progress, pending, resolved, closed, assigned or new.")
        ),
    ],
    reason: Annotated[
        str | None, typer.Option(metavar="REASON", help=N_("Why; for resolved, the solution."))
    ] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = (
        session_of(ctx)
        .desk()
        .transition(key, new_status, reason=reason, expected_version=if_version)
    )
    changed(t, as_json, _("now {status}").format(status=t.status))


TextArg = Annotated[str, typer.Argument(metavar="TEXT", help=N_("What to write."))]


MacroOpt = Annotated[
    str | None,
    typer.Option(
        "--macro",
        metavar="NAME",
        help=N_(
            "Apply a [[macro]] of the desk's policy instead (its text, status, priority, "
            "tags); see `deskline macros`."
        ),
    ),
]


@app.command(
    help=N_(
        "Reply to the customer (public); mailed to the requester and CCs when the desk "
        "has a mailbox (sent now, else retried by `deskline mail send` or `mail "
        "watch`)."
    )
)
def reply(
    ctx: typer.Context,
    key: KeyArg,
    text: Annotated[
        str | None, typer.Argument(metavar="TEXT", help=N_("What to write (none with --macro)."))
    ] = None,
    macro: MacroOpt = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    session = session_of(ctx)
    if macro is not None:
        if text is not None:
            fail(_("give TEXT or --macro, not both: the macro writes the text"), 2)
        t = session.desk().apply_macro(key, macro, expected_version=if_version)
        note = _("macro {macro} applied ({status}, {priority})").format(
            macro=macro.strip(), status=t.status, priority=t.priority
        )
    elif text is None:
        fail(_("give the reply's TEXT, or --macro NAME (see `deskline macros`)"), 2)
    else:
        t = session.desk().reply(key, text, expected_version=if_version)
        note = _("reply added")
    replies = [e for e in t.events if e.kind == "reply"]
    mailed = replies[-1].new.get("mail") if replies and replies[-1].new else None
    if mailed:
        from deskline.core.mail.outgoing import Sender

        done = Sender(session.store, timeout=5).send_due()
        note += _(", mailed to the customer") if done.sent else _(", its mail waits in the outbox")
        if done.reasons:
            say(
                _("mail not sent yet (retried by `deskline mail send`): {reason}").format(
                    reason=done.reasons[0]
                )
            )
    changed(t, as_json, note)


@app.command(help=N_("Add an internal note (never shown to the customer)."))
def note(
    ctx: typer.Context,
    key: KeyArg,
    text: TextArg,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = session_of(ctx).desk().note(key, text, expected_version=if_version)
    changed(t, as_json, _("note added"))


@app.command(help=N_("Change a ticket's priority (P0 to P3)."))
def priority(
    ctx: typer.Context,
    key: KeyArg,
    new_priority: Annotated[str, typer.Argument(metavar="PRIORITY", help=N_("P0 to P3."))],
    reason: Annotated[
        str | None, typer.Option(metavar="REASON", help=N_("Why the priority changes."))
    ] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = (
        session_of(ctx)
        .desk()
        .change_priority(key, new_priority, reason=reason, expected_version=if_version)
    )
    changed(t, as_json, _("priority {priority}").format(priority=t.priority))


@app.command(help=N_("Escalate a ticket by hand; the alert engine tells whom it goes to at once."))
def escalate(
    ctx: typer.Context,
    key: KeyArg,
    reason: Annotated[str, typer.Option(metavar="REASON", help=N_("Why it needs escalating."))],
    progress: Annotated[
        str, typer.Option(metavar="PROGRESS", help=N_("What has been done so far."))
    ],
    help_needed: Annotated[
        str, typer.Option("--help-needed", metavar="HELP", help=N_("What help is needed."))
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="WHO",
            help=N_(
                "Whom to tell: a handle, team:NAME, role:supervisor or role:director "
                "(default: the next role up)."
            ),
        ),
    ] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = (
        session_of(ctx)
        .desk()
        .escalate(
            key,
            reason=reason,
            progress=progress,
            help_needed=help_needed,
            to=to,
            expected_version=if_version,
        )
    )
    said = _("escalated to level {level} ({to})").format(
        level=t.escalation_level, to=t.escalated_to
    )
    changed(t, as_json, said)


@app.command(help=N_("Reopen a resolved or closed ticket."))
def reopen(
    ctx: typer.Context,
    key: KeyArg,
    reason: Annotated[
        str | None, typer.Option(metavar="REASON", help=N_("Why it is reopened."))
    ] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    t = session_of(ctx).desk().reopen(key, reason=reason, expected_version=if_version)
    said = _("reopened ({status}, reopened {count}x)").format(status=t.status, count=t.reopen_count)
    changed(t, as_json, said)


@app.command(
    help=N_("Route an unassigned ticket again by the current rules (say, once someone is on duty).")
)
def route(
    ctx: typer.Context, key: KeyArg, if_version: VersionOpt = None, as_json: JsonOpt = False
) -> None:
    t = session_of(ctx).desk().route(key, expected_version=if_version)
    if t.assignee:
        said = _("assigned to {assignee}, team {team} (`deskline rules explain {key}`)")
    else:
        said = _("still unassigned, team {team} (`deskline rules explain {key}`)")
    changed(t, as_json, said.format(assignee=t.assignee, team=t.team or "—", key=t.key))


@app.command(
    help=N_(
        "Edit a ticket's title, description, category, tags, customer or channel (its "
        "SLA follows a new category or customer; an unassigned ticket follows a new "
        "category to the team routing sends it to)."
    )
)
def edit(
    ctx: typer.Context,
    key: KeyArg,
    title: Annotated[str | None, typer.Option("--title", "-t", metavar="TITLE")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", metavar="DESCRIPTION")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(metavar="CATEGORY", help=N_('A category the desk has ("" for none).')),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", metavar="+TAG|-TAG", help=N_("Add (+x) or remove (-x) a tag; repeat.")
        ),
    ] = None,
    customer: Annotated[
        str | None, typer.Option(metavar="NAME", help=N_('A known customer ("" for none).'))
    ] = None,
    channel: Annotated[str | None, typer.Option(metavar="CHANNEL")] = None,
    if_version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk.edits import Edit

    change = Edit(title, description, category, tuple(tag or ()), customer, channel)
    t = session_of(ctx).desk().edit(key, change, expected_version=if_version)
    last = next(e for e in reversed(t.events) if e.kind == "edited")
    said = _("edited {fields}").format(fields=", ".join(last.new or {}))  # field names: keys
    if t.events[-1].kind == "routed" and t.assignee:  # a new category took it to another team
        said += _("; routed to {team}, assigned to {assignee}").format(
            team=t.team, assignee=t.assignee
        )
    elif t.events[-1].kind == "routed":
        said += _("; routed to {team}").format(team=t.team)
    changed(t, as_json, said)
