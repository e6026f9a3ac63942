"""``[[mail.mailbox]]``: the desk's mailboxes, read strictly, written back the same."""

from __future__ import annotations

import pytest

from deskline.core.config.reader import ConfigError
from deskline.core.policy.book import parse_policy_text, rules_toml

GOOD = """
[[mail.mailbox]]
name = "support"
address = "Support@Desk.example"
team = "Service Desk"
imap_host = "imap.desk.example"
user = "support"
password_env = "DESKLINE_MAIL_PASSWORD"
smtp_host = "smtp.desk.example"

[[mail.mailbox]]
name = "billing"
address = "billing@desk.example"
smtp_host = "smtp.desk.example"
smtp_tls = "ssl"
"""


def test_mailboxes_are_read_with_their_defaults_and_written_back_the_same() -> None:
    rules = parse_policy_text(GOOD, "policy.toml")
    support, billing = rules.mail.mailboxes
    assert support.address == "support@desk.example"
    assert (support.imap_port, support.imap_tls, support.folder) == (993, "ssl", "INBOX")
    assert (support.smtp_port, support.smtp_tls) == (587, "starttls")
    assert (billing.smtp_port, billing.imap_host) == (465, None)
    assert rules.mail.for_team("Service Desk") == support
    assert rules.mail.for_team("Other") == support  # the first that sends
    again = parse_policy_text(rules_toml(rules), "again")
    assert again == rules


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            'name = "s"\naddress = "s@x.example"\nsmtp_host = "h"\npassword = "p"',
            "never put a password",
        ),
        ('name = "s"\naddress = "s@x.example"\nimap_host = "h"', "needs user and password_env"),
        ('name = "s"\naddress = "s@x.example"', "needs imap_host"),
        ('name = "s"\naddress = "nope"\nsmtp_host = "h"', "email address"),
        ('name = "s"\naddress = "s@x.example"\nsmtp_host = "h"\nsmtp_tls = "maybe"', "starttls"),
        ('name = "s"\naddress = "s@x.example"\nsmtp_host = "h"\nfolder_name = "x"', "folder_name"),
        (
            'name = "s"\naddress = "s@x.example"\nsmtp_host = "h"\npassword_env = "my pass"',
            "environment variable",
        ),
    ],
)
def test_a_bad_mailbox_is_one_error(text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        parse_policy_text(f"[[mail.mailbox]]\n{text}\n", "policy.toml")


def test_two_mailboxes_of_one_name_are_refused() -> None:
    box = '[[mail.mailbox]]\nname = "s"\naddress = "s@x.example"\nsmtp_host = "h"\n'
    with pytest.raises(ConfigError, match="two mailboxes are named 's'"):
        parse_policy_text(box + box, "policy.toml")


def test_an_acknowledgement_template_names_only_what_it_may() -> None:
    box = '[[mail.mailbox]]\nname = "s"\naddress = "s@x.example"\nsmtp_host = "h"\n'
    good = parse_policy_text('[mail]\nacknowledge = "We have {key}: {title}"\n' + box, "p")
    assert good.mail.acknowledge == "We have {key}: {title}"
    assert parse_policy_text(rules_toml(good), "again") == good
    with pytest.raises(ConfigError, match="may name only"):
        parse_policy_text('[mail]\nacknowledge = "Hi {user}"\n' + box, "p")
