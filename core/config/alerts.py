"""The ``[alerts]`` section of deskline.toml: the ladder's workflow rungs, the watcher's
cadence and the desk's channels (``[alerts.webhook]``, ``[alerts.email]``); the bell and
desktop notifications are each person's own (``[notify]``, core/config/ui.py).

The SLA thresholds themselves (warning lead times, the at-risk percentage) are part of the
clock and live in ``[sla]``. An SMTP password is never read from the file: ``password_env``
names the environment variable that holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from deskline.core.alerts.ladder import (
    HOLDABLE,
    REPEATABLE,
    AlertRules,
    DeliverySettings,
    EmailSettings,
    QuietHours,
    Repeat,
    WebhookSettings,
)
from deskline.core.config.reader import Reader, boolean, text, wall_span
from deskline.core.config.reader import email_address as _address
from deskline.core.config.reader import env_name as _env_name
from deskline.core.config.reader import number_in as _number
from deskline.core.config.toml_text import span_text, toml_value
from deskline.core.language import N_, _

RUNG_KEYS = (
    "unassigned_after",
    "not_started_after",
    "pending_close_after",
    "resolved_close_after",
)
ALERT_KEYS = (
    "enabled",
    *RUNG_KEYS,
    "hand_back",
    "late_after",
    "sweep",
    "lease",
    "webhook",
    "email",
    "delivery",
    "repeat",
    "quiet",
)
PERSONAL_KEYS = ("bell", "desktop")  # moved to [notify] (core/config/ui.py)
REPEAT_KEYS = ("every", "times")
QUIET_KEYS = ("enabled", "priorities", "rungs")
PRIORITIES = ("P0", "P1", "P2", "P3")
WEBHOOK_KEYS = ("url", "levels", "timeout", "retries")
DELIVERY_KEYS = ("give_up_after", "first_retry", "max_retry", "workers")
EMAIL_KEYS = ("host", "port", "starttls", "user", "password_env", "sender", "levels")


_span = wall_span(N_("give minutes or hours here, not business days"))


def _span_or_off(value: Any) -> timedelta | None:
    """A wall-clock span, or false to turn the rung off."""
    if value is False:
        return None
    return _span(value)


def _levels(value: Any) -> frozenset[int]:
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 3 for v in value
    ):
        raise ValueError(
            _("must be a list of alert levels from 0 to 3, like [2, 3], not {value}").format(
                value=repr(value)
            )
        )
    return frozenset(value)


def _url(value: Any) -> str:
    given = text(value)
    parsed = urlparse(given)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(
            _("must be an http:// or https:// URL, not {given}").format(given=repr(given))
        )
    return given


def parse_alerts(read: Reader, data: Mapping[str, Any]) -> AlertRules:
    table = read.table(data.get("alerts", {}), "alerts")
    for key in PERSONAL_KEYS:
        if key in table:
            raise read.fail(
                f"alerts.{key}",
                _(
                    "is a person's own setting now: move it to [notify] {key} in their local "
                    "deskline.toml"
                ).format(key=key),
            )
    read.only(table, "alerts", ALERT_KEYS)
    rules = AlertRules()
    found: dict[str, Any] = {}
    for key in ("enabled", "hand_back"):
        if key in table:
            found[key] = read.get(table, key, "alerts", boolean)
    for key in RUNG_KEYS:
        if key in table:
            found[key] = read.get(table, key, "alerts", _span_or_off)
    for key in ("late_after", "sweep", "lease"):
        if key in table:
            found[key] = read.get(table, key, "alerts", _span)
    if "webhook" in table:
        found["webhook"] = _webhook(read, read.table(table["webhook"], "alerts.webhook"))
    if "email" in table:
        found["email"] = _email(read, read.table(table["email"], "alerts.email"))
    if "delivery" in table:
        found["delivery"] = _delivery(read, read.table(table["delivery"], "alerts.delivery"))
    if "repeat" in table:
        found["repeat"] = _repeat(read, read.table(table["repeat"], "alerts.repeat"))
    if "quiet" in table:
        found["quiet"] = _quiet(read, read.table(table["quiet"], "alerts.quiet"))
    rules = replace(rules, **found)
    if rules.lease <= rules.sweep:
        raise read.fail(
            "alerts.lease",
            _(
                "must be longer than alerts.sweep ({seconds} s): "
                "a live watcher renews its lease on every sweep"
            ).format(seconds=f"{rules.sweep.total_seconds():g}"),
        )
    return rules


def _repeat(read: Reader, table: Mapping[str, Any]) -> dict[str, Repeat]:
    found: dict[str, Repeat] = {}
    read.only(table, "alerts.repeat", REPEATABLE)
    for rung, value in table.items():
        path = f"alerts.repeat.{rung}"
        if value is False:
            continue
        cadence = read.table(value, path)
        read.only(cadence, path, REPEAT_KEYS)
        if "every" not in cadence or "times" not in cadence:
            raise read.fail(path, _('needs every and times, e.g. { every = "30m", times = 4 }'))
        every = read.get(cadence, "every", path, _span)
        if every <= timedelta(0):
            raise read.fail(f"{path}.every", _("must be longer than 0 s"))
        times = int(read.get(cadence, "times", path, _whole(1, 100)))
        found[rung] = Repeat(every, times)
    return found


def _whole(low: int, high: int) -> Any:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                _("must be a whole number from {low} to {high}, not {value}").format(
                    low=low, high=high, value=repr(value)
                )
            )
        return value

    return convert


def _names(allowed: tuple[str, ...]) -> Any:
    def convert(value: Any) -> frozenset[str]:
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise ValueError(
                _("must be a list of {allowed}, not {value}").format(
                    allowed=", ".join(allowed), value=repr(value)
                )
            )
        return frozenset(value)

    return convert


def _quiet(read: Reader, table: Mapping[str, Any]) -> QuietHours | None:
    path = "alerts.quiet"
    read.only(table, path, QUIET_KEYS)
    if "enabled" in table and not read.get(table, "enabled", path, boolean):
        return None
    quiet = QuietHours()
    if "priorities" in table:
        quiet = replace(quiet, priorities=read.get(table, "priorities", path, _names(PRIORITIES)))
    if "rungs" in table:
        quiet = replace(quiet, rungs=read.get(table, "rungs", path, _names(HOLDABLE)))
    return quiet


def _webhook(read: Reader, table: Mapping[str, Any]) -> WebhookSettings:
    path = "alerts.webhook"
    read.only(table, path, WEBHOOK_KEYS)
    if "url" not in table:
        raise read.fail(path, _('needs a url, e.g. url = "https://chat.example.com/hooks/abc"'))
    hook = WebhookSettings(url=read.get(table, "url", path, _url))
    if "levels" in table:
        hook = replace(hook, levels=read.get(table, "levels", path, _levels))
    if "timeout" in table:
        hook = replace(hook, timeout=read.get(table, "timeout", path, _number(0.1, 60)))
    if "retries" in table:
        hook = replace(hook, retries=int(read.get(table, "retries", path, _number(0, 10))))
    return hook


def _delivery(read: Reader, table: Mapping[str, Any]) -> DeliverySettings:
    path = "alerts.delivery"
    read.only(table, path, DELIVERY_KEYS)
    found: dict[str, Any] = {}
    for key in ("give_up_after", "first_retry", "max_retry"):
        if key in table:
            span = read.get(table, key, path, _span)
            if span <= timedelta(0):
                raise read.fail(f"{path}.{key}", _("must be longer than 0 s"))
            found[key] = span
    if "workers" in table:
        found["workers"] = read.get(table, "workers", path, _whole(1, 16))
    settings = replace(DeliverySettings(), **found)
    if settings.max_retry < settings.first_retry:
        raise read.fail(
            f"{path}.max_retry",
            _(
                "must be at least first_retry ({first_retry}): "
                "the wait between two attempts doubles up to it"
            ).format(first_retry=span_text(settings.first_retry)),
        )
    return settings


def _email(read: Reader, table: Mapping[str, Any]) -> EmailSettings:
    path = "alerts.email"
    if "password" in table:
        raise read.fail(
            f"{path}.password",
            _(
                "never put a password in the file: set password_env to the name of an "
                "environment variable that holds it"
            ),
        )
    read.only(table, path, EMAIL_KEYS)
    if "host" not in table:
        raise read.fail(path, _('needs the SMTP host, e.g. host = "smtp.example.com"'))
    mail = EmailSettings(host=read.get(table, "host", path, text))
    if "port" in table:
        mail = replace(mail, port=int(read.get(table, "port", path, _number(1, 65535))))
    if "starttls" in table:
        mail = replace(mail, starttls=read.get(table, "starttls", path, boolean))
    if "user" in table:
        mail = replace(mail, user=read.get(table, "user", path, text))
    if "password_env" in table:
        mail = replace(mail, password_env=read.get(table, "password_env", path, _env_name))
    if "sender" in table:
        mail = replace(mail, sender=read.get(table, "sender", path, _address))
    if mail.user is not None and mail.password_env is None:
        raise read.fail(
            f"{path}.user",
            _("needs password_env: the name of the environment variable holding its password"),
        )
    if "levels" in table:
        mail = replace(mail, levels=read.get(table, "levels", path, _levels))
    return mail


def _span_text(span: timedelta | None) -> str | bool:
    """A rung's span as text, or false when the rung is off."""
    return False if span is None else span_text(span)


def to_toml(rules: AlertRules) -> str:
    """``[alerts]`` as deskline.toml text (the effective values, defaults included)."""
    lines = ["[alerts]", f"enabled = {toml_value(rules.enabled)}"]
    lines += [f"{key} = {toml_value(_span_text(getattr(rules, key)))}" for key in RUNG_KEYS]
    lines += [
        f"hand_back = {toml_value(rules.hand_back)}",
        f"late_after = {toml_value(_span_text(rules.late_after))}",
        f"sweep = {toml_value(_span_text(rules.sweep))}",
        f"lease = {toml_value(_span_text(rules.lease))}",
    ]
    if rules.repeat:
        lines += ["", "[alerts.repeat]"]
        for rung in REPEATABLE:
            if rung in rules.repeat:
                cadence = rules.repeat[rung]
                every = toml_value(span_text(cadence.every))
                lines.append(f"{rung} = {{ every = {every}, times = {cadence.times} }}")
    if rules.quiet is None:
        lines += ["", "[alerts.quiet]", "enabled = false"]
    else:
        lines += [
            "",
            "[alerts.quiet]",
            "enabled = true",
            f"priorities = {toml_value(sorted(rules.quiet.priorities))}",
            f"rungs = {toml_value([r for r in HOLDABLE if r in rules.quiet.rungs])}",
        ]
    delivery = rules.delivery
    lines += [
        "",
        "[alerts.delivery]",
        f"give_up_after = {toml_value(span_text(delivery.give_up_after))}",
        f"first_retry = {toml_value(span_text(delivery.first_retry))}",
        f"max_retry = {toml_value(span_text(delivery.max_retry))}",
        f"workers = {delivery.workers}",
    ]
    if rules.webhook is not None:
        hook = rules.webhook
        lines += [
            "",
            "[alerts.webhook]",
            f"url = {toml_value(hook.url)}",
            f"levels = {toml_value(sorted(hook.levels))}",
            f"timeout = {toml_value(hook.timeout)}",
            f"retries = {toml_value(hook.retries)}",
        ]
    if rules.email is not None:
        mail = rules.email
        lines += [
            "",
            "[alerts.email]",
            f"host = {toml_value(mail.host)}",
            f"port = {toml_value(mail.port)}",
        ]
        lines.append(f"starttls = {toml_value(mail.starttls)}")
        if mail.user is not None:
            lines.append(f"user = {toml_value(mail.user)}")
        if mail.password_env is not None:
            lines.append(f"password_env = {toml_value(mail.password_env)}")
        lines += [
            f"sender = {toml_value(mail.sender)}",
            f"levels = {toml_value(sorted(mail.levels))}",
        ]
    return "\n".join(lines) + "\n"
