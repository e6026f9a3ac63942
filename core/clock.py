"""The one clock of the program, and how its times are written. ``DESKLINE_NOW`` freezes it
for tests and demos."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import overload

from deskline.core.inert import quoted
from deskline.core.language import _

ENV = "DESKLINE_NOW"
YEARS = (1970, 9000)  # the times deskline takes


class ClockError(ValueError):
    """DESKLINE_NOW holds something that is not an ISO time with an offset."""


def parse_instant(text: str) -> datetime:
    """An ISO-8601 time with offset (``2026-04-02T16:30:00+02:00`` or ``...Z``), as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(
            _(
                "bad time '{text}': use ISO 8601 with an offset, like 2026-04-02T16:30:00+02:00"
            ).format(text=quoted(text))
        ) from None
    if value.tzinfo is None:
        raise ClockError(
            _("time '{text}' has no offset: add one, like +02:00 or Z").format(text=quoted(text))
        )
    if not YEARS[0] <= value.year <= YEARS[1]:  # due times lie years ahead: keep them in range
        raise ClockError(
            _("time '{text}' is out of range: use a year from {first} to {last}").format(
                text=quoted(text), first=YEARS[0], last=YEARS[1]
            )
        )
    return value.astimezone(UTC)


def now() -> datetime:
    """The current time, timezone-aware UTC; frozen when DESKLINE_NOW is set."""
    frozen = os.environ.get(ENV)
    if frozen:
        try:
            return parse_instant(frozen)
        except ClockError as exc:
            raise ClockError(f"{ENV}: {exc}") from None
    return datetime.now(UTC)


def local_timezone() -> str:
    """The machine's IANA timezone name, for the default business calendar."""
    try:
        # Imported when asked: most importers of the clock never ask, and it costs ~7 ms.
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # no zone configured on the machine
        return "UTC"


@overload
def iso(value: datetime, *, milliseconds: bool = False) -> str: ...
@overload
def iso(value: None, *, milliseconds: bool = False) -> None: ...
@overload
def iso(value: datetime | None, *, milliseconds: bool = False) -> str | None: ...


def iso(value: datetime | None, *, milliseconds: bool = False) -> str | None:
    """An instant as UTC ISO-8601 with a ``Z`` (None stays None): to the second, or with
    ``milliseconds`` when it has any (times that were measured, not set)."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    spec = "milliseconds" if milliseconds and value.microsecond else "seconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")
