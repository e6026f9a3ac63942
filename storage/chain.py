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
    content = [
        prev_hash,
        ticket_id,
        actor_id,
        at.astimezone(UTC).isoformat(),
        kind,
        old,
        new,
        reason,
        login,
    ]
    text = _ENCODER.encode(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# json.dumps with options builds a new encoder every call; one, made once, writes the same
# text (an import hashes hundreds of thousands of events).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
