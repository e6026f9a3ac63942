"""The files that came with a ticket's mail: listed, and saved to disk one by one. Any agent
of the desk reads them, as they read the ticket. Their names are the sender's, so hostile:
a name is never a path (``safe_name``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from deskline.core import clock
from deskline.core.desk import fields
from deskline.core.errors import InvalidInput, NotFound, Refused
from deskline.core.inert import stripped
from deskline.core.language import _
from deskline.core.roster.agents import unknown_agent
from deskline.storage import attachments as rows
from deskline.storage import queries
from deskline.storage.store import Store

NAME_MAX = 120  # characters of a saved file's name


@dataclass(frozen=True)
class AttachmentView:
    number: int  # its place among the ticket's files, from 1
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    kept: bool  # False: bigger than the desk keeps; only listed
    at: datetime
    sender: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "filename": self.filename,
            "type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "kept": self.kept,
            "at": clock.iso(self.at),
            "from": self.sender,
        }


def safe_name(filename: str, number: int) -> str:
    """A file name to save as: the last part of the sender's name, no controls, no path, no
    leading dot; ``attachment-N`` when nothing is left."""
    base = re.split(r"[\\/]", stripped(filename))[-1].strip()
    base = re.sub(r'[<>:"|?*\x00-\x1f]', "_", base).lstrip(".").strip()
    if not base or base == "(unnamed)":
        return f"attachment-{number}"
    if len(base) > NAME_MAX:  # cut the stem, keep a short extension
        stem, dot, ext = base.rpartition(".")
        tail = dot + ext if dot and len(ext) < 16 else ""
        base = base[: len(base) - len(tail)][: NAME_MAX - len(tail)] + tail
    return base


class Attachments:
    """A ticket's files, read as ``actor``."""

    def __init__(self, store: Store, actor: str) -> None:
        self.store, self.actor = store, actor

    def list(self, key: str) -> list[AttachmentView]:
        with self.store.read() as s:
            ticket_id = self._ticket(s, key)
            found = rows.of_ticket(s, ticket_id)
        return [AttachmentView(i, *row) for i, row in enumerate(found, start=1)]

    def read(self, key: str, number: int) -> tuple[AttachmentView, bytes]:
        """File ``number`` of the ticket and its bytes."""
        with self.store.read() as s:
            ticket_id = self._ticket(s, key)
            found = rows.of_ticket(s, ticket_id)
            if not 1 <= number <= len(found):
                shown = _("1 to {count}").format(count=len(found)) if found else _("none")
                raise NotFound(
                    _(
                        "{key} has no attachment {number} (it has {shown}): "
                        "see `deskline attachments list`"
                    ).format(key=key.strip().upper(), number=number, shown=shown)
                )
            view = AttachmentView(number, *found[number - 1])
            data = rows.data(s, view.id)
        if data is None:
            raise Refused(
                _(
                    "attachment {number} of {key} was bigger than the desk keeps "
                    "({size} bytes; [mail] max_attachment_mb): ask the sender for it again"
                ).format(number=number, key=key.strip().upper(), size=view.size)
            )
        return view, data

    def save(self, key: str, number: int, out: Path, *, force: bool = False) -> Path:
        """File ``number`` written to ``out`` (a folder: under its safe name). An existing
        file is left alone unless ``force``."""
        view, data = self.read(key, number)
        target = out / safe_name(view.filename, number) if out.is_dir() else out
        try:
            flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
            fd = os.open(target, flags, 0o644)
        except FileExistsError:
            raise InvalidInput(
                _("{path} exists: nothing was written (--force overwrites it)").format(path=target)
            ) from None
        except OSError as exc:
            raise InvalidInput(
                _("cannot write {path}: {error}").format(path=target, error=exc.strerror)
            ) from None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return target

    def _ticket(self, s: Any, key: str) -> int:
        if queries.agent_by_handle(s, self.actor) is None:
            raise unknown_agent(self.actor)
        ticket = queries.ticket_by_number(s, fields.ticket_number(key))
        if ticket is None or ticket.id is None:
            raise fields.no_ticket(key)
        return ticket.id
