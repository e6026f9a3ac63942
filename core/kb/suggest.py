"""Which articles the knowledge base lacks: groups of at least ``least`` resolved tickets of
one category whose words are alike, that no article covers yet. Pure: the tickets and the
articles' words are arguments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deskline.core.kb.text import Words, alike, shared, weighted, words

ALIKE = 0.35  # two tickets this alike (cosine of their words) are about the same problem
LEAST = 3  # tickets in a group before it is worth an article


@dataclass(frozen=True)
class Solved:
    """A resolved ticket as the suggestions see it."""

    key: str
    category: str | None
    title: str
    description: str

    def words(self) -> Words:
        return weighted((self.title, 2), (self.description, 1))

    def shown_words(self) -> Words:
        """Its words as written (for saying what a group is about)."""
        return words(f"{self.title}\n{self.description}", stemmed=False)


@dataclass(frozen=True)
class Suggestion:
    category: str | None
    keys: tuple[str, ...]  # oldest first
    about: tuple[str, ...]  # the words they share

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "tickets": list(self.keys), "about": list(self.about)}


def suggestions(
    solved: Sequence[Solved],
    articles: Sequence[Words],
    *,
    least: int = LEAST,
    at: float = ALIKE,
) -> list[Suggestion]:
    """The groups of alike tickets an article should be written for, biggest first."""
    by_category: dict[str | None, list[Solved]] = defaultdict(list)
    for ticket in solved:
        by_category[ticket.category].append(ticket)
    found: list[Suggestion] = []
    for category, tickets in by_category.items():
        if len(tickets) < least:
            continue
        texts = [t.words() for t in tickets]
        for group in _groups(texts, at):
            if len(group) < least:
                continue
            whole: Words = sum((texts[i] for i in group), start=Words())
            if any(alike(whole, article) >= at for article in articles):
                continue  # an article covers it
            keys = tuple(tickets[i].key for i in group)
            about = shared(tickets[i].shown_words() for i in group)
            found.append(Suggestion(category, keys, tuple(about)))
    found.sort(key=lambda s: (-len(s.keys), s.category or "", s.keys))
    return found


def _groups(texts: Sequence[Words], at: float) -> list[list[int]]:
    """Tickets joined when two are ``at`` alike, and so on through them (only pairs that
    share a word are compared)."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    having: dict[str, list[int]] = defaultdict(list)
    for i, found in enumerate(texts):
        for word in found:
            having[word].append(i)
    compared: set[tuple[int, int]] = set()
    for holders in having.values():
        for n, i in enumerate(holders):
            for j in holders[n + 1 :]:
                if (i, j) in compared or root(i) == root(j):
                    continue
                compared.add((i, j))
                if alike(texts[i], texts[j]) >= at:
                    parent[root(j)] = root(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        groups[root(i)].append(i)
    return [sorted(g) for g in groups.values()]
