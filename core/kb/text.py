"""Words of a text as the knowledge base compares them, English and Chinese alike: Latin
words (lower-case, without the commonest ones and their endings), and for Chinese, which
has no spaces, every pair of neighbouring characters (a single character when it stands
alone). Two texts are alike by the cosine of their word counts. Pure."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

WORD = re.compile(r"[a-z0-9][a-z0-9'+#.-]*[a-z0-9+#]|[a-z0-9]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
STOP = frozenset(
    """a an and are as at be but by can do does for from has have how i in is it its my no
    not of on or our please so that the their there this to too was we what when which who
    why will with you your hi hello thanks thank regards dear after before again still all
    any some since now today week around without just also get got one two out up into more
    very would could should us me been being were had did""".split()
)
STOP_HAN = frozenset("的了是在我们你他她它吗呢吧啊和与或也都就很请谢".replace("", " ").split())

Words = Counter[str]
SUFFIXES = ("ing", "ed", "es", "s", "e")


def stem(word: str) -> str:
    """A Latin word without its commonest ending, so "drops", "dropped" and "dropping" are
    one word (crude on purpose: the same for the article and the ticket compared)."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and word.isalpha():
            word = word[: -len(suffix)]
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2]:
                word = word[:-1]  # dropp(ing) -> drop
            break
    return word


def words(text: str, *, stemmed: bool = True) -> Words:
    """The words of ``text`` and how often each comes (``stemmed``: without endings)."""
    lowered = text.lower()
    latin = (w for w in WORD.findall(HAN.sub(" ", lowered)) if w not in STOP)
    found: Words = Counter(stem(w) if stemmed else w for w in latin)
    for run in HAN.findall(lowered):
        chars = [c for c in run if c not in STOP_HAN]
        if len(chars) == 1:
            found[chars[0]] += 1
        found.update(a + b for a, b in zip(chars, chars[1:], strict=False))
    return found


def weighted(*parts: tuple[str, int]) -> Words:
    """The words of several texts, each counted ``weight`` times (a title over a body)."""
    total: Words = Counter()
    for text, weight in parts:
        for word, n in words(text).items():
            total[word] += n * weight
    return total


def alike(a: Words, b: Words) -> float:
    """How alike two texts are, from 0 (no word shared) to 1 (the same words, as often)."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(n * big[w] for w, n in small.items() if w in big)
    if not dot:
        return 0.0
    return dot / (
        math.sqrt(sum(n * n for n in a.values())) * math.sqrt(sum(n * n for n in b.values()))
    )


def shared(texts: Iterable[Words], most: int = 5) -> list[str]:
    """The words most of ``texts`` have, the commonest first (what a group is about)."""
    seen: Words = Counter()
    for found in texts:
        seen.update(set(found))
    return [w for w, n in seen.most_common(most + 5) if n > 1 and not w.isdigit()][:most]
