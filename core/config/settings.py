"""deskline.toml: where it is found, what it may say, and the defaults when it says nothing.

Validation is strict: an unknown key, a bad value or a reference to a calendar that does
not exist is one ``ConfigError`` naming the file, the key path and the problem, and
nothing starts half-configured.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from platformdirs import user_config_dir

from deskline.core.alerts.ladder import AlertRules
from deskline.core.desk import fields
from deskline.core.desk.templates import Template
from deskline.core.desk.workflow import OPEN
from deskline.core.errors import DesklineError
from deskline.core.routing.route import RoutingRules
from deskline.core.routing.surge import SurgeRule
from deskline.core.routing.triage import TriageRules
from deskline.core.sla.calendar import (
    BusinessCalendar,
    CalendarError,
    Duration,
    DurationError,
    parse_duration,
)
from deskline.core.sla.clocks import Policy, SlaRules, Target

ENV = "DESKLINE_CONFIG"
FILE_NAME = "deskline.toml"
PRIORITY_KEYS = ("first_response", "resolution", "calendar")
SECTIONS = ("calendars", "sla", "routing", "triage", "templates", "surge", "keys", "ui", "alerts")
T = TypeVar("T")


class ConfigError(DesklineError):
    """deskline.toml (or the value given for it) cannot be used."""

    exit_code = 2


def local_timezone() -> str:
    """The machine's IANA timezone name, for the default business calendar."""
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # no zone configured on the machine
        return "UTC"


def default_calendars() -> dict[str, BusinessCalendar]:
    return {
        "always": BusinessCalendar.always(),
        "business": BusinessCalendar.weekdays(local_timezone()),
    }


DEFAULT_TARGETS = {
    "P0": ("15m", "2h", "always"),
    "P1": ("30m", "4h", "always"),
    "P2": ("1h", "24h", "business"),
    "P3": ("4h", "3bd", "business"),
}


def default_rules() -> SlaRules:
    targets = {
        p: Target(parse_duration(fr), parse_duration(res), cal)
        for p, (fr, res, cal) in DEFAULT_TARGETS.items()
    }
    return SlaRules(targets=targets, calendars=default_calendars())


@dataclass(frozen=True)
class UiConfig:
    """``[ui]``: the theme, ASCII glyphs, and users' own themes (checked by the app)."""

    theme: str | None = None
    ascii: bool = False
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> slot -> colour


@dataclass(frozen=True)
class DeskConfig:
    """The effective configuration and the file it came from (None: the defaults)."""

    sla: SlaRules
    source: Path | None = None
    routing: RoutingRules = field(default_factory=RoutingRules)
    triage: TriageRules = field(default_factory=TriageRules)
    templates: tuple[Template, ...] = ()
    surge: SurgeRule = field(default_factory=SurgeRule)
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys, for the app
    ui: UiConfig = field(default_factory=UiConfig)
    alerts: AlertRules = field(default_factory=AlertRules)


def find_config(explicit: str | None = None) -> Path | None:
    """``--config``, else DESKLINE_CONFIG, else ./deskline.toml, else the user config dir."""
    for given, what in ((explicit, "--config"), (os.environ.get(ENV) or None, ENV)):
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise ConfigError(f"{what}: config file {path} not found")
            return path
    for candidate in (Path.cwd() / FILE_NAME, Path(user_config_dir("deskline")) / FILE_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: str | None = None) -> DeskConfig:
    path = find_config(explicit)
    if path is None:
        return DeskConfig(default_rules())
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}{_toml_hint(text, exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    return parse_desk_config(data, str(path), path)


def parse_desk_config(
    data: Mapping[str, Any], source: str = "deskline.toml", path: Path | None = None
) -> DeskConfig:
    """Everything a deskline.toml describes: SLA, routing, triage, templates and surge."""
    from deskline.core.config import alerts as config_alerts
    from deskline.core.config import routing as config_rules

    read = _Reader(source)
    return DeskConfig(
        sla=parse_config(data, source),
        source=path,
        routing=config_rules.parse_routing(read, data),
        triage=config_rules.parse_triage(read, data),
        templates=config_rules.parse_templates(read, data),
        surge=config_rules.parse_surge(read, data),
        keys=_keys(read, data),
        ui=_ui(read, data),
        alerts=config_alerts.parse_alerts(read, data),
    )


def _keys(read: _Reader, data: Mapping[str, Any]) -> dict[str, str]:
    """``[keys]``: binding id = "key[,key]". The app checks the ids it knows."""
    keys = read.table(data.get("keys", {}), "keys")
    for name, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            raise read.fail(f"keys.{name}", f'must be a key text like "ctrl+n", not {value!r}')
    return {name: value.strip() for name, value in keys.items()}


def _ui(read: _Reader, data: Mapping[str, Any]) -> UiConfig:
    """``[ui]``: theme name, ascii, ``[ui.themes.NAME]`` tables (their colours: the app)."""
    ui = read.table(data.get("ui", {}), "ui")
    read.only(ui, "ui", ("theme", "ascii", "themes"))
    themes = read.table(ui.get("themes", {}), "ui.themes")
    return UiConfig(
        theme=read.get(ui, "theme", "ui", _string) if "theme" in ui else None,
        ascii=read.get(ui, "ascii", "ui", _bool) if "ascii" in ui else False,
        themes={
            name: dict(read.table(table, f"ui.themes.{name}")) for name, table in themes.items()
        },
    )


def desk_toml(config: DeskConfig) -> str:
    """The effective configuration, every section, as deskline.toml text."""
    from deskline.core.config import alerts as config_alerts
    from deskline.core.config import routing as config_rules

    sections = config_rules.to_toml(config.routing, config.triage, config.templates, config.surge)
    sections += "\n" + config_alerts.to_toml(config.alerts)
    keys = "".join(f"{name} = {_toml(value)}\n" for name, value in config.keys.items())
    ui = config.ui
    ui_lines = ([f"theme = {_toml(ui.theme)}\n"] if ui.theme else []) + (
        ["ascii = true\n"] if ui.ascii else []
    )
    ui_text = f"\n[ui]\n{''.join(ui_lines)}" if ui_lines else ""
    for name, table in ui.themes.items():
        rows = "".join(f"{key} = {_toml(value)}\n" for key, value in table.items())
        ui_text += f"\n[ui.themes.{_toml(name)}]\n{rows}"
    body = to_toml(config.sla) + "\n" + sections + (f"\n[keys]\n{keys}" if keys else "")
    return body + ui_text


def _toml_hint(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Inline tables spread over lines are the common slip (TOML 1.0 forbids them)."""
    match = re.search(r"at line (\d+)", str(exc))
    lines = text.splitlines()
    if match and 0 < int(match.group(1)) <= len(lines):
        line = lines[int(match.group(1)) - 1]
        if "{" in line and "}" not in line:
            return (
                "; an inline table { ... } must stay on one line: write it as a table,"
                " e.g. [calendars.NAME.hours] with one weekday per line"
            )
    return ""


# -- reading ------------------------------------------------------------------------------


class _Reader:
    """Walks the TOML data, remembering the key path for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {path}: {problem}")

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "must be a table")
        return value

    def only(self, table: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise self.fail(where, f"unknown key; expected one of {', '.join(allowed)}")

    def get(self, table: Mapping[str, Any], key: str, path: str, convert: Callable[[Any], T]) -> T:
        try:
            return convert(table[key])
        except (ValueError, TypeError, DesklineError) as exc:
            raise self.fail(f"{path}.{key}" if path else key, str(exc)) from None


MAX_TARGET = Duration(seconds=10_000 * 3600, business_days=1000)


def _duration(value: Any) -> Duration:
    if not isinstance(value, str):
        raise ValueError(f'must be a duration text like "2h", not {value!r}')
    return check_target(parse_duration(value))


def check_target(duration: Duration) -> Duration:
    """A target a desk can live with: not beyond 1000 business days or 10,000 hours."""
    if duration.business_days > MAX_TARGET.business_days or duration.seconds > MAX_TARGET.seconds:
        raise ValueError(f"{duration} is too long: keep targets within 1000bd or 10000h")
    return duration


def _lead(value: Any) -> timedelta:
    duration = _duration(value)
    if duration.business_days:
        raise ValueError(f"{value!r}: a warning lead is hours or minutes, not business days")
    return timedelta(seconds=duration.seconds)


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, not {value!r}")
    return value.strip()


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _percent(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise ValueError(f"must be a number above 0 and at most 100, not {value!r}")
    return float(value)


def _factor(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
        raise ValueError(f"must be a number above 0 and at most 10 (0.5 halves), not {value!r}")
    return float(value)


def _tier(value: Any) -> str:
    if value not in ("standard", "vip"):
        raise ValueError(f'must be "standard" or "vip", not {value!r}')
    return str(value)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"must be a list, not {value!r}")
    return value


def _calendar(table: Mapping[str, Any], path: str, read: _Reader) -> BusinessCalendar:
    read.only(table, path, ("timezone", "hours", "holidays", "holiday_country", "holiday_subdiv"))
    if "hours" not in table:
        raise read.fail(path, 'needs hours: "24x7" or { mon = ["09:00-18:00"], ... }')
    holidays = table.get("holidays", [])
    if not isinstance(holidays, list) or not all(isinstance(d, str | date) for d in holidays):
        raise read.fail(f"{path}.holidays", "must be a list of dates like 2026-10-01")
    try:
        return BusinessCalendar(
            timezone=table.get("timezone", "UTC" if table["hours"] == "24x7" else local_timezone()),
            hours=table["hours"],
            holidays=holidays,
            holiday_country=table.get("holiday_country"),
            holiday_subdiv=table.get("holiday_subdiv"),
        )
    except (CalendarError, DurationError, ValueError, TypeError) as exc:
        raise read.fail(path, str(exc)) from None


def _priority_override(
    table: Mapping[str, Any], path: str, read: _Reader, calendars: Mapping[str, Any]
) -> dict[str, Any]:
    read.only(table, path, PRIORITY_KEYS)
    found: dict[str, Any] = {}
    for key in ("first_response", "resolution"):
        if key in table:
            found[key] = read.get(table, key, path, _duration)
    if "calendar" in table:
        found["calendar"] = _known_calendar(table, path, read, calendars)
    return found


def _known_calendar(
    table: Mapping[str, Any], path: str, read: _Reader, calendars: Mapping[str, Any]
) -> str:
    name = read.get(table, "calendar", path, _string)
    if name not in calendars:
        known = ", ".join(sorted(calendars))
        raise read.fail(f"{path}.calendar", f"unknown calendar {name!r}; known: {known}")
    return name


def _policy(
    table: Mapping[str, Any], path: str, read: _Reader, calendars: Mapping[str, Any]
) -> Policy:
    read.only(
        table,
        path,
        ("name", "tier", "category", "channel", "factor", "calendar", *fields.PRIORITIES),
    )
    if "name" not in table:
        raise read.fail(path, 'needs a name, e.g. name = "VIP customers"')
    return Policy(
        name=read.get(table, "name", path, _string),
        tier=read.get(table, "tier", path, _tier) if "tier" in table else None,
        category=read.get(table, "category", path, fields.category_path)
        if "category" in table
        else None,
        channel=read.get(table, "channel", path, fields.channel) if "channel" in table else None,
        factor=read.get(table, "factor", path, _factor) if "factor" in table else 1.0,
        calendar=_known_calendar(table, path, read, calendars) if "calendar" in table else None,
        targets={
            p: _priority_override(
                read.table(table[p], f"{path}.{p}"), f"{path}.{p}", read, calendars
            )
            for p in fields.PRIORITIES
            if p in table
        },
    )


def parse_config(data: Mapping[str, Any], source: str = "deskline.toml") -> SlaRules:
    """The SLA rules a deskline.toml describes, over the defaults."""
    read = _Reader(source)
    read.only(data, "", SECTIONS)  # the other sections: parse_desk_config
    calendars = default_calendars()
    for name, table in read.table(data.get("calendars", {}), "calendars").items():
        path = f"calendars.{name}"
        calendars[name] = _calendar(read.table(table, path), path, read)

    sla = read.table(data.get("sla", {}), "sla")
    read.only(
        sla,
        "sla",
        (
            *fields.PRIORITIES,
            "warning_leads",
            "at_risk_percent",
            "pause_on",
            "on_reopen",
            "note_counts_as_response",
            "policies",
        ),
    )
    targets = default_rules().targets
    for priority in fields.PRIORITIES:
        if priority in sla:
            path = f"sla.{priority}"
            override = _priority_override(read.table(sla[priority], path), path, read, calendars)
            targets[priority] = Target(
                first_response=override.get("first_response", targets[priority].first_response),
                resolution=override.get("resolution", targets[priority].resolution),
                calendar=override.get("calendar", targets[priority].calendar),
            )
    rules = SlaRules(targets=targets, calendars=calendars)
    options: dict[str, Any] = {}
    if "warning_leads" in sla:
        leads = read.get(sla, "warning_leads", "sla", _list)
        options["warning_leads"] = tuple(
            sorted(
                (read.get({"warning_leads": v}, "warning_leads", "sla", _lead) for v in leads),
                reverse=True,
            )
        )
    if "at_risk_percent" in sla:
        options["at_risk_percent"] = read.get(sla, "at_risk_percent", "sla", _percent)
    if "pause_on" in sla:
        statuses = read.get(sla, "pause_on", "sla", _list)
        open_ = sorted(s.value for s in OPEN)
        for status in statuses:
            if status not in open_:
                raise read.fail("sla.pause_on", f"{status!r} is not an open status; use {open_}")
        options["pause_on"] = frozenset(statuses)
    if "on_reopen" in sla:
        options["on_reopen"] = sla["on_reopen"]
        if sla["on_reopen"] not in ("resume", "restart"):
            raise read.fail(
                "sla.on_reopen", f'must be "resume" or "restart", not {sla["on_reopen"]!r}'
            )
    if "note_counts_as_response" in sla:
        options["note_counts_as_response"] = read.get(sla, "note_counts_as_response", "sla", _bool)
    if "policies" in sla:
        policies = read.get(sla, "policies", "sla", _list)
        options["policies"] = tuple(
            _policy(read.table(p, f"sla.policies[{i}]"), f"sla.policies[{i}]", read, calendars)
            for i, p in enumerate(policies)
        )
    result = SlaRules(**{**rules.__dict__, **options})
    _check_targets(result, read)
    return result


def _check_targets(rules: SlaRules, read: _Reader) -> None:
    """Targets that make sense together: none zero after a policy's factor, and a first
    response no later than the resolution (when both are plain time)."""
    places = [("sla", None)] + [(f"sla.policies[{i}]", p) for i, p in enumerate(rules.policies)]
    for where, policy in places:
        for priority in fields.PRIORITIES:
            if policy is None:
                target = rules.targets[priority]
            else:
                target = rules.target_for(
                    priority, tier=policy.tier, category=policy.category, channel=policy.channel
                )
            for name in ("first_response", "resolution"):
                value = getattr(target, name)
                if not (value.seconds or value.business_days):
                    raise read.fail(
                        f"{where}.{priority}", f"{name} comes to 0s; raise the factor or target"
                    )
            first, resolution = target.first_response, target.resolution
            if not first.business_days and not resolution.business_days:
                if first.seconds > resolution.seconds:
                    raise read.fail(
                        f"{where}.{priority}",
                        f"first_response {first} is longer than resolution {resolution}",
                    )


# -- writing ------------------------------------------------------------------------------


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def _calendar_table(calendar: BusinessCalendar) -> dict[str, Any]:
    shown: dict[str, Any] = {"timezone": calendar.timezone}
    shown["hours"] = "24x7" if calendar.is_always_open else calendar.weekly_hours()
    if calendar.holidays:
        shown["holidays"] = sorted(calendar.holidays)
    if calendar.holiday_country:
        shown["holiday_country"] = calendar.holiday_country
    if calendar.holiday_subdiv:
        shown["holiday_subdiv"] = calendar.holiday_subdiv
    return shown


def to_toml(rules: SlaRules) -> str:
    """The effective configuration, as deskline.toml text."""
    lines: list[str] = []
    for name, calendar in rules.calendars.items():
        lines.append(f"[calendars.{name}]")
        lines += [f"{k} = {_toml(v)}" for k, v in _calendar_table(calendar).items()]
        lines.append("")
    lines.append("[sla]")
    lines.append(f"warning_leads = {_toml([str(_as_duration(x)) for x in rules.warning_leads])}")
    lines.append(f"at_risk_percent = {_toml(rules.at_risk_percent)}")
    lines.append(f"pause_on = {_toml(sorted(rules.pause_on))}")
    lines.append(f"on_reopen = {_toml(rules.on_reopen)}")
    lines.append(f"note_counts_as_response = {_toml(rules.note_counts_as_response)}")
    lines.append("")
    for priority, target in rules.targets.items():
        lines.append(f"[sla.{priority}]")
        lines.append(f"first_response = {_toml(str(target.first_response))}")
        lines.append(f"resolution = {_toml(str(target.resolution))}")
        lines.append(f"calendar = {_toml(target.calendar)}")
        lines.append("")
    for policy in rules.policies:
        lines.append("[[sla.policies]]")
        for key in ("name", "tier", "category", "channel", "calendar"):
            if getattr(policy, key) is not None:
                lines.append(f"{key} = {_toml(getattr(policy, key))}")
        if policy.factor != 1.0:
            lines.append(f"factor = {_toml(policy.factor)}")
        for priority, override in policy.targets.items():
            shown = {k: str(v) if isinstance(v, Duration) else v for k, v in override.items()}
            lines.append(f"{priority} = {_toml(shown)}")
        lines.append("")
    return "\n".join(lines)


def _as_duration(lead: timedelta) -> Duration:
    return Duration(seconds=int(lead.total_seconds()))
