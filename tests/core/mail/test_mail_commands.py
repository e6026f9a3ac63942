"""``deskline mail`` as a person uses it: the policy names the mailbox, ``mail fetch`` takes
the mail in, ``reply`` mails the customer (the SMTP server down: it waits in the outbox and
``mail send`` delivers it), ``mail outbox`` shows it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mail_servers import IMAP_PASSWORD, IMAP_USER, Smtp, dovecot, free_port
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


def _with_files(*files: tuple[str, str, bytes]) -> bytes:
    from email.message import EmailMessage

    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "Eve <eve@evil.example>", "support@desk.example", "Logs"
    m["Message-ID"] = "<files-1@evil.example>"
    m.set_content("Logs attached.")
    for name, kind, data in files:
        main, sub = kind.split("/")
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(m)


def test_attachments_are_kept_listed_and_saved_under_safe_names(
    cli: Cli, tmp_path: Path, monkeypatch
) -> None:
    """Files up to [mail] max_attachment_mb are kept whole; `attachments save` writes them
    byte for byte under a name that is never a path the sender chose, and never over a file
    that exists; a file bigger than the limit is listed, not kept."""
    import base64
    import hashlib

    big, dotfile = b"x" * 3000, b"alias ls='rm -rf ~'\n"
    hostile = "../../evil\x1b]0;pwned\x07.sh"
    with dovecot(need_tool("dovecot")) as imap:
        policy = tmp_path / "policy.toml"
        text = POLICY.format(imap=imap.port, smtp=free_port(), user=IMAP_USER)
        policy.write_text("[mail]\nmax_attachment_mb = 0.001\n\n" + text)  # ~1 KB
        code, _, err = cli("policy", "apply", str(policy), "--yes", as_=ADMIN)
        assert code == 0, err
        monkeypatch.setenv("DESKLINE_TEST_MAIL_PASSWORD", IMAP_PASSWORD)
        imap.append(corpus("attachment"))
        imap.append(_with_files((hostile, "text/x-sh", big), ("../.bashrc", "text/plain", dotfile)))
        cli.json("mail", "fetch")
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    listed = cli.json("attachments", "list", "T-1")
    assert [(a["number"], a["filename"], a["kept"]) for a in listed] == [
        (1, "screen.png", True),
        (2, "报告.pdf", True),
    ]
    assert listed[0]["sha256"] == hashlib.sha256(png).hexdigest()
    assert listed[0]["from"] == "li.wei@acme.example"
    out = tmp_path / "out"
    out.mkdir()
    code, saved, err = cli("attachments", "save", "T-1", "1", "--out", str(out))
    assert code == 0, err
    assert saved.strip() == str(out / "screen.png") and (out / "screen.png").read_bytes() == png
    (out / "screen.png").write_bytes(b"mine")
    code, _, err = cli("attachments", "save", "T-1", "1", "--out", str(out))
    assert code == 2 and "exists" in err and len(err.splitlines()) == 1
    assert (out / "screen.png").read_bytes() == b"mine"  # left alone
    assert cli("attachments", "save", "T-1", "1", "-o", str(out), "--force")[0] == 0
    assert (out / "screen.png").read_bytes() == png
    every = tmp_path / "every"
    every.mkdir()
    assert cli("attachments", "save", "T-1", "--out", str(every))[0] == 0
    assert sorted(p.name for p in every.iterdir()) == ["screen.png", "报告.pdf"]
    # the hostile message: names shown inert, the big file only listed, no path escapes
    code, shown, _ = cli("attachments", "list", "T-2")
    assert code == 0 and "\x1b" not in shown and "\x07" not in shown and "too big" in shown
    code, _, err = cli("attachments", "save", "T-2", "1", "--out", str(out))
    assert code == 1 and "bigger than the desk keeps" in err
    assert cli("attachments", "save", "T-2", "2", "--out", str(out))[0] == 0
    assert (out / "bashrc").read_bytes() == dotfile
    assert not (tmp_path / ".bashrc").exists() and not (tmp_path / "evil").exists()
    assert "too big to keep" in cli.json("show", "T-2")["description"]
    code, _, err = cli("attachments", "save", "T-1", "3", "--out", str(out))
    assert code == 1 and "has no attachment 3 (it has 1 to 2)" in err
    code, _, err = cli("attachments", "list", "T-99")
    assert code == 1 and "no ticket T-99" in err
