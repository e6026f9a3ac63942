"""Search: the same answers as a brute-force reading of every ticket, in English and
Chinese, with filters, over every status (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text as sql

from deskline.core.desk import search
from deskline.core.desk.edits import Edit
from deskline.core.desk.queue import Queue
from deskline.core.desk.tickets import Desk
from deskline.core.errors import InvalidInput, NotFound
from deskline.core.roster.agents import Roster
from deskline.storage import search as index
from deskline.storage.migrate import upgrade
from deskline.storage.models import Comment
from deskline.storage.store import Store

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
LETTERS = "abcAB退款账号"  # few letters, so short terms match often; ASCII case folds
TERM = st.text(alphabet="abcAB 退款账号", min_size=1, max_size=5).map(lambda t: " ".join(t.split()))


def words(rng: random.Random, most: int) -> str:
    return " ".join(
        "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 6)))
        for _ in range(rng.randint(1, most))
    )


@pytest.fixture
def corpus(desk) -> Desk:
    """Forty tickets of random English-and-Chinese text, some with comments, some closed."""
    rng = random.Random(16)
    ana = Desk(desk.store, "ana", now=lambda: T0)
    for i in range(40):
        key = ana.create(
            words(rng, 4),
            description=words(rng, 8) if i % 3 else "",
            tags=words(rng, 2).split() if i % 4 == 0 else (),
            customer=f"cust {words(rng, 1)}" if i % 7 == 0 else None,
        ).key
        for _ in range(rng.randint(0, 2)):
            ana.note(key, words(rng, 6))
        if i % 5 == 0:
            close(ana, key)
    return ana


def close(desk: Desk, key: str) -> None:
    desk.take(key)
    desk.transition(key, "resolved", reason="fixed")
    desk.transition(key, "closed")


READ: dict[int, dict[int, list[str]]] = {}  # id(desk) -> number -> its texts, read once


def oracle(desk: Desk, terms: list[str]) -> set[int]:
    """Every ticket read whole; a term is a substring (any case) of its title, its
    description, one of its comments, or its labels (key, tags, customer)."""
    if id(desk) not in READ:
        READ.clear()
        every = ["new", "assigned", "in_progress", "resolved", "closed"]
        READ[id(desk)] = {
            whole.number: [
                whole.title,
                whole.description,
                *(c.body for c in whole.comments),
                f"{whole.key} {' '.join(whole.tags)} {whole.customer or ''}",
            ]
            for whole in (desk.get(v.key) for v in desk.list(statuses=every))
        }
    return {
        number
        for number, texts in READ[id(desk)].items()
        if all(any(t.lower() in x.lower() for x in texts) for t in terms)
    }


def phrase(term: str) -> str:
    return f'"{term}"' if " " in term else term


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(terms=st.lists(TERM.filter(bool), min_size=1, max_size=3))
def test_search_finds_what_reading_every_ticket_finds(corpus, terms):
    query = " ".join(phrase(t) for t in terms)
    assert set(search.numbers(corpus, query, limit=None)) == oracle(corpus, terms)


COLUMNS: dict[int, dict[int, tuple[str, str, str, str, str]]] = {}  # id(desk) -> number ->


def columns(desk: Desk) -> dict[int, tuple[str, str, str, str, str]]:
    """Each ticket's title, description, comments, labels (key, tags, customer), status."""
    if id(desk) not in COLUMNS:
        COLUMNS.clear()
        every = ["new", "assigned", "in_progress", "resolved", "closed"]
        COLUMNS[id(desk)] = {
            whole.number: (
                whole.title,
                whole.description,
                "\n".join(c.body for c in whole.comments),
                f"{whole.key} {' '.join(whole.tags)} {whole.customer or ''}",
                whole.status,
            )
            for whole in (desk.get(v.key) for v in desk.list(statuses=every))
        }
    return COLUMNS[id(desk)]


def best_first(desk: Desk, terms: list[str], statuses=(), newest: int | None = None) -> list[int]:
    """The matches (``oracle``) in a status, each scored by the columns its terms are in
    (title 10, labels 3, description 2), best first, then the newest; ``newest``: only
    that many of the newest matches are scored."""
    found = sorted(oracle(desk, terms), reverse=True)
    rows = columns(desk)
    found = [n for n in found if not statuses or rows[n][4] in statuses][:newest]

    def score(number: int) -> int:
        title, description, _, labels, _ = (x.lower() for x in rows[number])
        return sum(
            10 * (t.lower() in title) + 3 * (t.lower() in labels) + 2 * (t.lower() in description)
            for t in terms
        )

    return sorted(found, key=lambda n: (-score(n), -n))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    terms=st.lists(TERM.filter(bool), min_size=1, max_size=2),
    limit=st.integers(1, 12),
    closed=st.booleans(),
)
def test_the_first_page_is_the_best_matches_in_order(corpus, terms, limit, closed):
    """With a limit, by relevance: the best of every match (fewer than the rank window
    here), ties newest first, a status filter applied before the limit."""
    query = " ".join(phrase(t) for t in terms) + (" status:closed" if closed else "")
    want = best_first(corpus, terms, ("closed",) if closed else ())[:limit]
    assert search.numbers(corpus, query, limit=limit) == want


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(terms=st.lists(TERM.filter(bool), min_size=1, max_size=2), window=st.integers(1, 8))
def test_the_best_are_picked_among_the_newest_matches(corpus, terms, window):
    query = " ".join(phrase(t) for t in terms)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index, "RANK_WINDOW", window)
        got = search.numbers(corpus, query, limit=5)
    assert got == best_first(corpus, terms, newest=window)[:5]


def test_ties_go_to_the_newest_and_a_title_counts_most(desk):
    ana = Desk(desk.store, "ana", now=lambda: T0)
    first, second, third = (ana.create("vpn down", description="floor 3").key for _ in range(3))
    in_text = ana.create("network", description="the vpn is down").key
    in_note = ana.create("network").key
    ana.note(in_note, "vpn down again")
    tagged = ana.create("network", tags=["vpn"]).key
    n = [int(k[2:]) for k in (third, second, first, tagged, in_text, in_note)]
    assert search.numbers(ana, "vpn") == n
    assert search.numbers(ana, "vpn", limit=2) == n[:2]
    assert search.numbers(ana, "vpn", limit=None) == n
    assert search.numbers(ana, "VPN floor", limit=None) == n[:3]


def test_an_edit_moves_the_ticket_in_the_index(corpus):
    key = corpus.create("printer jams", description="third floor").key
    assert search.numbers(corpus, "printer jams") == [int(key[2:])]
    corpus.edit(key, Edit(title="scanner 卡纸", description="second floor"))
    assert search.numbers(corpus, "printer") == []
    assert search.numbers(corpus, "third") == []
    assert search.numbers(corpus, "卡纸 second") == [int(key[2:])]
    assert search.numbers(corpus, "卡") == [int(key[2:])]  # one character: the LIKE path
    corpus.create("x", customer="Zeta Corp")
    corpus.edit(key, Edit(tags=("+zebra",), customer="Zeta Corp"))  # key, tags, customer
    assert search.numbers(corpus, f"zebra zeta {key}") == [int(key[2:])]


def test_comments_and_closed_tickets_are_found_best_first(desk):
    ana = Desk(desk.store, "ana", now=lambda: T0)
    by_comment = ana.create("Mailbox missing").key
    ana.note(by_comment, "The customer mentioned 退款 and a sales call")
    by_title = ana.create("Sales mailbox missing", description="sales sales").key
    close(ana, by_title)
    assert search.numbers(ana, "sales") == [int(by_title[2:]), int(by_comment[2:])]
    assert search.numbers(ana, "退款") == [int(by_comment[2:])]


def test_filters_narrow_by_field(desk):
    Roster(desk.store).add("cy", name="Cy Billing", team="Billing")
    clock = {"now": T0}
    ana = Desk(desk.store, "ana", now=lambda: clock["now"])
    old = ana.create("vpn down", priority="P1", tags=["vpn"], customer="Globex Finance").key
    clock["now"] = T0 + timedelta(days=3)
    new = ana.create("vpn slow", priority="P3", customer="Acme").key
    ana.assign(new, "bo")
    billing = Desk(desk.store, "cy", now=lambda: clock["now"]).create("vpn billing").key
    close(ana, old)
    n = {k: int(k[2:]) for k in (old, new, billing)}

    def found(q: str) -> set[int]:
        return set(search.numbers(ana, q, limit=None))

    assert found("vpn status:closed") == {n[old]}
    assert found("vpn status:new,assigned") == {n[new], n[billing]}
    assert found("vpn priority:p1") == {n[old]}
    assert found("assignee:bo") == {n[new]}
    assert found("vpn assignee:me") == {n[old]}  # taken by ana before closing
    assert found("vpn is:unassigned") == {n[billing]}
    assert found("vpn team:billing") == {n[billing]}
    assert found("tag:VPN") == {n[old]}
    assert found('customer:"globex fin"') == {n[old]}
    assert found("customer:nobody") == set()
    assert found("vpn created:>2026-11-02") == {n[new], n[billing]}
    assert found("vpn created:2026-11-02") == {n[old]}
    assert found("vpn created:<2026-11-02") == set()
    assert found("vpn is:open") == {n[new], n[billing]}
    clock["now"] = T0 + timedelta(days=30)  # every open clock is long past due
    assert found("vpn is:breached") == {n[new], n[billing]}
    assert search.numbers(ana, "vpn", sort="newest", limit=None)[-1] == n[old]


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [
        ("status:bogus", InvalidInput, "unknown status"),
        ("priority:P9", InvalidInput, "bad priority"),
        ("created:>2026-13-01", InvalidInput, "no such day"),
        ("created:soon", InvalidInput, "bad created"),
        ("is:happy", InvalidInput, "unknown is:happy"),
        ("assignee:nobody", NotFound, "no such agent"),
        ("team:Nowhere", NotFound, "no such team"),
    ],
)
def test_a_bad_filter_is_named(desk, query, error, message):
    with pytest.raises(error, match=message):
        search.numbers(Desk(desk.store, "ana", now=lambda: T0), query)


def test_a_filter_typed_halfway_asks_nothing_yet(desk):
    ana = Desk(desk.store, "ana", now=lambda: T0)
    key = ana.create("vpn down").key
    assert search.numbers(ana, "vpn status:") == [int(key[2:])]


def test_the_index_is_written_in_the_changes_transaction(desk):
    ana = Desk(desk.store, "ana", now=lambda: T0)
    key = ana.create("printer jams").key
    with desk.store.read() as s:
        ticket_id = s.execute(sql("SELECT id FROM ticket WHERE number = :n"), {"n": int(key[2:])})
        ticket_id = ticket_id.scalar_one()

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with desk.store.write() as s:
            s.add(Comment(ticket_id=ticket_id, kind="note", body="火星文 zebra", created_at=T0))
            s.flush()
            assert index.ticket_numbers(s, index.Where(terms=["zebra"])) == [int(key[2:])]
            assert index.ticket_numbers(s, index.Where(terms=["火星"])) == [int(key[2:])]
            raise Undo  # rolled back: the index with it
    assert search.numbers(ana, "zebra") == []


def test_the_migration_indexes_a_desk_that_has_tickets(db_url):
    store = Store(db_url)
    upgrade(store.engine, "0008")
    with store.engine.begin() as conn:
        conn.execute(
            sql(
                "INSERT INTO ticket (id, number, title, description, priority, status, channel, "
                "tags, created_at, updated_at, escalation_level, reopen_count, version, "
                "pause_credit_seconds) VALUES (1, 1, '退款一周了还没到账', 'refund', "
                "'P2', 'closed', 'web', '', :t, :t, 0, 0, 1, 0)"
            ).bindparams(t=T0.replace(tzinfo=None)),
        )
        conn.execute(
            sql(
                "INSERT INTO comment (ticket_id, kind, body, created_at) "
                "VALUES (1, 'note', 'called the bank', :t)"
            ).bindparams(t=T0.replace(tzinfo=None))
        )
    upgrade(store.engine)
    with store.read() as s:
        for term in ("退款", "到账", "refund", "bank", "CALLED"):
            assert index.ticket_numbers(s, index.Where(terms=[term])) == [1], term
    store.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    terms=st.lists(TERM.filter(bool), min_size=1, max_size=3),
    view=st.sampled_from(["open", "mine", "unassigned"]),
    limit=st.sampled_from([1, 5, None]),
    walk=st.sampled_from([(200, 1600), (2, 5)]),
)
def test_a_view_narrowed_by_walking_its_rows_is_the_view_searched(
    corpus, terms, view, limit, walk, monkeypatch
):
    """Words typed in a queue view: its rows (in its order) that the brute force finds,
    whether the walk answers alone or hands a rare term to the index (a short walk)."""
    monkeypatch.setattr(index, "WALK_FIRST", walk[0])
    monkeypatch.setattr(index, "WALK_MOST", walk[1])
    queue = Queue(corpus)
    held = queue.numbers(view)
    matches = oracle(corpus, terms)
    found = queue.narrowed(view, held, " ".join(phrase(t) for t in terms), limit=limit)
    assert found == [n for n in held if n in matches][:limit]
    assert set(found) <= set(search.numbers(corpus, " ".join(phrase(t) for t in terms), limit=None))


def test_only_words_are_narrowed_and_letters_the_index_folds_are_found_alike(corpus):
    """A field typed, or (SQLite) a cased letter LIKE does not fold, asks the store; a
    KELVIN SIGN or a LONG S in a ticket, which the index folds to k and s, is found."""
    queue = Queue(corpus)
    odd = [int(corpus.create(title).key[2:]) for title in ("\u212aelvin probe", "cla\u017fs")]
    held = queue.numbers("open")
    assert queue.narrowed("open", held, "kelvin", limit=None) == [
        n for n in held if n in search.numbers(corpus, "kelvin", limit=None)
    ]
    assert set(queue.narrowed("open", held, "class", limit=None) or ()) == set(
        search.numbers(corpus, "class", limit=None)
    )
    sqlite = corpus.store.engine.dialect.name == "sqlite"
    if sqlite:  # its index folds it (PostgreSQL's ILIKE as its locale does, both alike)
        assert odd[0] in search.numbers(corpus, "kelvin", limit=None)
    assert queue.narrowed("open", held, "a status:new", limit=None) is None
    assert queue.narrowed("all", queue.numbers("all"), "a", limit=None) is None
    assert (queue.narrowed("open", held, "Ärger", limit=None) is None) == sqlite
