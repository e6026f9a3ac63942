"""A mailbox password kept in the system keyring (Secret Service, macOS Keychain, Windows
Credential Locker, through ``keyring``): the policy names the entry as ``"service/user"``
(``password_keyring``), ``deskline mail password NAME`` stores it there, the fetcher and the
sender read it when they log in. Every failure is one line that says what to do."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from deskline.core.config.reader import keyring_entry
from deskline.core.errors import DesklineError
from deskline.core.language import _

if TYPE_CHECKING:
    from deskline.storage.store import Store


class SecretError(DesklineError):
    """The keyring cannot give (or keep) a password; one line."""


def entry_of(value: str) -> tuple[str, str]:
    """``"service/user"`` as (service, user): the service is the part before the first ``/``."""
    try:
        keyring_entry(value)
    except ValueError as exc:
        raise SecretError(_("keyring entry {error}").format(error=exc)) from None
    service, _slash, user = value.partition("/")
    return service, user


def mailbox_entry(store: Store, name: str, smtp: bool = False) -> str:
    """The keyring entry the policy names for mailbox ``name``'s password (``smtp``: the
    SMTP login's). It writes nothing to the desk: the keyring is this machine user's own."""
    from deskline.core.policy.book import PolicyBook

    with store.read() as s:
        rules = PolicyBook().check(s).mail
    box = rules.named(name)
    if box is None:
        known = ", ".join(m.name for m in rules.mailboxes) or _("none yet")
        raise SecretError(
            _("no mailbox named {name} in the policy's [[mail.mailbox]] (there: {known})").format(
                name=repr(name), known=known
            )
        )
    key = "smtp_password_keyring" if smtp else "password_keyring"
    entry = box.smtp_password[1] if smtp else box.password_keyring
    if entry is None:
        raise SecretError(
            _(
                'mailbox {name}: the policy names no keyring entry: add {key} = "deskline/{name}" '
                "to its [[mail.mailbox]] (deskline policy export, edit, apply), then run this again"
            ).format(name=name, key=key)
        )
    return entry


def _backend(entry: str, what: str) -> Any:
    import keyring  # loads for a keyring password only
    from keyring.backend import get_all_keyring
    from keyring.backends import fail
    from keyring.core import init_backend

    with suppress(AttributeError, KeyError):  # nothing to forget before the first look
        get_all_keyring.reset()  # chosen afresh: a Secret Service started (or gone) since
    try:
        init_backend()
        backend = keyring.get_keyring()
        # The chainer's backends are the viable ones (a Secret Service with no bus is not).
        usable = [
            b for b in getattr(backend, "backends", [backend]) if not isinstance(b, fail.Keyring)
        ]
    except Exception:  # a backend that stops being viable while it is chosen
        usable = []
    if not usable:
        raise SecretError(
            _(
                "{what}: no keyring service to read {entry} from (start and unlock a Secret "
                "Service such as gnome-keyring in this session, or use an environment variable "
                "with password_env instead)"
            ).format(what=what, entry=entry)
        )
    return backend


def read_password(value: str, what: str, store_hint: str) -> str:
    """The password kept under the entry ``value`` (``"service/user"``).

    ``what`` names whose password it is, ``store_hint`` the command that stores it."""
    from keyring.errors import KeyringError

    service, user = entry_of(value)
    backend = _backend(value, what)
    try:
        password = backend.get_password(service, user)
    except KeyringError as exc:
        raise SecretError(
            _("{what}: the keyring cannot read {entry}: {reason}").format(
                what=what, entry=value, reason=_reason(exc)
            )
        ) from None
    if password is None:
        raise SecretError(
            _("{what}: the keyring has no entry {entry}: store it with {hint}").format(
                what=what, entry=value, hint=store_hint
            )
        )
    return password


def store_password(value: str, password: str, what: str) -> None:
    """Keep ``password`` under the entry ``value`` (replacing what was there)."""
    from keyring.errors import KeyringError

    service, user = entry_of(value)
    backend = _backend(value, what)
    try:
        backend.set_password(service, user, password)
    except KeyringError as exc:
        raise SecretError(
            _("{what}: the keyring cannot keep {entry}: {reason}").format(
                what=what, entry=value, reason=_reason(exc)
            )
        ) from None


def _reason(exc: Exception) -> str:
    said = " ".join(str(exc).split()) or type(exc).__name__
    return said if len(said) <= 200 else said[:199] + "…"
