"""Ticket templates for quick create (``[[templates]]``): presets and required fields. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from deskline.core.errors import InvalidInput, Said
from deskline.core.language import _

T = TypeVar("T")

# What a template may insist on; the option that gives each one on the command line.
REQUIRABLE = {
    "customer": "--customer",
    "category": "--category",
    "description": "--description",
    "impact": "--impact",
    "tags": "--tag",
}


class TemplateNeeds(InvalidInput):
    """A template's required fields left empty; the command line is told the options to
    give, a form the fields to fill in."""

    def __init__(self, template: str, missing: tuple[str, ...]) -> None:
        self.template, self.missing = template, missing
        options = ", ".join(REQUIRABLE[name] for name in missing)
        super().__init__(
            _("template {name} needs ").format(name=repr(template)),
            Said(", ".join(missing), _(" and ").join(missing)),
            ": ",
            Said(_("give {options}").format(options=options), _("fill them in")),
        )


@dataclass(frozen=True)
class Template:
    name: str
    title_prefix: str = ""  # e.g. "[Bug] "
    category: str | None = None
    priority: str | None = None
    channel: str | None = None
    impact: str | None = None
    tags: tuple[str, ...] = ()
    description: str = ""  # preset text, used when none is given
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A new ticket's fields, as typed or as a template fills them in."""

    title: str
    priority: str | None = None
    category: str | None = None
    customer: str | None = None
    channel: str | None = None
    impact: str | None = None
    description: str = ""
    tags: tuple[str, ...] = field(default=())


def find(templates: Sequence[Template], name: str) -> Template:
    """The template called ``name`` (any case)."""
    return named(templates, name, _("template"), _("none are configured ([[templates]])"))


def named(items: Sequence[T], name: str, what: str, none: str) -> T:
    """The item (a template, a macro) called ``name``, in any case; else InvalidInput
    naming the known ones (``none``: what to say when there are none)."""
    for item in items:
        if getattr(item, "name").casefold() == name.strip().casefold():  # noqa: B009
            return item
    known = ", ".join(getattr(i, "name") for i in items) or none  # noqa: B009
    raise InvalidInput(
        _("no {what} {name}; known: {known}").format(
            what=what, name=repr(name.strip()), known=known
        )
    )


def apply(template: Template, draft: Draft) -> Draft:
    """The draft with the template's presets where the draft gives nothing; what is given
    wins. A required field still missing afterwards is an error naming its option."""
    title = draft.title.strip()
    prefix = template.title_prefix
    if prefix and title and not title.casefold().startswith(prefix.strip().casefold()):
        title = prefix + title
    filled = Draft(
        title=title,
        priority=draft.priority if draft.priority is not None else template.priority,
        category=draft.category or template.category,
        customer=draft.customer,
        channel=draft.channel or template.channel,
        impact=draft.impact or template.impact,
        description=draft.description.strip() or template.description,
        tags=tuple(dict.fromkeys((*template.tags, *draft.tags))),
    )
    missing = [
        name
        for name in template.required
        if not (getattr(filled, name) if name != "description" else draft.description.strip())
    ]
    if missing:
        raise TemplateNeeds(template.name, tuple(missing))
    return filled
