"""The knowledge base's use cases: draft an article from a resolved ticket (its problem and
solution), write and change one, publish it, find articles by their words or by a ticket
they resemble, and see which articles are missing. Who may do what: core.roster.permissions
(anyone drafts; an agent changes their own drafts; supervisors change any and publish).
Every change is one transaction with an audit event of the desk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from deskline.core import clock
from deskline.core.desk import fields
from deskline.core.desk.audit import record_desk_event
from deskline.core.errors import Forbidden, InvalidInput, NotFound, Refused
from deskline.core.inert import quoted
from deskline.core.kb import suggest
from deskline.core.kb.text import Words, alike, weighted
from deskline.core.language import _
from deskline.core.roster import permissions
from deskline.core.roster.agents import unknown_agent
from deskline.storage import kb as rows
from deskline.storage import queries
from deskline.storage.models import Agent, Category, KbArticle
from deskline.storage.store import Store

STATUSES = ("draft", "published")
BODY_MAX = 100_000  # characters of an article
FOUND_AT = 0.12  # the least likeness for an article to be shown beside a ticket


@dataclass(frozen=True)
class ArticleView:
    number: int
    title: str
    body: str
    category: str | None
    tags: tuple[str, ...]
    status: str
    source: str | None  # the ticket it was drafted from
    author: str | None
    created_at: datetime
    updated_at: datetime
    score: float | None = None  # how well it matched a search

    @property
    def key(self) -> str:
        return f"KB-{self.number}"

    @classmethod
    def from_row(cls, row: rows.Row, score: float | None = None) -> ArticleView:
        a, author, ticket = row
        assert a.id is not None  # read from the store
        return cls(
            a.id,
            a.title,
            a.body,
            a.category,
            tuple(t for t in a.tags.split(",") if t),
            a.status,
            f"T-{ticket}" if ticket else None,
            author,
            a.created_at,
            a.updated_at,
            score,
        )

    def words(self) -> Words:
        return weighted((self.title, 3), (" ".join(self.tags), 2), (self.body, 1))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "body": self.body,
            "category": self.category,
            "tags": list(self.tags),
            "status": self.status,
            "source": self.source,
            "author": self.author,
            "created_at": clock.iso(self.created_at),
            "updated_at": clock.iso(self.updated_at),
        }
        if self.score is not None:
            data["score"] = round(self.score, 3)
        return data


def article_number(key: str) -> int:
    """``KB-12``, ``kb-12`` or ``12`` -> 12."""
    value = key.strip().upper().removeprefix("KB-")
    if not value.isdigit() or not 0 < int(value) <= fields.MAX_TICKET:
        raise InvalidInput(_("bad article key '{key}': use the form KB-12").format(key=quoted(key)))
    return int(value)


def _title(text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(_("an article needs a title: give --title with some words"))
    if len(value) > fields.TITLE_MAX:
        raise InvalidInput(
            _("title is {length} characters; keep it to {most}").format(
                length=len(value), most=fields.TITLE_MAX
            )
        )
    return value


def _body(text: str) -> str:
    value = fields.text_body(text, _("the article's text"))
    if len(value) > BODY_MAX:
        raise InvalidInput(
            _("the article is {length} characters; keep it to {most}").format(
                length=len(value), most=BODY_MAX
            )
        )
    return value


class KnowledgeBase:
    """The desk's articles, used by ``actor``."""

    def __init__(
        self, store: Store, actor: str, *, now: Callable[[], datetime] = clock.now
    ) -> None:
        self.store, self.actor, self.now = store, actor, now

    # -- reading

    def get(self, key: str) -> ArticleView:
        with self.store.read() as s:
            self._me(s)
            return ArticleView.from_row(self._row(s, key))

    def articles(self, *, drafts: bool = False) -> list[ArticleView]:
        """Published articles, newest first (``drafts``: the drafts instead)."""
        with self.store.read() as s:
            self._me(s)
            found = rows.articles(s, ["draft"] if drafts else ["published"])
        return [ArticleView.from_row(r) for r in reversed(found)]

    def search(self, query: str, *, drafts: bool = False, limit: int = 10) -> list[ArticleView]:
        """Articles whose words are like the query's, best first."""
        wanted = weighted((fields.text_body(query, _("the search")), 1))
        return self._ranked(wanted, drafts=drafts, limit=limit, least=0.0)

    def for_ticket(self, key: str, *, limit: int = 3) -> list[ArticleView]:
        """The published articles a ticket resembles (its title and description; its
        category first), best first: what to read, or send, before writing a reply."""
        number = fields.ticket_number(key)
        with self.store.read() as s:
            found = queries.ticket_rows(s, numbers=[number])
        if not found:
            raise fields.no_ticket(f"T-{number}")
        ticket = found[0].ticket
        wanted = weighted((ticket.title, 2), (ticket.description, 1))
        return self._ranked(wanted, limit=limit, least=FOUND_AT, category=found[0].category)

    def _ranked(
        self,
        wanted: Words,
        *,
        limit: int,
        least: float,
        drafts: bool = False,
        category: str | None = None,
    ) -> list[ArticleView]:
        with self.store.read() as s:
            self._me(s)
            found = rows.articles(s, ["published", "draft"] if drafts else ["published"])
        scored = []
        for row in found:
            view = ArticleView.from_row(row)
            score = alike(wanted, view.words())
            if category is not None and view.category == category:
                score *= 1.25  # the same kind of problem
            if score > least:
                scored.append((score, view))
        scored.sort(key=lambda sv: (-sv[0], -sv[1].number))
        return [replace(view, score=score) for score, view in scored[:limit]]

    def suggestions(
        self, *, days: int = 30, least: int = suggest.LEAST
    ) -> list[suggest.Suggestion]:
        """Groups of alike tickets resolved in the last ``days`` that no article covers."""
        since = self.now() - timedelta(days=days)
        with self.store.read() as s:
            self._me(s)
            solved = [
                suggest.Solved(f"T-{number}", category, title, description)
                for _id, number, title, description, category, _at in rows.solved_since(s, since)
            ]
            articles = [ArticleView.from_row(r).words() for r in rows.articles(s, STATUSES)]
        return suggest.suggestions(solved, articles, least=least)

    # -- writing

    def draft(self, key: str) -> ArticleView:
        """A draft from a resolved (or closed) ticket: its title, its problem (the
        description) and its solution (the note it was resolved with)."""
        number = fields.ticket_number(key)
        with self.store.write() as s:
            me = self._me(s)
            ticket = queries.ticket_by_number(s, number)
            if ticket is None or ticket.id is None:
                raise fields.no_ticket(f"T-{number}")
            if ticket.status not in ("resolved", "closed"):
                raise Refused(
                    _(
                        "T-{number} is {status}: an article is drafted from a resolved "
                        "ticket, once its solution is known"
                    ).format(number=number, status=ticket.status)
                )
            known = rows.from_ticket(s, ticket.id)
            if known is not None:
                raise Refused(
                    _(
                        "KB-{known} was drafted from T-{number} already: "
                        "`deskline kb show KB-{known}`"
                    ).format(known=known, number=number)
                )
            solution = rows.solutions(s, [ticket.id]).get(ticket.id, "(no solution note)")
            found = s.get(Category, ticket.category_id) if ticket.category_id else None
            category = found.path if found else None
            body = f"Problem\n\n{ticket.description or ticket.title}\n\nSolution\n\n{solution}\n"
            row = self._add(s, me, ticket.title, body, category, ticket.tags, ticket.id)
            return self._view(s, row)

    def write(
        self,
        title: str,
        body: str,
        *,
        category: str | None = None,
        tags: Sequence[str] = (),
    ) -> ArticleView:
        title, body = _title(title), _body(body)
        category = fields.category_path(category) if category else None
        with self.store.write() as s:
            me = self._me(s)
            row = self._add(s, me, title, body, category, fields.tags(tags), None)
            return self._view(s, row)

    def edit(
        self,
        key: str,
        *,
        title: str | None = None,
        body: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> ArticleView:
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = _title(title)
        if body is not None:
            changes["body"] = _body(body)
        if category is not None:
            changes["category"] = fields.category_path(category) if category.strip() else None
        if tags is not None:
            changes["tags"] = fields.tags(tags)
        if not changes:
            raise InvalidInput(_("nothing to change: give --title, --body, --category or --tag"))
        with self.store.write() as s:
            me = self._me(s)
            row, author, _team = self._row(s, key)
            self._may_edit(s, me, row, author)
            old = {k: getattr(row, k) for k in changes if getattr(row, k) != changes[k]}
            if not old:
                raise Refused(
                    _("KB-{number} already says that: nothing changed").format(number=row.id)
                )
            for k, v in changes.items():
                setattr(row, k, v)
            row.updated_at = self.now()
            record_desk_event(
                s, me, row.updated_at, "kb_edited", {"article": row.id, **old},
                {"article": row.id, **{k: changes[k] for k in old}},
            )  # fmt: skip
            return self._view(s, row)

    def publish(self, key: str) -> ArticleView:
        with self.store.write() as s:
            me = self._me(s)
            why = permissions.may_manage(self._person(s, me), "kb_publish")
            if why:
                raise Forbidden(why)
            row, _author, _team = self._row(s, key)
            if row.status == "published":
                raise Refused(_("KB-{number} is published already").format(number=row.id))
            row.status, row.updated_at = "published", self.now()
            record_desk_event(
                s, me, row.updated_at, "kb_published", {"article": row.id, "status": "draft"},
                {"article": row.id, "status": "published"},
            )  # fmt: skip
            return self._view(s, row)

    # -- helpers

    def _add(
        self,
        s: Session,
        me: Agent,
        title: str,
        body: str,
        category: str | None,
        tags: str,
        ticket_id: int | None,
    ) -> KbArticle:
        assert me.id is not None
        now = self.now()
        row = rows.add(
            s,
            KbArticle(
                title=title,
                body=body,
                category=category,
                tags=tags,
                source_ticket_id=ticket_id,
                author_id=me.id,
                created_at=now,
                updated_at=now,
            ),
        )
        record_desk_event(s, me, now, "kb_drafted", None, {"article": row.id, "title": title})
        return row

    def _view(self, s: Session, row: KbArticle) -> ArticleView:
        s.flush()
        assert row.id is not None
        return ArticleView.from_row(self._row(s, f"KB-{row.id}"))

    def _row(self, s: Session, key: str) -> rows.Row:
        number = article_number(key)
        found = rows.article(s, number)
        if found is None:
            raise NotFound(
                _("no article KB-{number}: see `deskline kb list`").format(number=number)
            )
        return found

    def _me(self, s: Session) -> Agent:
        me = queries.agent_by_handle(s, self.actor)
        if me is None:
            raise unknown_agent(self.actor)
        return me

    @staticmethod
    def _person(s: Session, agent: Agent) -> permissions.Person:
        return permissions.Person(agent.handle, agent.role, queries.team_of(s, agent))

    def _may_edit(self, s: Session, me: Agent, row: KbArticle, author: str | None) -> None:
        writer = queries.agent_by_handle(s, author) if author else None
        them = self._person(s, writer) if writer else permissions.Person("?", "agent")
        why = permissions.may_edit_article(self._person(s, me), them, row.status == "published")
        if why:
            raise Forbidden(why)
