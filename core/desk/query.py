"""The search language: words and quoted phrases, and field filters.

``sales "double payment" status:open,pending priority:P1 assignee:me team:Billing tag:vpn
customer:globex created:>2026-11-01 is:breached``; ``is:archived`` keeps the archive's.

Every word and phrase must be found (as a substring, any case) in the title, the
description or a comment; filters narrow by field. A filter typed halfway (``status:``)
asks nothing yet, so a query can be read at every key; an unknown ``name:`` is a word.
Pure: no store, no clock (names are looked up by ``core.desk.search``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from deskline.core.desk import fields, workflow
from deskline.core.errors import InvalidInput
from deskline.core.inert import quoted
from deskline.core.language import _

FILTERS = ("status", "priority", "assignee", "team", "tag", "customer", "created", "is")
STATES = ("breached", "at_risk", "open", "closed", "unassigned", "mine", "archived")
TOKEN = re.compile(
    r'(?P<name>\w+):(?:"(?P<quoted>[^"]*)"?|(?P<value>\S*))|"(?P<phrase>[^"]*)"?|(?P<word>\S+)'
)
CREATED = re.compile(r"^(>=|<=|>|<|=)?(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Query:
    """A search as typed, parsed (names as typed: ``assignee:me`` is still ``me``)."""

    terms: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()  # handles, "me" or "none"
    teams: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    created_from: datetime | None = None
    created_before: datetime | None = None
    breached: bool = False
    at_risk: bool = False  # at risk or breached
    archived: bool = False  # archived ones only (a search finds archived tickets too)

    @property
    def has_text(self) -> bool:
        return bool(self.terms)


def parse(text: str) -> Query:
    """The query in ``text``; a bad filter value raises InvalidInput naming it."""
    found: dict[str, list[str]] = {name: [] for name in FILTERS}
    terms: list[str] = []
    for match in TOKEN.finditer(text):
        name = match["name"]
        if name is not None and name.lower() in FILTERS:
            value = match["quoted"] if match["quoted"] is not None else match["value"]
            found[name.lower()] += [v.strip() for v in value.split(",") if v.strip()]
        elif name is not None:  # not a filter: the whole token is text
            terms.append(match.group(0).replace('"', ""))
        else:
            terms.append(" ".join((match["phrase"] or match["word"] or "").split()))
    created_from, created_before = _created(found["created"])
    states = [_state(s) for s in found["is"]]
    statuses = [workflow.parse_status(s).value for s in found["status"]]
    if "open" in states:
        statuses += [s.value for s in workflow.Status if s in workflow.OPEN]
    if "closed" in states:
        statuses += [workflow.Status.RESOLVED.value, workflow.Status.CLOSED.value]
    assignees = [a.lower() for a in found["assignee"]]
    assignees += ["me"] if "mine" in states else []
    assignees += ["none"] if "unassigned" in states else []
    return Query(
        terms=tuple(dict.fromkeys(t for t in terms if t)),
        statuses=tuple(dict.fromkeys(statuses)),
        priorities=tuple(dict.fromkeys(fields.priority(p) for p in found["priority"])),
        assignees=tuple(dict.fromkeys(assignees)),
        teams=tuple(found["team"]),
        tags=tuple(fields.tags([t]) for t in found["tag"]),
        customers=tuple(found["customer"]),
        created_from=created_from,
        created_before=created_before,
        breached="breached" in states,
        at_risk="at_risk" in states,
        archived="archived" in states,
    )


def within(base: Query, typed: Query) -> Query:
    """``typed`` narrowing ``base`` (a view): words add up; a field typed replaces the
    view's (``status:closed`` in a view of open tickets shows closed ones; ``is:archived``
    there, the archive's, whatever their status)."""
    statuses = typed.statuses or (() if typed.archived else base.statuses)
    return Query(
        terms=tuple(dict.fromkeys((*base.terms, *typed.terms))),
        statuses=statuses,
        priorities=typed.priorities or base.priorities,
        assignees=typed.assignees or base.assignees,
        teams=typed.teams or base.teams,
        tags=tuple(dict.fromkeys((*base.tags, *typed.tags))),
        customers=typed.customers or base.customers,
        created_from=typed.created_from or base.created_from,
        created_before=typed.created_before or base.created_before,
        breached=typed.breached or base.breached,
        at_risk=typed.at_risk or base.at_risk,
        archived=typed.archived or base.archived,
    )


def _state(text: str) -> str:
    value = text.lower()
    if value not in STATES:
        raise InvalidInput(
            _("unknown is:{text}: use is:{known}").format(
                text=quoted(text), known=", is:".join(STATES)
            )
        )
    return value


def _created(values: list[str]) -> tuple[datetime | None, datetime | None]:
    """``created:>2026-11-01`` and the like (UTC days): [from, before)."""
    start: datetime | None = None
    end: datetime | None = None
    for value in values:
        match = CREATED.match(value)
        if match is None:
            raise InvalidInput(
                _(
                    "bad created:{value}: use created:2026-11-01, created:>2026-11-01, "
                    "created:<=2026-11-30"
                ).format(value=quoted(value))
            )
        op, day = match.group(1) or "=", _day(match.group(2), value)
        after = day + timedelta(days=1)
        if op in ("=", ">=", ">"):
            low = after if op == ">" else day
            start = low if start is None else max(start, low)
        if op in ("=", "<=", "<"):
            high = day if op == "<" else after
            end = high if end is None else min(end, high)
    return start, end


def _day(text: str, value: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(
            _("bad created:{value}: no such day").format(value=quoted(value))
        ) from None
