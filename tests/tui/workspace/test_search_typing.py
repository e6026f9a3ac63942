"""Words typed a key at a time narrow what the key before found (``Narrowings``): every
answer the one ``Queue.narrowed`` gives over the whole view, and both the brute force's
(SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskline.core.desk import search
from deskline.core.desk.queue import Queue
from deskline.core.desk.tickets import Desk
from deskline.storage import search as index
from deskline.tui.workspace.typing import Narrowings

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
LETTERS = "abcAB退款"  # few letters: short words match often, longer ones seldom
WORD = st.text(alphabet="abcAB退款", min_size=1, max_size=4)


def words(rng: random.Random, most: int) -> str:
    return " ".join(
        "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 5)))
        for _ in range(rng.randint(1, most))
    )


@pytest.fixture
def corpus(desk) -> Desk:
    """Sixty open tickets of random text, some with a comment."""
    rng = random.Random(7)
    ana = Desk(desk.store, "ana", now=lambda: T0)
    for i in range(60):
        key = ana.create(words(rng, 3), description=words(rng, 6) if i % 2 else "").key
        if i % 3 == 0:
            ana.note(key, words(rng, 4))
    return ana


def typed_keys(texts: list[str]) -> list[str]:
    """Each text typed a character at a time, then rubbed out a character at a time."""
    keys = []
    for text in texts:
        keys += [text[: i + 1] for i in range(len(text))]
        keys += [text[:i] for i in range(len(text) - 1, 0, -1)]
    return keys


TEXTS: dict[int, dict[int, list[str]]] = {}  # id(corpus) -> number -> its texts, read once


def brute(corpus: Desk, text: str) -> set[int]:
    """Every open ticket read whole: each word a substring (any case) of one of its texts."""
    if id(corpus) not in TEXTS:
        TEXTS.clear()
        TEXTS[id(corpus)] = {
            whole.number: [whole.title, whole.description, *(c.body for c in whole.comments)]
            + [whole.key]
            for whole in (
                corpus.get(v.key) for v in corpus.list(statuses=["new", "assigned", "in_progress"])
            )
        }
    terms = search.words(text) or frozenset()
    return {
        number
        for number, texts in TEXTS[id(corpus)].items()
        if all(any(t.lower() in x.lower() for x in texts) for t in terms)
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.lists(WORD, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=3),
    limits=st.lists(st.sampled_from([1, 3, 10, None]), min_size=1, max_size=4),
    walk=st.sampled_from([(200, 1600), (2, 5)]),
)
def test_keys_typed_narrow_what_the_key_before_found_as_the_view_would(
    corpus, texts, limits, walk, monkeypatch
):
    """A head then the whole, key after key, letters typed and rubbed out: each answer is
    the view's rows that hold every word, in its order, whether read from what earlier keys
    found, from memory or from the view again (a short walk hands rare words to the index)."""
    monkeypatch.setattr(index, "WALK_FIRST", walk[0])
    monkeypatch.setattr(index, "WALK_MOST", walk[1])
    queue = Queue(corpus)
    held = queue.numbers("open")
    narrowings = Narrowings(queue)
    for i, text in enumerate(typed_keys(texts)):
        limit = limits[i % len(limits)]
        found = narrowings.numbers("open", held, text, limit)
        assert found == queue.narrowed("open", held, text, limit), (text, limit)
        if search.words(text) is not None:
            matches = brute(corpus, text)
            assert found == [n for n in held if n in matches][:limit], (text, limit)


def test_another_view_read_forgets_what_the_keys_found(corpus):
    """What was kept belongs to one held list: a ticket made since is found in the next."""
    queue = Queue(corpus)
    narrowings = Narrowings(queue)
    held = queue.numbers("open")
    before = narrowings.numbers("open", held, "zebra", None)
    made = int(corpus.create("a zebra crossing").key[2:])
    again = narrowings.numbers("open", held, "zebra", None)
    assert before == again == []  # the same held list: answered from memory
    assert narrowings.numbers("open", queue.numbers("open"), "zebra", None) == [made]


def test_only_words_are_narrowed(corpus):
    queue = Queue(corpus)
    narrowings = Narrowings(queue)
    held = queue.numbers("open")
    assert narrowings.numbers("open", held, "a status:new", None) is None
    assert narrowings.numbers("open", held, "a status:", 3) is not None  # halfway: words
    assert narrowings.numbers("all", queue.numbers("all"), "a", None) is None


@settings(max_examples=300)
@given(
    before=st.lists(WORD, min_size=1, max_size=3),
    after=st.lists(WORD, min_size=1, max_size=3),
    text=st.text(alphabet="abcAB退款 ", max_size=30),
)
def test_words_that_narrow_find_no_text_the_first_ones_do_not(before, after, text):
    """``narrows``: a text that holds every word of the second holds every one of the
    first (any case), so the second finds no ticket the first did not."""

    def holds(words: frozenset[str]) -> bool:
        return all(word.lower() in text.lower() for word in words)

    b, a = frozenset(before), frozenset(after)
    if search.narrows(b, a) and holds(a):
        assert holds(b)


def test_a_letter_or_a_word_typed_on_narrows():
    assert search.narrows(frozenset({"vpn", "s"}), frozenset({"vpn", "st"}))
    assert search.narrows(frozenset({"打印机"}), frozenset({"打印机", "退"}))
    assert not search.narrows(frozenset({"vpn", "st"}), frozenset({"vpn", "s"}))
    assert search.words("vpn st") == frozenset({"vpn", "st"})
    assert search.words("vpn status:closed") is None
