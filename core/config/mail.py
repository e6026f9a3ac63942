"""``[mail]``: the desk's mailboxes (``[[mail.mailbox]]``), a policy section: where mail comes
in (IMAP) and goes out (SMTP), from which address, into which team. Passwords never: each
mailbox names the environment variable that holds its password (``password_env``) or its
entry in the system keyring (``password_keyring = "service/user"``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deskline.core.config.reader import (
    Reader,
    array,
    email_address,
    env_name,
    keyring_entry,
    number_in,
    text,
)
from deskline.core.config.toml_text import toml_value
from deskline.core.language import _

MAIL_KEYS = ("mailbox", "acknowledge", "max_attachment_mb")
MAX_ATTACHMENT_MB = 10  # a bigger file is listed with its ticket, not kept
MAILBOX_KEYS = (
    "name",
    "address",
    "team",
    "imap_host",
    "imap_port",
    "imap_tls",
    "user",
    "password_env",
    "password_keyring",
    "folder",
    "smtp_host",
    "smtp_port",
    "smtp_tls",
    "smtp_user",
    "smtp_password_env",
    "smtp_password_keyring",
)
TLS = ("ssl", "starttls", "none")
PORTS = {
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
    "smtp": {"ssl": 465, "starttls": 587, "none": 25},
}


@dataclass(frozen=True)
class Mailbox:
    """One mailbox of the desk: mail to ``address`` becomes tickets of ``team``."""

    name: str
    address: str
    team: str | None = None
    imap_host: str | None = None  # None: the mailbox only sends
    imap_port: int = 993
    imap_tls: str = "ssl"
    user: str | None = None
    password_env: str | None = None
    password_keyring: str | None = None  # "service/user": the entry in the system keyring
    folder: str = "INBOX"
    smtp_host: str | None = None  # None: the mailbox only receives
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str | None = None  # None: ``user``
    smtp_password_env: str | None = None  # None (and no smtp_password_keyring): IMAP's
    smtp_password_keyring: str | None = None

    @property
    def smtp_password(self) -> tuple[str | None, str | None]:
        """(environment variable, keyring entry) of the SMTP password: its own, else IMAP's."""
        if self.smtp_password_env or self.smtp_password_keyring:
            return self.smtp_password_env, self.smtp_password_keyring
        return self.password_env, self.password_keyring

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


@dataclass(frozen=True)
class MailRules:
    mailboxes: tuple[Mailbox, ...] = ()
    # The text mailed to the requester of a ticket that came by mail ({key}, {title},
    # {name}: the ticket's key and title, the requester's name); None: no acknowledgement.
    acknowledge: str | None = None
    # Files that come with mail are kept up to this size each (0: none is kept).
    max_attachment_mb: float = MAX_ATTACHMENT_MB

    @property
    def attachment_limit(self) -> int:
        """The largest file kept, in bytes."""
        return int(self.max_attachment_mb * 1024 * 1024)

    def named(self, name: str | None) -> Mailbox | None:
        return next((m for m in self.mailboxes if m.name == name), None)

    def for_team(self, team: str | None) -> Mailbox | None:
        """The mailbox a ticket of ``team`` sends from: its team's, else the first that sends."""
        senders = [m for m in self.mailboxes if m.smtp_host]
        return next((m for m in senders if m.team == team), senders[0] if senders else None)


def _tls(value: Any) -> str:
    given = text(value).lower()
    if given not in TLS:
        raise ValueError(
            _('must be "ssl", "starttls" or "none", not {value}').format(value=repr(value))
        )
    return given


def parse_mail(read: Reader, data: Mapping[str, Any]) -> MailRules:
    if "mail" not in data:
        return MailRules()
    table = read.table(data["mail"], "mail")
    read.only(table, "mail", MAIL_KEYS)
    found: list[Mailbox] = []
    for i, item in enumerate(
        read.get(table, "mailbox", "mail", array) if "mailbox" in table else []
    ):
        found.append(_mailbox(read, read.table(item, f"mail.mailbox[{i}]"), f"mail.mailbox[{i}]"))
    names = [m.name for m in found]
    for name in names:
        if names.count(name) > 1:
            raise read.fail(
                "mail.mailbox",
                _("two mailboxes are named {name}: names are unique").format(name=repr(name)),
            )
    acknowledge = None
    if "acknowledge" in table:
        acknowledge = read.get(table, "acknowledge", "mail", _template)
    limit = float(MAX_ATTACHMENT_MB)
    if "max_attachment_mb" in table:
        limit = read.get(table, "max_attachment_mb", "mail", number_in(0, 1024))
    return MailRules(tuple(found), acknowledge, limit)


def _template(value: Any) -> str:
    given = text(value)
    try:
        given.format(key="T-1", title="t", name="n")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            _(
                "may name only {{key}}, {{title}} and {{name}} (write {{{{ for a brace): {error}"
            ).format(error=exc)
        ) from None
    return given


def _mailbox(read: Reader, table: Mapping[str, Any], path: str) -> Mailbox:
    for secret in ("password", "smtp_password"):
        if secret in table:
            raise read.fail(
                f"{path}.{secret}",
                _(
                    "never put a password in the policy: set password_env to the name of an "
                    'environment variable that holds it, or password_keyring = "service/user" '
                    "to an entry of the system keyring (deskline mail password NAME stores it)"
                ),
            )
    read.only(table, path, MAILBOX_KEYS)
    for needed in ("name", "address"):
        if needed not in table:
            raise read.fail(
                path, _('needs {key}, e.g. {key} = "support@example.com"').format(key=needed)
            )
    given: dict[str, Any] = {
        "name": read.get(table, "name", path, text),
        "address": read.get(table, "address", path, email_address).lower(),
    }
    strings = {
        "team": text,
        "imap_host": text,
        "user": text,
        "folder": text,
        "smtp_host": text,
        "smtp_user": text,
        "password_env": env_name,
        "smtp_password_env": env_name,
        "password_keyring": keyring_entry,
        "smtp_password_keyring": keyring_entry,
    }
    for key, convert in strings.items():
        if key in table:
            given[key] = read.get(table, key, path, convert)
    for side, default in (("imap", "ssl"), ("smtp", "starttls")):
        tls = read.get(table, f"{side}_tls", path, _tls) if f"{side}_tls" in table else default
        given[f"{side}_tls"] = tls
        given[f"{side}_port"] = PORTS[side][tls]
        if f"{side}_port" in table:
            given[f"{side}_port"] = int(read.get(table, f"{side}_port", path, number_in(1, 65535)))
    for side in ("", "smtp_"):
        if f"{side}password_env" in given and f"{side}password_keyring" in given:
            raise read.fail(
                f"{path}.{side}password_keyring",
                _("give {env} or {keyring}, not both").format(
                    env=f"{side}password_env", keyring=f"{side}password_keyring"
                ),
            )
    box = Mailbox(**given)
    if box.imap_host is None and box.smtp_host is None:
        raise read.fail(path, _("needs imap_host (to receive), smtp_host (to send), or both"))
    if box.imap_host is not None and (
        box.user is None or (box.password_env is None and box.password_keyring is None)
    ):
        raise read.fail(
            path, _("needs user and password_env (or password_keyring) to log in to imap_host")
        )
    if box.smtp_user is not None and box.smtp_password == (None, None):
        raise read.fail(
            f"{path}.smtp_user",
            _("needs smtp_password_env or smtp_password_keyring (or IMAP's)"),
        )
    return box


def to_toml(rules: MailRules) -> str:
    """``[mail]`` and its ``[[mail.mailbox]]`` entries as deskline.toml text (none: nothing)."""
    lines: list[str] = []
    top = []
    if rules.acknowledge is not None:
        top.append(f"acknowledge = {toml_value(rules.acknowledge)}")
    if rules.max_attachment_mb != MAX_ATTACHMENT_MB:
        top.append(f"max_attachment_mb = {toml_value(rules.max_attachment_mb)}")
    if top:
        lines += ["[mail]", *top, ""]
    for box in rules.mailboxes:
        lines += ["[[mail.mailbox]]"]
        for key in MAILBOX_KEYS:
            value = getattr(box, key)
            if value is not None:
                lines.append(f"{key} = {toml_value(value)}")
        lines.append("")
    return "\n".join(lines)
