"""Searching the desk's tickets with the search language (``core.desk.query``): every
status, closed included, ranked (``storage.search``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from deskline.core.desk.query import Query, parse
from deskline.core.desk.query import within as narrowed
from deskline.core.desk.tickets import Desk
from deskline.core.desk.views import TicketView
from deskline.core.errors import InvalidInput, NotFound, Said
from deskline.core.inert import quoted
from deskline.core.language import _
from deskline.storage import queries
from deskline.storage.models import Customer, Team
from deskline.storage.search import SORTS, Where, held_matching, ticket_numbers, walkable

DEFAULT_LIMIT = 50


def sort_of(text: str | None, query: Query) -> str:
    """The order asked for, checked; none: by relevance for words, else the queue's."""
    if text is None:
        return "relevance" if query.has_text else "due"
    value = text.strip().lower()
    if value not in SORTS:
        raise InvalidInput(
            _("bad sort '{text}': use one of {known}").format(
                text=quoted(text), known=", ".join(SORTS)
            )
        )
    return value


def numbers(
    desk: Desk,
    text: str,
    *,
    sort: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    within: str | None = None,
) -> list[int]:
    """The numbers of the tickets that match ``text``, best first; ``within``: a view's
    query that ``text`` narrows (``query.within``)."""
    typed = parse(text)
    query = typed if within is None else narrowed(parse(within), typed)
    order = sort_of(sort, typed)
    with desk.store.read() as s:
        where = where_of(s, query, desk.actor, desk.now())
        return ticket_numbers(s, where, sort=order, limit=limit)


def within_held(desk: Desk, held: Sequence[int], text: str, *, limit: int) -> list[int] | None:
    """The first ``limit`` of ``held`` (a view's numbers in its order) that match the words
    of ``text``, in that order: what ``numbers`` finds for the view's query narrowed by
    them, sorted as the view is, without sorting every match. None when ``text`` is no
    query of words alone (a field typed: the view's rows do not hold the answer), or has
    words the walk does not test as the index does (``storage.search.walkable``)."""
    typed = parse(text)
    if not typed.terms or typed != Query(terms=typed.terms):
        return None
    with desk.store.read() as s:
        if not walkable(typed.terms, s.get_bind().dialect.name == "sqlite"):
            return None
        return held_matching(s, held, typed.terms, limit)


def words(text: str) -> frozenset[str] | None:
    """The words and phrases of ``text`` when that is all it holds (what ``within_held``
    narrows a view with), else None (a filter typed, even one typed wrong)."""
    try:
        typed = parse(text)
    except InvalidInput:
        return None
    if not typed.terms or typed != Query(terms=typed.terms):
        return None
    return frozenset(typed.terms)


def narrows(before: frozenset[str], after: frozenset[str]) -> bool:
    """Whether every ticket that the words ``after`` find, ``before`` find too: each word of
    ``before`` is within one of ``after`` (a letter or a word typed on). A word is found as
    a substring of a text, so one that holds another is found only where that one is."""
    return all(any(word in longer for longer in after) for word in before)


def search(
    desk: Desk, text: str, *, sort: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> list[TicketView]:
    """The tickets that match ``text``, best first, with their clocks read now."""
    return desk.tickets(numbers(desk, text, sort=sort, limit=limit))


def where_of(s: Session, query: Query, me: str, now: datetime) -> Where:
    """The query with its names looked up: an unknown agent or team is an error (a typo),
    a customer is any whose name contains the text (none: nothing matches)."""
    assignee_ids: list[int] = []
    for handle in query.assignees:
        if handle == "none":
            continue
        agent = queries.agent_by_handle(s, me if handle == "me" else handle)
        if agent is None or agent.id is None:
            raise NotFound(
                _("assignee:{handle}: no such agent").format(handle=quoted(handle)),
                Said(_(" (see `deskline agents list`)"), ""),
            )
        assignee_ids.append(agent.id)
    team_ids = [_team_id(s, name) for name in query.teams]
    customer_ids: list[int] = []
    for name in query.customers:
        pattern = f"%{name.lower()}%"
        found = s.exec(select(Customer.id).where(func.lower(col(Customer.name)).like(pattern)))
        customer_ids += [i for i in found.all() if i is not None]
    return Where(
        terms=query.terms,
        statuses=query.statuses,
        priorities=query.priorities,
        assignee_ids=assignee_ids,
        unassigned="none" in query.assignees,
        team_ids=team_ids,
        customer_ids=customer_ids,
        tags=query.tags,
        created_from=query.created_from,
        created_before=query.created_before,
        breached_at=now if query.breached else None,
        risky_at=now if query.at_risk else None,
        archived=query.archived,
        nothing=bool(query.customers) and not customer_ids,
    )


def _team_id(s: Session, name: str) -> int:
    team = s.exec(select(Team).where(func.lower(col(Team.name)) == name.lower())).first()
    if team is None or team.id is None:
        raise NotFound(
            _("team:{name}: no such team").format(name=quoted(name)),
            Said(_(" (see `deskline agents list`)"), ""),
        )
    return team.id
