"""The channels an alert goes out through besides the app: desktop, webhook, email.

Each channel's ``send`` blocks (a child process, an HTTP round trip, an SMTP session), so
callers run it in a worker thread. A channel that fails raises ``DeliveryFailed`` with a
one-line reason fit for the Delivery row and a toast; ``deliver_all`` runs several at
once so one failing channel never holds up or stops the others.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import signal
import smtplib
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parsedate_to_datetime
from typing import Any

from deskline.core.alerts.ladder import EmailSettings
from deskline.core.clock import iso
from deskline.core.inert import stripped, visible
from deskline.core.language import N_, SOURCE, Language, _, speaking

CLOCK_WORDS = {"first_response": N_("first response"), "resolution": N_("resolution")}
CLOCK_TITLES = {"first_response": N_("First response"), "resolution": N_("Resolution")}
SEVERITY_BY_LEVEL = {0: "information", 1: "warning", 2: "warning", 3: "error"}
RUNG_WORDS = {
    "breach": N_("breached"),
    "at_risk": N_("at risk"),
    "warning": N_("due soon"),
    "unassigned": N_("still unassigned"),
    "not_started": N_("not started"),
    "hand_back": N_("never started: handed back to the team queue"),
    "pending_close": N_("closed: no customer reply"),
    "resolved_close": N_("closed: resolved and not reopened"),
    "surge": N_("began a surge of P0 tickets"),
    "escalated": N_("escalated by hand"),
    "delivery_failed": N_("alert not delivered"),
    "kb_suggested": N_("is one of a group of alike tickets no article covers"),
}


def _local(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clock_words(clock: str) -> str:
    return _(CLOCK_WORDS[clock]) if clock in CLOCK_WORDS else clock.replace("_", " ")


def _clock_title(clock: str) -> str:
    return _(CLOCK_TITLES[clock]) if clock in CLOCK_TITLES else clock.replace("_", " ").title()


def _headline(ticket: str, rung: str, level: int, due_at: datetime | None, at: datetime) -> str:
    """What happened, in the support team's words: "T-12 breached — level 3"."""
    if rung == "warning" and due_at is not None and due_at > at:
        minutes = max(1, round((due_at - at).total_seconds() / 60))
        if minutes < 120:
            what = _("due in {minutes} min").format(minutes=minutes)
        else:
            what = _("due in {hours} h").format(hours=minutes // 60)
    else:
        what = _(RUNG_WORDS[rung]) if rung in RUNG_WORDS else rung.replace("_", " ")
    if level > 0:
        grade = _("level {level}").format(level=level)
    elif rung == "not_started":
        grade = _("reminder")
    elif rung in ("pending_close", "resolved_close"):
        grade = _("automatic")
    else:
        grade = rung
    return _("{ticket} {what} — {grade}").format(ticket=ticket, what=what, grade=grade)


def _require_aware(**times: datetime | None) -> None:
    for name, value in times.items():
        if value is not None and value.utcoffset() is None:
            raise ValueError(f"Notice.{name} must be timezone-aware, got {value!r}")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Note:
    """A note ending an alert's texts (held in quiet hours, where a handed-back ticket
    went, whom an escalation names): a catalogue text and its values, so each person reads
    it in their own language. ``text`` is one of NOTES, or a text of no catalogue (shown as
    it is in every language)."""

    text: str
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, text: str, **values: object) -> Note:
        return cls(text, tuple((k, str(v)) for k, v in values.items()))

    def said(self) -> str:
        """The note in the current language."""
        return _(self.text).format(**dict(self.values)) if self.values else _(self.text)

    @property
    def english(self) -> str:
        return self.text.format(**dict(self.values)) if self.values else self.text

    @classmethod
    def read(cls, text: str) -> Note:
        """A note as stored (in English): the catalogue text it was made from, with its
        values; else the text itself."""
        for template, pattern in _NOTE_PATTERNS:
            found = pattern.fullmatch(text)
            if found is not None:
                return cls(template, tuple(found.groupdict().items()))
        return cls(text)


# Every note an alert can carry (the stored summary keeps them in English; ``Note.read``
# finds which one it was, to say it in another language).
HELD = N_("held from {time} (quiet hours)")
TO = N_("to {handle}")
ROUTED = N_("routed to {assignee}")
ROUTED_TEAM = N_("routed to {assignee} ({team})")
NO_ONE_FREE = N_("routing found no one free: waits in the queue")
NO_ONE_FREE_TEAM = N_("routing found no one free: waits in the {team} queue")
WAITS = N_("waits in the queue")
WAITS_TEAM = N_("waits in the {team} queue")
NOT_DELIVERED_ONCE = N_(
    "{summary}: not delivered by {channel} to {target}; gave up after 1 attempt: {error}"
)
NOT_DELIVERED = N_(
    "{summary}: not delivered by {channel} to {target}; gave up after {attempts} attempts: {error}"
)
ALIKE = N_("{count} alike tickets about {about}: `deskline kb draft {key}`")
ALIKE_ONE = N_("{count} alike tickets about one problem: `deskline kb draft {key}`")
NOTES = (
    HELD,
    TO,
    ROUTED,
    ROUTED_TEAM,
    NO_ONE_FREE,
    NO_ONE_FREE_TEAM,
    WAITS,
    WAITS_TEAM,
    NOT_DELIVERED_ONCE,
    NOT_DELIVERED,
    ALIKE,
    ALIKE_ONE,
)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        ),
        re.DOTALL,
    )


# The most literal text first: "routed to {assignee} ({team})" before "routed to {assignee}".
_NOTE_PATTERNS = [
    (t, _pattern(t)) for t in sorted(NOTES, key=lambda t: -len(re.sub(r"\{\w+\}", "", t)))
]


def _notes(notes: Sequence[Note | str]) -> tuple[Note, ...]:
    return tuple(n if isinstance(n, Note) else Note.read(n) for n in notes)


@dataclass(frozen=True)
class Notice:
    """One alert as a person reads it, in one language (``told_in`` says it in another);
    its facts and the JSON's keys are the same in every language."""

    ticket: str
    title: str
    rung: str
    level: int
    severity: str
    clock: str | None
    due_at: datetime | None
    fired_at: datetime
    late: bool
    recipients: tuple[str, ...]
    summary: str
    body: str
    notes: tuple[Note, ...] = ()
    language: str = SOURCE

    def __post_init__(self) -> None:
        _require_aware(due_at=self.due_at, fired_at=self.fired_at)

    @classmethod
    def compose(
        cls,
        *,
        ticket: str,
        title: str,
        rung: str,
        level: int,
        clock: str | None,
        due_at: datetime | None,
        fired_at: datetime,
        late: bool = False,
        recipients: Sequence[str] = (),
        severity: str | None = None,
        notes: Sequence[Note | str] = (),
        language: Language | str | None = None,
    ) -> Notice:
        """A notice with its summary and body written the standard way, in ``language``
        (None: the current one); ``notes`` (held in quiet hours, where a handed-back ticket
        went, whom an escalation names) end both."""
        _require_aware(due_at=due_at, fired_at=fired_at)
        told = _notes(notes)
        with speaking(language) as lang:
            summary = _headline(ticket, rung, level, due_at, fired_at)
            if clock:
                summary = _("{summary} ({clock})").format(
                    summary=summary, clock=_clock_words(clock)
                )
            if late:
                summary = _("{summary} [late]").format(summary=summary)
            said = [note.said() for note in told]
            for note in said:
                summary = _("{summary}; {note}").format(summary=summary, note=note)
            lines = [title]
            if due_at is not None:
                if clock:
                    when = _local(due_at)
                    if due_at <= fired_at:
                        line = _("{clock} was due {at}").format(clock=_clock_title(clock), at=when)
                    else:
                        line = _("{clock} due {at}").format(clock=_clock_title(clock), at=when)
                    lines.append(line)
                else:  # the moment of the threshold itself (unassigned for 30 min, a surge)
                    lines.append(_("Alert time {at}").format(at=_local(due_at)))
            if late:
                lines.append(
                    _("Late: raised at {at}, after its moment had passed").format(
                        at=_local(fired_at)
                    )
                )
            lines += [_sentence(note) for note in said]
            if recipients:
                lines.append(_("Told: {people}").format(people=", ".join(recipients)))
        return cls(
            ticket=ticket,
            title=title,
            rung=rung,
            level=level,
            severity=severity or SEVERITY_BY_LEVEL.get(level, "error"),
            clock=clock,
            due_at=due_at,
            fired_at=fired_at,
            late=late,
            recipients=tuple(recipients),
            summary=summary,
            body="\n".join(lines),
            notes=told,
            language=lang.code,
        )

    def told_in(self, language: Language | str | None) -> Notice:
        """The same notice in another language (None: the current one)."""
        return Notice.compose(
            ticket=self.ticket,
            title=self.title,
            rung=self.rung,
            level=self.level,
            clock=self.clock,
            due_at=self.due_at,
            fired_at=self.fired_at,
            late=self.late,
            recipients=self.recipients,
            severity=self.severity,
            notes=self.notes,
            language=language,
        )

    def with_note(self, note: Note | str) -> Notice:
        """The same notice with one more note (as ``compose``'s ``notes`` add it)."""
        return replace(self, notes=(*self.notes, *_notes([note]))).told_in(self.language)

    def to_json(self) -> dict[str, Any]:
        return {
            "ticket": self.ticket,
            "title": self.title,
            "rung": self.rung,
            "level": self.level,
            "severity": self.severity,
            "clock": self.clock,
            "due_at": iso(self.due_at, milliseconds=True),
            "fired_at": iso(self.fired_at, milliseconds=True),
            "late": self.late,
            "recipients": list(self.recipients),
            "summary": self.summary,
            "body": self.body,
        }


class DeliveryFailed(Exception):
    """str(e) is a one-line reason fit for a Delivery row and a toast. ``permanent``: trying
    again cannot help until someone changes something (a 404, a missing password);
    ``retry_after``: the seconds the target asked us to wait (``Retry-After``)."""

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(_one_line(reason))
        self.permanent = permanent
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header as seconds from ``now``: a number of seconds or an HTTP-date
    (RFC 9110); None when absent or unreadable. A date already past is 0."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 10**9))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.utcoffset() is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# -- desktop -------------------------------------------------------------------------


def _session_bus_problem(env: dict[str, str] | os._Environ[str]) -> str | None:
    """Why no D-Bus session bus can be reached, judged from the environment alone."""
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
    if address:
        first = address.split(";")[0]
        if first.startswith("unix:path="):
            path = first.removeprefix("unix:path=").split(",")[0]
            if not os.path.exists(path):
                return _("the D-Bus session bus at {path} is gone").format(path=path)
        return None
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return None
    if env.get("DISPLAY") and shutil.which("dbus-launch"):
        return None  # libdbus autolaunches a session bus for this X display
    return _("no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)")


def _off(why: str) -> str:
    return _("{why}: desktop notifications are off").format(why=why)


def markup_free(text: str) -> str:
    """Text for a notification server: its controls made visible, and ``&``, ``<``, ``>``
    escaped, since servers (dunst, GNOME's, notify-osd) read a subset of HTML in the body and
    dunst in the summary too: ``<a href>`` or ``<img src>`` from a customer stays text."""
    return html.escape(visible(text), quote=False)


class DesktopChannel:
    """Desktop notifications through plyer, shown by a short-lived child process.

    The child's stdout and stderr go to a temporary file and it runs in a session of its
    own (no controlling terminal), so a backend can never write over the app's screen; the
    app's own file descriptors are left alone.
    """

    name = "desktop"

    def __init__(self, app_name: str = "deskline", timeout: float = 10.0) -> None:
        self.app_name = app_name
        self.timeout = timeout

    def check(self) -> str | None:
        """None when notifications can be tried, else one line saying why they are off."""
        if importlib.util.find_spec("plyer") is None:
            return _off(_("plyer is not installed"))
        if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
            if os.path.isdir("/app"):  # inside Flatpak plyer goes through the portal (gdbus)
                tool_missing = shutil.which("gdbus") is None
            else:
                tool_missing = (
                    importlib.util.find_spec("dbus") is None and shutil.which("notify-send") is None
                )
            if tool_missing:
                return _off(_("neither notify-send (libnotify-bin) nor python-dbus is installed"))
            problem = _session_bus_problem(os.environ)
            if problem:
                return _off(problem)
        elif sys.platform == "darwin" and importlib.util.find_spec("pyobjus") is None:
            return _off(_("pyobjus is not installed (plyer needs it on macOS)"))
        return None

    def spec(self, notice: Notice) -> dict[str, Any]:
        """The arguments of plyer's notification backend for this notice."""
        seconds = max(1, round(self.timeout))
        return {
            "title": markup_free(notice.summary),  # ticket text shown to a person
            "message": markup_free(notice.body),
            "app_name": self.app_name,
            "app_icon": "",
            "timeout": seconds,
            "ticker": markup_free(notice.summary),
            "toast": False,
            "hints": {},
            # read by the notify-send backend only
            "urgency": "critical" if notice.level >= 3 else "normal",
            "expire_time": str(seconds * 1000),
        }

    def send(self, notice: Notice) -> None:
        """Show the notice on the desktop; blocks up to ``timeout`` seconds."""
        # -P: a ``core`` folder in the user's working directory must not shadow ours.
        command = [
            sys.executable,
            "-P",
            "-m",
            "deskline.core.alerts.desktop",
            json.dumps(self.spec(notice)),
        ]
        with tempfile.TemporaryFile() as said:
            try:
                child = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=said,
                    stderr=said,
                    start_new_session=True,  # no controlling terminal to write to
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError as exc:
                raise DeliveryFailed(
                    f"desktop notification could not start: {exc}", permanent=True
                ) from exc
            try:
                status = child.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                _kill_group(child)
                raise DeliveryFailed(
                    f"desktop notification timed out after {self.timeout:g} s"
                ) from None
            said.seek(0)
            text = said.read().decode("utf-8", "replace")
        if status != 0:
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            why = lines[-1] if lines else f"exit status {status}"
            raise DeliveryFailed(f"desktop notification failed: {why}")


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    """End the child and anything it started (notify-send waiting on D-Bus activation)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(child.pid, signal.SIGKILL)
        else:
            child.kill()
    except ProcessLookupError:
        pass
    child.wait()


# -- webhook -------------------------------------------------------------------------


class WebhookChannel:
    """A JSON POST that a chat incoming-webhook shows: ``text`` plus structured fields."""

    name = "webhook"

    def __init__(
        self, url: str, timeout: float = 5.0, retries: int = 3, backoff: float = 0.5
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        parts = urllib.parse.urlsplit(url)
        # The path of a chat webhook URL is its secret: reasons name the host only.
        self.where = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.netloc else url

    def payload(self, notice: Notice) -> dict[str, Any]:
        """The JSON posted: the notice's fields, text stripped of control characters (a chat
        client could act on them)."""
        fields = {k: stripped(v) if isinstance(v, str) else v for k, v in notice.to_json().items()}
        return {"text": stripped(f"{notice.summary}\n{notice.body}"), **fields}

    def send(self, notice: Notice, key: str | None = None) -> None:
        """POST the notice; retry 5xx, 429 and network errors with backoff, never other 4xx
        (refused: a permanent failure). A 429 or 503 with ``Retry-After`` is not retried
        here: the failure carries the wait asked for. ``key``: an ``Idempotency-Key``
        header, the same on every attempt of one delivery, so a target can drop a repeat
        of a request it took but never answered."""
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise DeliveryFailed(
                f"webhook URL must start with http:// or https://: {self.where}", permanent=True
            )
        data = json.dumps(self.payload(notice), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "deskline"}
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(self.url, data=data, method="POST", headers=headers)
        attempts = self.retries + 1
        why = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                why = f"HTTP {exc.code} {exc.reason}"
                if 400 <= exc.code < 500 and exc.code not in (408, 429):
                    raise DeliveryFailed(
                        f"webhook {self.where} refused it: {why}", permanent=True
                    ) from None
                wait = retry_after_seconds(exc.headers.get("Retry-After")) if exc.headers else None
                if exc.code in (429, 503) and wait is not None:
                    raise DeliveryFailed(
                        f"webhook {self.where} answered {why} (retry after {wait:g} s)",
                        retry_after=wait,
                    ) from None
            except TimeoutError:
                why = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError):
                    why = f"no answer within {self.timeout:g} s"
                else:
                    why = str(reason)
            except (OSError, ValueError) as exc:
                why = str(exc) or type(exc).__name__
        tries = "1 try" if attempts == 1 else f"{attempts} tries"
        raise DeliveryFailed(f"webhook {self.where} failed after {tries}: {why}")


# -- email ---------------------------------------------------------------------------


class EmailChannel:
    """One message per notice over SMTP; the password comes from an environment variable or
    an entry of the system keyring (``"service/user"``)."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int = 587,
        starttls: bool = True,
        user: str | None = None,
        password_env: str | None = None,
        sender: str = "deskline@localhost",
        timeout: float = 10.0,
        tls: bool = False,
        password_keyring: str | None = None,
        keyring_hint: str = "the keyring command",
    ) -> None:
        """``tls``: TLS from the first byte (SMTPS, port 465); else ``starttls`` or plain.
        ``keyring_hint``: the command that stores the keyring entry, said when it is missing."""
        self.host = host
        self.port = port
        self.starttls = starttls and not tls
        self.tls = tls
        self.user = user
        self.password_env = password_env
        self.password_keyring = password_keyring
        self.keyring_hint = keyring_hint
        self.sender = sender
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: EmailSettings) -> EmailChannel:
        """The channel the policy's ``[alerts.email]`` describes."""
        return cls(
            settings.host,
            settings.port,
            starttls=settings.starttls,
            user=settings.user,
            password_env=settings.password_env,
            sender=settings.sender,
        )

    def message(self, notice: Notice, to: Sequence[str]) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = _one_line(stripped(notice.summary), 900)
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message["X-Deskline-Ticket"] = notice.ticket
        message["X-Deskline-Level"] = str(notice.level)
        message.set_content(stripped(f"{notice.summary}\n\n{notice.body}\n"))
        return message

    def _password(self) -> str | None:
        if not self.user:
            return None
        if self.password_keyring:
            from deskline.core.mail.secret import SecretError, read_password

            try:
                return read_password(
                    self.password_keyring, f"email: SMTP user {self.user}", self.keyring_hint
                )
            except SecretError as exc:
                raise DeliveryFailed(str(exc), permanent=True) from None
        if not self.password_env:
            raise DeliveryFailed(
                f"email: SMTP user {self.user} is set but no password variable (password_env)",
                permanent=True,
            )
        password = os.environ.get(self.password_env)
        if password is None:
            raise DeliveryFailed(
                f"email: the environment variable {self.password_env} "
                f"(SMTP password for {self.user}) is not set",
                permanent=True,
            )
        return password

    def send(self, notice: Notice, to: Sequence[str]) -> None:
        """Send one message to these addresses."""
        to = [address for address in to if address]
        if not to:
            raise DeliveryFailed("email: no recipient address", permanent=True)
        self.send_message(self.message(notice, to), to)

    def deliver(self, message: EmailMessage) -> None:
        """Send a message made already (its To, From and Subject set) to its To and Cc."""
        heads = [*message.get_all("To", []), *message.get_all("Cc", [])]
        self.send_message(message, [address for _, address in getaddresses(heads) if address])

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send_message(self, message: EmailMessage, to: Sequence[str]) -> None:
        """Send a message already written (its own headers) to these addresses."""
        if not to:
            raise DeliveryFailed("email: no recipient address", permanent=True)
        password = self._password()
        where = f"{self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                smtp.ehlo()
                if self.starttls:
                    if not smtp.has_extn("starttls"):
                        raise DeliveryFailed(f"email: {where} does not offer STARTTLS")
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if self.user and password is not None:
                    smtp.login(self.user, password)
                smtp.send_message(message, to_addrs=list(to))
        except DeliveryFailed:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryFailed(
                f"email: {where} refused the login of {self.user}: {_smtp_said(exc)}"
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(sorted(exc.recipients))
            raise DeliveryFailed(
                f"email: {where} refused the recipients {refused}", permanent=True
            ) from None
        except smtplib.SMTPResponseException as exc:  # 5xx: permanent (RFC 5321), 4xx: later
            raise DeliveryFailed(
                f"email: {where} answered {_smtp_said(exc)}", permanent=exc.smtp_code >= 500
            ) from None
        except ssl.SSLError as exc:
            reason = getattr(exc, "verify_message", None) or exc.reason or str(exc)
            raise DeliveryFailed(f"email: TLS with {where} failed: {reason}") from None
        except TimeoutError:
            raise DeliveryFailed(
                f"email: {where} gave no answer within {self.timeout:g} s"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"email: {where}: {exc or type(exc).__name__}") from None


def _smtp_said(exc: smtplib.SMTPResponseException) -> str:
    said = exc.smtp_error
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    return f"{exc.smtp_code} {text}"


# -- all together --------------------------------------------------------------------


def deliver_all(
    notice: Notice, jobs: Sequence[tuple[str, Callable[[], None]]]
) -> dict[str, str | None]:
    """Run each (channel name, send) job; a failure of one never stops the others.

    The jobs run at once, each in a thread, so a slow channel delays none of the others.
    Returns name -> None (delivered) or the one-line failure reason.
    """

    def run(name: str, send: Callable[[], None]) -> str | None:
        try:
            send()
        except DeliveryFailed as exc:
            return str(exc)
        except Exception as exc:  # a bug in one channel is that channel's failure only
            return _one_line(f"{name} failed on {notice.ticket}: {type(exc).__name__}: {exc}")
        return None

    if not jobs:
        return {}
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="deliver") as pool:
        futures = [(name, pool.submit(run, name, send)) for name, send in jobs]
        return {name: future.result() for name, future in futures}
