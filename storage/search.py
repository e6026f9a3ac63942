"""Full-text search of tickets: titles, descriptions and comments, any language (and the
ticket's key, tags and customer's name, its "labels").

The index is one row per ticket in ``ticket_text``, kept by triggers in the transaction of
the change that touches it (a ticket made or edited, a comment added, moved or removed;
migration 0011 makes the triggers and fills it). A term is a substring, any case:

- SQLite: an FTS5 table with the ``trigram`` tokenizer (columns title, description,
  comments, labels), each text ending in a line break. A term of three or more characters
  is a phrase of the index; one of two (a Chinese word, say) is any of the index's
  trigrams that begin with it (read from its fts5vocab table, ``ticket_text_terms``); one
  of one character, a LIKE over the index's text.
- PostgreSQL: a table with the text (``body``: title, description, comments and labels, a
  line each), a ``pg_trgm`` GIN index on it for ILIKE (the ``simple`` tsvector 0011 made
  beside it was never read: 0017 dropped it).

A held order (a queue's rows, most urgent first) is narrowed by walking it
(``held_matching``): a slice at a time, each row's text tested with LIKE (PostgreSQL:
ILIKE, as its search does), so a common word is answered from the first few hundred rows
instead of sorting every match; a rare one stops the walk, and the index answers it.

Ranking, the same on both: each term counts by the columns it is found in (``WEIGHTS``: a
title most), then the newest ticket first; with a limit, among the newest RANK_WINDOW
matches (``ticket_numbers``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, column, literal_column, or_, table, true
from sqlalchemy import select as sa_select
from sqlalchemy import text as sql
from sqlmodel import Session, col

from deskline.storage.models import Ticket
from deskline.storage.queries import next_due, queue_order

INDEX = "ticket_text"
COLUMNS = ("title", "description", "comments", "labels")  # labels: key, tags, customer
FTS = table(INDEX, column("rowid"), *(column(name) for name in COLUMNS))
PG = table(INDEX, column("ticket_id"), column("body"), *(column(name) for name in COLUMNS))
SHORT = 3  # the trigram index finds terms of at least this many characters
TERMS = "ticket_text_terms"  # SQLite: the index's trigrams (fts5vocab)
RANK_WINDOW = 200  # by relevance, the best of the newest this many matches
WALK_FIRST = 200  # a held order is walked this many rows first, twice as many each step,
WALK_MOST = 1600  # and this many at most before the index answers for the rest
# The only characters SQLite's index folds to an ASCII letter (KELVIN SIGN, LONG S), which
# its LIKE does not: a row holding one is asked of the index.
FOLDS_TO_ASCII = "\u212a\u017f"
# SQLite: the table FTS5 keeps the index's columns in (c0, c1... in COLUMNS' order), read by
# the walk (its rowid is the ticket's id).
CONTENT_TABLE = INDEX + "_content"
CONTENT = tuple(f"c{i}" for i in range(len(COLUMNS)))
SORTS = ("relevance", "due", "newest", "oldest", "updated", "priority")


def is_index_table(name: str) -> bool:
    """Whether a table is the index (or one of SQLite's own tables behind it): made by
    migration 0011 outside the models, so schema comparisons leave it out."""
    return name == INDEX or name.startswith(INDEX + "_")


@dataclass(frozen=True)
class Where:
    """What a search asks of the tickets (every field optional: empty matches all)."""

    terms: Sequence[str] = ()  # substrings, each of title, description or a comment
    statuses: Sequence[str] = ()
    priorities: Sequence[str] = ()
    assignee_ids: Sequence[int] = ()
    unassigned: bool = False
    team_ids: Sequence[int] = ()
    customer_ids: Sequence[int] = ()
    tags: Sequence[str] = ()
    created_from: datetime | None = None  # at or after
    created_before: datetime | None = None
    breached_at: datetime | None = None  # a running clock past its due time at this instant
    risky_at: datetime | None = None  # at risk (or breached) at this instant
    nothing: bool = False  # a name that matches no row: no ticket can match
    archived: bool = False  # archived tickets only (else every ticket, archived too)


def ticket_numbers(
    session: Session, where: Where, *, sort: str = "relevance", limit: int | None = 50
) -> list[int]:
    """The numbers of the tickets that match, best first (``sort``), at most ``limit``.

    By relevance with a ``limit``, the best are picked among the newest RANK_WINDOW
    matches, read newest first from the index and scored alone (a common word matches a
    good part of a big desk: scoring every match would cost as much as a scan); without a
    limit, every match is scored."""
    if where.nothing:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    terms = [t for t in where.terms if t]
    stmt = sa_select(col(Ticket.number))
    if terms:
        found = (_sqlite_text if sqlite else _pg_text)(session, stmt, terms)
        if found is None:
            return []  # a word no ticket holds
        stmt = found
    stmt = stmt.where(*_filters(where))
    by_score = sort == "relevance" and bool(terms)
    if by_score and limit is not None:
        newest = FTS.c.rowid if sqlite else PG.c.ticket_id  # the index leads, newest first
        window = (
            stmt.add_columns(_score(terms, FTS if sqlite else PG, sqlite).label("score"))
            .order_by(newest.desc())
            .limit(RANK_WINDOW)
            .subquery()
        )
        ranked = (
            sa_select(window.c.number)
            .order_by(window.c.score.desc(), window.c.number.desc())
            .limit(limit)
        )
        return list(session.execute(ranked).scalars().all())
    rank = [_score(terms, FTS if sqlite else PG, sqlite).desc()] if by_score else []
    stmt = stmt.order_by(*_order(sort, rank), col(Ticket.number).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars().all())


# How much a term found in each of the index's short columns counts (a title most): the
# score is the sum over the terms of the columns each is in; a term found only in the
# comments (the longest text, not read for this) adds nothing. No frequency across the desk
# (bm25's or ts_rank's): reading it costs a pass over every match of the term, which grows
# with the desk; every term is in every match anyway, and ties go to the newest ticket.
WEIGHTS = {"title": 10, "labels": 3, "description": 2}


def walkable(terms: Sequence[str], sqlite: bool) -> bool:
    """Whether LIKE finds what the index finds for these terms (PostgreSQL: always, its
    search is ILIKE; SQLite: its index folds every letter's case, LIKE only ASCII ones, so
    a term with another cased letter is not)."""
    return not sqlite or all(c.isascii() or c.lower() == c.upper() for t in terms for c in t)


def held_matching(
    session: Session, numbers: Sequence[int], terms: Sequence[str], limit: int
) -> list[int]:
    """The first ``limit`` of ``numbers`` (in their order) whose text holds every term (as
    ``ticket_numbers`` finds it; ``walkable`` terms), read by walking them: a slice at a
    time, each row tested, until ``limit`` are found. A slice is as long as the matches met
    so far say the rest needs (at most twice the one before). Once they say the walk would
    pass WALK_MOST rows (a rare term), the index finds the rows with the longer terms and
    the walk goes on over those alone, for the one-character terms (which the index would
    test on every row of the desk)."""
    terms = [t for t in terms if t]
    sqlite = session.get_bind().dialect.name == "sqlite"
    found: list[int] = []
    start, step, hits = 0, WALK_FIRST, 0  # hits: of the rows walked in this list
    while start < len(numbers) and len(found) < limit:
        longer = [t for t in terms if len(t) > 1]
        rows = _rows_needed(limit - len(found), hits, start)
        if longer and start > 0 and start + rows > WALK_MOST:  # rare: the index finds them
            matches = _matching(session, longer, sqlite)  # the walk goes on with the
            numbers = [n for n in numbers[start:] if n in matches]  # one-character terms
            terms, start, step, hits = [t for t in terms if len(t) == 1], 0, WALK_FIRST, 0
            if not terms:
                found += numbers
                break
            continue
        if start > 0:
            step = min(max(rows + rows // 4, WALK_FIRST), 2 * step)
            if longer:
                step = min(step, max(WALK_MOST - start, WALK_FIRST))
        chunk = numbers[start : start + step]
        held = _walked(session, chunk, terms, sqlite)
        met = [n for n in chunk if n in held]
        found += met
        start, hits = start + len(chunk), hits + len(met)
    return found[:limit]


def _rows_needed(wanted: int, hits: int, walked: int) -> int:
    """How many more rows the walk reads for ``wanted`` matches, at the rate met so far."""
    if walked == 0:
        return WALK_FIRST
    if hits == 0:
        return WALK_MOST + 1  # none yet: more than a walk reads
    return -(-wanted * walked // hits)


def _walked(session: Session, chunk: Sequence[int], terms: list[str], sqlite: bool) -> set[int]:
    """Of ``chunk``, the numbers whose text holds every term, each row tested once. Plain
    SQL, the numbers written in (integers): binding a few hundred parameters costs more
    than the test. SQLite: the text read from the index's own table of its columns
    (``CONTENT``), a row at a time by its id, which costs half what reading it through the
    index does."""
    numbers = ",".join(str(int(n)) for n in chunk)
    likes = {f"t{i}": _like(t) for i, t in enumerate(terms)}
    if not sqlite:
        held = " AND ".join(f"f.body ILIKE :{name} ESCAPE '\\'" for name in likes)
        stmt = (
            f"SELECT t.number FROM ticket t JOIN {INDEX} f ON f.ticket_id = t.id"
            f" WHERE t.number IN ({numbers}) AND {held}"
        )
        return set(session.execute(sql(stmt), likes).scalars())
    held = " AND ".join(
        "(" + " OR ".join(f"f.{c} LIKE :{name} ESCAPE '\\'" for c in CONTENT) + ")"
        for name in likes
    )
    # A row LIKE says no to may hold a letter the index folds to one of the terms' (1, not
    # sure: the index says); only those letters are looked for.
    folds = {f"odd{i}": c for i, c in enumerate(FOLDS_TO_ASCII) if _folds_into(c, terms)}
    odd = " OR ".join(f"instr(f.{c}, :{name}) > 0" for c in CONTENT for name in folds)
    unsure = f" WHEN {odd} THEN 0" if odd else ""
    stmt = (
        f"SELECT t.number, CASE WHEN {held} THEN 1{unsure} END"
        f" FROM ticket t JOIN {CONTENT_TABLE} f ON f.id = t.id WHERE t.number IN ({numbers})"
    )
    rows = session.execute(sql(stmt), {**likes, **folds}).all()
    hits = {n for n, held_all in rows if held_all == 1}
    maybe = [n for n, held_all in rows if held_all == 0]
    if maybe:  # what LIKE misses there, the index says
        hits |= _matching(session, terms, sqlite, within=maybe)
    return hits


def _folds_into(letter: str, terms: Sequence[str]) -> bool:
    """Whether the index reads ``letter`` (one of FOLDS_TO_ASCII) as a letter of a term."""
    ascii_letter = letter.casefold()[0]
    return any(ascii_letter in t.lower() for t in terms)


def _matching(
    session: Session, terms: list[str], sqlite: bool, within: Sequence[int] | None = None
) -> set[int]:
    """The numbers of every ticket whose text holds every term, as the index finds them."""
    stmt = sa_select(col(Ticket.number))
    if within is not None:
        stmt = stmt.where(col(Ticket.number).in_(within))
    found = (_sqlite_text if sqlite else _pg_text)(session, stmt, terms)
    return set() if found is None else set(session.execute(found).scalars())


def _score(terms: list[str], index: Any, sqlite: bool) -> Any:
    """A ticket's relevance, from the text of its row in the index (any case: SQLite's
    LIKE folds ASCII letters; PostgreSQL's ILIKE all)."""
    score: Any = literal_column("0")
    for term in terms:
        pattern = _like(term)
        for name, weight in WEIGHTS.items():
            text = index.c[name]
            found = text.like(pattern, escape="\\") if sqlite else text.ilike(pattern, escape="\\")
            score = score + case((found, weight), else_=0)
    return score


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_text(session: Session, stmt: Any, terms: list[str]) -> Any | None:
    """Terms of three characters or more: phrases of the trigram index. Two: any of the
    index's trigrams that begin with them (every text in it ends with a line break, so
    each pair of characters begins one). One: a LIKE over the index's text."""
    stmt = stmt.join(FTS, FTS.c.rowid == Ticket.id)
    match: list[str] = []
    for term in terms:
        if len(term) >= SHORT:
            match.append(_phrase(term))
        elif len(term) == SHORT - 1:
            trigrams = _trigrams_from(session, term)
            if not trigrams:
                return None
            match.append("(" + " OR ".join(map(_phrase, trigrams)) + ")")
        else:
            pattern = _like(term)
            stmt = stmt.where(or_(*(FTS.c[name].like(pattern, escape="\\") for name in COLUMNS)))
    if match:
        stmt = stmt.where(sql(f"{INDEX} MATCH :match").bindparams(match=" AND ".join(match)))
    return stmt


def _trigrams_from(session: Session, pair: str) -> list[str]:
    """The index's trigrams that begin with these two characters (as it folds case)."""
    low = pair.lower()
    rows = session.execute(
        sql(f"SELECT term FROM {TERMS} WHERE term >= :low AND term < :high"),
        {"low": low, "high": low + "\U0010ffff"},
    )
    return [row[0] for row in rows]


def _pg_text(session: Session, stmt: Any, terms: list[str]) -> Any:
    # Planned for the words given each time: a plan made once for any pattern (after a few
    # runs of a prepared statement) reads every match of a common word, seconds on 1M.
    session.execute(sql("SET LOCAL plan_cache_mode = force_custom_plan"))
    stmt = stmt.join(PG, PG.c.ticket_id == Ticket.id)
    return stmt.where(*(PG.c.body.ilike(_like(t), escape="\\") for t in terms))


def _filters(where: Where) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.statuses:
        found.append(col(Ticket.status).in_(where.statuses))
    if where.priorities:
        found.append(col(Ticket.priority).in_(where.priorities))
    holders = []
    if where.assignee_ids:
        holders.append(col(Ticket.assignee_id).in_(where.assignee_ids))
    if where.unassigned:
        holders.append(col(Ticket.assignee_id).is_(None))
    if holders:
        found.append(or_(*holders))
    if where.team_ids:
        found.append(col(Ticket.team_id).in_(where.team_ids))
    if where.customer_ids:
        found.append(col(Ticket.customer_id).in_(where.customer_ids))
    for tag in where.tags:
        found.append(("," + col(Ticket.tags) + ",").like(_like("," + tag + ","), escape="\\"))
    if where.created_from is not None:
        found.append(col(Ticket.created_at) >= where.created_from)
    if where.created_before is not None:
        found.append(col(Ticket.created_at) < where.created_before)
    if where.breached_at is not None:
        found.append(col(Ticket.next_due_at) <= where.breached_at)
    if where.risky_at is not None:
        found.append(
            or_(
                col(Ticket.at_risk_at) <= where.risky_at,
                col(Ticket.next_due_at) <= where.risky_at,
            )
        )
    if where.archived:
        found.append(col(Ticket.archived_at).is_not(None))
    return found or [true()]


def _order(sort: str, rank: list[Any]) -> list[Any]:
    if sort == "relevance":
        return rank
    if sort == "due":
        return list(queue_order())
    if sort == "newest":
        return [col(Ticket.created_at).desc()]
    if sort == "oldest":
        return [col(Ticket.created_at)]
    if sort == "updated":
        return [col(Ticket.updated_at).desc()]
    if sort == "priority":
        return [col(Ticket.priority), next_due()]
    raise ValueError(f"unknown sort {sort!r}")
