"""What an import reads: deskline's own columns, and the exports of Zendesk and Freshdesk as
presets (their column names, and their status, priority and channel words or codes).

Pure data and lookups: ``rows`` turns a source record into a ticket with them."""

from __future__ import annotations

from dataclasses import dataclass, field

# deskline's own columns, in the order an export writes them.
FIELDS = (
    "external_id",
    "subject",
    "description",
    "requester_email",
    "requester_name",
    "customer",
    "status",
    "priority",
    "category",
    "tags",
    "team",
    "assignee",
    "channel",
    "created_at",
    "updated_at",
    "first_response_at",
    "solved_at",
    "closed_at",
)
DATES = ("created_at", "updated_at", "first_response_at", "solved_at", "closed_at")
COMMENT_FIELDS = ("external_id", "author", "public", "created_at", "body")

# deskline's own words, and the usual ones of spreadsheets and other desks.
STATUSES = {
    "new": "new",
    "open": "in_progress",
    "assigned": "assigned",
    "in_progress": "in_progress",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "pending": "pending",
    "on-hold": "pending",
    "on hold": "pending",
    "hold": "pending",
    "waiting": "pending",
    "resolved": "resolved",
    "solved": "resolved",
    "closed": "closed",
}
PRIORITIES = {
    "p0": "P0",
    "p1": "P1",
    "p2": "P2",
    "p3": "P3",
    "urgent": "P0",
    "critical": "P0",
    "high": "P1",
    "normal": "P2",
    "medium": "P2",
    "low": "P3",
}
CHANNELS = {
    "email": "email",
    "mail": "email",
    "outbound email": "email",
    "phone": "phone",
    "voice": "phone",
    "chat": "chat",
    "web": "web",
    "web form": "web",
    "web_form": "web",
    "portal": "web",
    "feedback widget": "web",
    "api": "api",
    "walk-in": "walk-in",
}
# What an unknown or missing value becomes (warned once per column).
DEFAULTS = {"status": "new", "priority": "P2", "channel": "web"}
PUBLIC = {"true": True, "yes": True, "1": True, "public": True, "reply": True}
INTERNAL = {
    "false": False,
    "no": False,
    "0": False,
    "internal": False,
    "private": False,
    "note": False,
}


@dataclass(frozen=True)
class Preset:
    """How one kind of file names deskline's columns, and its own words for the values."""

    name: str
    columns: dict[str, str]  # source column (lower case) -> field
    statuses: dict[str, str] = field(default_factory=dict)
    priorities: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    tag_separator: str = ","  # None-like "" means whitespace
    # A source column of minutes after creation that gives the first response (Zendesk).
    first_reply_minutes: str | None = None

    def column(self, name: str) -> str | None:
        return self.columns.get(name.strip().lower())


DESKLINE = Preset("deskline", {f: f for f in FIELDS} | {"title": "subject", "id": "external_id"})

# Zendesk's ticket CSV export (Reporting > Export, "CSV"); tags are separated by spaces.
ZENDESK = Preset(
    "zendesk",
    {
        "id": "external_id",
        "subject": "subject",
        "description": "description",
        "status": "status",
        "priority": "priority",
        "requester": "requester_name",
        "requester email": "requester_email",
        "organization": "customer",
        "assignee": "assignee",
        "group": "team",
        "tags": "tags",
        "via": "channel",
        "ticket type": "category",
        "created at": "created_at",
        "updated at": "updated_at",
        "solved at": "solved_at",
    },
    statuses={
        "new": "new",
        "open": "in_progress",
        "pending": "pending",
        "hold": "pending",
        "on-hold": "pending",
        "solved": "resolved",
        "closed": "closed",
    },
    priorities={"urgent": "P0", "high": "P1", "normal": "P2", "low": "P3"},
    channels={"mail": "email", "web form": "web", "web service": "api", "api": "api"},
    tag_separator="",
    first_reply_minutes="first reply time in minutes",
)

# Freshdesk's ticket export (CSV or its API's numbers: status 2..5, priority 1..4, source).
FRESHDESK = Preset(
    "freshdesk",
    {
        "ticket id": "external_id",
        "id": "external_id",
        "subject": "subject",
        "description": "description",
        "description_text": "description",
        "status": "status",
        "priority": "priority",
        "source": "channel",
        "type": "category",
        "agent": "assignee",
        "group": "team",
        "created time": "created_at",
        "created_at": "created_at",
        "last update time": "updated_at",
        "updated_at": "updated_at",
        "initial response time": "first_response_at",
        "resolved time": "solved_at",
        "closed time": "closed_at",
        "full name": "requester_name",
        "email": "requester_email",
        "company name": "customer",
        "tags": "tags",
    },
    statuses={
        "2": "in_progress",
        "3": "pending",
        "4": "resolved",
        "5": "closed",
        "open": "in_progress",
        "pending": "pending",
        "resolved": "resolved",
        "closed": "closed",
        "waiting on customer": "pending",
        "waiting on third party": "pending",
    },
    priorities={
        "1": "P3",
        "2": "P2",
        "3": "P1",
        "4": "P0",
        "low": "P3",
        "medium": "P2",
        "high": "P1",
        "urgent": "P0",
    },
    channels={
        "1": "email",
        "2": "web",
        "3": "phone",
        "7": "chat",
        "9": "web",
        "10": "email",
        "portal": "web",
        "feedback widget": "web",
        "outbound email": "email",
    },
)

PRESETS = {p.name: p for p in (DESKLINE, ZENDESK, FRESHDESK)}

# The comments file's columns, whatever the preset.
COMMENT_COLUMNS = {
    "external_id": "external_id",
    "ticket": "external_id",
    "ticket_id": "external_id",
    "ticket id": "external_id",
    "ticket_external_id": "external_id",
    "author": "author",
    "public": "public",
    "internal": "internal",
    "visibility": "public",
    "created_at": "created_at",
    "created at": "created_at",
    "body": "body",
    "text": "body",
}
