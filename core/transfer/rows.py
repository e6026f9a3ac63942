"""A source record made a ticket (or a comment) to import: columns found by the preset and
``--map``, values checked and put in deskline's words.

A value deskline cannot take (no external id, no subject, a date that is no date, an
address that is no address) makes the record bad: it is named by its line. A value it does
not know (a status, priority, channel, agent or team of another desk) becomes the stated
default, and its column is warned of once, however many records have it (``Warnings``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from deskline.core import clock
from deskline.core.desk import fields
from deskline.core.errors import InvalidInput
from deskline.core.inert import quoted
from deskline.core.language import N_, _, ngettext
from deskline.core.roster.contacts import address
from deskline.core.transfer import presets
from deskline.core.transfer.presets import Preset


class BadRecord(Exception):
    """A record that cannot be imported: why, for the line that names it."""


@dataclass
class Warnings:
    """Each column's unknown values: how many records had one, the first, what they became
    (``became``: a text of the source language, its values named)."""

    seen: dict[tuple[str, str, tuple[tuple[str, Any], ...]], list[Any]] = field(
        default_factory=dict
    )

    def add(self, column: str, value: Any, became: str, **values: Any) -> None:
        entry = self.seen.setdefault((column, became, tuple(sorted(values.items()))), [0, value])
        entry[0] += 1

    def lines(self) -> list[str]:
        """In English, as the JSON keeps them."""
        return [
            f"column {column}: {count} record{'s' if count != 1 else ''} with values it does "
            f"not know (first: '{quoted(str(first))}') became {became.format(**dict(values))}"
            for (column, became, values), (count, first) in self.seen.items()
        ]

    def said(self) -> list[str]:
        """For a person, in the current language."""
        return [
            ngettext(
                "column {column}: {count} record with values it does not know "
                "(first: '{first}') became {became}",
                "column {column}: {count} records with values it does not know "
                "(first: '{first}') became {became}",
                count,
            ).format(
                column=column,
                count=count,
                first=quoted(str(first)),
                became=_(became).format(**dict(values)),
            )
            for (column, became, values), (count, first) in self.seen.items()
        ]


@dataclass(frozen=True)
class People:
    """The desk's agents and teams, for the names another desk used for them."""

    agents: dict[str, tuple[int, int | None]]  # handle, email or name (lower) -> (id, team)
    teams: dict[str, int]  # name (lower) -> id
    handles: dict[int, str]  # agent id -> handle

    @classmethod
    def of(
        cls, agents: Iterable[tuple[int, str, str, str | None, int | None]], teams: dict[str, int]
    ) -> People:
        found: dict[str, tuple[int, int | None]] = {}
        handles: dict[int, str] = {}
        for agent_id, handle, name, email, team in agents:
            handles[agent_id] = handle
            for key in (name, email, handle):  # the handle wins over a like name
                if key:
                    found[key.strip().lower()] = (agent_id, team)
        return cls(found, {n.lower(): i for n, i in teams.items()}, handles)


@dataclass
class TicketIn:
    """One ticket as it will be written."""

    line: int
    external_id: str
    title: str
    description: str
    requester_email: str | None
    requester_name: str | None
    customer: str | None
    status: str
    priority: str
    category: str | None
    tags: str
    team_id: int | None
    assignee_id: int | None
    assignee: str | None  # the agent's handle, for the audit trail
    channel: str
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None


@dataclass
class CommentIn:
    line: int
    external_id: str
    author_id: int | None
    kind: str  # reply, customer, note
    created_at: datetime
    body: str


def parse_time(value: Any) -> datetime | None:
    """A timestamp as exports write them (ISO 8601, with or without T, seconds or an
    offset; ``2026/11/20``; a trailing `` UTC``); one without an offset is UTC. Empty:
    None. Else BadRecord."""
    if isinstance(value, datetime):
        at = value
    else:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            at = _loose_time(text)
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at if at.tzinfo is UTC else at.astimezone(UTC)


def _loose_time(text: str) -> datetime:
    loose = text.removesuffix(" UTC").replace("/", "-")
    try:
        return datetime.fromisoformat(loose)
    except ValueError:
        raise BadRecord(_("'{text}' is not a date and time").format(text=quoted(text))) from None


@dataclass(frozen=True)
class _Plan:
    fields: tuple[tuple[str, str], ...]  # (column, field)
    named: dict[str, str]  # field -> its column (read only: every record shares it)
    minutes: tuple[str, ...]  # the columns of first reply minutes


class Shaper:
    """Records of one file made tickets, with ``preset`` and ``mapping`` (column -> field)."""

    def __init__(
        self, preset: Preset, mapping: dict[str, str], people: People, warnings: Warnings
    ) -> None:
        self.preset, self.mapping = preset, {k.strip().lower(): v for k, v in mapping.items()}
        self.people, self.warnings = people, warnings
        self.seen: set[str] = set()  # external ids so far: one twice in a file is bad
        self._columns: dict[str, str | None] = {}
        # by a record's columns (in order): the fields they are, worked out once a header
        self._plans: dict[tuple[str, ...], _Plan] = {}

    def field_of(self, column: str) -> str | None:
        if column not in self._columns:
            key = column.strip().lower()
            self._columns[column] = self.mapping.get(key) or self.preset.column(key)
        return self._columns[column]

    def values(self, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The record's values by field, and the source column each came from."""
        if "\0bad" in record:
            raise BadRecord(record["\0bad"])
        if "\0extra" in record:
            cells = record["\0extra"]
            raise BadRecord(_("{cells} cells, more than the header's columns").format(cells=cells))
        columns = tuple(record)
        plan = self._plans.get(columns)
        if plan is None:
            plan = self._plan(columns)
        found = {name: record[column] for column, name in plan.fields}
        for column in plan.minutes:
            found["\0minutes"] = record[column]
        return found, plan.named

    def _plan(self, columns: tuple[str, ...]) -> _Plan:
        """Which of ``columns`` is which field (the first of two for one field), and which
        give first reply minutes."""
        fields: list[tuple[str, str]] = []
        named: dict[str, str] = {}
        minutes: list[str] = []
        for column in columns:
            name = self.field_of(column)
            if name is not None and name not in named:
                fields.append((column, name))
                named[name] = column
            elif name is None and column.strip().lower() == self.preset.first_reply_minutes:
                minutes.append(column)
        if len(self._plans) > 100:  # JSON lines of many shapes: held no longer
            self._plans.clear()
        plan = self._plans[columns] = _Plan(tuple(fields), named, tuple(minutes))
        return plan

    def ticket(self, line: int, record: dict[str, Any]) -> TicketIn:
        v, col = self.values(record)

        def text(name: str) -> str:
            value = v.get(name)
            if value.__class__ is str:
                return value.strip()  # type: ignore[no-any-return]
            return "" if value is None else str(value).strip()

        def when(name: str) -> datetime | None:
            try:
                return parse_time(v.get(name))
            except BadRecord as exc:
                raise BadRecord(f"{col.get(name, name)}: {exc}") from None

        external = text("external_id")
        if not external:
            raise BadRecord(_("no external id (the source's ticket id)"))
        if external in self.seen:
            raise BadRecord(
                _("external id '{external}' is in the file twice").format(external=quoted(external))
            )
        title = " ".join(text("subject").split())
        if not title:
            raise BadRecord(_("no subject"))
        if len(title) > fields.TITLE_MAX:
            self.warnings.add(
                col["subject"], title[:40], N_("cut to {max} characters"), max=fields.TITLE_MAX
            )
            title = title[: fields.TITLE_MAX - 1] + "…"
        created = when("created_at")
        if created is None:
            raise BadRecord(_("no created time"))
        times = {name: when(name) for name in presets.DATES[1:]}
        for name, at in times.items():
            if at is not None and at < created:
                self.warnings.add(col[name], clock.iso(at), N_("the created time"))
                times[name] = created
        minutes = str(v.get("\0minutes") or "").strip()
        if times["first_response_at"] is None and minutes:
            try:
                times["first_response_at"] = created + timedelta(minutes=float(minutes))
            except (ValueError, OverflowError):
                raise BadRecord(
                    _("first reply time '{minutes}' is not minutes").format(minutes=quoted(minutes))
                ) from None
        email = text("requester_email") or None
        if email:
            try:
                email = address(email)
            except InvalidInput as exc:
                raise BadRecord(str(exc)) from None
        category = text("category") or None
        if category:
            try:
                category = fields.category_path(category)
            except InvalidInput as exc:
                raise BadRecord(str(exc)) from None
        status = self._word("status", text("status"), col, self.preset.statuses, presets.STATUSES)
        priority = self._word(
            "priority", text("priority"), col, self.preset.priorities, presets.PRIORITIES
        )
        channel = self._word(
            "channel", text("channel"), col, self.preset.channels, presets.CHANNELS
        )
        assignee_id, team_id, handle = self._assignee(text("assignee"), col)
        team = text("team")
        if team:
            found = self.people.teams.get(team.lower())
            if found is None:
                self.warnings.add(
                    col["team"], team, N_("no team (add it with `deskline agents add --team`)")
                )
            else:
                team_id = found
        if status in ("assigned", "in_progress", "pending") and assignee_id is None:
            self.warnings.add(
                col.get("status", "status"), text("status"), N_("new (no known assignee)")
            )
            status = "new"
        updated = times["updated_at"] or max(t for t in (created, *times.values()) if t)
        solved = times["solved_at"]
        if status in ("resolved", "closed") and solved is None:
            solved = times["closed_at"] or updated
            self.warnings.add(
                col.get("solved_at", "solved_at"), "", N_("its updated time when solved")
            )
        if status not in ("resolved", "closed"):
            solved = None  # open again at the source: its clock runs
        closed = times["closed_at"] if status == "closed" else None
        if status == "closed" and closed is None:
            closed = max(solved or updated, updated)
        tags = text("tags")
        if self.preset.tag_separator == "":
            tags = ",".join(tags.split())
        self.seen.add(external)
        return TicketIn(
            line=line,
            external_id=external,
            title=title,
            description=text("description"),
            requester_email=email,
            requester_name=text("requester_name") or None,
            customer=text("customer") or None,
            status=status,
            priority=priority,
            category=category,
            tags=fields.tags([tags]),
            team_id=team_id,
            assignee_id=assignee_id,
            assignee=handle,
            channel=channel,
            created_at=created,
            updated_at=max(updated, created),
            first_response_at=times["first_response_at"],
            solved_at=solved,
            closed_at=closed,
        )

    def _word(
        self,
        name: str,
        value: str,
        col: dict[str, str],
        own: dict[str, str],
        common: dict[str, str],
    ) -> str:
        key = value.strip().lower()
        found = own.get(key) or common.get(key)
        if found is None:
            default = presets.DEFAULTS[name]
            if key:
                self.warnings.add(col.get(name, name), value, default)
            return default
        return found

    def _assignee(
        self, value: str, col: dict[str, str]
    ) -> tuple[int | None, int | None, str | None]:
        if not value:
            return None, None, None
        found = self.people.agents.get(value.lower())
        if found is None:
            self.warnings.add(col["assignee"], value, N_("unassigned (no such agent here)"))
            return None, None, None
        return found[0], found[1], self.people.handles[found[0]]


class CommentShaper:
    """Records of the comments file made comments."""

    def __init__(self, people: People, warnings: Warnings) -> None:
        self.people, self.warnings = people, warnings
        self._columns: dict[str, str | None] = {}

    def comment(self, line: int, record: dict[str, Any]) -> CommentIn:
        if "\0bad" in record:
            raise BadRecord(record["\0bad"])
        v: dict[str, Any] = {}
        names = self._columns
        for column, value in record.items():
            if column not in names:
                names[column] = presets.COMMENT_COLUMNS.get(column.strip().lower())
            name = names[column]
            if name is not None and name not in v:
                v[name] = "" if value is None else value
        external = str(v.get("external_id", "")).strip()
        if not external:
            raise BadRecord(_("no ticket external id"))
        body = str(v.get("body", "")).strip()
        if not body:
            raise BadRecord(_("no body"))
        created = parse_time(v.get("created_at"))
        if created is None:
            raise BadRecord(_("no created time"))
        public = self._public(v)
        author = str(v.get("author", "")).strip()
        agent = self.people.agents.get(author.lower()) if author else None
        kind = "note" if not public else ("reply" if agent else "customer")
        return CommentIn(line, external, agent[0] if agent else None, kind, created, body)

    def _public(self, v: dict[str, Any]) -> bool:
        if "internal" in v and str(v["internal"]).strip():
            word = str(v["internal"]).strip().lower()
            flag = presets.PUBLIC.get(word)  # internal = true: not public
            if flag is None and word not in presets.INTERNAL:
                self.warnings.add("internal", word, N_("public"))
                return True
            return not flag if flag is not None else True
        word = str(v.get("public", "true")).strip().lower() or "true"
        if word in presets.PUBLIC:
            return True
        if word in presets.INTERNAL:
            return False
        self.warnings.add("public", word, N_("public"))
        return True
