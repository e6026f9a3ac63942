"""Real mail servers on loopback for the mail tests: aiosmtpd (SMTP), and the desk set up
with a mailbox in its policy."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from deskline.core.config.mail import Mailbox, MailRules
from deskline.core.policy import apply
from deskline.core.policy.book import Rules
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store

ADDRESS = "support@desk.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpInbox:
    """An aiosmtpd handler keeping what it was given."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        found = []
        for envelope in self.envelopes:
            parsed = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
        return found


class Smtp:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = SmtpInbox()
        self.controller: Controller | None = None

    def start(self) -> Smtp:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def mailbox(smtp_port: int | None = None, imap_port: int | None = None, **more: Any) -> Mailbox:
    given: dict[str, Any] = {"name": "support", "address": ADDRESS, "team": "Service Desk"}
    if smtp_port is not None:
        given.update(smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls="none")
    if imap_port is not None:
        given.update(
            imap_host="127.0.0.1",
            imap_port=imap_port,
            imap_tls="none",
            user="support",
            password_env="DESKLINE_TEST_MAIL_PASSWORD",
        )
    given.update(more)
    return Mailbox(**given)


def with_mailbox(store: Store, box: Mailbox, now: datetime, acknowledge: str | None = None) -> None:
    """The desk's policy gets this mailbox (applied by an admin ``ada``, added here)."""
    roster = Roster(store)
    if "ada" not in {a.handle for a in roster.list()}:
        roster.add("ada", name="Ada", role="admin")
    apply.apply(store, Rules(mail=MailRules((box,), acknowledge)), actor="ada", now=now)


# -- IMAP: a real Dovecot ------------------------------------------------------------

IMAP_USER, IMAP_PASSWORD = "support", "s3cret-password"
DOVECOT_CONF = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 0
default_internal_user = {user}
default_internal_group = {user}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={user} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    """A Dovecot IMAP server on loopback, plaintext login, one mailbox user."""

    def __init__(self, root: Path, port: int, process: subprocess.Popen[bytes]) -> None:
        self.root, self.port, self.process = root, port, process

    def client(self) -> Any:
        from imap_tools import MailBoxUnencrypted

        return MailBoxUnencrypted("127.0.0.1", self.port).login(IMAP_USER, IMAP_PASSWORD)

    def append(self, *messages: bytes) -> None:
        with self.client() as box:
            for raw in messages:
                box.append(raw, "INBOX")

    def unseen(self) -> int:
        from imap_tools import AND

        with self.client() as box:
            return len(list(box.uids(AND(seen=False))))


@contextmanager
def dovecot(dovecot_path: str) -> Iterator[Dovecot]:
    """Dovecot's processes run as its own users (``dovecot``, ``dovenull``), so its files
    live in a directory of their own under /tmp they can reach (a test's tmp_path is
    root's only)."""
    import pwd

    try:
        pwd.getpwnam("dovecot")
        login = "dovenull" if _has_user("dovenull") else "dovecot"
    except KeyError:
        pytest.fail("dovecot is installed but its system user 'dovecot' is missing")
    root = Path(tempfile.mkdtemp(prefix="deskline-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    (root / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        shutil.chown(root / sub, "dovecot", "dovecot")
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port, user="dovecot", login=login))
    process = subprocess.Popen(
        [dovecot_path, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    server = Dovecot(root, port, process)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with server.client():
                    break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (root / "dovecot.log").read_text()
                        if (root / "dovecot.log").exists()
                        else ""
                    )
                    pytest.fail(f"dovecot did not start: {log[-2000:]}")
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
