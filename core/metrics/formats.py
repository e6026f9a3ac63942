"""A report as CSV, Markdown, a self-contained HTML page (inline SVG charts, no script) and
an email; the terminal's text form with charts is the command line's (``tui.cli.report``)."""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from deskline.core.alerts.channels import DeliveryFailed, EmailChannel
from deskline.core.alerts.ladder import EmailSettings
from deskline.core.errors import DesklineError
from deskline.core.language import N_, _, current
from deskline.core.metrics.engine import Table
from deskline.core.metrics.report import Report

# What the human forms show of a group table (CSV and JSON have every column), under the
# headings they show (translated where shown; CSV headers and JSON keys stay the columns).
SHOWN = (
    ("group", N_("group")),
    ("created", N_("created")),
    ("solved", N_("solved")),
    ("first_response_attainment", N_("FR met %")),
    ("resolution_attainment", N_("res. met %")),
    ("breaches", N_("breaches")),
    ("reopen_rate", N_("reopen %")),
    ("first_response_business_median", N_("FR median")),
    ("first_response_business_p90", N_("FR p90")),
    ("resolution_business_median", N_("res. median")),
    ("resolution_business_p90", N_("res. p90")),
    ("resolution_calendar_median", N_("res. median (cal.)")),
    ("backlog", N_("backlog")),
)
# The headings of the other tables' columns in the human forms (in English, the columns).
HEADINGS = {
    "day": N_("day"),
    "open": N_("open"),
    "rung": N_("rung"),
    "alerts": N_("alerts"),
    "person": N_("person"),
    "busiest_day": N_("busiest_day"),
    "busiest_day_alerts": N_("busiest_day_alerts"),
    "key": N_("key"),
    "priority": N_("priority"),
    "status": N_("status"),
    "team": N_("team"),
    "assignee": N_("assignee"),
    "first_response": N_("first_response"),
    "resolution": N_("resolution"),
    "title": N_("title"),
}
KIND_WORDS = {"daily": N_("daily"), "weekly": N_("weekly"), "range": N_("range")}
TIMED_SUFFIXES = ("_mean", "_median", "_p90")


def plain(value: object) -> str:
    """Text safe on a terminal and in a cell: control characters become spaces."""
    text = "" if value is None else str(value)
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(round(seconds))
    d, s = divmod(s, 86_400)
    h, s = divmod(s, 3600)
    m = s // 60
    if d:
        return f"{d}d{h:02d}h"
    if h:
        return f"{h}h{m:02d}m"
    return f"{m}m" if m else f"{s}s"


def cell(column: str, value: Any) -> str:
    """A value as the human forms show it."""
    if value is None:
        return "-"
    if column.endswith(TIMED_SUFFIXES) or column.endswith("age"):
        return duration(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return plain(value)


def shown(table: Table) -> tuple[list[str], list[list[str]]]:
    """The headers and cells the human forms show of a table."""
    if table.columns[:1] != ("group",):
        heads = [_(HEADINGS[c]) if c in HEADINGS else c for c in table.columns]
        return heads, [
            [cell(c, v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows
        ]
    index = {c: i for i, c in enumerate(table.columns)}
    heads = [_(h) for _c, h in SHOWN]
    rows = [[cell(c, row[index[c]]) for c, _h in SHOWN] for row in table.rows]
    return heads, rows


def title_of(report: Report) -> str:
    p = report.period
    start = p.start.astimezone(p.zone).strftime("%Y-%m-%d %H:%M") if p.start else _("the start")
    end = p.end.astimezone(p.zone).strftime("%Y-%m-%d %H:%M")
    kind = _(KIND_WORDS[report.kind]) if report.kind in KIND_WORDS else report.kind
    return _("deskline {kind} report: {start} to {end} ({zone}), {scope}").format(
        kind=kind, start=start, end=end, zone=p.zone, scope=report.scope.text()
    )


# -- CSV ---------------------------------------------------------------------------------


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def write_csv(report: Report, folder: Path) -> list[Path]:
    """One file per table, ``NAME.csv``, in ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report.tables:
        path = folder / f"{table.name}.csv"
        path.write_text(csv_text(table), encoding="utf-8")
        written.append(path)
    return written


def tickets_table(report: Report) -> Table:
    columns = (
        "key",
        "priority",
        "status",
        "team",
        "assignee",
        "first_response",
        "resolution",
        "title",
    )
    rows = tuple(tuple(t[c] for c in columns) for t in report.tickets)
    return Table("tickets", _("Tickets behind {drill}").format(drill=report.drill), columns, rows)


# -- Markdown ----------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(report: Report) -> str:
    lines = [f"# {title_of(report)}", ""]
    tables = [tickets_table(report)] if report.drill else list(report.tables)
    for table in tables:
        heads, rows = shown(table)
        lines += [f"## {table.title}", ""]
        if not rows:
            lines += [_("(none)"), ""]
            continue
        lines.append("| " + " | ".join(heads) + " |")
        lines.append("|" + "---|" * len(heads))
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


# -- HTML --------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 24px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}
td:first-child,th:first-child{text-align:left}
th{background:#eef}
svg{margin:8px 0 24px;background:#fafafa;border:1px solid #ddd}
"""


def bars_svg(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    width: int = 720,
    height: int = 240,
) -> str:
    """A grouped bar chart as inline SVG: ``series`` is (name, colour, values per label)."""
    top = max([v for _name, _colour, values in series for v in values] + [1])
    left, bottom, pad = 48, 40, 24
    plot_w, plot_h = width - left - pad, height - bottom - pad - 16
    n = max(1, len(labels))
    slot = plot_w / n
    bar = max(2.0, slot * 0.8 / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="16" font-size="14" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{pad + 16 + plot_h}" x2="{left + plot_w}" '
        f'y2="{pad + 16 + plot_h}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{pad + 20}" font-size="11" text-anchor="end">{top:g}</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, (_name, colour, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = plot_h * v / top
            y = pad + 16 + plot_h - h
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{colour}">'
                f"<title>{html.escape(label)}: {v:g}</title></rect>"
            )
        if n <= 16 or i % max(1, n // 16) == 0:
            parts.append(
                f'<text x="{x0 + slot * 0.4:.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle">{html.escape(label[:10])}</text>'
            )
    for j, (name, colour, _values) in enumerate(series):
        x = left + j * 140
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 14}" y="{height - 5}" font-size="11">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def charts(report: Report) -> list[tuple[str, list[str], list[tuple[str, str, list[float]]]]]:
    """The report's charts: (title, labels, series)."""
    found = []
    names = {t.name: t for t in report.tables}
    by_time = names.get("by_day") or names.get("by_week")
    if by_time is not None and by_time.rows:
        i = {c: k for k, c in enumerate(by_time.columns)}
        labels = [str(r[0])[5:] for r in by_time.rows]  # 2026-04-02 as 04-02
        found.append(
            (
                _("Created and solved"),
                labels,
                [
                    (_("created"), "#4a7bd0", [float(r[i["created"]]) for r in by_time.rows]),
                    (_("solved"), "#4caf50", [float(r[i["solved"]]) for r in by_time.rows]),
                ],
            )
        )
    by_priority = names.get("by_priority")
    if by_priority is not None and by_priority.rows:
        i = {c: k for k, c in enumerate(by_priority.columns)}
        rows = sorted(by_priority.rows, key=lambda r: str(r[0]))
        found.append(
            (
                _("SLA met (%) by priority"),
                [str(r[0]) for r in rows],
                [
                    (
                        _("first response"),
                        "#4a7bd0",
                        [r[i["first_response_attainment"]] or 0.0 for r in rows],
                    ),
                    (
                        _("resolution"),
                        "#e09030",
                        [r[i["resolution_attainment"]] or 0.0 for r in rows],
                    ),
                ],
            )
        )
    people = names.get("alerts_by_person")
    if people is not None and people.rows:
        rows = list(people.rows[:20])
        found.append(
            (
                _("Alerts per person"),
                [plain(r[0]) for r in rows],
                [(_("alerts"), "#d04a4a", [float(r[1]) for r in rows])],
            )
        )
    return found


def html_page(report: Report) -> str:
    """The report as one HTML page: its charts as inline SVG, its tables; nothing fetched."""
    title = html.escape(title_of(report))
    body = [f"<h1>{title}</h1>"]
    if not report.drill:
        for chart_title, labels, series in charts(report):
            body.append(bars_svg(chart_title, labels, series))
    tables = [tickets_table(report)] if report.drill else list(report.tables)
    for table in tables:
        heads, rows = shown(table)
        body.append(f"<h2>{html.escape(table.title)}</h2>")
        if not rows:
            body.append(f"<p>{html.escape(_('(none)'))}</p>")
            continue
        body.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>")
        body += [
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
        ]
        body.append("</table>")
    lang = current().code.replace("_", "-")
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def mail_message(report: Report, sender: str, to: Sequence[str], text: str) -> EmailMessage:
    """The report as an email: the text form, the HTML page as its alternative."""
    message = EmailMessage()
    message["Subject"] = title_of(report)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html_page(report), subtype="html")
    return message


def mail(report: Report, email: EmailSettings | None, to: Sequence[str], text: str) -> None:
    """Send the report through the desk's SMTP settings (``[alerts.email]``)."""
    if email is None:
        raise DesklineError(
            _(
                "no [alerts.email] in the desk's policy: add the SMTP settings there "
                "(`deskline policy export`, edit, `deskline policy apply`) to mail reports"
            )
        )
    channel = EmailChannel.from_settings(email)
    try:
        channel.deliver(mail_message(report, email.sender, to, text))
    except DeliveryFailed as exc:
        raise DesklineError(str(exc)) from None
