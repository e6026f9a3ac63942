"""``deskline mail`` as a person uses it: the policy names the mailbox, ``mail fetch`` takes
the mail in, ``reply`` mails the customer (the SMTP server down: it waits in the outbox and
``mail send`` delivers it), ``mail outbox`` shows it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mail_servers import IMAP_PASSWORD, IMAP_USER, Smtp, dovecot
from test_parse import corpus

sys.path.insert(0, str(Path(__file__).parents[2] / "tui" / "cli"))
from conftest import need_tool  # noqa: E402
from in_process import ADMIN, Cli, plain_desk  # noqa: E402

POLICY = """
[[mail.mailbox]]
name = "support"
address = "support@desk.example"
team = "Service Desk"
imap_host = "127.0.0.1"
imap_port = {imap}
imap_tls = "none"
user = "{user}"
password_env = "DESKLINE_TEST_MAIL_PASSWORD"
smtp_host = "127.0.0.1"
smtp_port = {smtp}
smtp_tls = "none"
"""


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    return plain_desk(db_url, capsys, monkeypatch)


def test_fetch_reply_and_send(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    smtp = Smtp()
    with dovecot(need_tool("dovecot")) as imap:
        policy = tmp_path / "policy.toml"
        policy.write_text(POLICY.format(imap=imap.port, smtp=smtp.port, user=IMAP_USER))
        code, _, err = cli("policy", "apply", str(policy), "--yes", as_=ADMIN)
        assert code == 0, err
        code, _, err = cli("mail", "fetch")
        assert code != 0 and "DESKLINE_TEST_MAIL_PASSWORD" in err  # the password: env only
        monkeypatch.setenv("DESKLINE_TEST_MAIL_PASSWORD", IMAP_PASSWORD)
        imap.append(corpus("plain"))
        [box] = cli.json("mail", "fetch")
        assert [(m["outcome"], m["ticket"]) for m in box["messages"]] == [("new", "T-1")]
        assert cli.json("show", "T-1")["requester"] == "Li Wei <li.wei@acme.example>"
        cli.json("take", "T-1")
        code, out, err = cli("reply", "T-1", "On our way.")  # the SMTP server is down
        assert code == 0 and "waits in the outbox" in out and "127.0.0.1" in err
        [row] = cli.json("mail", "outbox")
        assert (row["status"], row["attempts"], row["to"]) == (
            "pending", 1, ["li.wei@acme.example"]
        )  # fmt: skip
        smtp.start()
        try:
            monkeypatch.setenv("DESKLINE_NOW", "2099-01-01T00:00:00+00:00")  # past its retry
            assert cli.json("mail", "send")["sent"] == 1
            assert cli.json("mail", "send")["sent"] == 0
        finally:
            smtp.stop()
        [sent] = smtp.inbox.messages()
        assert sent["Subject"] == "Re: [T-1] Printer on the 3rd floor is on fire"
        assert sent["In-Reply-To"] == "<plain-1@acme.example>"


def test_a_password_in_the_policy_is_refused(cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[[mail.mailbox]]\nname = "s"\naddress = "s@x.example"\nimap_host = "h"\n'
        'user = "u"\npassword = "hunter2"\n'
    )
    code, _, err = cli("policy", "apply", str(policy), "--yes", as_=ADMIN)
    assert code == 2 and "never put a password" in err and "hunter2" not in err


def test_mail_fetch_without_a_mailbox_says_how_to_add_one(cli: Cli) -> None:
    code, _, err = cli("mail", "fetch")
    assert code != 0 and "[[mail.mailbox]]" in err
