"""The audit chain's hash: the same whether an event's parts are encoded one by one (the
bulk path) or as one list (every other writer, and ``audit verify``)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hostile import CORPUS

from deskline.storage.chain import encoded, event_hash, linked_hash

WHOLE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def whole_list_hash(prev, ticket_id, actor_id, at, kind, old, new, reason, login) -> str:
    """The chain's definition as written down: sha256 of the list's compact JSON text."""
    at = at.astimezone(UTC).isoformat()
    content = [prev, ticket_id, actor_id, at, kind, old, new, reason, login]
    return hashlib.sha256(WHOLE.encode(content).encode("utf-8")).hexdigest()


CASES = [
    (None, 1, 2, datetime(2026, 10, 1, 9, tzinfo=UTC), "created", None, {"title": "x"}, None, None),
    (
        "ab" * 32,
        None,
        None,
        datetime(2026, 10, 1, 9, 0, 0, 123456, tzinfo=timezone(timedelta(hours=8))),
        "status",
        {"status": "new", "z": [1, 2.5, None, True]},
        {"status": "resolved", "assignee": "ana", "imported": True},
        "imported from h.csv",
        "deskline",
    ),
    *[
        (
            None,
            7,
            3,
            datetime(2026, 1, 2, tzinfo=UTC),
            "reply",
            {"t": text},
            {text: text},
            text,
            text,
        )
        for text in [*CORPUS.values(), '中文 "quoted" \\ back', "\u2028 line sep"]
    ],
]


@pytest.mark.parametrize("case", CASES)
def test_parts_hash_as_the_whole_list_does(case):
    prev, ticket_id, actor_id, at, kind, old, new, reason, login = case
    want = whole_list_hash(*case)
    got = event_hash(
        prev,
        ticket_id=ticket_id,
        actor_id=actor_id,
        at=at,
        kind=kind,
        old=old,
        new=new,
        reason=reason,
        login=login,
    )
    assert got == want
    iso = at.astimezone(UTC).isoformat()
    parts = [encoded(v) for v in (kind, old, new, reason, login)]
    assert linked_hash(prev, ticket_id, actor_id, iso, *parts) == want
