"""A person's own notification preferences (``agent.notify``): which channels reach them and
their quiet hours. The rules are pure (``now`` is an argument); ``show`` and ``change`` read
and write them (only the person themselves or an admin changes them).

Stored as JSON: ``{"channels": ["app", "desktop", "email"], "quiet": "22:00-07:00",
"timezone": "Europe/Lisbon"}``. A channel left out is never delivered to them; in their
quiet hours desktop and email deliveries below breach level are skipped (in-app stays).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskline.core.errors import Forbidden, InvalidInput
from deskline.core.roster.agents import unknown_agent
from deskline.storage import alerts as rows
from deskline.storage import queries
from deskline.storage.store import Store

CHANNELS = ("app", "desktop", "email")  # a person's own; the webhook is the desk's


@dataclass(frozen=True)
class Preferences:
    channels: frozenset[str] = frozenset(CHANNELS)
    quiet: tuple[time, time] | None = None  # from, to (may cross midnight)
    timezone: str = "UTC"

    def wants(self, channel: str) -> bool:
        return channel not in CHANNELS or channel in self.channels

    def is_quiet(self, now: datetime) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        local = now.astimezone(_zone(self.timezone)).time()
        if start <= end:
            return start <= local < end
        return local >= start or local < end

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"channels": [c for c in CHANNELS if c in self.channels]}
        data["quiet"] = quiet_text(self.quiet) if self.quiet else None
        data["timezone"] = self.timezone
        return data


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_text(quiet: tuple[time, time]) -> str:
    return f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}"


def parse_channels(text: str | Sequence[str]) -> frozenset[str]:
    names = [c.strip() for c in (text.split(",") if isinstance(text, str) else text)]
    names = [c for c in names if c]
    bad = [c for c in names if c not in CHANNELS]
    if bad or not names:
        raise InvalidInput(
            f"--channels {','.join(names) or '(none)'}: give one or more of "
            f"{', '.join(CHANNELS)}, like app,desktop"
        )
    return frozenset(names)


def parse_quiet(text: str) -> tuple[time, time] | None:
    """``22:00-07:00`` (may cross midnight), or ``off``."""
    if text.strip().lower() == "off":
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise InvalidInput(
            f"--quiet {text}: give the hours as HH:MM-HH:MM, like 22:00-07:00, or off"
        ) from None
    if start == end:
        raise InvalidInput(f"--quiet {text}: the start and the end are the same time")
    return start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)


def parse_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"--tz {name}: not a time zone; use a name like Europe/Lisbon") from None
    return name


def from_json(data: Mapping[str, Any] | None) -> Preferences:
    """The stored JSON read leniently: what cannot be used falls back to the default."""
    if not data:
        return Preferences()
    prefs = Preferences()
    try:
        channels = frozenset(c for c in data.get("channels") or () if c in CHANNELS)
        quiet = parse_quiet(data["quiet"]) if data.get("quiet") else None
        zone = str(data.get("timezone") or "UTC")
    except (InvalidInput, TypeError, AttributeError):
        return prefs
    return Preferences(channels or prefs.channels, quiet, zone)


_KEEP: Any = object()  # a setting not given: left as it is


def show(store: Store, handle: str) -> Preferences:
    with store.read() as s:
        agent = queries.agent_by_handle(s, handle)
        if agent is None:
            raise unknown_agent(handle)
        return from_json(agent.notify)


def change(
    store: Store,
    handle: str,
    *,
    by: str,
    channels: frozenset[str] | None = None,
    quiet: Any = _KEEP,  # (from, to), None (off), or left as it is
    timezone: str | None = None,
) -> Preferences:
    """Set ``handle``'s own preferences; ``by`` is who asks: themselves or an admin."""
    with store.write() as s:
        asker = queries.agent_by_handle(s, by)
        if asker is None:
            raise unknown_agent(by)
        agent = queries.agent_by_handle(s, handle) if handle != by else asker
        if agent is None:
            raise unknown_agent(handle)
        if agent.id != asker.id and asker.role != "admin":
            raise Forbidden(
                f"only {handle} or an admin can change {handle}'s notification preferences"
            )
        prefs = from_json(agent.notify)
        prefs = Preferences(
            channels if channels is not None else prefs.channels,
            prefs.quiet if quiet is _KEEP else quiet,
            timezone or prefs.timezone,
        )
        rows.set_notify(s, handle, prefs.to_json())
    return prefs


def keep() -> Any:
    """The value meaning "leave the quiet hours as they are" for ``change``."""
    return _KEEP
