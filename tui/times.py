"""Times as people read them on screen: local time, short local time, countdowns."""

from __future__ import annotations

from datetime import datetime

from deskline.core.language import _


def local(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "—"


def local_short(value: datetime, now: datetime) -> str:
    """Local time, with the date only when it is not today."""
    here, today = value.astimezone(), now.astimezone()
    return here.strftime("%H:%M" if here.date() == today.date() else "%m-%d %H:%M")


def countdown(seconds: int) -> str:
    """``1:45:10`` left, ``-0:12:07`` overdue; days when long (``1d02h03m``; in Chinese
    ``1天02:03``, as many cells: a column of countdowns keeps its width)."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:  # past a day the seconds do not matter, and the cell stays narrow
        said = _("{sign}{days}d{hours}h{minutes}m")
        return said.format(sign=sign, days=days, hours=f"{hours:02}", minutes=f"{minutes:02}")
    return f"{sign}{hours}:{minutes:02}:{secs:02}"
