"""Checking and normalising the fields a user types for a ticket."""

from __future__ import annotations

from collections.abc import Iterable

from deskline.core.errors import InvalidInput, NotFound, Said
from deskline.core.inert import quoted
from deskline.core.language import _

PRIORITIES = ("P0", "P1", "P2", "P3")
CHANNELS = ("email", "phone", "chat", "web", "api", "walk-in")
ROLES = ("agent", "supervisor", "director", "admin")
TITLE_MAX = 200
MAX_TICKET = 2**31 - 1


def priority(text: str) -> str:
    value = text.strip().upper()
    if value not in PRIORITIES:
        raise InvalidInput(
            _("bad priority '{text}': use P0, P1, P2 or P3").format(text=quoted(text))
        )
    return value


def title(text: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(
            _("a ticket needs a title: "),
            Said(_("give --title with some words"), _("type some words in the title")),
        )
    if len(value) > TITLE_MAX:
        raise InvalidInput(
            _("title is {length} characters; keep it to {most}").format(
                length=len(value), most=TITLE_MAX
            )
        )
    return value


def channel(text: str) -> str:
    value = text.strip().lower()
    if value not in CHANNELS:
        raise InvalidInput(
            _("bad channel '{text}': use one of {known}").format(
                text=quoted(text), known=", ".join(CHANNELS)
            )
        )
    return value


def category_path(text: str) -> str:
    """``Account / Login/Locked`` -> ``Account/Login/Locked``; one to three levels."""
    parts = [part.strip() for part in text.split("/")]
    if not text.strip() or any(not part for part in parts):
        raise InvalidInput(
            _("bad category '{text}': use a path like Account/Login/Locked").format(
                text=quoted(text)
            )
        )
    if len(parts) > 3:
        raise InvalidInput(
            _("category '{text}' has {levels} levels; at most 3 are allowed").format(
                text=quoted(text), levels=len(parts)
            )
        )
    return "/".join(parts)


def tags(values: Iterable[str]) -> str:
    """Tags as stored: lower case, no blanks or duplicates, comma-separated."""
    seen: list[str] = []
    for value in values:
        for tag in value.split(","):
            tag = tag.strip().lower()
            if tag and tag not in seen:
                seen.append(tag)
    return ",".join(seen)


def role(text: str) -> str:
    value = text.strip().lower()
    if value not in ROLES:
        raise InvalidInput(
            _("bad role '{text}': use one of {known}").format(
                text=quoted(text), known=", ".join(ROLES)
            )
        )
    return value


def text_body(text: str, what: str | Said) -> str:
    """``text`` stripped; empty is refused naming ``what`` it is (an option on the command
    line, a field in a form)."""
    value = text.strip()
    if not value:
        raise InvalidInput(what, _(" is empty: write something"))
    return value


def ticket_number(key: str) -> int:
    """``T-42``, ``t-42`` or ``42`` -> 42."""
    value = key.strip().upper()
    if value.startswith("T-"):
        value = value[2:]
    if not value.isdigit() or int(value) == 0:
        raise InvalidInput(_("bad ticket key '{key}': use the form T-42").format(key=quoted(key)))
    if int(value) > MAX_TICKET:  # beyond any stored key (and the column's range)
        raise no_ticket(f"T-{value}")
    return int(value)


def no_ticket(key: str) -> NotFound:
    """The refusal for a key the desk has no ticket under."""
    shown = key.strip().upper()
    return NotFound(
        Said(
            _("no ticket {key}: check the key with `deskline list`").format(key=shown),
            _("no ticket {key}: check the key").format(key=shown),
        )
    )
