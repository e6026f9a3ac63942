"""Triage: the priority a new ticket's own words and facts suggest. Pure: no clock, no store.

Urgency keywords (any language) and the impact field each suggest a priority; the most
urgent suggestion wins, and a VIP customer raises it by ``vip_raise`` steps. A priority
the agent chose explicitly always wins, but the suggestion is still recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from deskline.core.desk.fields import PRIORITIES
from deskline.core.errors import InvalidInput
from deskline.core.language import _

IMPACTS = ("all", "some", "one")  # all users / some users / one user

DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "P0": ("down", "outage", "all users", "宕机", "全部用户", "服务中断"),
    "P1": ("cannot log in", "can't log in", "urgent", "无法使用", "无法登录", "紧急"),
}
DEFAULT_IMPACT = {"all": "P0", "some": "P1", "one": "P2"}


@dataclass(frozen=True)
class TriageRules:
    """``[triage]`` in deskline.toml."""

    enabled: bool = True
    default_priority: str = "P2"  # what a ticket gets when nobody and nothing says otherwise
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_KEYWORDS))
    impact: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_IMPACT))
    vip_raise: int = 1  # steps a VIP customer raises the suggestion (0: not at all)


@dataclass(frozen=True)
class Signal:
    """One thing that suggested a priority: a keyword found, the impact given."""

    kind: str  # keyword or impact
    value: str
    priority: str


@dataclass(frozen=True)
class Triage:
    """What triage suggested for a ticket and the priority it got."""

    priority: str  # the ticket's priority
    suggested: str | None  # None: nothing to suggest (no signal, not a VIP)
    signals: tuple[Signal, ...] = ()
    vip_raised_from: str | None = None  # the suggestion before the VIP raise
    explicit: str | None = None  # the priority the agent chose, if any

    @property
    def overruled(self) -> bool:
        """The agent's explicit priority differs from the suggestion."""
        return self.explicit is not None and self.suggested not in (None, self.explicit)

    def reason(self) -> str:
        """One line for the audit trail."""
        why = [f'{s.kind} "{s.value}" → {s.priority}' for s in self.signals]
        if self.vip_raised_from:
            why.append(f"VIP customer: raised from {self.vip_raised_from}")
        text = f"suggested {self.suggested} ({'; '.join(why)})"
        if self.explicit is None:
            return f"{text}; applied"
        if self.overruled:
            return f"{text}; kept {self.explicit} chosen by the agent"
        return f"{text}; the agent chose the same"

    def to_json(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "suggested": self.suggested,
            "explicit": self.explicit,
            "signals": [
                {"kind": s.kind, "value": s.value, "priority": s.priority} for s in self.signals
            ],
            "vip_raised_from": self.vip_raised_from,
        }


def triage(
    rules: TriageRules,
    *,
    title: str,
    description: str = "",
    impact: str | None = None,
    vip: bool = False,
    explicit: str | None = None,
) -> Triage:
    """The suggested priority for a new ticket, and the priority it gets."""
    fallback = explicit or rules.default_priority
    if not rules.enabled:
        return Triage(priority=fallback, suggested=None, explicit=explicit)
    signals = [
        Signal("keyword", word, priority)
        for priority in PRIORITIES
        for word in rules.keywords.get(priority, ())
        if keyword_in(word, f"{title}\n{description}")
    ]
    if impact is not None and impact in rules.impact:
        signals.append(Signal("impact", impact, rules.impact[impact]))
    base = most_urgent([s.priority for s in signals]) if signals else None
    raised_from = None
    if vip and rules.vip_raise:
        start = base or rules.default_priority
        raised = raise_priority(start, rules.vip_raise)
        if raised != start:
            raised_from, base = start, raised
    if base is None:
        return Triage(priority=fallback, suggested=None, explicit=explicit)
    return Triage(
        priority=explicit or base,
        suggested=base,
        signals=tuple(signals),
        vip_raised_from=raised_from,
        explicit=explicit,
    )


def most_urgent(priorities: list[str]) -> str:
    return min(priorities, key=PRIORITIES.index)


def raise_priority(priority: str, steps: int) -> str:
    """``P2`` raised one step is ``P1``; nothing goes above P0."""
    return PRIORITIES[max(0, PRIORITIES.index(priority) - steps)]


_WORD = r"[0-9a-z_\-]"  # Latin word characters; scripts without spaces match anywhere


@lru_cache(maxsize=512)
def _pattern(keyword: str) -> re.Pattern[str]:
    words = " ".join(keyword.casefold().split())
    body = r"\s+".join(re.escape(w) for w in words.split(" "))
    if re.match(_WORD, words[0]):
        body = rf"(?<!{_WORD}){body}"
    if re.match(_WORD, words[-1]):
        body = rf"{body}(?!{_WORD})"
    return re.compile(body)


def keyword_in(keyword: str, text: str) -> bool:
    """Whether ``keyword`` occurs in ``text``: whole words for Latin script ("down" is not in
    "download"), anywhere for Chinese and other scripts written without spaces."""
    if not keyword.strip():
        return False
    return _pattern(keyword).search(text.casefold()) is not None


def parse_impact(text: str) -> str:
    """``All`` -> ``all``; the users a problem affects: all, some or one."""
    value = text.strip().lower()
    if value not in IMPACTS:
        raise InvalidInput(
            _("bad impact {text}: use all, some or one (users affected)").format(text=repr(text))
        )
    return value
