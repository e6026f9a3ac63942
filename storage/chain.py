"""The audit trail's hash chain: each event's hash covers its content and the hash of the
event before it in its chain (the ticket's; for desk events, ``ticket_id`` None, the
desk's), so a row rewritten, removed or inserted out of turn breaks every link after it.

Pure: the store calls ``event_hash`` when it appends an event, ``audit verify`` when it
walks a chain, and the migration that brought the chain in for the events already there.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def event_hash(
    prev_hash: str | None,
    *,
    ticket_id: int | None,
    actor_id: int | None,
    at: datetime,
    kind: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None,
    login: str | None,
) -> str:
    """sha256 (hex) of the event's content after its predecessor's hash."""
    if at.tzinfo is None:  # read back from SQLite without an offset: it is UTC
        at = at.replace(tzinfo=UTC)
    return linked_hash(
        prev_hash,
        ticket_id,
        actor_id,
        at.astimezone(UTC).isoformat(),
        encoded(kind),
        encoded(old),
        encoded(new),
        encoded(reason),
        encoded(login),
    )


def linked_hash(
    prev_hash: str | None,
    ticket_id: int | None,
    actor_id: int | None,
    at: str,
    kind: str,
    old: str,
    new: str,
    reason: str,
    login: str,
) -> str:
    """``event_hash`` of an event whose parts are encoded already (``encoded``; ``at`` the
    UTC time's ISO text), for a bulk of events that share most of them: the text hashed
    is that of the list [prev_hash, ticket_id, actor_id, at, kind, old, new, reason,
    login], as ``encoded`` writes it."""
    link = "null" if prev_hash is None else f'"{prev_hash}"'  # hex: nothing to escape
    text = (
        f'[{link},{_number(ticket_id)},{_number(actor_id)},"{at}",{kind},{old},{new},'
        f"{reason},{login}]"
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


# json.dumps with options builds a new encoder every call; one, made once, writes the same
# text (an import hashes hundreds of thousands of events).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
encoded = _ENCODER.encode  # a value as the hash reads it (a valid JSON text of it)
