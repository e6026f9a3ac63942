"""``deskline export``: the desk's tickets (and comments) written out in the import's own
columns, so an export imports into an empty desk to the same tickets.

It streams: tickets are read in id order a batch at a time and written as they come
(XLSX through openpyxl's write-only workbook), so memory does not grow with the desk.
A ticket made here gets its key (``T-42``) as its external id; an imported one keeps the
external id it came with.

Customer text is hostile. A CSV or XLSX cell a spreadsheet would run as a formula is written
after a ``'`` (``core.transfer.cells``; the import takes it off again). A file keeps the text
exact; a terminal (the export to stdout, not redirected) gets it inert, escapes shown
(``core.inert``), so no ESC or bidi override reaches it. JSON lines are exact and inert both:
a line with such characters is written with JSON's ASCII escapes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from deskline.core import clock
from deskline.core.desk import workflow
from deskline.core.desk.tickets import Desk
from deskline.core.errors import Forbidden
from deskline.core.inert import visible
from deskline.core.roster import permissions
from deskline.core.roster.permissions import Person
from deskline.core.transfer.cells import guarded, xlsx_text
from deskline.core.transfer.presets import COMMENT_FIELDS, FIELDS
from deskline.storage import bulk

BATCH = 2000
FORMATS = ("csv", "jsonl", "xlsx")


@dataclass
class Exported:
    tickets: int = 0
    comments: int = 0


def _external(row: dict[str, Any]) -> str:
    return row["external_id"] or f"T-{row['number']}"


def ticket_record(row: dict[str, Any]) -> dict[str, Any]:
    """One ticket in the import's columns (times as ISO 8601 UTC)."""

    def at(name: str) -> str:
        value = row[name]
        return clock.iso(value) if value is not None else ""

    return {
        "external_id": _external(row),
        "subject": row["title"],
        "description": row["description"] or "",
        "requester_email": row["requester_email"] or "",
        "requester_name": row["requester_name"] or "",
        "customer": row["customer"] or "",
        "status": row["status"],
        "priority": row["priority"],
        "category": row["category"] or "",
        "tags": row["tags"] or "",
        "team": row["team"] or "",
        "assignee": row["assignee"] or "",
        "channel": row["channel"],
        "created_at": at("created_at"),
        "updated_at": at("updated_at"),
        "first_response_at": at("first_response_at"),
        "solved_at": at("resolved_at"),
        "closed_at": at("closed_at"),
    }


class _Writer:
    """Records to one file in one format, written as they come."""

    def __init__(self, out: IO[str] | Path, kind: str, columns: tuple[str, ...]) -> None:
        self.kind, self.columns = kind, columns
        if kind == "xlsx":
            from openpyxl import Workbook  # loads only for a spreadsheet

            assert isinstance(out, Path)
            self.path = out
            self.book = Workbook(write_only=True)
            self.sheet = self.book.create_sheet()
            self.sheet.append(list(columns))
            return
        self.file = out.open("w", newline="", encoding="utf-8") if isinstance(out, Path) else out
        self.owned = isinstance(out, Path)
        self.terminal = not isinstance(out, Path) and _is_terminal(out)
        if kind == "csv":
            self.csv = csv.writer(self.file)
            self.csv.writerow(columns)

    def add(self, record: dict[str, Any]) -> None:
        if self.kind == "xlsx":
            self.sheet.append([xlsx_text(guarded(record[c])) for c in self.columns])
        elif self.kind == "csv":
            cells = [guarded(record[c]) for c in self.columns]
            self.csv.writerow([visible(c) for c in cells] if self.terminal else cells)
        else:
            self.file.write(json_line(record) + "\n")

    def close(self) -> None:
        if self.kind == "xlsx":
            self.book.save(self.path)
        elif self.owned:
            self.file.close()
        else:
            self.file.flush()


def json_line(record: dict[str, Any]) -> str:
    """``record`` as one JSON line: exact, and inert, since a line holding a character a
    terminal would act on or hide is written with JSON's ASCII escapes (``\\u202e``)."""
    line = json.dumps(record, ensure_ascii=False)
    if visible(line) == line:
        return line
    return json.dumps(record).replace("\x7f", "\\u007f")  # DEL is ASCII: escaped by hand


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


@contextmanager
def _writer(
    out: IO[str] | Path | None, kind: str, columns: tuple[str, ...]
) -> Iterator[_Writer | None]:
    if out is None:
        yield None
        return
    w = _Writer(out, kind, columns)
    try:
        yield w
    finally:
        w.close()


def export(
    desk: Desk,
    out: IO[str] | Path,
    *,
    kind: str = "csv",
    since: datetime | None = None,
    every: bool = False,
    comments: Path | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> Exported:
    """Write the desk's tickets to ``out`` (open ones, unless ``every``; ``since``: those
    created or updated since); their comments to ``comments`` (in the same format)."""
    me = desk.whoami()
    refusal = permissions.may_manage(Person(me.handle, me.role, me.team), "export")
    if refusal is not None:
        raise Forbidden(refusal)
    statuses = None if every or since is not None else [s.value for s in workflow.OPEN]
    done = Exported()
    with (
        _writer(out, kind, FIELDS) as tickets,
        _writer(comments, kind, COMMENT_FIELDS) as talk,
        desk.store.read() as s,
    ):
        assert tickets is not None
        for rows in bulk.ticket_batches(s, since=since, statuses=statuses, size=batch):
            for row in rows:
                tickets.add(ticket_record(row))
            done.tickets += len(rows)
            if talk is not None:
                external = {r["id"]: _external(r) for r in rows}
                for c in bulk.comments_of(s, list(external)):
                    talk.add(
                        {
                            "external_id": external[c["ticket_id"]],
                            "author": c["author"] or "",
                            "public": "false" if c["kind"] == "note" else "true",
                            "created_at": clock.iso(c["created_at"]),
                            "body": c["body"],
                        }
                    )
                    done.comments += 1
            if progress is not None:
                progress(done.tickets)
    return done
