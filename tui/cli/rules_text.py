"""Text output of the routing and triage commands: explain, check, surges, customers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from deskline.core.config.settings import DeskConfig
from deskline.core.desk.views import TicketView
from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.core.policy.book import Policy
from deskline.core.roster.contacts import ContactView, CustomerCard
from deskline.core.roster.customers import CustomerView
from deskline.core.routing.check import Problem
from deskline.core.routing.route import Decision, RoutingRules
from deskline.core.routing.surge import SurgeView
from deskline.tui.cli.helptext import cells, padded
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
        fallback = routing.fallback_team or _("none")
        count = len(routing.rules)
        said = _("routing: {count} rule(s), fallback team {team}")  # read by scripts too
        say(said.format(count=count, team=fallback))
    else:
        say(_("routing: off (no [[routing.rules]] and no fallback_team)"))
    triage = settings.triage
    if triage.enabled:
        words = sum(len(w) for w in triage.keywords.values())
        said = _(
            "triage: {words} urgency keywords, impact {impact}, VIP raise {raise_}, "
            "default {priority}"
        )
        say(
            said.format(
                words=words,
                impact=dict(triage.impact),
                raise_=triage.vip_raise,
                priority=triage.default_priority,
            )
        )
    else:
        say(_("triage: off"))
    names = ", ".join(t.name for t in settings.templates) or _("none")
    say(_("templates: {names}").format(names=names))
    surge = settings.surge
    minutes = int(surge.within.total_seconds() // 60)
    said = _("surge: more than {count} P0 within {minutes} min") if surge.enabled else None
    say(said.format(count=surge.more_than, minutes=minutes) if said else _("surge: off"))


def rule_table(routing: RoutingRules) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("#", N_("RULE"), N_("WHEN"), N_("GOES TO")):
        table.add_column(_(column))
    for i, rule in enumerate(routing.rules):
        row = (str(i), rule.name, rule.when.describe(), rule.target_text())
        table.add_row(*(Text(c) for c in row))
    if routing.fallback_team:
        team = _("team {team}").format(team=routing.fallback_team)
        row = ("", _("(fallback)"), _("no rule matched"), team)
        table.add_row(*(Text(c) for c in row))
    console.print(table)


def check_report(source: str, routing: RoutingRules, problems: Sequence[Problem]) -> None:
    if routing.enabled:
        count = len(routing.rules)
        said = _("{source}: {count} routing rule(s)")
        say(said.format(source=source, count=count))
        rule_table(routing)
    else:
        say(_("{source}: no routing rules (tickets are not routed)").format(source=source))
    if not problems:
        say(_("no problems found"))
    for problem in problems:
        style = "red" if problem.level == "error" else "yellow"
        say(Text(str(problem), style=style))


def _decision_lines(decision: Decision) -> None:
    if decision.tried:
        say(_("  rules tried, first match wins:"))
        for trial in decision.tried:
            mark = "✔ " + _("matched") if trial.matched else "✖ " + _("no match")
            say(f"    {mark}  {trial.name}")
            for note in trial.notes:
                say(Text(f"        {note}", style="dim"))
        if decision.tried[-1].matched:
            say(Text(_("    (rules after a match are not tried)"), style="dim"))
    if decision.agents:
        wanted = ", ".join(decision.wanted_skills) or _("none")
        say(_("  agents (skills wanted: {wanted}):").format(wanted=wanted))
        width = max(cells(v.handle) for v in decision.agents)
        for v in decision.agents:
            mark = "→" if v.chosen else ("✔" if v.eligible else "✖")
            state = (
                _("chosen") if v.chosen else (_("eligible") if v.eligible else _("not eligible"))
            )
            say(f"    {mark} {padded(v.handle, width)}  {state}: {v.note}")
    if decision.team:
        where = _("team {team}").format(team=decision.team)
    else:
        where = _("its team queue")
    if decision.assignee:
        said = _("  result: assigned to {assignee} in {where} ({how})")
    else:
        said = _("  result: left unassigned in {where} ({how})")
    say(said.format(assignee=decision.assignee, where=where, how=decision.how))


def explain(t: TicketView, routing_on: bool) -> None:
    """The triage and routing decisions recorded for a ticket, from its audit trail."""
    say(_headline(t))
    decided = [e for e in t.events if e.kind in ("triaged", "routed", "surge")]
    if not any(e.kind == "triaged" for e in decided):
        said = _(
            "triage: no keyword, impact or VIP customer suggested a priority; "
            "{priority} was given or is the default"
        )
        say(said.format(priority=t.priority))
    for e in decided:
        say()
        who = e.actor or "deskline"
        at = local(e.at)
        if e.kind == "triaged":
            say(_("triage ({at}, {who}): {reason}").format(at=at, who=who, reason=e.reason))
        elif e.kind == "surge":
            say(_("surge ({at}): {reason}").format(at=at, reason=e.reason))
        else:
            say(_("routing ({at}, {who}):").format(at=at, who=who))
            _decision_lines(Decision.from_json((e.new or {}).get("routing", {}), e.reason or ""))
    if not any(e.kind == "routed" for e in decided):
        say()
        if routing_on:
            said = _(
                "routing: {key} was not routed (it was created before the routing rules "
                "were set); `deskline rules explain {key} --now` shows where they would send it"
            )
        else:
            said = _(
                "routing: {key} was not routed: no [[routing.rules]] or [routing] "
                "fallback_team is configured"
            )
        say(said.format(key=t.key))


def _headline(t: TicketView) -> Text:
    holder = _("assigned to {assignee}").format(assignee=t.assignee) if t.assignee else None
    team = _("team {team}").format(team=t.team or "—")
    return Text.assemble(
        (f"{t.key} ", "bold"),
        f"{t.title} — {t.priority} · {t.status} · {holder or _('unassigned')} · {team}",
    )


def preview(t: TicketView, decision: Decision) -> None:
    say(_headline(t))
    say(_("routing now (a preview: nothing is changed):"))
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
        say(_("no surges"))
        return
    for s in surges:
        if s.active:
            state = Text(_("SURGE") + " ", style="bold white on red")
        else:
            state = Text(_("ended") + " ", "dim")
        minutes = int(s.within.total_seconds() // 60)
        to = ", ".join(s.recipients) or _("nobody")
        delivered = (
            _("alerted {at}").format(at=local(s.alerted_at))
            if s.alerted_at
            else _("not alerted yet (`deskline watch` sends it on its next pass)")
        )
        said = _(
            "{team}: {count} P0 since {started} (began with {began}; more than {most} within "
            "{minutes} min), last P0 {last}; for {to}; {delivered}"
        )
        line = said.format(
            team=s.team or _("no team"),
            count=s.p0_count,
            started=local(s.started_at),
            began=s.began_with,
            most=s.more_than,
            minutes=minutes,
            last=local(s.last_p0_at),
            to=to,
            delivered=delivered,
        )
        say(state + Text(line))


def customer_table(customers: Sequence[CustomerView]) -> None:
    if not customers:
        say(_("no customers yet"))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in (N_("CUSTOMER"), N_("TIER"), N_("DEDICATED AGENT")):
        table.add_column(_(column))
    for c in customers:
        table.add_row(Text(visible(c.name)), c.tier, Text(visible(c.dedicated or "")))
    console.print(table)


def contact_table(contacts: Sequence[ContactView]) -> None:
    if not contacts:
        say(_("no contacts yet: add one with `deskline contacts add NAME --email ADDRESS`"))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in (N_("CONTACT"), N_("CUSTOMER"), N_("EMAIL"), N_("PHONE")):
        table.add_column(_(column))
    for c in contacts:
        table.add_row(
            Text(c.name), Text(c.customer or "—"), Text(", ".join(c.emails)), Text(c.phone or "")
        )
    console.print(table)


def customer_card(card: CustomerCard) -> None:
    say(
        Text.assemble(
            (card.name, "bold"),
            "  "
            + _("{tier}, dedicated agent {agent}").format(
                tier=card.tier, agent=card.dedicated or "—"
            ),
        )
    )
    say()
    contact_table(card.contacts)
    say()
    if not card.tickets:
        say(_("no tickets"))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in (N_("KEY"), N_("STATUS"), N_("REQUESTER"), N_("TITLE")):
        table.add_column(_(column))
    for t in card.tickets:
        table.add_row(t["key"], t["status"], Text(t["requester"] or "—"), Text(t["title"]))
    console.print(table)
