"""Writing deskline.toml: values as TOML text, for ``deskline config show``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from deskline.core.sla.calendar import Duration


def toml_value(value: Any) -> str:
    """One value as TOML: booleans, numbers, dates, arrays, inline tables; else a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def span_text(span: timedelta) -> str:
    """A wall-clock span as the duration text that reads back to it ("1h30m", "0s")."""
    return str(Duration(seconds=int(span.total_seconds())))
