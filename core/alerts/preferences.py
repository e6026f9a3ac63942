"""A person's own notification preferences (``agent.notify``): which channels reach them and
their quiet hours. The rules are pure (``now`` is an argument); ``show`` and ``change`` read
and write them (only the person themselves or an admin changes them).

Stored as JSON: ``{"channels": ["app", "desktop", "email"], "quiet": "22:00-07:00",
"timezone": "Europe/Lisbon", "language": "zh_CN"}``. A channel left out is never delivered
to them; in their quiet hours desktop and email deliveries below breach level are skipped
(in-app stays). ``language``: the language of their alert texts (toast, desktop
notification, email); absent, their app's own language (the webhook's JSON is the desk's,
in no one's language).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskline.core.errors import Forbidden, InvalidInput
from deskline.core.language import _, normalise, shipped
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
    language: str | None = None  # a catalogue code (zh_CN); None: the app's own

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
        data["language"] = self.language
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
            _("--channels {given}: give one or more of {known}, like app,desktop").format(
                given=",".join(names) or _("(none)"), known=", ".join(CHANNELS)
            )
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
            _("--quiet {given}: give the hours as HH:MM-HH:MM, like 22:00-07:00, or off").format(
                given=text
            )
        ) from None
    if start == end:
        raise InvalidInput(
            _("--quiet {given}: the start and the end are the same time").format(given=text)
        )
    return start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)


def parse_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            _("--tz {given}: not a time zone; use a name like Europe/Lisbon").format(given=name)
        ) from None
    return name


def parse_language(text: str) -> str | None:
    """``zh_CN`` (a locale name like ``zh_CN.UTF-8`` is fine), or ``off`` (the app's own)."""
    if text.strip().lower() in ("off", "none", ""):
        return None
    code = normalise(text)
    if code is None:
        raise InvalidInput(
            _("--language {given}: deskline speaks {known}; or off for the app's own").format(
                given=text, known=", ".join(shipped())
            )
        )
    return code


def from_json(data: Mapping[str, Any] | None) -> Preferences:
    """The stored JSON read leniently: what cannot be used falls back to the default."""
    if not data:
        return Preferences()
    prefs = Preferences()
    try:
        channels = frozenset(c for c in data.get("channels") or () if c in CHANNELS)
        quiet = parse_quiet(data["quiet"]) if data.get("quiet") else None
        zone = str(data.get("timezone") or "UTC")
        language = normalise(str(data["language"])) if data.get("language") else None
    except (InvalidInput, TypeError, AttributeError):
        return prefs
    return Preferences(channels or prefs.channels, quiet, zone, language)


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
    language: Any = _KEEP,  # a code, None (the app's own), or left as it is
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
                _(
                    "only {handle} or an admin can change {handle}'s notification preferences"
                ).format(handle=handle)
            )
        prefs = from_json(agent.notify)
        prefs = Preferences(
            channels if channels is not None else prefs.channels,
            prefs.quiet if quiet is _KEEP else quiet,
            timezone or prefs.timezone,
            prefs.language if language is _KEEP else language,
        )
        rows.set_notify(s, handle, prefs.to_json())
    return prefs


def keep() -> Any:
    """The value meaning "leave it as it is" for ``change``'s quiet hours and language."""
    return _KEEP


def language_of(s: Any, handles: Sequence[str]) -> dict[str, str]:
    """The alert language each of these people chose (those who chose one), in ``s``."""
    found = {h: from_json(n).language for h, n in rows.preferences(s, list(handles)).items()}
    return {h: code for h, code in found.items() if code}
