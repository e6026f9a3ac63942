"""The ``[calendars]`` and ``[sla]`` sections of deskline.toml: business calendars, targets
per priority, warning leads, pauses and policies, read over the defaults and written back
out for ``deskline config show``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from deskline.core.clock import local_timezone
from deskline.core.config.reader import (
    Reader,
    array,
    boolean,
    duration,
    factor,
    percent,
    text,
    tier,
    wall_span,
)
from deskline.core.config.toml_text import span_text, toml_value
from deskline.core.desk import fields
from deskline.core.desk.workflow import OPEN
from deskline.core.language import N_, _
from deskline.core.sla.calendar import BusinessCalendar, CalendarError, Duration, DurationError
from deskline.core.sla.clocks import Policy, SlaRules, Target
from deskline.core.sla.defaults import default_calendars, default_rules

PRIORITY_KEYS = ("first_response", "resolution", "calendar")
CALENDAR_KEYS = ("timezone", "hours", "holidays", "holiday_country", "holiday_subdiv")
SLA_KEYS = (
    *fields.PRIORITIES,
    "warning_leads",
    "at_risk_percent",
    "pause_on",
    "on_reopen",
    "note_counts_as_response",
    "policies",
)
POLICY_KEYS = ("name", "tier", "category", "channel", "factor", "calendar", *fields.PRIORITIES)

_lead = wall_span(N_("a warning lead is hours or minutes, not business days"))


# -- reading ------------------------------------------------------------------------------


def _calendar(table: Mapping[str, Any], path: str, read: Reader) -> BusinessCalendar:
    read.only(table, path, CALENDAR_KEYS)
    if "hours" not in table:
        raise read.fail(path, _('needs hours: "24x7" or { mon = ["09:00-18:00"], ... }'))
    holidays = table.get("holidays", [])
    if not isinstance(holidays, list) or not all(isinstance(d, str | date) for d in holidays):
        raise read.fail(f"{path}.holidays", _("must be a list of dates like 2026-10-01"))
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
    table: Mapping[str, Any], path: str, read: Reader, calendars: Mapping[str, Any]
) -> dict[str, Any]:
    read.only(table, path, PRIORITY_KEYS)
    found: dict[str, Any] = {}
    for key in ("first_response", "resolution"):
        if key in table:
            found[key] = read.get(table, key, path, duration)
    if "calendar" in table:
        found["calendar"] = _known_calendar(table, path, read, calendars)
    return found


def _known_calendar(
    table: Mapping[str, Any], path: str, read: Reader, calendars: Mapping[str, Any]
) -> str:
    name = read.get(table, "calendar", path, text)
    if name not in calendars:
        known = ", ".join(sorted(calendars))
        raise read.fail(
            f"{path}.calendar",
            _("unknown calendar {name}; known: {known}").format(name=repr(name), known=known),
        )
    return name


def _policy(
    table: Mapping[str, Any], path: str, read: Reader, calendars: Mapping[str, Any]
) -> Policy:
    read.only(table, path, POLICY_KEYS)
    if "name" not in table:
        raise read.fail(path, _('needs a name, e.g. name = "VIP customers"'))
    return Policy(
        name=read.get(table, "name", path, text),
        tier=read.get(table, "tier", path, tier) if "tier" in table else None,
        category=read.get(table, "category", path, fields.category_path)
        if "category" in table
        else None,
        channel=read.get(table, "channel", path, fields.channel) if "channel" in table else None,
        factor=read.get(table, "factor", path, factor) if "factor" in table else 1.0,
        calendar=_known_calendar(table, path, read, calendars) if "calendar" in table else None,
        targets={
            p: _priority_override(
                read.table(table[p], f"{path}.{p}"), f"{path}.{p}", read, calendars
            )
            for p in fields.PRIORITIES
            if p in table
        },
    )


def parse_sla(read: Reader, data: Mapping[str, Any]) -> SlaRules:
    """The SLA rules that ``[calendars]`` and ``[sla]`` describe, over the defaults."""
    calendars = default_calendars()
    for name, table in read.table(data.get("calendars", {}), "calendars").items():
        path = f"calendars.{name}"
        calendars[name] = _calendar(read.table(table, path), path, read)

    sla = read.table(data.get("sla", {}), "sla")
    read.only(sla, "sla", SLA_KEYS)
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
        leads = read.get(sla, "warning_leads", "sla", array)
        options["warning_leads"] = tuple(
            sorted(
                (read.get({"warning_leads": v}, "warning_leads", "sla", _lead) for v in leads),
                reverse=True,
            )
        )
    if "at_risk_percent" in sla:
        options["at_risk_percent"] = read.get(sla, "at_risk_percent", "sla", percent)
    if "pause_on" in sla:
        statuses = read.get(sla, "pause_on", "sla", array)
        open_ = sorted(s.value for s in OPEN)
        for status in statuses:
            if status not in open_:
                raise read.fail(
                    "sla.pause_on",
                    _("{status} is not an open status; use {known}").format(
                        status=repr(status), known=open_
                    ),
                )
        options["pause_on"] = frozenset(statuses)
    if "on_reopen" in sla:
        options["on_reopen"] = sla["on_reopen"]
        if sla["on_reopen"] not in ("resume", "restart"):
            raise read.fail(
                "sla.on_reopen",
                _('must be "resume" or "restart", not {value}').format(
                    value=repr(sla["on_reopen"])
                ),
            )
    if "note_counts_as_response" in sla:
        options["note_counts_as_response"] = read.get(
            sla, "note_counts_as_response", "sla", boolean
        )
    if "policies" in sla:
        policies = read.get(sla, "policies", "sla", array)
        options["policies"] = tuple(
            _policy(read.table(p, f"sla.policies[{i}]"), f"sla.policies[{i}]", read, calendars)
            for i, p in enumerate(policies)
        )
    result = SlaRules(**{**rules.__dict__, **options})
    _check_targets(result, read)
    return result


def _check_targets(rules: SlaRules, read: Reader) -> None:
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
                        f"{where}.{priority}",
                        _("{key} comes to 0s; raise the factor or target").format(key=name),
                    )
            first, resolution = target.first_response, target.resolution
            if not first.business_days and not resolution.business_days:
                if first.seconds > resolution.seconds:
                    raise read.fail(
                        f"{where}.{priority}",
                        _("first_response {first} is longer than resolution {resolution}").format(
                            first=first, resolution=resolution
                        ),
                    )


# -- writing ------------------------------------------------------------------------------


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
    """``[calendars]`` and ``[sla]`` as deskline.toml text (defaults included)."""
    lines: list[str] = []
    for name, calendar in rules.calendars.items():
        lines.append(f"[calendars.{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in _calendar_table(calendar).items()]
        lines.append("")
    lines.append("[sla]")
    lines.append(f"warning_leads = {toml_value([span_text(x) for x in rules.warning_leads])}")
    lines.append(f"at_risk_percent = {toml_value(rules.at_risk_percent)}")
    lines.append(f"pause_on = {toml_value(sorted(rules.pause_on))}")
    lines.append(f"on_reopen = {toml_value(rules.on_reopen)}")
    lines.append(f"note_counts_as_response = {toml_value(rules.note_counts_as_response)}")
    lines.append("")
    for priority, target in rules.targets.items():
        lines.append(f"[sla.{priority}]")
        lines.append(f"first_response = {toml_value(str(target.first_response))}")
        lines.append(f"resolution = {toml_value(str(target.resolution))}")
        lines.append(f"calendar = {toml_value(target.calendar)}")
        lines.append("")
    for policy in rules.policies:
        lines.append("[[sla.policies]]")
        for key in ("name", "tier", "category", "channel", "calendar"):
            if getattr(policy, key) is not None:
                lines.append(f"{key} = {toml_value(getattr(policy, key))}")
        if policy.factor != 1.0:
            lines.append(f"factor = {toml_value(policy.factor)}")
        for priority, override in policy.targets.items():
            shown = {k: str(v) if isinstance(v, Duration) else v for k, v in override.items()}
            lines.append(f"{priority} = {toml_value(shown)}")
        lines.append("")
    return "\n".join(lines)
