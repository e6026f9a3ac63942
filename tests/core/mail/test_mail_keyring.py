"""A mailbox password kept in the system keyring: a real Secret Service (gnome-keyring on a
session bus of the test's own), ``deskline mail password`` storing it, ``mail fetch`` logging
in to a real Dovecot with it, and the one-line refusals when the keyring cannot give it."""

from __future__ import annotations

import io
import shlex
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from mail_servers import IMAP_PASSWORD, IMAP_USER, dovecot
from test_parse import corpus

sys.path.insert(0, str(Path(__file__).parents[2] / "tui" / "cli"))
from conftest import need_tool, no_desktop_session, poll  # noqa: E402
from in_process import ADMIN, Cli, plain_desk  # noqa: E402
from test_mail_commands import POLICY as COMMANDS_POLICY  # noqa: E402

POLICY = COMMANDS_POLICY.replace(  # the same mailbox, its password in the keyring
    'password_env = "DESKLINE_TEST_MAIL_PASSWORD"', 'password_keyring = "deskline-test/support"'
)


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    return plain_desk(db_url, capsys, monkeypatch)


def with_policy(cli: Cli, tmp_path: Path, imap_port: int = 143) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY.format(imap=imap_port, smtp=25, user=IMAP_USER))
    code, _, err = cli("policy", "apply", str(policy), "--yes", as_=ADMIN)
    assert code == 0, err


def keyring_get(env: dict[str, str], service: str, user: str) -> str:
    """What the ``keyring`` command itself reads back from the Secret Service."""
    done = subprocess.run(
        [sys.executable, "-m", "keyring", "get", service, user],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.rstrip("\n")


def test_the_password_stored_in_the_keyring_logs_in_to_imap(
    cli: Cli, tmp_path: Path, monkeypatch, secret_service
) -> None:
    with dovecot(need_tool("dovecot")) as imap:
        with_policy(cli, tmp_path, imap.port)
        imap.append(corpus("plain"))
        code, _, err = cli("mail", "fetch")  # nothing in the keyring yet
        assert code == 1 and err.count("\n") == 1
        assert err.strip() == (
            "deskline: mailbox support: the keyring has no entry deskline-test/support: "
            "store it with deskline mail password support"
        )
        monkeypatch.setattr(sys, "stdin", io.StringIO(IMAP_PASSWORD + "\n"))
        code, out, err = cli("mail", "password", "support", "--stdin", as_=ADMIN)
        assert code == 0, err
        assert IMAP_PASSWORD not in out + err
        assert "kept in the keyring as deskline-test/support" in err
        assert keyring_get(secret_service.env, "deskline-test", "support") == IMAP_PASSWORD
        [box] = cli.json("mail", "fetch")
        assert [(m["outcome"], m["ticket"]) for m in box["messages"]] == [("new", "T-1")]


def test_the_password_is_asked_twice_in_a_terminal_and_never_shown(
    cli: Cli, tmp_path: Path, secret_service
) -> None:
    tmux = need_tool("tmux")
    with_policy(cli, tmp_path)
    socket = f"deskline-keyring-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> str:
        return subprocess.run([tmux, "-L", socket, *args], capture_output=True, text=True).stdout

    def screen() -> str:
        return run("capture-pane", "-p", "-J", "-S", "-", "-t", "k")

    command = " ".join(
        shlex.quote(part)
        for part in (
            "env",
            f"DBUS_SESSION_BUS_ADDRESS={secret_service.env['DBUS_SESSION_BUS_ADDRESS']}",
            sys.executable,
            "-m",
            "deskline",
            "--db",
            cli.db,
            "--as",
            ADMIN,
            "mail",
            "password",
            "support",
        )
    )
    try:
        run("new-session", "-d", "-s", "k", "-x", "120", "-y", "20", f"{command}; sleep 60")
        assert poll(lambda: "Password for deskline-test/support:" in screen()), screen()
        run("send-keys", "-t", "k", "typed-pa55", "Enter")
        assert poll(lambda: "Repeat for confirmation:" in screen()), screen()
        run("send-keys", "-t", "k", "typed-pa55", "Enter")
        assert poll(lambda: "kept in the keyring as deskline-test/support" in screen()), screen()
        assert "typed-pa55" not in screen()
    finally:
        run("kill-server")
    assert keyring_get(secret_service.env, "deskline-test", "support") == "typed-pa55"


def test_a_wrong_password_in_the_keyring_is_the_servers_refusal(
    cli: Cli, tmp_path: Path, monkeypatch, secret_service
) -> None:
    with dovecot(need_tool("dovecot")) as imap:
        with_policy(cli, tmp_path, imap.port)
        monkeypatch.setattr(sys, "stdin", io.StringIO("not-the-password\n"))
        assert cli("mail", "password", "support", "--stdin", as_=ADMIN)[0] == 0
        code, _, err = cli("mail", "fetch")
        assert code == 1 and err.count("\n") == 1 and "mailbox support at 127.0.0.1" in err
        assert "not-the-password" not in err


def test_no_keyring_service_is_one_actionable_line(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    no_desktop_session(monkeypatch)  # no session bus: no Secret Service to ask
    with_policy(cli, tmp_path)
    code, _, err = cli("mail", "fetch")
    assert code == 1 and err.count("\n") == 1
    assert "mailbox support: no keyring service to read deskline-test/support from" in err
    assert "password_env" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    code, _, err = cli("mail", "password", "support", "--stdin", as_=ADMIN)
    assert code == 1 and "no keyring service" in err


def test_the_password_command_refuses_what_it_cannot_store(
    cli: Cli, tmp_path: Path, monkeypatch
) -> None:
    code, _, err = cli("mail", "password", "support", "--stdin", as_=ADMIN)
    assert code == 1 and "no mailbox named 'support'" in err and "none yet" in err
    policy = tmp_path / "env.toml"
    policy.write_text(
        '[[mail.mailbox]]\nname = "support"\naddress = "s@x.example"\nimap_host = "h"\n'
        'user = "u"\npassword_env = "PW"\n'
    )
    assert cli("policy", "apply", str(policy), "--yes", as_=ADMIN)[0] == 0
    code, _, err = cli("mail", "password", "support", "--stdin", as_=ADMIN)
    assert code == 1 and err.count("\n") == 1
    assert 'add password_keyring = "deskline/support" to its [[mail.mailbox]]' in err
    code, _, err = cli("mail", "password", "support", "--smtp", "--stdin", as_=ADMIN)
    assert code == 1 and 'add smtp_password_keyring = "deskline/support"' in err


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (
            'password_env = "PW"\npassword_keyring = "deskline/s"',
            "give password_env or password_keyring, not both",
        ),
        ('password_keyring = "no-slash"', 'must name a keyring entry as "service/user"'),
        ('password_keyring = "/user"', 'must name a keyring entry as "service/user"'),
    ],
)
def test_a_bad_keyring_entry_in_the_policy_is_refused(
    cli: Cli, tmp_path: Path, lines: str, said: str
) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text(
        '[[mail.mailbox]]\nname = "s"\naddress = "s@x.example"\nimap_host = "h"\n'
        f'user = "u"\n{lines}\n'
    )
    code, _, err = cli("policy", "apply", str(policy), "--yes", as_=ADMIN)
    assert code == 2 and said in err and err.count("\n") == 1
