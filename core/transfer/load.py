"""``deskline import``: another desk's tickets (and their comments) brought in as history.

Two passes, each a record at a time (memory stays flat):

1. **Check**: every record shaped (``rows``); a bad one is named by its line, and the whole
   import is refused before anything is written, unless ``skip_bad`` (then the bad records
   go to a rejects file beside the input). Unknown values are warned of once per column.
   The good records, shaped, are spooled to a temporary file for pass 2.
2. **Write**: the spooled tickets in batches, one transaction each, through the set-based path
   (``storage.bulk``): customers, categories and contacts made as needed, ticket numbers
   reserved at once, SLA due times worked out from the past timestamps as they were, the
   audit events (marked imported, at their historical times, chained), and the
   checkpoint row, so a run killed anywhere continues after the last batch that
   committed. Then the comments, the same way (the index's comment trigger off for them:
   their tickets are not indexed yet, ``bulk.comments_unindexed``). Last, the tickets
   made are indexed for search, each once with all its comments (a batch of ids a
   transaction, checkpointed too): indexed as they were made, each comment would rewrite
   its ticket's row of the index (``bulk.unindexed``).

Idempotent by external id: a ticket whose external id is here already is left as it was
(and its comments in the file are not added again).

No alert fires for the past: every rung of the alert ladder that came due before the import
is stored as already fired at its moment, told to no one (as ``SlaWatcher.record_history``
does for the demo). A ticket solved or closed at the source has no running clock. A ticket
still open and already past due shows as breached at once, and its later rungs (repeats,
the ladder's steps still to come) fire as they come due; the breach itself, which
happened before the import, is not announced.
"""

from __future__ import annotations

import csv
import json
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from itertools import islice
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from deskline.core import clock
from deskline.core.alerts.ladder import Ladder, LadderFacts, Mark
from deskline.core.desk.facts import queue_marks
from deskline.core.desk.tickets import Desk
from deskline.core.errors import Forbidden, InvalidInput, Refused
from deskline.core.inert import quoted
from deskline.core.language import _, ngettext
from deskline.core.roster import permissions
from deskline.core.roster.permissions import Person
from deskline.core.sla.clocks import ClockFacts, SlaClock
from deskline.core.transfer import presets, sources
from deskline.core.transfer.rows import (
    BadRecord,
    CommentShaper,
    People,
    Shaper,
    TicketIn,
    Warnings,
)
from deskline.storage import bulk
from deskline.storage.chain import encoded
from deskline.storage.queries import login_of

BATCH = 5000  # tickets per transaction
COMMENT_BATCH = 10_000
SHOWN_BAD = 5  # bad records named in a refusal (all of them go to the rejects file)

Progress = Callable[[str, int, int], None]  # (phase, done, total)

# The columns of the rows a batch writes, in the order its tuples hold them.
TICKET_COLUMNS = (
    "number",
    "title",
    "description",
    "category_id",
    "priority",
    "status",
    "customer_id",
    "channel",
    "tags",
    "assignee_id",
    "team_id",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "first_response_due_at",
    "resolution_due_at",
    "paused_at",
    "pause_credit_seconds",
    "next_check_at",
    "next_due_at",
    "at_risk_at",
    "escalation_level",
    "reopen_count",
    "impact",
    "assigned_at",
    "status_at",
    "escalated_at",
    "escalated_to",
    "requester_id",
    "external_id",
    "version",
)
EVENT_COLUMNS = (
    "ticket_id",
    "actor_id",
    "at",
    "kind",
    "old",
    "new",
    "reason",
    "login",
    "prev_hash",
    "hash",
)
COMMENT_COLUMNS = ("ticket_id", "author_id", "kind", "body", "created_at")
ALERT_COLUMNS = (
    "dedupe_key",
    "ticket_id",
    "rung",
    "threshold",
    "clock",
    "level",
    "due_at",
    "at",
    "fired_at",
    "late",
    "held",
    "recipients",
    "summary",
)
_SUMMARIES: dict[str, str] = {}  # a past alert's summary, by rung

# The sides of the events every imported ticket shares, encoded (``encoded``).
_NO_ANSWER = encoded({"first_response_at": None})
_WAS_NEW = encoded({"status": "new"})
_WAS_RESOLVED = encoded({"status": "resolved"})
_CLOSED = encoded({"status": "closed", "imported": True})
# A text as ``encoded`` (ensure_ascii off) writes it, quotes and escapes included.
_string: Callable[[str], str] = encode_basestring


class _Stamps(NamedTuple):
    """A ticket's own times as the driver takes them (``bulk.Times.stored``; None: none),
    made once for its row and its events."""

    created: Any
    updated: Any
    answered: Any
    solved: Any
    closed: Any


@dataclass(frozen=True)
class Options:
    path: Path
    kind: str  # csv, xlsx, jsonl
    preset: presets.Preset
    comments: Path | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    skip_bad: bool = False
    dry_run: bool = False


@dataclass
class Result:
    """What an import did (or, dry, would do)."""

    name: str
    records: int = 0
    created: int = 0
    existing: int = 0
    rejected: int = 0
    comments: int = 0
    comments_left_out: int = 0  # their ticket is not one this import made
    warnings: list[str] = field(default_factory=list)  # English, as the JSON has them
    notices: list[str] = field(default_factory=list)  # the same, said for a person
    rejects: Path | None = None
    resumed: bool = False
    done_before: datetime | None = None  # this very import had finished then: nothing to do
    dry_run: bool = False

    def lines(self) -> list[str]:
        if self.done_before is not None:
            return [
                _(
                    "{file} was imported already ({at}: {count} tickets made); nothing changed"
                ).format(file=self.name, at=clock.iso(self.done_before), count=self.created)
            ]
        out: list[str] = []
        if self.resumed:
            out.append(_("continued an import that was stopped (from its last checkpoint)"))
        tickets = ngettext("{count} ticket", "{count} tickets", self.created).format(
            count=self.created
        )
        comments = ngettext("{count} comment", "{count} comments", self.comments).format(
            count=self.comments
        )
        done = _("would import {tickets} and {comments} from {file}")
        if not self.dry_run:
            done = _("imported {tickets} and {comments} from {file}")
        out.append(done.format(tickets=tickets, comments=comments, file=self.name))
        if self.existing:
            out.append(
                ngettext(
                    "{count} ticket was here already (same external id): left as they were",
                    "{count} tickets were here already (same external id): left as they were",
                    self.existing,
                ).format(count=self.existing)
            )
        if self.created == 0 and self.comments == 0 and not self.dry_run:
            out.append(_("nothing changed"))
        if self.comments_left_out:
            out.append(
                _("{count} comments left out: their ticket is not one this import made").format(
                    count=self.comments_left_out
                )
            )
        if self.rejected:
            out.append(
                _("{count} bad records skipped: written to {path}").format(
                    count=self.rejected, path=self.rejects
                )
            )
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "records": self.records,
            "created": self.created,
            "existing": self.existing,
            "rejected": self.rejected,
            "comments": self.comments,
            "comments_left_out": self.comments_left_out,
            "warnings": self.warnings,
            "rejects": str(self.rejects) if self.rejects else None,
            "resumed": self.resumed,
            "already_done": self.done_before is not None,
            "dry_run": self.dry_run,
        }


def rejects_path(path: Path) -> Path:
    """Where the bad records of ``path`` go: beside it."""
    suffix = ".jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else ".csv"
    return path.with_name(f"{path.stem}.rejects{suffix}")


class Importer:
    """One import into the desk, as the desk's acting agent (an admin)."""

    def __init__(
        self,
        desk: Desk,
        options: Options,
        *,
        progress: Progress | None = None,
        batch: int = BATCH,
        comment_batch: int = COMMENT_BATCH,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.desk, self.o = desk, options
        self.progress = progress or (lambda phase, done, total: None)
        self.batch, self.comment_batch, self.now = batch, comment_batch, now
        # (login, why): the end of every event's hashed text, and the kinds encoded
        self._shared: tuple[tuple[str, str], str, dict[str, str]] | None = None
        self._sides: dict[tuple[str, str | None], str] = {}  # a status event's new side
        self.times = bulk.Times(desk.store.backend)
        sources.check_file(options.path)
        if options.comments is not None:
            sources.check_file(options.comments, _("the comments file"))
        for column, name in options.mapping.items():
            if name not in presets.FIELDS:
                raise InvalidInput(
                    _("--map {column}={name}: no field '{name}'; the fields are {fields}").format(
                        column=quoted(column), name=quoted(name), fields=", ".join(presets.FIELDS)
                    )
                )

    # -- the whole import ------------------------------------------------------------

    def run(self) -> Result:
        me = self.desk.whoami()
        refusal = permissions.may_manage(Person(me.handle, me.role, me.team), "import")
        if refusal is not None:
            raise Forbidden(refusal)
        policy = self.desk.refresh_policy()
        self.rules, self.ladder = policy.sla, Ladder(policy.alerts)
        store = self.desk.store
        with store.read() as s:
            agents = bulk.agents(s)
            teams = bulk.team_ids(s)
            self.actor_id = next(a[0] for a in agents if a[1] == me.handle)
        self.people = People.of(agents, teams)
        result = Result(self.o.path.name, dry_run=self.o.dry_run)
        warnings = Warnings()
        total, bad = self._check(warnings, result)
        result.warnings, result.notices = warnings.lines(), warnings.said()
        if bad and not self.o.skip_bad:
            shown, named = _named(bad)
            rest = result.rejected - named
            more = _(" (and {count} more)").format(count=rest) if rest else ""
            raise InvalidInput(
                ngettext(
                    "{file}: {count} bad record, nothing imported: {shown}{more}; fix them, "
                    "or --skip-bad imports the rest (the bad to a rejects file)",
                    "{file}: {count} bad records, nothing imported: {shown}{more}; fix them, "
                    "or --skip-bad imports the rest (the bad to a rejects file)",
                    result.rejected,
                ).format(file=self.o.path.name, count=result.rejected, shown=shown, more=more)
            )
        if self.o.dry_run:
            return self._dry(result, total)
        try:
            return self._write(result, total)
        except IntegrityError:  # PostgreSQL: another import wrote these very rows meanwhile
            raise Refused(
                _(
                    "another import is bringing in the same tickets as {file}; run this one "
                    "again once it ends (it continues where the other left off)"
                ).format(file=self.o.path.name)
            ) from None

    def _check(self, warnings: Warnings, result: Result) -> tuple[int, list[tuple[int, str]]]:
        """Pass 1: every record shaped; the bad ones (line, why), all written to the rejects
        file when skipping them."""
        shaper = Shaper(self.o.preset, self.o.mapping, self.people, warnings)
        bad: list[tuple[int, str]] = []
        rejects = _Rejects(rejects_path(self.o.path)) if self.o.skip_bad else None
        total = 0
        self.spooled, self.spooled_comments = _Spool(TicketIn), _Spool(None)
        stored = self.times.stored
        for line, record in sources.records(self.o.path, self.o.kind):
            total += 1
            try:
                self.spooled.add(shaper.ticket(line, record))
            except BadRecord as exc:
                result.rejected += 1
                if len(bad) < SHOWN_BAD:
                    bad.append((line, str(exc)))
                if rejects is not None:
                    rejects.add(line, str(exc), record)
            if total % 10_000 == 0:
                self.progress("checking", total, 0)
        if self.o.comments is not None:
            shape = CommentShaper(self.people, warnings)
            for line, record in sources.records(self.o.comments, self._comment_kind()):
                try:
                    c = shape.comment(line, record)
                    # as written (``_comments``): nothing left to work out per comment then
                    self.spooled_comments.add_values(
                        (c.line, c.external_id, c.author_id, c.kind, c.body, stored(c.created_at))
                    )
                except BadRecord as exc:
                    result.rejected += 1
                    if len(bad) < SHOWN_BAD:
                        bad.append((line, f"{self.o.comments.name}: {exc}"))
                    if rejects is not None:
                        rejects.add(line, f"{self.o.comments.name}: {exc}", record)
        if rejects is not None:
            result.rejects = rejects.close()
        result.records = total
        return total, bad

    def _comment_kind(self) -> str:
        assert self.o.comments is not None
        return sources.kind_of(self.o.comments, None)

    def _dry(self, result: Result, total: int) -> Result:
        good = self.spooled.read()
        with self.desk.store.read() as s:
            while chunk := list(islice(good, self.batch)):
                here = bulk.tickets_by_external_id(s, [t.external_id for t in chunk])
                result.existing += len(here)
                result.created += len(chunk) - len(here)
        return result

    # -- pass 2 ----------------------------------------------------------------------

    def _source(self) -> str:
        o = self.o
        mapping = json.dumps(sorted(o.mapping.items()))
        return sources.digest(o.path, o.comments, o.kind, o.preset.name, mapping, str(o.skip_bad))

    def _write(self, result: Result, total: int) -> Result:
        store, source = self.desk.store, self._source()
        now = self.now()
        with store.write() as s:
            mark = bulk.checkpoint(s, source)
            if mark is None:
                mark = {
                    "source": source,
                    "name": self.o.path.name,
                    "phase": "tickets",
                    "line": 0,
                    "base_id": bulk.newest_ticket_id(s),
                    "created": 0,
                    "existing": 0,
                    "rejected": result.rejected,
                    "comments": 0,
                    "started_at": now,
                    "updated_at": now,
                }
                bulk.start_checkpoint(s, mark)
            elif mark["phase"] != "done":
                result.resumed = True
        if mark["phase"] == "done":
            result.created, result.existing = mark["created"], mark["existing"]
            result.comments, result.warnings, result.notices = mark["comments"], [], []
            result.done_before = mark["updated_at"]
            return result
        self.base_id = int(mark["base_id"])
        result.created, result.existing = int(mark["created"]), int(mark["existing"])
        result.comments = int(mark["comments"])
        phase, line = mark["phase"], int(mark["line"])
        if phase == "tickets":
            self._tickets(source, line, result, total)
            phase, line = "comments", 0
        if phase == "comments":
            if self.o.comments is not None:
                self._comments(source, line, result)
            with store.write() as s:
                bulk.save_checkpoint(s, source, phase="index", line=0, updated_at=self.now())
            line = 0
        self._index(source, max(line, self.base_id))
        with store.write() as s:
            bulk.save_checkpoint(s, source, phase="done", updated_at=self.now())
        return result

    def _tickets(self, source: str, after: int, result: Result, total: int) -> None:
        good = self.spooled.read()
        done = 0
        while chunk := list(islice(good, self.batch)):
            done += len(chunk)
            fresh = [t for t in chunk if t.line > after]
            if fresh:
                with self.desk.store.write() as s:
                    made, here = self._batch(s, fresh)
                    result.created += made
                    result.existing += here
                    bulk.save_checkpoint(
                        s,
                        source,
                        line=fresh[-1].line,
                        created=result.created,
                        existing=result.existing,
                        updated_at=self.now(),
                    )
            self.progress("tickets", done, total - result.rejected)
        with self.desk.store.write() as s:
            bulk.save_checkpoint(s, source, phase="comments", line=0, updated_at=self.now())

    def _batch(self, s: Session, chunk: Sequence[TicketIn]) -> tuple[int, int]:
        """One batch of tickets written; (made, here already). Rows are built as tuples in
        the driver's own values, each time's text made once (``bulk.Times``)."""
        now = self.now()
        bulk.widen_cache(s)
        here = bulk.tickets_by_external_id(s, [t.external_id for t in chunk])
        todo = [t for t in chunk if t.external_id not in here]
        if not todo:
            return 0, len(here)
        customers = bulk.ensure_named(
            s, bulk.CUSTOMERS, "name", [t.customer for t in todo if t.customer], tier="standard"
        )
        tiers = bulk.customer_tiers(s, list(customers.values()))
        categories = bulk.ensure_named(
            s, bulk.CATEGORIES, "path", [t.category for t in todo if t.category]
        )
        contacts = self._contacts(s, todo, customers, now)
        first = bulk.reserve_numbers(s, len(todo))
        times = self.times
        times.clear()
        st = times.stored
        rows, plans, stamps = [], [], []
        for i, t in enumerate(todo):
            customer_id = customers.get(t.customer) if t.customer else None
            stamp = _Stamps(
                st(t.created_at),
                st(t.updated_at),
                st(t.first_response_at),
                st(t.solved_at),
                st(t.closed_at),
            )
            row, plan = self._ticket_row(
                t, first + i, customer_id, tiers, categories, contacts, now, stamp
            )
            rows.append(row)
            plans.append(plan)
            stamps.append(stamp)
        with bulk.unindexed(s):  # indexed for search once their comments are in
            bulk.insert_values(s, bulk.TICKETS, TICKET_COLUMNS, rows)
        ids = bulk.tickets_by_external_id(s, [t.external_id for t in todo])
        events: list[tuple[Any, ...]] = []
        alerts = []
        login, name = login_of(s), self.o.path.name
        for t, plan, stamp in zip(todo, plans, stamps, strict=True):
            ticket_id = ids[t.external_id]
            self._events(events, ticket_id, t, stamp, login, name)
            alerts += [self._alert(ticket_id, m) for m in plan]
        bulk.insert_values(s, bulk.EVENTS, EVENT_COLUMNS, events)
        bulk.insert_values(s, bulk.ALERTS, ALERT_COLUMNS, alerts)
        bulk.record_changes(s, list(ids.values()), "created", now)
        return len(todo), len(here)

    def _contacts(
        self, s: Session, todo: Sequence[TicketIn], customers: dict[str, int], now: datetime
    ) -> dict[str, int]:
        wanted = [t for t in todo if t.requester_email]
        known = bulk.contacts_by_address(s, [t.requester_email for t in wanted])  # type: ignore[misc]
        new: dict[str, tuple[str, str, int | None]] = {}
        for t in wanted:
            email = t.requester_email
            assert email is not None
            if email not in known and email not in new:
                label = t.requester_name or email.split("@")[0]
                new[email] = (email, label, customers.get(t.customer) if t.customer else None)
        known.update(bulk.add_contacts(s, list(new.values()), now))
        return known

    def _ticket_row(
        self,
        t: TicketIn,
        number: int,
        customer_id: int | None,
        tiers: dict[int, str],
        categories: dict[str, int],
        contacts: dict[str, int],
        now: datetime,
        stamp: _Stamps,
    ) -> tuple[tuple[Any, ...], list[Mark]]:
        """The ticket's row (``TICKET_COLUMNS``) with its SLA columns, and the ladder's past
        marks (to store as fired: nobody is told of them)."""
        paused = t.updated_at if t.status in self.rules.pause_on else None
        status_at = t.closed_at or t.solved_at or t.updated_at
        facts = ClockFacts(
            created_at=t.created_at,
            priority=t.priority,
            tier=tiers.get(customer_id) if customer_id else None,
            category=t.category,
            channel=t.channel,
            first_response_at=t.first_response_at,
            resolved_at=t.solved_at,
            paused_at=paused,
        )
        sla = SlaClock(self.rules, facts)
        assigned = t.assignee_id is not None
        marks: list[Mark] = []  # closed: no clock runs, no rung is left (none escalated)
        if t.status != "closed":
            lf = LadderFacts(
                id=0,
                status=t.status,
                assigned=assigned,
                created_at=t.created_at,
                assigned_at=t.created_at if assigned else None,
                status_at=status_at,
                resolved_at=t.solved_at,
            )
            marks = self.ladder.marks(lf, sla)
        past = [m for m in marks if m.at <= now]
        upcoming = [m.at for m in marks if m.at > now]
        if not self.ladder.rules.enabled:
            past, upcoming = [], [a for a in [sla.next_threshold(now)] if a]
        next_due, at_risk = queue_marks(sla)  # (None, None) once solved
        st = self.times.stored
        # status_at is the closed, solved or updated time: its text is made already
        status_text = stamp.closed or stamp.solved or stamp.updated
        row = (
            number,
            t.title,
            t.description,
            categories.get(t.category) if t.category else None,
            t.priority,
            t.status,
            customer_id,
            t.channel,
            t.tags,
            t.assignee_id,
            t.team_id,
            stamp.created,
            stamp.updated,
            stamp.answered,
            stamp.solved,
            stamp.closed,
            st(sla.first_response_due()),
            st(sla.resolution_due()),
            stamp.updated if paused is not None else None,
            0,  # pause_credit_seconds
            st(min(upcoming)) if upcoming else None,
            st(next_due),
            st(at_risk),
            0,  # escalation_level
            0,  # reopen_count
            None,  # impact
            stamp.created if assigned else None,  # assigned_at
            status_text,
            None,  # escalated_at
            None,  # escalated_to
            contacts.get(t.requester_email) if t.requester_email else None,
            t.external_id,
            1,  # version
        )
        return row, past

    def _events(
        self,
        out: list[tuple[Any, ...]],
        ticket_id: int,
        t: TicketIn,
        stamp: _Stamps,
        login: str,
        name: str,
    ) -> None:
        """The ticket's audit trail as it was lived, each event marked imported, added to
        ``out`` (rows of ``EVENT_COLUMNS``). Each side is its JSON text (``encoded``: keys
        sorted, compact), put together here or one of the few every ticket shares."""
        created = (
            f'{{"external_id":{_string(t.external_id)},"imported":true,'
            f'"priority":{_string(t.priority)},"status":"new","title":{_string(t.title)}}}'
        )
        # (when, its stored value, kind, old side or None, new side)
        steps: list[tuple[datetime, Any, str, str | None, str]] = [
            (t.created_at, stamp.created, "created", None, created)
        ]
        if t.first_response_at is not None:
            answered = self.times.iso_z(t.first_response_at)  # clock.iso
            new = f'{{"first_response_at":"{answered}","imported":true}}'
            steps.append((t.first_response_at, stamp.answered, "reply", _NO_ANSWER, new))
        if t.status in ("assigned", "in_progress", "pending"):
            new = self._status_side(t.status, t.assignee)
            steps.append((t.updated_at, stamp.updated, "status", _WAS_NEW, new))
        if t.solved_at is not None:
            new = self._status_side("resolved", t.assignee)
            steps.append((t.solved_at, stamp.solved, "status", _WAS_NEW, new))
        if t.closed_at is not None:
            steps.append((t.closed_at, stamp.closed, "status", _WAS_RESOLVED, _CLOSED))
        if len(steps) > 1:
            steps.sort(key=lambda step: step[0])
        self._chained(out, ticket_id, steps, login, f"imported from {name}")

    def _status_side(self, status: str, assignee: str | None) -> str:
        """A status event's new side, encoded once for each (status, assignee)."""
        found = self._sides.get((status, assignee))
        if found is None:
            side = {"status": status, "assignee": assignee, "imported": True}
            found = self._sides[(status, assignee)] = encoded(side)
        return found

    def _chained(
        self,
        out: list[tuple[Any, ...]],
        ticket_id: int,
        steps: Sequence[tuple[datetime, Any, str, str | None, str]],
        login: str,
        why: str,
    ) -> None:
        """The steps as the ticket's chain of events: each hashed after the one before.
        The text hashed is ``storage.chain.linked_hash``'s, put together here from the
        parts every event of the ticket (and of the import) shares, made once."""
        shared = self._shared
        if shared is None or shared[0] != (login, why):
            tail = f",{encoded(why)},{encoded(login)}]"
            shared = self._shared = ((login, why), tail, {})
        _, tail, known = shared
        iso, actor = self.times.iso, self.actor_id
        head = f',{ticket_id},{"null" if actor is None else int(actor)},"'
        prev: str | None = None
        link = "null"
        for at, stored, kind, old, new in steps:
            kind_json = known.get(kind) or known.setdefault(kind, encoded(kind))
            text = f'[{link}{head}{iso(at)}",{kind_json},{old or "null"},{new}{tail}'
            digest = sha256(text.encode("utf-8")).hexdigest()
            out.append((ticket_id, actor, stored, kind, old, new, why, login, prev, digest))
            prev, link = digest, f'"{digest}"'

    def _alert(self, ticket_id: int, mark: Mark) -> tuple[Any, ...]:
        """A past rung stored as fired at its moment: no one told, nothing done (the row
        ``Mark.row`` makes, as ``ALERT_COLUMNS``)."""
        st, at = self.times.stored, self.times.stored(mark.at)
        key = f"{ticket_id}:{mark.clock or '-'}:{mark.threshold}:{self.times.iso(mark.base)}"
        summary = _SUMMARIES.get(mark.rung)
        if summary is None:
            summary = _SUMMARIES[mark.rung] = (
                f"{mark.rung.replace('_', ' ')} before the import (no one told)"
            )
        due = st(mark.base) if mark.clock else None
        held = mark.held_from is not None
        row = (key, ticket_id, mark.rung, mark.threshold, mark.clock, mark.level, due, at, at)
        return (*row, False, held, "[]", summary)  # "[]": no one told

    # -- comments --------------------------------------------------------------------

    def _comments(self, source: str, after: int, result: Result) -> None:
        stream = self.spooled_comments.read()  # (line, external id, author, kind, body, at)
        while chunk := list(islice(stream, self.comment_batch)):
            fresh = [c for c in chunk if c[0] > after]
            if not fresh:
                continue
            with self.desk.store.write() as s:
                bulk.widen_cache(s)
                ids = bulk.tickets_by_external_id(s, [c[1] for c in fresh], after_id=self.base_id)
                get = ids.get
                rows = []
                for _line, external, author, kind, body, at in fresh:
                    ticket_id = get(external)
                    if ticket_id is not None:
                        rows.append((ticket_id, author, kind, body, at))
                with bulk.comments_unindexed(s, [r[0] for r in rows]):
                    bulk.insert_values(s, bulk.COMMENTS, COMMENT_COLUMNS, rows)
                result.comments += len(rows)
                result.comments_left_out += len(fresh) - len(rows)
                bulk.save_checkpoint(
                    s, source, line=fresh[-1][0], comments=result.comments, updated_at=self.now()
                )
            self.progress("comments", result.comments, 0)

    # -- the search index ------------------------------------------------------------

    def _index(self, source: str, after: int) -> None:
        """The tickets made, indexed for search with their comments, a batch of ids per
        transaction (the checkpoint's line: the last id done)."""
        start = after
        while True:
            with self.desk.store.write() as s:
                # four batches of tickets a transaction: the index's segments merged less
                upto = bulk.index_tickets(s, after, 4 * self.batch)
                if upto is None:
                    return
                bulk.save_checkpoint(s, source, line=upto, updated_at=self.now())
            after = upto
            self.progress("indexing", after - start, 0)


def _named(bad: Sequence[tuple[int, str]], room: int = 150) -> tuple[str, int]:
    """The first bad records by line and why, as many as fit in ``room`` (one fits always),
    and how many that is."""
    text, count = "", 0
    for line, why in bad:
        part = _("line {line}: {why}").format(line=line, why=why)
        if text and len(text) + len(part) > room:
            break
        text, count = (f"{text}; {part}" if text else part), count + 1
    return text, count


class _Spool:
    """The good records of pass 1, as shaped, in order, in a temporary file (pickled a
    batch at a time: memory stays flat), for pass 2 to read instead of shaping them again."""

    SIZE = 2000

    def __init__(self, kind: Callable[..., Any] | None) -> None:
        self.kind = kind  # a dataclass: its fields are pickled, a tuple a record (None:
        # the tuples are what is added, and read back as they are)
        self.file = tempfile.TemporaryFile()  # gone when closed, or the process ends
        self.held: list[tuple[Any, ...]] = []

    def add(self, record: Any) -> None:
        self.add_values(tuple(vars(record).values()))

    def add_values(self, values: tuple[Any, ...]) -> None:
        self.held.append(values)
        if len(self.held) >= self.SIZE:
            pickle.dump(self.held, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.held = []

    def read(self) -> Iterator[Any]:
        """Every record added, oldest first (once: the spool is closed after)."""
        if self.held:
            pickle.dump(self.held, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.held = []
        self.file.seek(0)
        kind = self.kind
        try:
            while True:
                try:
                    held = pickle.load(self.file)
                except EOFError:
                    return
                if kind is None:
                    yield from held
                    continue
                for values in held:
                    yield kind(*values)
        finally:
            self.file.close()


class _Rejects:
    """The bad records, as they were, with their line and why."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.jsonl = path.suffix == ".jsonl"
        self.file = path.open("w", newline="", encoding="utf-8")
        self.writer: Any = None
        self.count = 0

    def add(self, line: int, why: str, record: dict[str, Any]) -> None:
        self.count += 1
        record = {k: v for k, v in record.items() if not k.startswith("\0")}
        if self.jsonl:
            self.file.write(
                json.dumps({"_line": line, "_reason": why, **record}, default=str) + "\n"
            )
            return
        if self.writer is None:
            self.writer = csv.writer(self.file)
            self.writer.writerow(["line", "reason", *record.keys()])
        self.writer.writerow([line, why, *record.values()])

    def close(self) -> Path | None:
        self.file.close()
        if not self.count:
            self.path.unlink()
            return None
        return self.path
