"""Who may do what: the role matrix as data, and the one place that decides it.

Pure: it knows people and tickets by handle and team name only (no storage). Every use case
asks here inside its transaction, before it writes anything; a refusal (``Refusal``) is the
message of a ``Forbidden`` error: a string, or parts (``core.errors``) where the command
line names a command or an option and the workspace a key or a field. The system's own
steps (the alert engine) are no actor and ask nothing.

Where a ticket stands for the one acting (``relation``), one of:

- ``own``: they hold it;
- ``team``: someone else holds it, and it is their team's (or has no team: everyone's);
- ``queue``: nobody holds it, and it is their team's or has no team;
- ``other_queue``: nobody holds it, and it is another team's;
- ``other``: someone else holds it, and it is another team's.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskline.core.errors import Part, Said, Step
from deskline.core.language import N_, _

# Why not, said whole; parts where a command or an option is named (each surface its words).
Refusal = str | tuple[Part, ...]

ROLES = ("agent", "supervisor", "director", "admin")
RELATIONS = ("own", "team", "queue", "other_queue", "other")
EVERY = frozenset(RELATIONS)

# Ticket actions: where each role may do them. "work" is every change of one's ticket:
# status, reply, note, priority, escalate, reopen, route. "take": assign to me and start;
# "steal": take a ticket someone else holds (``take --steal``). "assign": give it to someone
# else (an agent only their own ticket, to a teammate; see may_assign for moving teams).
TICKET_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "work": {
        "agent": frozenset({"own", "team", "queue"}),
        "supervisor": frozenset({"own", "team", "queue"}),
        "director": EVERY,
        "admin": EVERY,
    },
    "take": {
        "agent": frozenset({"own", "queue"}),
        "supervisor": frozenset({"own", "queue"}),
        "director": frozenset({"own", "queue", "other_queue"}),
        "admin": frozenset({"own", "queue", "other_queue"}),
    },
    "steal": {
        "agent": frozenset(),
        "supervisor": frozenset({"team"}),
        "director": frozenset({"team", "other"}),
        "admin": frozenset({"team", "other"}),
    },
    # "edit": a ticket's title, description, category, tags, customer, channel. An agent
    # the tickets they work on; supervisors and up any (they tidy the whole desk's data).
    "edit": {
        "agent": frozenset({"own", "team", "queue"}),
        "supervisor": EVERY,
        "director": EVERY,
        "admin": EVERY,
    },
    "assign": {
        "agent": frozenset({"own"}),
        "supervisor": frozenset({"own", "team", "queue"}),
        "director": EVERY,
        "admin": EVERY,
    },
}

# Desk actions: who may do them at all ("team": a supervisor only for members of their team;
# "self": anyone for themself).
DESK_MATRIX: dict[str, dict[str, str]] = {
    "create": {"agent": "yes", "supervisor": "yes", "director": "yes", "admin": "yes"},
    "duty": {"agent": "self", "supervisor": "team", "director": "yes", "admin": "yes"},
    "agent_settings": {"agent": "no", "supervisor": "team", "director": "yes", "admin": "yes"},
    # Contacts: the people who write in; any agent adds them (and mail adds strangers).
    "contacts": {"agent": "yes", "supervisor": "yes", "director": "yes", "admin": "yes"},
    "customers": {"agent": "no", "supervisor": "yes", "director": "yes", "admin": "yes"},
    "agents": {"agent": "no", "supervisor": "no", "director": "no", "admin": "yes"},
    "policy": {"agent": "no", "supervisor": "no", "director": "no", "admin": "yes"},
    # The knowledge base: anyone drafts an article; an agent changes their own drafts, a
    # supervisor any article, and only they publish one.
    "kb_edit": {"agent": "self", "supervisor": "yes", "director": "yes", "admin": "yes"},
    "kb_publish": {"agent": "no", "supervisor": "yes", "director": "yes", "admin": "yes"},
    # A saved view shared with one's team (one's own views: anyone).
    "share_views": {"agent": "no", "supervisor": "yes", "director": "yes", "admin": "yes"},
    # The webhook and email deliveries: see them all (targets, errors) and resend failed ones.
    "deliveries": {"agent": "no", "supervisor": "yes", "director": "yes", "admin": "yes"},
    # Import writes a whole desk's history at once, past triage, routing and the watcher:
    # admins only. Export reads every ticket, customer and address: directors and admins.
    "import": {"agent": "no", "supervisor": "no", "director": "no", "admin": "yes"},
    "export": {"agent": "no", "supervisor": "no", "director": "yes", "admin": "yes"},
    # Archiving old closed tickets (``archive run``): the desk's housekeeping, supervisors up.
    "archive": {"agent": "no", "supervisor": "yes", "director": "yes", "admin": "yes"},
}

# What a ticket action is called in a refusal.
DOING = {
    "work": N_("change"),
    "take": N_("take"),
    "steal": N_("take"),
    "edit": N_("edit"),
}


@dataclass(frozen=True)
class Person:
    """Someone as the rules see them."""

    handle: str
    role: str
    team: str | None = None


@dataclass(frozen=True)
class Held:
    """A ticket as the rules see it: its key, team, and who holds it."""

    key: str
    team: str | None
    assignee: str | None


def relation(actor: Person, ticket: Held) -> str:
    """Where the ticket stands for ``actor`` (see the module's doc)."""
    ours = ticket.team is None or (actor.team is not None and ticket.team == actor.team)
    if ticket.assignee == actor.handle:
        return "own"
    if ticket.assignee is None:
        return "queue" if ours else "other_queue"
    return "team" if ours else "other"


def allowed(actor: Person, ticket: Held) -> frozenset[str]:
    """The ticket actions ``actor`` may do on ``ticket`` now (what a screen offers)."""
    where = relation(actor, ticket)
    return frozenset(
        action for action, cells in TICKET_MATRIX.items() if where in cells.get(actor.role, ())
    )


def then(refusal: Refusal, more: str) -> Refusal:
    """``refusal`` with ``more`` said after it."""
    return refusal + more if isinstance(refusal, str) else (*refusal, more)


def may(actor: Person, action: str, ticket: Held) -> Refusal | None:
    """None if ``actor`` may do ``action`` ("work", "take", "steal") on ``ticket``, else why
    not, as a Forbidden message."""
    where = relation(actor, ticket)
    if where in TICKET_MATRIX[action].get(actor.role, frozenset()):
        return None
    if action == "steal":
        if actor.role == "agent":
            return _(
                "{key} is held by {holder}: only {managers} can take it from them; "
                "you ({handle}) are agent"
            ).format(
                key=ticket.key,
                holder=ticket.assignee,
                managers=_managers(ticket.team),
                handle=actor.handle,
            )
        return _("only {managers} can take {key} from {holder}; you ({handle}) are {who}").format(
            managers=_managers(ticket.team),
            key=ticket.key,
            holder=ticket.assignee,
            handle=actor.handle,
            who=_who(actor),
        )
    if action == "take" and where in ("team", "other"):
        return _held(actor, ticket)
    return _("only {workers} can {doing} {key}; you ({handle}) are {who}").format(
        workers=_workers(ticket),
        doing=_(DOING[action]),
        key=ticket.key,
        handle=actor.handle,
        who=_who(actor),
    )


def may_take(actor: Person, ticket: Held, *, steal: bool) -> Refusal | None:
    """``take`` (``steal``: ``take --steal``): a ticket someone else holds is refused for
    everybody unless stolen, and only a supervisor of its team, a director or an admin may."""
    if ticket.assignee is not None and ticket.assignee != actor.handle:
        if not steal:
            return _held(actor, ticket)
        return may(actor, "steal", ticket)
    return may(actor, "take", ticket)


def may_apply_macro(actor: Person, ticket: Held, sets: str) -> Refusal | None:
    """A macro (a canned reply or note, and the fields it ``sets``, in words) is work on
    the ticket, all of it or none: whoever may reply and change its status may apply it."""
    refusal = may(actor, "work", ticket)
    if refusal is None:
        return None
    if sets:
        return then(refusal, _(" (the macro sets {sets})").format(sets=sets))
    return then(refusal, _(" (the macro adds a comment)"))


def may_merge(
    actor: Person, ticket: Held, other: Held, *, what: str = N_("merge")
) -> Refusal | None:
    """Merging one ticket into another (or linking two) changes both: whoever may work on
    each of them may."""
    for held in (ticket, other):
        refusal = may(actor, "work", held)
        if refusal is not None:
            return then(
                refusal,
                _(" (to {what} {key} and {other})").format(
                    what=_(what), key=ticket.key, other=other.key
                ),
            )
    return None


def may_assign(actor: Person, ticket: Held, target: Person) -> Refusal | None:
    """Giving ``ticket`` to ``target``. To myself it is a take (a steal when someone else
    holds it). Directors and admins: anything. A supervisor: tickets of their team or of no
    team, to anyone (moving it to another team is theirs to do, as its team's supervisor).
    An agent: their own ticket, to a teammate, without moving it out of its team."""
    if target.handle == actor.handle:
        return may_take(actor, ticket, steal=True)
    if actor.role in ("director", "admin"):
        return None
    moves = ticket.team is not None and target.team is not None and target.team != ticket.team
    manages = actor.role == "supervisor" and ticket.team in (None, actor.team)
    if manages:
        return None
    if moves:
        return _(
            "only {managers} can move {key} to {team} (assigning it to {target}); "
            "you ({handle}) are {who}"
        ).format(
            managers=_managers(ticket.team),
            key=ticket.key,
            team=target.team,
            target=target.handle,
            handle=actor.handle,
            who=_who(actor),
        )
    own = ticket.assignee == actor.handle
    teammate = actor.team is not None and target.team == actor.team
    if own and teammate:
        return None
    why = ""
    if not own and ticket.assignee is not None:
        why = _(" (held by {holder})").format(holder=ticket.assignee)
    hint = _("; you may hand your own tickets to a teammate") if actor.role == "agent" else ""
    return _(
        "only {managers} can assign {key}{why} to {target}; you ({handle}) are {who}{hint}"
    ).format(
        managers=_managers(ticket.team),
        key=ticket.key,
        why=why,
        target=target.handle,
        handle=actor.handle,
        who=_who(actor),
        hint=hint,
    )


def may_manage(actor: Person, action: str, target: Person | None = None) -> str | None:
    """A desk action (DESK_MATRIX): on ``target`` for "duty" and "agent_settings"."""
    cell = DESK_MATRIX[action].get(actor.role, "no")
    if cell == "yes":
        return None
    if cell == "self" and target is not None and target.handle == actor.handle:
        return None
    if cell == "team" and target is not None:
        if target.handle == actor.handle or (actor.team is not None and target.team == actor.team):
            return None
    return _desk_refusal(actor, action, target)


def may_edit_article(actor: Person, author: Person, published: bool) -> str | None:
    """An agent changes their own draft; a supervisor, director or admin any article."""
    if published and actor.role == "agent":
        return _(
            "a published article is changed by a supervisor, a director or an admin; "
            "you ({handle}) are agent"
        ).format(handle=actor.handle)
    return may_manage(actor, "kb_edit", author)


def may_change_policy(actor: Person) -> str | None:
    """Only admins change the desk's policy (``policy apply``, ``sla recompute``)."""
    return may_manage(actor, "policy")


def may_archive(actor: Person) -> str | None:
    """Supervisors, directors and admins archive the desk's old closed tickets."""
    return may_manage(actor, "archive")


def may_change_agents(actor: Person) -> str | None:
    """Only admins add and remove agents and change their role or team."""
    return may_manage(actor, "agents")


def last_admin(handle: str, admins: int, what: str) -> tuple[Part, ...]:
    """The refusal to remove or demote the desk's last admin."""
    return (
        _(
            "{handle} is the desk's last admin: {what} them would leave nobody to manage "
            "agents and policy; make another agent admin first"
        ).format(handle=handle, what=what),
        Said(" (`deskline agents set HANDLE --role admin`)", ""),
    )


def _desk_refusal(actor: Person, action: str, target: Person | None) -> str:
    you = _("you ({handle}) are {who}").format(handle=actor.handle, who=_who(actor))
    if action in ("duty", "agent_settings"):
        team = _(" of {team}").format(team=target.team) if target and target.team else ""
        if action == "duty":
            text = _(
                "only a supervisor{team}, a director or an admin can put {whose} on or off duty; "
                "{you}"
            )
            whose = target.handle if target else _("someone else")
        else:
            text = _("only a supervisor{team}, a director or an admin can change {whose}; {you}")
            whose = target.handle if target else _("an agent")
        return text.format(team=team, whose=whose, you=you)
    if action == "kb_edit":
        whose = _("{handle}'s").format(handle=target.handle) if target else _("someone else's")
        return _(
            "only its author, a supervisor, director or admin can change {whose} draft; {you}"
        ).format(whose=whose, you=you)
    refusals = {
        "customers": _("only a supervisor, director or admin can change a customer; {you}"),
        "kb_publish": _("only a supervisor, director or admin can publish an article; {you}"),
        "deliveries": _("only a supervisor, director or admin can see or resend deliveries; {you}"),
        "agents": _("only an admin can add or remove agents or change their role or team; {you}"),
        "share_views": _(
            "only a supervisor, director or admin can share a view with the team; {you}"
        ),
        "import": _("only an admin can import tickets; {you}"),
        "export": _("only a director or an admin can export the desk's tickets; {you}"),
        "archive": _("only a supervisor, director or admin can archive tickets; {you}"),
    }
    return refusals.get(action, _("only an admin can change the desk's policy; {you}")).format(
        you=you
    )


def may_share_view(actor: Person) -> str | None:
    """A view shared with one's team is a supervisor's (or a director's, an admin's)."""
    return may_manage(actor, "share_views")


def may_drop_view(actor: Person, owner: str, shared_team: str | None) -> str | None:
    """One's own view, anyone; a shared one also a supervisor of its team, director, admin."""
    if owner == actor.handle or actor.role in ("director", "admin"):
        return None
    if shared_team is not None and actor.role == "supervisor" and actor.team == shared_team:
        return None
    return _("the view is {owner}'s: only they (or {managers}) can delete it").format(
        owner=owner, managers=_managers(shared_team)
    )


def _who(actor: Person) -> str:
    if actor.role == "supervisor" and actor.team:
        return _("supervisor of {team}").format(team=actor.team)
    return actor.role


def _managers(team: str | None) -> str:
    if team:
        return _("a supervisor of {team}, a director or an admin").format(team=team)
    return _("a supervisor, a director or an admin")


def _workers(ticket: Held) -> str:
    if ticket.team:
        return _("{team}'s agents, its holder, a director or an admin").format(team=ticket.team)
    return _("its holder, a director or an admin")


def _held(actor: Person, ticket: Held) -> Refusal:
    """A take of a ticket someone else holds: who may take it from them, and how (here a
    steal on the command line, an assign to oneself in the workspace)."""
    held = _("{key} is held by {holder}").format(key=ticket.key, holder=ticket.assignee)
    if may(actor, "steal", ticket) is not None:
        return held + _("; only {managers} can take it from them").format(
            managers=_managers(ticket.team)
        )
    steal = Step(f"`deskline take {ticket.key} --steal`", "assign")
    return (held + _(": take it from them with "), steal, Said("", _(" to yourself")))


def report_scope(actor: Person) -> tuple[str | None, str | None]:
    """The (team, agent) a report covers when none is asked for: an agent's own numbers, a
    supervisor's team, the whole desk for directors and admins."""
    if actor.role == "agent":
        return None, actor.handle
    if actor.role == "supervisor" and actor.team is not None:
        return actor.team, None
    return None, None


def may_report(actor: Person, team: str | None, agent: Person | None) -> Refusal | None:
    """Who may see which numbers (``deskline report``, ``replay``, ``staffing``): an agent
    their own, a supervisor their team's (and its agents'), directors and admins all."""
    if actor.role in ("director", "admin"):
        return None
    you = f"you ({actor.handle}) are {_who(actor)}"
    if actor.role == "agent":
        if agent is not None and agent.handle == actor.handle and team in (None, actor.team):
            return None
        return (
            "an agent sees only their own numbers",
            Said(f" (--agent {actor.handle})", ""),
            f"; {you}",
        )
    mine = actor.team
    if mine is None:
        return f"a supervisor with no team sees only their own numbers; {you}"
    if agent is not None and agent.handle != actor.handle and agent.team != mine:
        return f"only {_managers(agent.team)} can see {agent.handle}'s numbers; {you}"
    if team != mine and not (team is None and agent is not None):
        return f"only {_managers(team)} can see {team or 'the whole desk'}'s numbers; {you}"
    return None
