"""Reading received mail (pure): the corpus of real-world shapes, Chinese subjects and
bodies, hostile HTML and escapes made inert, quotes stripped, automatic mail told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskline.core.mail.parse import parse

CORPUS = Path(__file__).with_name("mail_corpus")


def corpus(name: str, **fill: str) -> bytes:
    raw = (CORPUS / f"{name}.eml").read_bytes()
    for key, value in fill.items():
        raw = raw.replace(f"{{{key}}}".encode(), value.encode())
    return raw


def test_plain_mail() -> None:
    mail = parse(corpus("plain"))
    assert mail.message_id == "plain-1@acme.example"
    assert (mail.sender, mail.sender_name) == ("li.wei@acme.example", "Li Wei")
    assert mail.subject == "Printer on the 3rd floor is on fire"
    assert mail.text.startswith("Hello,\n\nthe printer") and mail.automatic is None


def test_multipart_alternative_takes_the_text_part_and_the_ccs() -> None:
    mail = parse(corpus("multipart_alternative"))
    assert mail.text == "The VPN drops every 10 minutes since Monday."
    assert mail.cc == ("boss@globex.example",)


def test_html_only_becomes_inert_text() -> None:
    mail = parse(corpus("html_only"))
    assert "alert(1)" not in mail.text and "color:red" not in mail.text
    assert "Our <b>site</b> is down & nobody answers." in mail.text  # entities as text
    assert "\x1b" not in mail.text and "\x07" not in mail.text
    assert "\x1b" not in mail.subject and mail.subject.startswith("[bold red]Urgent[/]")


def test_quoted_printable_and_an_encoded_subject() -> None:
    mail = parse(corpus("quoted_printable"))
    assert mail.subject == "Wi-Fi im Café"
    assert mail.text == "Grüße: the café's Wi-Fi fails — 无线网络连接失败。"


def test_gbk_labelled_gb2312_decodes() -> None:
    mail = parse(corpus("gbk_subject"))
    assert mail.subject == "打印机无法连接 镕"  # 镕 is GBK, not GB2312
    assert mail.sender_name == "王芳"
    assert mail.text == "你好，打印机无法连接网络。朱镕基"


def test_utf8_chinese_subject() -> None:
    mail = parse(corpus("utf8_subject"))
    assert mail.subject == "邮箱登录失败，请帮忙"
    assert mail.text == "我无法登录邮箱，提示密码错误。"


def test_outlook_reply_loses_its_quoted_original() -> None:
    mail = parse(corpus("outlook_reply", SUBJECT="[T-1] Printer", IN_REPLY_TO="T-1.5@desk.example"))
    assert mail.in_reply_to == ("T-1.5@desk.example",)
    assert mail.reply == "It smokes again this morning.\n\nLi Wei"
    assert mail.automatic is None  # X-Auto-Response-Suppress is a person's mail asking


def test_gmail_reply_threads_by_references_alone() -> None:
    mail = parse(corpus("gmail_references_only", SUBJECT="x", REFERENCES="T-1.5@desk.example"))
    assert mail.in_reply_to == ()
    assert mail.thread_ids == ("T-1.5@desk.example", "unrelated-older@acme.example")
    assert mail.reply == "Still broken, sorry."


def test_forwarded_mail_keeps_what_was_forwarded() -> None:
    mail = parse(corpus("forwarded"))
    assert "1,000,000 EUR" in mail.text


@pytest.mark.parametrize("name", ["auto_reply", "bounce", "bulk"])
def test_automatic_mail_is_no_persons(name: str) -> None:
    assert parse(corpus(name, IN_REPLY_TO="x@y")).automatic


def test_attachments_are_listed() -> None:
    mail = parse(corpus("attachment"))
    assert mail.text == "See the screenshot."
    assert [(a["filename"], a["type"]) for a in mail.attachments] == [
        ("screen.png", "image/png"),
        ("报告.pdf", "application/pdf"),
    ]


def test_a_message_without_message_id_gets_a_stable_one() -> None:
    raw = b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
    assert parse(raw).message_id == parse(raw).message_id
    assert parse(raw).message_id.endswith("@no-message-id")
