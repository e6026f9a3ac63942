"""Reading deskline.toml: the walker that names the key path in every error, and the
converters that turn one TOML value into what a rule needs (or say why they cannot).

A converter takes the raw value and raises ``ValueError`` with the problem alone;
``Reader.get`` puts the file and the key path in front of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from deskline.core.errors import DesklineError
from deskline.core.language import _
from deskline.core.sla.calendar import Duration, parse_duration

T = TypeVar("T")
MAX_TARGET = Duration(seconds=10_000 * 3600, business_days=1000)


class ConfigError(DesklineError):
    """deskline.toml (or the value given for it) cannot be used."""

    exit_code = 2


class Reader:
    """Walks the TOML data, remembering the key path for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> ConfigError:
        """The error for ``problem`` at key ``path`` of this file (to raise)."""
        return ConfigError(f"{self.source}: {path}: {problem}")

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        """``value`` as a table, or the error saying that ``path`` must be one."""
        if not isinstance(value, Mapping):
            raise self.fail(path, _("must be a table"))
        return value

    def only(self, table: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        """Refuse the first key of ``table`` that is not one of ``allowed``."""
        for key in table:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                raise self.fail(
                    where,
                    _("unknown key; expected one of {keys}").format(keys=", ".join(allowed)),
                )

    def get(self, table: Mapping[str, Any], key: str, path: str, convert: Callable[[Any], T]) -> T:
        """``table[key]`` through ``convert``; its complaint becomes one ConfigError."""
        try:
            return convert(table[key])
        except (ValueError, TypeError, DesklineError) as exc:
            raise self.fail(f"{path}.{key}" if path else key, str(exc)) from None


def check_target(duration: Duration) -> Duration:
    """A target a desk can live with: not beyond 1000 business days or 10,000 hours."""
    if duration.business_days > MAX_TARGET.business_days or duration.seconds > MAX_TARGET.seconds:
        raise ValueError(
            _("{duration} is too long: keep targets within 1000bd or 10000h").format(
                duration=duration
            )
        )
    return duration


def duration(value: Any) -> Duration:
    """A duration text like "2h" or "3bd", within the longest target."""
    if not isinstance(value, str):
        raise ValueError(
            _('must be a duration text like "2h", not {value}').format(value=repr(value))
        )
    return check_target(parse_duration(value))


def wall_span(problem: str) -> Callable[[Any], timedelta]:
    """A converter for a duration of wall-clock time; ``problem`` (marked with ``N_()``)
    says why business days do not belong where it is used."""

    def convert(value: Any) -> timedelta:
        found = duration(value)
        if found.business_days:
            raise ValueError(f"{value!r}: {_(problem)}")
        return timedelta(seconds=found.seconds)

    return convert


def text(value: Any) -> str:
    """A non-empty text, without the spaces around it."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be a non-empty text, not {value}").format(value=repr(value)))
    return value.strip()


def number_in(low: float, high: float) -> Callable[[Any], float]:
    """A number from ``low`` to ``high``."""

    def convert(value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise ValueError(
                _("must be a number from {low} to {high}, not {value}").format(
                    low=f"{low:g}", high=f"{high:g}", value=repr(value)
                )
            )
        return float(value)

    return convert


def email_address(value: Any) -> str:
    given = text(value)
    name, _at, domain = given.rpartition("@")
    if not name or not domain or " " in given:
        raise ValueError(
            _("must be an email address like deskline@example.com, not {given}").format(
                given=repr(given)
            )
        )
    return given


def env_name(value: Any) -> str:
    """The name of an environment variable (a password's: never the password itself)."""
    given = text(value)
    if not given.replace("_", "").isalnum() or given[0].isdigit():
        raise ValueError(
            _(
                "must be the name of an environment variable (like DESKLINE_SMTP_PASSWORD), "
                "not {given}: the password itself never goes in the file"
            ).format(given=repr(given))
        )
    return given


def keyring_entry(value: Any) -> str:
    """An entry of the system keyring as ``"service/user"`` (the service: before the first /)."""
    given = text(value)
    service, slash, user = given.partition("/")
    if not slash or not service.strip() or not user.strip():
        raise ValueError(
            _(
                'must name a keyring entry as "service/user" (like '
                '"deskline/support@desk.example"), not {given}: the password itself never '
                "goes in the file"
            ).format(given=repr(given))
        )
    return given


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false, not {value}").format(value=repr(value)))
    return value


def percent(value: Any) -> float:
    """A share of a target: above 0, at most 100."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise ValueError(
            _("must be a number above 0 and at most 100, not {value}").format(value=repr(value))
        )
    return float(value)


def factor(value: Any) -> float:
    """What a policy multiplies the targets by: above 0, at most 10."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
        raise ValueError(
            _("must be a number above 0 and at most 10 (0.5 halves), not {value}").format(
                value=repr(value)
            )
        )
    return float(value)


def tier(value: Any) -> str:
    """A customer tier: "standard" or "vip"."""
    if value not in ("standard", "vip"):
        raise ValueError(_('must be "standard" or "vip", not {value}').format(value=repr(value)))
    return str(value)


def array(value: Any) -> list[Any]:
    """A TOML array (a list), its items still to be read."""
    if not isinstance(value, list):
        raise ValueError(_("must be a list, not {value}").format(value=repr(value)))
    return value


def named_entries(
    read: Reader,
    data: Mapping[str, Any],
    section: str,
    parse: Callable[[Reader, Mapping[str, Any], str], T],
) -> tuple[T, ...]:
    """An array of tables (``[[templates]]``, ``[[macro]]``), each read by ``parse`` and
    named by its ``name``: a name given twice (in any case) is refused."""
    entries = read.get(data, section, "", array) if section in data else []
    found: list[T] = []
    for i, entry in enumerate(entries):
        path = f"{section}[{i}]"
        item = parse(read, read.table(entry, path), path)
        name = getattr(item, "name")  # noqa: B009 (T is any entry with a name)
        for j, earlier in enumerate(found):
            if getattr(earlier, "name").casefold() == name.casefold():  # noqa: B009
                raise read.fail(
                    f"{path}.name",
                    _("{name} is already the name of {entry}").format(
                        name=repr(name), entry=f"{section}[{j}]"
                    ),
                )
        found.append(item)
    return tuple(found)
