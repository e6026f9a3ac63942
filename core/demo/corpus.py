"""The demo's words: what customers report and what the desk writes back.

The text lives in data files beside this module (``issues_*.txt``, ``*_phrases.toml``),
read once at import. The demo draws from every list with a seeded random generator, so
the order of the lines is part of what makes a desk the same for a seed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

_DATA = files("deskline.core.demo")

# Issues with these tags are many people's problem, whatever their area.
_SHARED = frozenset({"outage", "dns", "firewall", "wifi", "monitoring"})


@dataclass(frozen=True)
class Issue:
    category: str
    lang: str  # en, zh or mix (Chinese with English words)
    priorities: str  # e.g. "P1 P2"
    titles: tuple[str, ...]  # the same problem in other words
    description: str
    fix: str  # the solution note
    tags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # when only some channels make sense

    @property
    def area(self) -> str:
        return self.category.split("/")[0]

    @property
    def family(self) -> str:
        """Which phrase tables fit: desk (one person's machine or account), infra
        (networks and services) or billing."""
        if self.area == "Billing":
            return "billing"
        if self.area == "Platform" or _SHARED.intersection(self.tags):
            return "infra"
        return "desk"


def read_issues(text: str) -> tuple[Issue, ...]:
    """The issues in an ``issues_*.txt`` file (its header says how they are written)."""
    text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    issues = []
    for block in text.strip().split("\n\n"):
        head, *body = block.splitlines()
        category, lang, priorities, tags, *channels = (part.strip() for part in head.split("|"))
        titles = [body.pop(0)]
        while body[0].startswith("|| "):
            titles.append(body.pop(0).removeprefix("|| "))
        at = next(i for i, line in enumerate(body) if line.startswith("fix: "))
        issues.append(
            Issue(
                category,
                lang,
                priorities,
                tuple(titles),
                _join(body[:at]),
                _join([body[at].removeprefix("fix: "), *body[at + 1 :]]),
                tuple(tags.split()),
                tuple(channels[0].split()) if channels else (),
            )
        )
    return tuple(issues)


def _join(lines: list[str]) -> str:
    """Wrapped lines back into one text: English words get a space, Chinese none."""
    text = ""
    for line in lines:
        if text and not (_is_wide(text[-1]) or _is_wide(line[0])):
            text += " "
        text += line
    return text


def _is_wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


# By language (en or zh): the lines to choose from.
ByLang = dict[str, tuple[str, ...]]
# By language, then by family of issue (desk, infra, billing, or "any").
ByFamily = dict[str, dict[str, tuple[str, ...]]]


def _by_lang(table: dict[str, list[str]]) -> ByLang:
    return {lang: tuple(lines) for lang, lines in table.items()}


def _by_family(table: dict[str, dict[str, list[str]]]) -> ByFamily:
    return {lang: _by_lang(families) for lang, families in table.items()}


def _escalation(reason: str, progress: str, help_needed: str) -> tuple[str, str, str]:
    return reason, progress, help_needed


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(_DATA.joinpath(name).read_text(encoding="utf-8"))


ISSUES = tuple(
    issue
    for lang in ("en", "zh", "mix")
    for issue in read_issues(_DATA.joinpath(f"issues_{lang}.txt").read_text(encoding="utf-8"))
)

_customer = _toml("customer_phrases.toml")
FILLS = _by_lang(_customer["fills"])  # in file order, which is the order they are drawn in
INTAKE = {
    (channel, lang): prefix
    for lang, prefixes in _customer["intake"].items()
    for channel, prefix in prefixes.items()
}
TAILS = _by_lang(_customer["tails"])
URGENT = _by_lang(_customer["urgent"])
THREAD = _by_lang(_customer["thread"])

_agent = _toml("agent_phrases.toml")
ACK = _by_lang(_agent["ack"])
BACK_ON_IT = _by_lang(_agent["back_on_it"])
PASSED_ON = _by_lang(_agent["passed_on"])
ASK = _by_family(_agent["ask"])
CUSTOMER_BACK = _by_family(_agent["customer_back"])
UPDATE = _by_family(_agent["update"])
NOTE = _by_family(_agent["note"])
HOLD = _by_lang(_agent["hold"])
FIXED = _by_lang(_agent["fixed"])
ESCALATION = {  # each one: why, what was done so far, what help is needed
    lang: {family: tuple(_escalation(*e) for e in lines) for family, lines in families.items()}
    for lang, families in _agent["escalation"].items()
}
WATCHING: dict[str, str] = _agent["watching"]
MORE_URGENT = _by_lang(_agent["more_urgent"])
LESS_URGENT = _by_lang(_agent["less_urgent"])
REOPEN = _by_family(_agent["reopen"])
REFIX = _by_family(_agent["refix"])
CLOSE = _by_lang(_agent["close"])
