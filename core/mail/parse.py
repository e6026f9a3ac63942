"""A received message read as the desk needs it: who, what about, which conversation, the
text (HTML-only mail as text), the reply without its quote, the attachments, and whether it
is automatic (an auto-reply, a bounce, a list) and so no one's words.

Pure: bytes in, an ``InMail`` out; no store, no network. Customer text is hostile: it comes
out as plain text without control characters, never markup.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from typing import Any

from email_reply_parser import EmailReplyParser

# Labels mail clients use for a wider charset than they say: GB2312 mail is GBK or GB18030.
CHARSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}
TOKEN = re.compile(r"\[T-(\d+)\]", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Where a quoted earlier message begins in replies email_reply_parser does not know
# (Outlook's header block, its "Original Message" line, a rule of underscores).
QUOTE_START = re.compile(
    r"^(-{2,}\s*(original message|ursprüngliche nachricht|原始邮件)\s*-{2,}"
    r"|_{10,}\s*$"
    r"|(from|von|发件人)\s*[:：].*\n\s*(sent|gesendet|发送时间|date)\s*[:：])",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class InMail:
    message_id: str  # without angle brackets
    subject: str
    sender: str  # the From address, lower-case ("" when none)
    sender_name: str
    cc: tuple[str, ...] = ()
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    text: str = ""  # the whole text (HTML made text)
    reply: str = ""  # the text without quoted earlier messages and signature
    attachments: tuple[dict[str, Any], ...] = field(default=())  # filename, type, size, sha256
    files: tuple[bytes, ...] = field(default=(), repr=False)  # their bytes, in that order
    automatic: str | None = None  # why it is no person's words (None: it is)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs it answers, nearest first."""
        return tuple(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))

    def token(self) -> int | None:
        """The ticket number in the subject's ``[T-123]``, if any."""
        found = TOKEN.search(self.subject)
        return int(found.group(1)) if found else None


def clean(text: str) -> str:
    """Plain text fit to store and show: no escape sequences or control characters, Unix
    line ends, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _charset(name: str | None) -> str:
    name = (name or "utf-8").strip().strip('"').lower()
    return CHARSETS.get(name, name)


def _decode(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(_charset(charset), errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")


def header_text(value: Any) -> str:
    """A header as text, RFC 2047 words decoded (GBK labelled GB2312 included)."""
    if value is None:
        return ""
    parts = []
    for chunk, charset in decode_header(str(value)):
        parts.append(_decode(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return clean(" ".join("".join(parts).split()))


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(MESSAGE_ID.findall(str(value or "")))


class _Text(HTMLParser):
    """HTML as the text a person reads: blocks on lines of their own, no scripts or styles."""

    BLOCKS = frozenset(
        {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "blockquote", "table"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head", "title"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _body(message: Message) -> tuple[str, list[dict[str, Any]], list[bytes]]:
    """The text (the plain part, else the HTML part as text), the attachments and their
    bytes."""
    plain: list[str] = []
    markup: list[str] = []
    attachments: list[dict[str, Any]] = []
    files: list[bytes] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = part.get_filename()
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        data = part.get_payload(decode=True)
        payload = data if isinstance(data, bytes) else b""
        if filename or disposition == "attachment" or not kind.startswith("text/"):
            if kind in ("message/delivery-status",):
                continue
            attachments.append(
                {
                    "filename": header_text(filename) or "(unnamed)",
                    "type": kind,
                    "size": len(payload),
                    "sha256": hashlib.sha256(payload).hexdigest(),
                }
            )
            files.append(payload)
            continue
        text = _decode(payload, part.get_content_charset())
        if kind == "text/html":
            markup.append(html_text(text))
        elif kind == "text/plain":
            plain.append(text)
    return clean("\n\n".join(plain) if plain else "\n\n".join(markup)), attachments, files


def strip_reply(text: str) -> str:
    """The words of a reply without the quoted messages under it and the signature."""
    found = QUOTE_START.search(text)
    if found:
        text = text[: found.start()]
    reply = EmailReplyParser.parse_reply(text)
    return clean(reply) or clean(text)


def automatic(message: Message, sender: str) -> str | None:
    """Why a message is no person's words, or None."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        value = str(message.get(name, "")).strip().lower()
        if value:
            return f"{name}: {value}"
    if message.get_content_type() == "multipart/report":
        return "a delivery report (bounce)"
    local = sender.partition("@")[0]
    if local in ("mailer-daemon", "postmaster"):
        return f"from {local} (a bounce)"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "a mailing list"
    return None


def parse(raw: bytes) -> InMail:
    message = message_from_bytes(raw)
    ids = _ids(message.get("Message-ID"))
    message_id = ids[0] if ids else f"{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id"
    name, address = parseaddr(header_text(message.get("From")))
    sender = address.strip().lower()
    cc = tuple(
        a.strip().lower()
        for _, a in getaddresses([header_text(v) for v in message.get_all("Cc", [])])
        if "@" in a
    )
    text, attachments, files = _body(message)
    return InMail(
        message_id=message_id,
        subject=header_text(message.get("Subject")),
        sender=sender if "@" in sender else "",
        sender_name=clean(name),
        cc=cc,
        in_reply_to=_ids(message.get("In-Reply-To")),
        references=_ids(message.get("References")),
        text=text,
        reply=strip_reply(text),
        attachments=tuple(attachments),
        files=tuple(files),
        automatic=automatic(message, sender),
    )
