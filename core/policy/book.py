"""The desk's policy: calendars, SLA, routing, triage, templates, surge and the alert
ladder, stored in the database one version per row (``storage.policy``).

A version's body is the TOML text of those sections, written by the sections' own writers
from what their parsers read, so two files saying the same thing in other words are one
policy (one digest). A desk with no version yet runs on the built-in defaults (version 0).

``PolicyBook`` is what a process holds: the newest version, read again only when its
number moved (one indexed read of ``max(version)``); bodies are parsed once per digest.
"""

from __future__ import annotations

import hashlib
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskline.core.alerts.ladder import AlertRules
from deskline.core.config import alerts, archive, macros, mail, routing, sla
from deskline.core.config.archive import ArchiveRules
from deskline.core.config.mail import MailRules
from deskline.core.config.reader import ConfigError, Reader
from deskline.core.desk.macros import Macro
from deskline.core.desk.templates import Template
from deskline.core.errors import NotFound
from deskline.core.language import _
from deskline.core.routing.route import RoutingRules
from deskline.core.routing.surge import SurgeRule
from deskline.core.routing.triage import TriageRules
from deskline.core.sla.clocks import SlaRules
from deskline.core.sla.defaults import default_rules
from deskline.storage import policy as rows
from deskline.storage.store import Store
from deskline.storage.tables import Reader as Rows  # a session or a Core connection

if TYPE_CHECKING:
    from sqlmodel import Session

# The desk's sections of a deskline.toml; the others ([ui], [keys], [database], [notify])
# are the person's own.
POLICY_SECTIONS = (
    "calendars",
    "sla",
    "routing",
    "triage",
    "templates",
    "surge",
    "alerts",
    "mail",
    "macro",
    "archive",
)


@dataclass(frozen=True)
class Rules:
    """What a policy says, parsed."""

    sla: SlaRules = field(default_factory=default_rules)
    routing: RoutingRules = field(default_factory=RoutingRules)
    triage: TriageRules = field(default_factory=TriageRules)
    templates: tuple[Template, ...] = ()
    surge: SurgeRule = field(default_factory=SurgeRule)
    alerts: AlertRules = field(default_factory=AlertRules)
    mail: MailRules = field(default_factory=MailRules)
    macros: tuple[Macro, ...] = ()
    archive: ArchiveRules = field(default_factory=ArchiveRules)


@dataclass(frozen=True)
class Policy:
    """One version of the desk's policy (version 0: the built-in defaults, never stored)."""

    rules: Rules
    version: int
    body: str
    digest: str
    applied_at: datetime | None = None
    applied_by: str | None = None
    source: str | None = None
    note: str | None = None

    @property
    def sla(self) -> SlaRules:
        return self.rules.sla

    @property
    def routing(self) -> RoutingRules:
        return self.rules.routing

    @property
    def triage(self) -> TriageRules:
        return self.rules.triage

    @property
    def templates(self) -> tuple[Template, ...]:
        return self.rules.templates

    @property
    def surge(self) -> SurgeRule:
        return self.rules.surge

    @property
    def alerts(self) -> AlertRules:
        return self.rules.alerts

    @property
    def mail(self) -> MailRules:
        return self.rules.mail

    @property
    def macros(self) -> tuple[Macro, ...]:
        return self.rules.macros

    @property
    def archive(self) -> ArchiveRules:
        return self.rules.archive

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "digest": self.digest,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "applied_by": self.applied_by,
            "source": self.source,
            "note": self.note,
        }


def parse_rules(read: Reader, data: Mapping[str, Any]) -> Rules:
    """The policy sections of ``data`` (other keys are the caller's to check)."""
    return Rules(
        sla=sla.parse_sla(read, data),
        routing=routing.parse_routing(read, data),
        triage=routing.parse_triage(read, data),
        templates=routing.parse_templates(read, data),
        surge=routing.parse_surge(read, data),
        alerts=alerts.parse_alerts(read, data),
        mail=mail.parse_mail(read, data),
        macros=macros.parse_macros(read, data),
        archive=archive.parse_archive(read, data),
    )


def rules_toml(rules: Rules) -> str:
    """The policy sections as deskline.toml text: the effective values, defaults included."""
    return (
        sla.to_toml(rules.sla)
        + "\n"
        + routing.to_toml(rules.routing, rules.triage, rules.templates, rules.surge)
        + "\n"
        + alerts.to_toml(rules.alerts)
        + ("\n" + mail.to_toml(rules.mail) if rules.mail != MailRules() else "")
        + ("\n" + macros.to_toml(rules.macros) if rules.macros else "")
        + ("\n" + archive.to_toml(rules.archive) if rules.archive != ArchiveRules() else "")
    )


def digest_of(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def has_policy(data: Mapping[str, Any]) -> bool:
    """Whether a deskline.toml's data holds any policy section."""
    return any(name in data for name in POLICY_SECTIONS)


def policy_of(rules: Rules, version: int = 0) -> Policy:
    """``rules`` as a policy (not stored: ``version`` says which it would be)."""
    body = rules_toml(rules)
    return Policy(rules, version, body, digest_of(body))


def parse_policy_text(text: str, source: str) -> Rules:
    """A policy file's text (only policy sections), or one ConfigError naming ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("{path}: not valid TOML: {error}{hint}").format(path=source, error=exc, hint="")
        ) from None
    read = Reader(source)
    read.only(data, "", POLICY_SECTIONS)
    return parse_rules(read, data)


_parsed: dict[str, Rules] = {}  # digest -> rules: a body is parsed once per process
_parsing = threading.Lock()


def _from_row(row: Any) -> Policy:
    with _parsing:
        rules = _parsed.get(row.digest)
    if rules is None:
        rules = parse_policy_text(row.body, f"policy version {row.version}")
        with _parsing:
            _parsed[row.digest] = rules
    return Policy(
        rules,
        row.version,
        row.body,
        row.digest,
        row.applied_at,
        row.applied_by,
        row.source,
        row.note,
    )


DEFAULT = policy_of(Rules())


def read_version(session: Rows, version: int) -> Policy | None:
    """Version ``version`` of the desk's policy (0: the defaults), None if there is none."""
    if version == 0:
        return DEFAULT
    found = rows.row(session, version)
    return _from_row(found) if found is not None else None


def read_current(session: Session) -> Policy:
    """The newest version (the defaults when the desk has none)."""
    return read_version(session, rows.latest_version(session)) or DEFAULT


def read_history(session: Session) -> list[Policy]:
    return [_from_row(row) for row in rows.history(session)]


class PolicyBook:
    """The newest policy as this process knows it, checked against the store cheaply."""

    def __init__(self, pinned: Policy | None = None) -> None:
        """``pinned``: always this policy, whatever the store says (tests, demos)."""
        self.pinned = pinned
        self._current = pinned or DEFAULT
        self._lock = threading.Lock()

    @property
    def current(self) -> Policy:
        """The policy as last checked (no query: for countdowns read between checks)."""
        return self._current

    def check(self, session: Rows) -> Policy:
        """The newest policy, read in ``session``'s transaction: one indexed read, and the
        row itself only when the version moved."""
        if self.pinned is not None:
            return self.pinned
        version = rows.latest_version(session)
        if version != self._current.version:
            found = read_version(session, version) or DEFAULT
            with self._lock:
                self._current = found
        return self._current


def unpinned(store: Store) -> bool:
    """Whether the desk has no policy yet and this login may write one: what
    ``policy.apply.pin_defaults`` pins (one light read, without the ORM, when it has)."""
    with store.read_rows() as s:
        return rows.latest_version(s) == 0 and rows.may_write(s)


def load(store: Store, version: int | None = None) -> Policy:
    """Version ``version`` of the desk's policy (None: the newest); NotFound if none."""
    with store.read() as s:
        if version is None:
            return read_current(s)
        found = read_version(s, version)
    if found is None:
        raise NotFound(
            _("no policy version {version}: see `deskline policy history`").format(version=version)
        )
    return found


def load_history(store: Store) -> list[Policy]:
    """Every stored version, oldest first (none: the desk runs on the defaults)."""
    with store.read() as s:
        return read_history(s)
