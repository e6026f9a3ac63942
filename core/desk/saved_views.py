"""Saved views of one's own: a search (``core.desk.query``) kept under a name with its
order, for oneself or (a supervisor's) shared with one's team. Saving and deleting one are
events of the desk's own audit chain (``view_saved``, ``view_deleted``): who changed what a
team's queue shows, and when."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from deskline.core.desk import search
from deskline.core.desk.audit import record_desk_event
from deskline.core.desk.query import parse
from deskline.core.desk.tickets import Desk
from deskline.core.errors import InvalidInput, NotFound, Said
from deskline.core.inert import quoted
from deskline.core.language import _
from deskline.core.roster import access, permissions
from deskline.core.roster.agents import unknown_agent
from deskline.storage import queries
from deskline.storage.models import Agent, SavedView, Team

NAME_MAX = 40


@dataclass(frozen=True)
class ViewInfo:
    """A saved view as listed: whose, shared with which team, what it searches."""

    name: str
    query: str
    sort: str
    owner: str
    team: str | None  # shared with this team; None: the owner's own

    @property
    def shared(self) -> bool:
        return self.team is not None

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "query": self.query,
            "sort": self.sort,
            "owner": self.owner,
            "shared_with": self.team,
        }


def views(desk: Desk) -> list[ViewInfo]:
    """My views, then those shared with my team by others, each by name."""
    with desk.store.read() as s:
        rows = _visible(s, _me(s, desk))
    found = [ViewInfo(v.name, v.query, v.sort, owner, team) for v, owner, team in rows]
    return sorted(found, key=lambda v: (v.owner != desk.actor, v.name.lower()))


def save(
    desk: Desk,
    name: str,
    query: str,
    *,
    shared: bool = False,
    sort: str | None = None,
    replace: bool = False,
) -> ViewInfo:
    """Save my view ``name``; ``shared``: for my team (a supervisor's). A view of that name
    is refused unless ``replace``: then it keeps its sort unless ``sort`` is given, since
    replacing a view's search should not silently drop how it was ordered."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(_("a view needs a name of 1 to {most} characters").format(most=NAME_MAX))
    parsed = parse(query)  # bad filters are refused before anything is written
    order = search.sort_of(sort, parsed)
    with desk.store.write() as s:
        me = _me(s, desk)
        search.where_of(s, parsed, desk.actor, desk.now())  # unknown agents, teams
        person = access.person(s, me)
        if shared:
            access.require(permissions.may_share_view(person))
            if me.team_id is None:
                raise InvalidInput(
                    _("{handle} has no team to share a view with").format(handle=desk.actor)
                )
        row = s.exec(
            select(SavedView).where(SavedView.owner_id == me.id, SavedView.name == name)
        ).first()
        now = desk.now()
        old = None
        if row is not None and not replace:
            raise exists(name)
        if row is not None and sort is None:
            order = row.sort
        if row is None:
            assert me.id is not None
            row = SavedView(name=name, owner_id=me.id, query="", sort="", created_at=now)
        else:
            old = _audited(row.name, row.query, row.sort, _team_name(s, row.team_id))
        row.query, row.sort = query.strip(), order
        row.team_id = me.team_id if shared else None
        s.add(row)
        team = person.team if shared else None
        record_desk_event(s, me, now, "view_saved", old, _audited(name, row.query, order, team))
        return ViewInfo(name, row.query, order, desk.actor, team)


def exists(name: str) -> InvalidInput:
    """The refusal to overwrite my view ``name`` without being asked to."""
    return InvalidInput(
        _("a view '{name}' exists").format(name=quoted(name)),
        Said(_(": give --replace to overwrite it"), _(": give it another name, or delete it")),
    )


def delete(desk: Desk, name: str) -> ViewInfo:
    """Delete my view ``name``, else one of that name shared with my team (if I may)."""
    with desk.store.write() as s:
        me = _me(s, desk)
        named = _visible(s, me, name)
        found = [v for v in named if v[0].owner_id == me.id] or named
        if not found:
            raise NotFound(
                _("no view '{name}': see `deskline views list`").format(name=quoted(name))
            )
        row, owner, team = found[0]
        access.require(permissions.may_drop_view(access.person(s, me), owner, team))
        s.delete(row)
        old = {**_audited(row.name, row.query, row.sort, team), "owner": owner}
        record_desk_event(s, me, desk.now(), "view_deleted", old, None)
        return ViewInfo(row.name, row.query, row.sort, owner, team)


Found = list[tuple[SavedView, str, str | None]]  # the view, its owner's handle, its team


def _visible(s: Session, me: Agent, name: str | None = None) -> Found:
    """My views and those shared with my team (``name``: of that name only)."""
    mine_or_team = col(SavedView.owner_id) == me.id
    if me.team_id is not None:
        mine_or_team = or_(mine_or_team, col(SavedView.team_id) == me.team_id)
    stmt = (
        select(SavedView, Agent.handle, Team.name)
        .join(Agent, col(Agent.id) == SavedView.owner_id)
        .outerjoin(Team, col(Team.id) == SavedView.team_id)
        .where(mine_or_team)
    )
    if name is not None:
        stmt = stmt.where(SavedView.name == " ".join(name.split()))
    return [(v, owner, team) for v, owner, team in s.exec(stmt).all()]


def _audited(name: str, query: str, sort: str, team: str | None) -> dict[str, object]:
    """A view as its audit event holds it."""
    return {"view": name, "query": query, "sort": sort, "shared_with": team}


def _team_name(s: Session, team_id: int | None) -> str | None:
    team = s.get(Team, team_id) if team_id is not None else None
    return team.name if team else None


def _me(s: Session, desk: Desk) -> Agent:
    agent = queries.agent_by_handle(s, desk.actor)
    if agent is None:
        raise unknown_agent(desk.actor)
    return agent
