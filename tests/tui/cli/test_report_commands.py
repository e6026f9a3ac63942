"""``deskline report`` as real processes on the frozen metrics desk: the text, JSON and CSV
forms, the drill-down, the roles, the HTML page in a real headless Chromium, and the mail
arriving at a loopback SMTP server."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import os
import socket
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import need_tool
from processes import deskline
from rich.cells import cell_len

sys.path.insert(0, str(Path(__file__).parents[2] / "core" / "metrics"))
from metrics_desk import END, POLICY, build  # noqa: E402

from deskline.core.metrics.formats import html_page  # noqa: E402
from deskline.core.metrics.report import build as build_report  # noqa: E402
from deskline.core.policy.apply import apply  # noqa: E402
from deskline.core.policy.book import parse_policy_text  # noqa: E402
from deskline.storage.store import Store  # noqa: E402


@pytest.fixture
def desk_env(tmp_path: Path) -> tuple[dict[str, str], dict[str, str], Path]:
    path = tmp_path / "desk.db"
    store = Store.open(str(path))
    keys = build(store)
    store.close()
    env = dict(os.environ)
    for gone in ("DESKLINE_CONFIG", "DESKLINE_DB"):
        env.pop(gone, None)
    env.update(
        DESKLINE_DB=str(path),
        DESKLINE_AS="di",
        DESKLINE_NOW=END.isoformat(),
        TZ="UTC",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return env, keys, path


RANGE = ("report", "range", "--from", "2026-04-01", "--to", "2026-04-07", "--tz", "UTC")


def test_json_text_and_drill_down(desk_env):
    env, keys, _ = desk_env
    data = json.loads(deskline(env, *RANGE, "--format", "json").stdout)
    summary = data["tables"]["summary"][0]
    assert (summary["created"], summary["solved"], summary["breaches"]) == (3, 2, 3)
    assert data["from"] == "2026-04-01T00:00:00Z" and data["to"] == "2026-04-07T12:00:00Z"
    text = deskline(env, *RANGE).stdout
    assert "Created and solved" in text and "Summary" in text and "By priority" in text
    narrow = deskline({**env, "COLUMNS": "80"}, *RANGE).stdout  # tables in parts that fit
    assert max(cell_len(line) for line in narrow.splitlines()) <= 80
    assert narrow.count("  group  ") > text.count("Summary")  # the summary went in parts
    listed = deskline(env, *RANGE, "--tickets", "breaches").stdout
    assert keys["B"] in listed and keys["C"] in listed and keys["A"] not in listed
    md = deskline(env, *RANGE, "--format", "md").stdout
    assert md.startswith("# deskline range report") and "| all | 3 | 2 |" in md


def test_csv_parses_one_file_per_table(desk_env, tmp_path):
    env, _, _ = desk_env
    out = tmp_path / "csv"
    deskline(env, *RANGE, "--format", "csv", "--out", str(out))
    files = sorted(p.name for p in out.iterdir())
    assert "summary.csv" in files and "by_priority.csv" in files and "alerts_by_person.csv" in files
    rows = list(csv.DictReader((out / "by_priority.csv").open(encoding="utf-8")))
    assert {r["group"]: int(r["created"]) for r in rows} == {"P1": 2, "P2": 1}
    one = deskline(env, *RANGE, "--format", "csv", "--table", "summary").stdout
    (row,) = csv.DictReader(io.StringIO(one))
    assert float(row["first_response_business_median"]) == 3000.0
    done = deskline(env, *RANGE, "--format", "csv", check=False)
    assert done.returncode == 2 and "--out DIR" in done.stderr


def test_an_out_path_that_cannot_be_written_is_one_line(desk_env, tmp_path):
    env, _, _ = desk_env
    deskline(env, "list")  # the desk's first command says it kept the built-in policy
    (tmp_path / "taken.md").write_text("x")
    for args, path in (
        (("--out", str(tmp_path / "no" / "such" / "x.txt")), tmp_path / "no" / "such" / "x.txt"),
        (("--format", "md", "--out", str(tmp_path)), tmp_path),  # a folder
        (("--format", "csv", "--out", str(tmp_path / "taken.md")), tmp_path / "taken.md"),
    ):
        done = deskline(env, *RANGE, *args, check=False)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(f"deskline: cannot write {path}: ")
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    drilled = tmp_path / "drill"
    deskline(env, *RANGE, "--tickets", "created", "--format", "csv", "--out", str(drilled))
    rows = list(csv.DictReader((drilled / "tickets.csv").open(encoding="utf-8")))
    assert len(rows) == 3 and rows[0]["key"].startswith("T-")


def test_roles_and_bad_input(desk_env):
    env, _, _ = desk_env
    as_bo = {**env, "DESKLINE_AS": "bo"}
    mine = json.loads(deskline(as_bo, *RANGE, "--format", "json").stdout)
    assert mine["agent"] == "bo"
    refused = deskline(as_bo, *RANGE, "--team", "Service Desk", check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "deskline: an agent sees only their own numbers (--agent bo); you (bo) are agent"
    )
    bad = deskline(
        env, "report", "range", "--from", "2026-04-09", "--to", "2026-04-01", check=False
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    bad = deskline(env, *RANGE, "--format", "pdf", check=False)
    assert bad.returncode == 2


# -- the HTML page in a real browser -----------------------------------------------------


def _pixels(png: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, raw rows unfiltered) of an 8-bit RGB(A) PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    data, stride = zlib.decompress(idat), width * channels
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        f, line = (
            data[y * (stride + 1)],
            bytearray(data[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, channels, bytes(out)


def _count(pixels: tuple[int, int, int, bytes], rgb: tuple[int, int, int]) -> int:
    _, _, channels, raw = pixels
    return sum(
        1
        for i in range(0, len(raw), channels)
        if all(abs(raw[i + k] - rgb[k]) <= 6 for k in range(3))
    )


def test_the_html_page_shows_its_charts_in_chromium(desk_env, tmp_path):
    chromium = need_tool("chromium")
    env, _, path = desk_env
    page = tmp_path / "report.html"
    deskline(env, *RANGE, "--format", "html", "--out", str(page))
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "http" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=1000,900",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    pixels = _pixels(shot.read_bytes())
    assert _count(pixels, (0x4A, 0x7B, 0xD0)) > 2000  # the blue bars: created, first response
    assert _count(pixels, (0x4C, 0xAF, 0x50)) > 500  # the green ones: solved
    # the same page without its charts has none of those pixels: the test can fail
    bare = tmp_path / "bare.html"
    bare.write_text(text.split("<svg")[0] + "</body></html>", encoding="utf-8")
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=1000,900",
            bare.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert _count(_pixels(shot.read_bytes()), (0x4A, 0x7B, 0xD0)) == 0


def test_customer_text_is_escaped_in_html(tmp_path):
    from datetime import UTC

    store = Store.open(str(tmp_path / "x.db"))
    build(store)
    r = build_report(
        store,
        "di",
        parse_policy_text("", "x").sla,
        0,
        kind="range",
        now=END,
        zone=UTC,
        start="2026-04-01",
        end="2026-04-07",
        drill="created",
    )
    store.close()
    object.__setattr__(r, "tickets", ({**r.tickets[0], "title": "<script>alert(1)</script>"},))
    page = html_page(r)
    assert "<script>" not in page and "&lt;script&gt;" in page


# -- mail ----------------------------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_mail_arrives_at_the_smtp_server(desk_env):
    from aiosmtpd.controller import Controller

    env, _, path = desk_env
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        policy = (
            f'[alerts.email]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
            'sender = "desk@example.com"\n'
        )
        store = Store.open(str(path))
        apply(store, parse_policy_text(policy, "mail.toml"), actor="ad", now=END)
        store.close()
        done = deskline(env, *RANGE, "--mail", "boss@example.com")
        assert "report sent to boss@example.com" in done.stderr
    finally:
        controller.stop()
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["boss@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"].startswith("deskline range report")
    html = message.get_body(("html",)).get_content()
    assert "<svg" in html and "Summary" in html
    assert "Summary" in message.get_body(("plain",)).get_content()


def test_mail_without_smtp_settings_is_one_line(desk_env):
    env, _, _ = desk_env
    done = deskline(env, *RANGE, "--mail", "boss@example.com", check=False)
    assert done.returncode == 1 and "no [alerts.email]" in done.stderr


# -- replay ------------------------------------------------------------------------------


def test_replay_writes_nothing_and_a_looser_policy_breaches_less(desk_env, tmp_path):
    import hashlib

    env, _, path = desk_env
    proposed = tmp_path / "proposed.toml"
    proposed.write_text(
        POLICY.replace('"30m"\nresolution = "4h"', '"1h"\nresolution = "8h"').replace(
            '"1h"\nresolution = "8h"\ncalendar = "biz"',
            '"2h"\nresolution = "16h"\ncalendar = "biz"',
        ),
        encoding="utf-8",
    )
    deskline(env, "list")  # the desk's first command keeps its policy (a write, once)
    (tmp_path / "ui.toml").write_text("[ui]\nascii = true\n", encoding="utf-8")
    for bad, said in ((tmp_path / "ui.toml", "no policy section in it"), ("/dev/null", "not a")):
        refused = deskline(env, "replay", "--policy", str(bad), check=False)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    args = ("replay", "--policy", str(proposed), "--from", "2026-04-01", "--to", "2026-04-07")
    data = json.loads(deskline(env, *args, "--json").stdout)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert data["current"]["breaches"] >= data["proposed"]["breaches"]
    assert data["proposed"]["breaches"] < data["current"]["breaches"]
    text = deskline(env, *args).stdout
    assert "breaches" in text and "proposed" in text
    bad = deskline(env, "replay", "--policy", str(tmp_path / "none.toml"), check=False)
    assert bad.returncode == 2 and "--policy" in bad.stderr


def test_staffing(desk_env):
    env, _, _ = desk_env
    data = json.loads(deskline(env, "staffing", "--weeks", "1", "--handle", "20m", "--json").stdout)
    assert len(data["hours"]) == 168 and data["target"] == "80% in 30m"
    monday_9 = data["hours"][9]
    assert (
        monday_9["hour"] == "mon 09:00" and monday_9["arrivals"] == 1.0 and monday_9["agents"] == 1
    )
    assert data["on_duty_now"] == 4
    text = deskline({**env, "COLUMNS": "80"}, "staffing", "--weeks", "1").stdout
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "measured on" in text and text.count("  hour ") == 2  # the day in two halves
    monday = [line.split() for line in text.splitlines() if line.startswith("  mon")]
    assert len(monday) == 2 and len(monday[0]) == len(monday[1]) == 13
    bad = deskline(env, "staffing", "--target", "all of them", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("deskline: --target")


def test_staffing_in_chinese_keeps_80_columns_and_its_days_in_line(desk_env):
    env, _, _ = desk_env
    text = deskline({**env, "COLUMNS": "80"}, "--lang", "zh_CN", "staffing", "--weeks", "1").stdout
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= 80  # wrapped by cells, not characters
    assert "的排班需求，目标 80% in 30m，基于最近 1 周：处理时长" in lines[0]
    table = [line for line in lines if line.startswith(("  小时", "  周"))]
    assert len(table) == 16 and text.count("  小时 ") == 2
    # the numbers of every row end in the same terminal cells as the hours above them
    assert len({cell_len(line) for line in table}) == 1
    monday = [line.split() for line in table if line.startswith("  周一")]
    assert len(monday) == 2 and len(monday[0]) == len(monday[1]) == 13
