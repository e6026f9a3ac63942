"""What ``edit`` changes on a ticket: the fields as typed, checked and normalised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deskline.core.desk import fields
from deskline.core.errors import InvalidInput
from deskline.core.inert import quoted
from deskline.core.language import _

if TYPE_CHECKING:
    from deskline.core.desk.views import TicketView

CLEAR = ""  # --category "" / --customer "": the ticket has none any more


@dataclass(frozen=True)
class Edit:
    """The fields to change (None: leave it); ``tags`` are ``+x`` (or ``x``) to add, ``-y``
    to remove."""

    title: str | None = None
    description: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    customer: str | None = None
    channel: str | None = None

    def checked(self) -> Edit:
        """The same edit with every field normalised; bad input raises InvalidInput."""
        return Edit(
            title=fields.title(self.title) if self.title is not None else None,
            description=self.description.strip() if self.description is not None else None,
            category=_category(self.category),
            tags=tuple(self.tags),
            customer=self.customer.strip() if self.customer is not None else None,
            channel=fields.channel(self.channel) if self.channel is not None else None,
        )

    def is_empty(self) -> bool:
        return self == Edit()


def _category(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None if text is None else CLEAR
    return fields.category_path(text)


def retag(current: str, changes: Sequence[str]) -> str:
    """The stored tags after ``+x``/``x`` (add) and ``-y`` (remove), in the order given."""
    tags = [t for t in current.split(",") if t]
    for change in changes:
        sign, name = (change[0], change[1:]) if change[:1] in "+-" else ("+", change)
        tag = fields.tags([name])
        if not tag or "," in tag:
            raise InvalidInput(
                _("bad tag change '{change}': use +tag or -tag, one each").format(
                    change=quoted(change)
                )
            )
        if sign == "+" and tag not in tags:
            tags.append(tag)
        elif sign == "-" and tag in tags:
            tags.remove(tag)
    return ",".join(tags)


def clashes(edit: Edit, seen: TicketView, now: TicketView) -> tuple[str, ...]:
    """The fields ``edit`` changes that someone else changed too between ``seen`` (the
    ticket the edit was typed over) and ``now``; empty: the edit may be applied on ``now``
    as it is (a stale version alone is no conflict). A tag clashes only when the edit adds
    or removes the very tag the other change did: the others' tags are kept as they are."""
    found = [
        name
        for name in ("title", "description", "category", "customer", "channel")
        if getattr(edit, name) is not None and getattr(seen, name) != getattr(now, name)
    ]
    theirs = set(seen.tags) ^ set(now.tags)
    mine = {fields.tags([change.lstrip("+-")]) for change in edit.tags}
    if theirs & mine:
        found.append("tags")
    return tuple(found)
