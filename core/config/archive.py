"""``[archive]``: when closed tickets move to the archive, a policy section.

```toml
[archive]
after_days = 90      # closed at least this many days ago (0 or absent: 90)
enabled = true       # false: the nightly run archives nothing (`archive run` still can)
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deskline.core.config.reader import Reader, boolean
from deskline.core.language import _

ARCHIVE_KEYS = ("after_days", "enabled")
AFTER_DAYS = 90  # the default age
MOST_DAYS = 36500  # a hundred years: more is a typo


@dataclass(frozen=True)
class ArchiveRules:
    """Closed tickets closed at least ``after_days`` ago are archived (when ``enabled``)."""

    after_days: int = AFTER_DAYS
    enabled: bool = True


def days(value: Any) -> int:
    """A whole number of days, from 0 (the default) to MOST_DAYS."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST_DAYS:
        raise ValueError(
            _("must be a whole number of days from 0 to {most}, not {value}").format(
                most=MOST_DAYS, value=repr(value)
            )
        )
    return value or AFTER_DAYS


def parse_archive(read: Reader, data: Mapping[str, Any]) -> ArchiveRules:
    if "archive" not in data:
        return ArchiveRules()
    table = read.table(data["archive"], "archive")
    read.only(table, "archive", ARCHIVE_KEYS)
    after = read.get(table, "after_days", "archive", days) if "after_days" in table else AFTER_DAYS
    enabled = read.get(table, "enabled", "archive", boolean) if "enabled" in table else True
    return ArchiveRules(after, enabled)


def to_toml(rules: ArchiveRules) -> str:
    """``[archive]`` as deskline.toml text (the defaults: nothing, so a desk's policy
    digest stays what it was before the section existed)."""
    if rules == ArchiveRules():
        return ""
    return f"[archive]\nafter_days = {rules.after_days}\nenabled = {str(rules.enabled).lower()}\n"
