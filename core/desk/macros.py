"""Canned replies and notes (``[[macro]]`` in the desk's policy): a text with placeholders
that may also set the status, the priority and the tags in the same change. Pure.

A placeholder is a name in braces (``{customer}``); ``{{`` and ``}}`` are literal braces.
The names are checked when the policy is read, so a typo is refused at ``policy apply``,
never discovered by the customer reading "{custmer}".
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from deskline.core.desk.templates import named
from deskline.core.language import N_, _

KINDS = ("reply", "note")
# Each placeholder, and what it stands for (``deskline macros`` lists them, said with _()).
PLACEHOLDERS = {
    "key": N_("the ticket's key, e.g. T-12"),
    "title": N_("the ticket's title"),
    "customer": N_("the customer's name (empty when none)"),
    "requester": N_("the requester's name, else their address, else the customer"),
    "agent": N_("the name of the agent applying the macro"),
    "due": N_("when the ticket's resolution is due (empty when no clock runs)"),
    "status": N_("the ticket's status after the macro"),
    "priority": N_("the ticket's priority after the macro"),
    "team": N_("the ticket's team (empty when none)"),
}


@dataclass(frozen=True)
class Macro:
    name: str
    text: str
    kind: str = "reply"  # reply (the customer sees it) or note (internal)
    status: str | None = None
    priority: str | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    reason: str | None = None  # why the status or priority moves (default: the macro's name)

    @property
    def why(self) -> str:
        return self.reason or f"macro {self.name}"

    @property
    def tag_words(self) -> tuple[str, ...]:
        """The tag changes as written: ``+x`` and ``-y``."""
        return (*(f"+{t}" for t in self.add_tags), *(f"-{t}" for t in self.remove_tags))

    def sets(self) -> str:
        """What it changes besides the comment, in words ("" for nothing)."""
        parts = []
        if self.status:
            parts.append(f"status {self.status}")
        if self.priority:
            parts.append(f"priority {self.priority}")
        if self.tag_words:
            parts.append("tags " + " ".join(self.tag_words))
        return ", ".join(parts)


def placeholders_of(text: str) -> list[str]:
    """The placeholder names ``text`` uses; ValueError for a malformed or unknown one."""
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(
            _("{error}: write a literal brace as {{{{ or }}}}").format(error=exc)
        ) from None
    names = []
    for _text, name, spec, conversion in pieces:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            bang = "!" + conversion if conversion else ""
            given = f"{{{name}{bang}{':' + spec if spec else ''}}}"
            raise ValueError(
                _("unknown placeholder {given}; known: {known}").format(
                    given=given, known=", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
                )
            )
        names.append(name)
    return names


def fill(macro: Macro, values: Mapping[str, str]) -> str:
    """The macro's text with its placeholders filled in (a missing value: empty)."""
    placeholders_of(macro.text)  # checked when read; again here, for a hand-made Macro
    return macro.text.format_map({name: values.get(name) or "" for name in PLACEHOLDERS}).strip()


def tag_changes(words: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``+x`` (or a bare ``x``) adds, ``-y`` removes: (added, removed), lower case."""
    add: list[str] = []
    remove: list[str] = []
    for word in words:
        for part in word.split(","):
            part = part.strip().lower()
            if part.startswith("-"):
                bucket, tag = remove, part[1:].strip()
            else:
                bucket, tag = add, part.removeprefix("+").strip()
            if not tag or any(ch.isspace() for ch in tag):
                raise ValueError(
                    _("bad tag change {word}: write +tag to add, -tag to remove").format(
                        word=repr(word)
                    )
                )
            if tag not in bucket:
                bucket.append(tag)
    both = set(add) & set(remove)
    if both:
        raise ValueError(_("tag {tag} is both added and removed").format(tag=repr(sorted(both)[0])))
    return tuple(add), tuple(remove)


def retag(current: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> tuple[str, ...]:
    """The tags after adding ``add`` and removing ``remove``, in their order."""
    kept = [t for t in current if t not in remove]
    return tuple(dict.fromkeys([*kept, *add]))


def find(macros: Sequence[Macro], name: str) -> Macro:
    """The macro called ``name`` (any case)."""
    return named(macros, name, _("macro"), _("none are configured ([[macro]] in the policy)"))
