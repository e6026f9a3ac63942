"""Changing the desk's policy: what a new version would do (``preview``), and writing it
(``apply``): the version row, its audit event, every open ticket's due times and next checks,
and a change-feed row, in one transaction, so running processes follow at once.

Only an admin changes the policy. The exceptions happen once, to a desk with no policy yet:
``import_local`` takes the one its first user's deskline.toml describes (the upgrade from
the time policy lived in the file), and ``pin_defaults`` stores the built-in defaults, their
business calendar in the first user's timezone, so every machine then reads the same.
"""

from __future__ import annotations

import difflib
import os
import time
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from deskline.core.alerts.ladder import Ladder
from deskline.core.config.reader import ConfigError
from deskline.core.desk.audit import record_desk_event
from deskline.core.errors import Forbidden, StaleEdit
from deskline.core.language import _
from deskline.core.policy.book import DEFAULT, Policy, Rules, policy_of, read_current
from deskline.core.policy.replan import Replan, replan
from deskline.storage import changes, queries
from deskline.storage import policy as rows
from deskline.storage.models import Agent
from deskline.storage.store import Store

APPLIED = "policy_applied"
# Tests only: seconds to wait inside the applying transaction, after everything is written
# and before the commit (to kill a process mid-apply).
HOLD_ENV = "DESKLINE_TEST_POLICY_HOLD"


@dataclass(frozen=True)
class Preview:
    """A policy against the desk's current one, and what it would do to open tickets."""

    old: Policy
    new: Policy
    impact: Replan

    @property
    def same(self) -> bool:
        return self.old.digest == self.new.digest

    def diff(self) -> str:
        """The effective policies, old and new, as a unified diff of their TOML."""
        return "".join(
            difflib.unified_diff(
                self.old.body.splitlines(keepends=True),
                self.new.body.splitlines(keepends=True),
                fromfile=f"version {self.old.version}",
                tofile=f"version {self.new.version} (new)",
            )
        )


def preview(store: Store, rules: Rules, now: datetime) -> Preview:
    """What applying ``rules`` now would do (changes nothing)."""
    with store.read() as s:
        return _preview(s, rules, now)


def _preview(session: Session, rules: Rules, now: datetime) -> Preview:
    old = read_current(session)
    new = policy_of(rules, old.version + 1)
    impact = replan(session, new.sla, Ladder(new.alerts), now, before=old.sla)
    return Preview(old, new, impact)


def check_admin(store: Store, handle: str) -> None:
    """Forbidden unless ``handle`` is an admin of the desk (before asking anything)."""
    with store.read() as s:
        require_admin(s, handle)


def require_admin(session: Session, handle: str) -> Agent:
    agent = queries.agent_by_handle(session, handle)
    if agent is None or agent.role != "admin":
        role = agent.role if agent else _("not an agent of this desk")
        raise Forbidden(
            _("only an admin can change the desk's policy; you ({handle}) are {role}").format(
                handle=handle, role=role
            )
        )
    return agent


def apply(
    store: Store,
    rules: Rules,
    *,
    actor: str,
    now: datetime,
    source: str | None = None,
    note: str | None = None,
    expect_version: int | None = None,
) -> Preview:
    """Write ``rules`` as the desk's next policy version, as admin ``actor``; nothing when
    they are the current policy (``Preview.same``). ``expect_version``: refuse if the
    desk's version moved since the preview shown (someone applied meanwhile)."""
    with store.write() as s:
        agent = require_admin(s, actor)
        rows.lock(s)
        found = _preview(s, rules, now)
        if expect_version is not None and found.old.version != expect_version:
            raise StaleEdit(
                _(
                    "the desk's policy moved to version {found} since you looked "
                    "(version {expected}); nothing was applied: look again"
                ).format(found=found.old.version, expected=expect_version)
            )
        if not found.same:
            _write(s, found, agent, actor, now, source, note)
    return found


def import_local(store: Store, rules: Rules, *, handle: str, source: str, now: datetime) -> bool:
    """A desk with no policy yet takes ``rules`` as version 1 (True). A desk with one is
    left alone (False): the caller compares."""
    with store.write() as s:
        rows.lock(s)
        if rows.latest_version(s) != 0:
            return False
        found = _preview(s, rules, now)
        agent = queries.agent_by_handle(s, handle)
        _write(s, found, agent, handle, now, source, "imported from the local deskline.toml")
    return True


DEFAULTS_SOURCE = "built-in defaults"


def pin_defaults(store: Store, *, handle: str, now: datetime) -> Policy | None:
    """A desk with no policy yet stores the built-in defaults as version 1 (what it ran on
    until now: nothing moves), their "business" calendar in this machine's timezone, written
    out, so another machine in another zone reads the same hours. None when the desk has a
    policy already, or this login may not write one (it runs on the defaults meanwhile)."""
    with store.read() as s:
        if rows.latest_version(s) != 0 or not rows.may_write(s):
            return None
    with store.write() as s:
        rows.lock(s)
        if rows.latest_version(s) != 0:
            return None  # another process pinned or applied one first
        found = _preview(s, DEFAULT.rules, now)
        agent = queries.agent_by_handle(s, handle)
        zone = found.new.sla.calendars["business"].timezone
        note = f"the built-in defaults; business hours in {zone}"
        _write(s, found, agent, handle, now, DEFAULTS_SOURCE, note)
    return found.new


def _write(
    s: Session,
    found: Preview,
    agent: Agent | None,
    handle: str,
    now: datetime,
    source: str | None,
    note: str | None,
) -> None:
    new = found.new
    rows.add(
        s,
        version=new.version,
        body=new.body,
        digest=new.digest,
        at=now,
        applied_by=handle,
        source=source,
        note=note,
    )
    record_desk_event(
        s,
        agent,
        now,
        APPLIED,
        {"version": found.old.version, "digest": found.old.digest},
        {"version": new.version, "digest": new.digest},
        note,
    )
    stored = replan(s, new.sla, Ladder(new.alerts), now, store=True)
    changes.record(s, list(stored.changed), "sla", now)
    changes.record(s, [None], "policy", now)
    hold = os.environ.get(HOLD_ENV)
    if hold:
        s.flush()
        print(f"policy hold: version {new.version} written, not committed", flush=True)
        time.sleep(float(hold))


def adopt_local(
    store: Store, rules: Rules, *, source: str, handle: str, now: datetime
) -> str | None:
    """A local deskline.toml's policy sections against the desk's policy: a desk with none
    yet imports them as version 1 (the message to show); the same policy is fine (None);
    another is a ConfigError naming the file and ``policy apply``."""
    wanted = policy_of(rules)
    with store.read() as s:
        current = read_current(s)
    if current.version == 0 and import_local(store, rules, handle=handle, source=source, now=now):
        return (
            f"imported the desk's policy from {source} as version 1; "
            "change it with `deskline policy apply`"
        )
    if current.version == 0:  # another process imported first: compare with theirs
        with store.read() as s:
            current = read_current(s)
    if current.digest == wanted.digest:
        return None
    raise ConfigError(
        _(
            "{source}: its policy sections differ from the desk's policy (version "
            "{version}, in the database): remove them from the file, or make them "
            "the desk's with `deskline policy apply {source}`"
        ).format(source=source, version=current.version)
    )
