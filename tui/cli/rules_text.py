"""Text output of the routing and triage commands: explain, check, surges, customers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from deskline.core.config.settings import DeskConfig
from deskline.core.desk.views import TicketView
from deskline.core.inert import visible
from deskline.core.policy.book import Policy
from deskline.core.roster.contacts import ContactView, CustomerCard
from deskline.core.roster.customers import CustomerView
from deskline.core.routing.check import Problem
from deskline.core.routing.route import Decision, RoutingRules
from deskline.core.routing.surge import SurgeView
from deskline.tui.cli.render import console
from deskline.tui.times import local


def say(*parts: Any) -> None:
    """Print without wrapping: these lines are read by people and grepped by scripts."""
    shown = (visible(part) if isinstance(part, str) else part for part in parts)
    console.print(*shown, soft_wrap=True, markup=False)


def config_summary(settings: DeskConfig | Policy) -> None:
    """One line each for routing, triage, templates and surge (``config check``, a file's;
    ``policy show``, the desk's)."""
    routing = settings.routing
    if routing.enabled:
        fallback = routing.fallback_team or "none"
        say(f"routing: {len(routing.rules)} rule(s), fallback team {fallback}")
    else:
        say("routing: off (no [[routing.rules]] and no fallback_team)")
    triage = settings.triage
    if triage.enabled:
        words = sum(len(w) for w in triage.keywords.values())
        say(
            f"triage: {words} urgency keywords, impact {dict(triage.impact)}, "
            f"VIP raise {triage.vip_raise}, default {triage.default_priority}"
        )
    else:
        say("triage: off")
    names = ", ".join(t.name for t in settings.templates) or "none"
    say(f"templates: {names}")
    surge = settings.surge
    minutes = int(surge.within.total_seconds() // 60)
    say(
        f"surge: more than {surge.more_than} P0 within {minutes} min"
        if surge.enabled
        else "surge: off"
    )


def rule_table(routing: RoutingRules) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("#", "RULE", "WHEN", "GOES TO"):
        table.add_column(column)
    for i, rule in enumerate(routing.rules):
        cells = (str(i), rule.name, rule.when.describe(), rule.target_text())
        table.add_row(*(Text(c) for c in cells))
    if routing.fallback_team:
        cells = ("", "(fallback)", "no rule matched", f"team {routing.fallback_team}")
        table.add_row(*(Text(c) for c in cells))
    console.print(table)


def check_report(source: str, routing: RoutingRules, problems: Sequence[Problem]) -> None:
    if routing.enabled:
        say(f"{source}: {len(routing.rules)} routing rule(s)")
        rule_table(routing)
    else:
        say(f"{source}: no routing rules (tickets are not routed)")
    if not problems:
        say("no problems found")
    for problem in problems:
        style = "red" if problem.level == "error" else "yellow"
        say(Text(str(problem), style=style))


def _decision_lines(decision: Decision) -> None:
    if decision.tried:
        say("  rules tried, first match wins:")
        for trial in decision.tried:
            mark = "✔ matched" if trial.matched else "✖ no match"
            say(f"    {mark}  {trial.name}")
            for note in trial.notes:
                say(Text(f"        {note}", style="dim"))
        if decision.tried[-1].matched:
            say(Text("    (rules after a match are not tried)", style="dim"))
    if decision.agents:
        wanted = ", ".join(decision.wanted_skills) or "none"
        say(f"  agents (skills wanted: {wanted}):")
        width = max(len(v.handle) for v in decision.agents)
        for v in decision.agents:
            mark = "→" if v.chosen else ("✔" if v.eligible else "✖")
            state = "chosen" if v.chosen else ("eligible" if v.eligible else "not eligible")
            say(f"    {mark} {v.handle:<{width}}  {state}: {v.note}")
    where = f"team {decision.team}" if decision.team else "its team queue"
    if decision.assignee:
        say(f"  result: assigned to {decision.assignee} in {where} ({decision.how})")
    else:
        say(f"  result: left unassigned in {where} ({decision.how})")


def explain(t: TicketView, routing_on: bool) -> None:
    """The triage and routing decisions recorded for a ticket, from its audit trail."""
    say(_headline(t))
    decided = [e for e in t.events if e.kind in ("triaged", "routed", "surge")]
    if not any(e.kind == "triaged" for e in decided):
        say(
            f"triage: no keyword, impact or VIP customer suggested a priority; "
            f"{t.priority} was given or is the default"
        )
    for e in decided:
        say()
        who = e.actor or "deskline"
        if e.kind == "triaged":
            say(f"triage ({local(e.at)}, {who}): {e.reason}")
        elif e.kind == "surge":
            say(f"surge ({local(e.at)}): {e.reason}")
        else:
            say(f"routing ({local(e.at)}, {who}):")
            _decision_lines(Decision.from_json((e.new or {}).get("routing", {}), e.reason or ""))
    if not any(e.kind == "routed" for e in decided):
        say()
        if routing_on:
            say(
                f"routing: {t.key} was not routed (it was created before the routing rules "
                f"were set); `deskline rules explain {t.key} --now` shows where they would send it"
            )
        else:
            say(
                f"routing: {t.key} was not routed: no [[routing.rules]] or [routing] "
                "fallback_team is configured"
            )


def _headline(t: TicketView) -> Text:
    holder = f"assigned to {t.assignee}" if t.assignee else "unassigned"
    return Text.assemble(
        (f"{t.key} ", "bold"),
        f"{t.title} — {t.priority} · {t.status} · {holder} · team {t.team or '—'}",
    )


def preview(t: TicketView, decision: Decision) -> None:
    say(_headline(t))
    say("routing now (a preview: nothing is changed):")
    _decision_lines(decision)


def explain_json(t: TicketView) -> dict[str, Any]:
    """The ticket's decision events (audit-trail shape; ``new`` holds each decision)."""

    def events(kind: str) -> list[dict[str, Any]]:
        return [e.to_json() for e in t.events if e.kind == kind]

    return {
        "key": t.key,
        "priority": t.priority,
        "assignee": t.assignee,
        "team": t.team,
        "triage": events("triaged"),
        "routing": events("routed"),
        "surge": events("surge"),
    }


def surge_table(surges: Sequence[SurgeView]) -> None:
    if not surges:
        say("no surges")
        return
    for s in surges:
        state = Text("SURGE ", style="bold white on red") if s.active else Text("ended ", "dim")
        minutes = int(s.within.total_seconds() // 60)
        to = ", ".join(s.recipients) or "nobody"
        delivered = (
            f"alerted {local(s.alerted_at)}"
            if s.alerted_at
            else "not alerted yet (`deskline watch` sends it on its next pass)"
        )
        say(
            state
            + Text(
                f"{s.team or 'no team'}: {s.p0_count} P0 since {local(s.started_at)} "
                f"(began with {s.began_with}; more than {s.more_than} within {minutes} min), "
                f"last P0 {local(s.last_p0_at)}; for {to}; {delivered}"
            )
        )


def customer_table(customers: Sequence[CustomerView]) -> None:
    if not customers:
        say("no customers yet")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("CUSTOMER", "TIER", "DEDICATED AGENT"):
        table.add_column(column)
    for c in customers:
        table.add_row(Text(visible(c.name)), c.tier, Text(visible(c.dedicated or "")))
    console.print(table)


def contact_table(contacts: Sequence[ContactView]) -> None:
    if not contacts:
        say("no contacts yet: add one with `deskline contacts add NAME --email ADDRESS`")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("CONTACT", "CUSTOMER", "EMAIL", "PHONE"):
        table.add_column(column)
    for c in contacts:
        table.add_row(
            Text(c.name), Text(c.customer or "—"), Text(", ".join(c.emails)), Text(c.phone or "")
        )
    console.print(table)


def customer_card(card: CustomerCard) -> None:
    say(
        Text.assemble(
            (card.name, "bold"), f"  {card.tier}, dedicated agent {card.dedicated or '—'}"
        )
    )
    say()
    contact_table(card.contacts)
    say()
    if not card.tickets:
        say("no tickets")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("KEY", "STATUS", "REQUESTER", "TITLE"):
        table.add_column(column)
    for t in card.tickets:
        table.add_row(t["key"], t["status"], Text(t["requester"] or "—"), Text(t["title"]))
    console.print(table)
