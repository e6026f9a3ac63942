"""What happens to a new ticket inside its creating transaction: triage, routing and surge
detection, each decision kept for the audit trail.

The rules are pure (``core.triage``, ``core.routing``, ``core.surge``); this module reads the
facts they need from the caller's session and applies what they decide to the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.core.desk.workflow import Status
from deskline.core.routing import surge as surges
from deskline.core.routing.route import (
    ROUTED_STATUSES,
    Candidate,
    Decision,
    RoutingFacts,
    RoutingRules,
    route,
)
from deskline.core.routing.surge import SurgeRule
from deskline.core.sla.calendar import Duration
from deskline.storage import queries, workload
from deskline.storage.models import Agent, Category, Customer, Surge, Ticket


@dataclass(frozen=True)
class Record:
    """An audit event to write for a decision."""

    kind: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str


def routing_facts(
    session: Session, ticket: Ticket, customer: Customer | None, category: Category | None
) -> RoutingFacts:
    """What routing looks at in ``ticket``."""
    dedicated = None
    if customer is not None and customer.dedicated_agent_id is not None:
        agent = session.get(Agent, customer.dedicated_agent_id)
        dedicated = agent.handle if agent else None
    return RoutingFacts(
        title=ticket.title,
        priority=ticket.priority,
        description=ticket.description,
        category=category.path if category else None,
        tier=customer.tier if customer else None,
        channel=ticket.channel,
        tags=tuple(t for t in ticket.tags.split(",") if t),
        dedicated=dedicated,
    )


def candidates(session: Session) -> list[Candidate]:
    """Every agent of the desk as routing sees them, with what they hold now."""
    load = workload.open_load(session, ROUTED_STATUSES)
    return [
        Candidate(
            handle=agent.handle,
            team=team,
            role=agent.role,
            on_duty=agent.on_duty,
            skills=frozenset(s for s in agent.skills.split(",") if s),
            cap=agent.cap,
            max_active=agent.max_active,
            load=load.get(agent.id or 0, {}),
            last_routed=agent.last_routed,
        )
        for agent, team in queries.agents(session)
    ]


def decide(
    session: Session,
    ticket: Ticket,
    customer: Customer | None,
    category: Category | None,
    rules: RoutingRules,
) -> Decision:
    """Where routing sends ``ticket`` now (changes nothing)."""
    return route(
        routing_facts(session, ticket, customer, category),
        candidates(session),
        rules,
        workload.team_names(session),
    )


def decide_without(
    session: Session,
    ticket: Ticket,
    customer: Customer | None,
    category: Category | None,
    rules: RoutingRules,
    handle: str,
) -> Decision:
    """Where routing sends ``ticket`` now, leaving out one agent (the one it came back from)."""
    facts = routing_facts(session, ticket, customer, category)
    if facts.dedicated == handle:
        facts = replace(facts, dedicated=None)
    others = [c for c in candidates(session) if c.handle != handle]
    return route(facts, others, rules, workload.team_names(session))


def apply(session: Session, ticket: Ticket, decision: Decision) -> Record:
    """Put ``ticket`` where ``decision`` says; the ``routed`` record of what changed and why."""
    team_before = workload.team_name(session, ticket.team_id)
    old: dict[str, Any] = {"team": team_before, "assignee": None, "status": ticket.status}
    if decision.team is not None:
        team = queries.team_named(session, decision.team)
        ticket.team_id = team.id if team else ticket.team_id
    if decision.assignee is not None:
        agent = queries.agent_by_handle(session, decision.assignee)
        if agent is not None:
            ticket.assignee_id = agent.id
            ticket.status = Status.ASSIGNED.value
            agent.last_routed = ticket.number  # round-robin: they were given one just now
            session.add(agent)
    new: dict[str, Any] = {
        "team": workload.team_name(session, ticket.team_id),
        "assignee": decision.assignee if ticket.assignee_id else None,
        "status": ticket.status,
        "routing": decision.to_json(),
    }
    if new["team"] == team_before:  # the history shows what changed, and only that
        del old["team"], new["team"]
    return Record("routed", old, new, decision.reason)


def check_surge(session: Session, ticket: Ticket, now: datetime, rule: SurgeRule) -> Record | None:
    """After a P0 ticket was stored: begin a surge in its team, or count it in the one going
    on. Returns the ``surge`` record when a surge begins (it fires once)."""
    if ticket.priority != "P0" or not rule.enabled:
        return None
    assert ticket.id is not None
    arrivals = workload.p0_arrivals(session, ticket.team_id, now - rule.within)
    latest = workload.latest_surge(session, ticket.team_id)
    seen = surges.check(arrivals, now, rule, surge_last_p0_at=latest.last_p0_at if latest else None)
    if seen.continues and latest is not None:
        latest.last_p0_at = now
        latest.p0_count += 1
        session.add(latest)
        return None
    if not seen.fires:
        return None
    recipients = workload.surge_recipients(session, ticket.team_id)
    within = int(rule.within.total_seconds())
    session.add(
        Surge(
            team_id=ticket.team_id,
            ticket_id=ticket.id,
            started_at=now,
            last_p0_at=now,
            p0_count=seen.count,
            more_than=rule.more_than,
            within_seconds=within,
            recipients=recipients,
        )
    )
    team = workload.team_name(session, ticket.team_id) or "no team"
    return surge_record(team, seen.count, rule, recipients)


def surge_record(team: str, count: int, rule: SurgeRule, recipients: list[str]) -> Record:
    """The ``surge`` event of one that began: ``count`` P0 tickets in ``team`` (its name)."""
    within = int(rule.within.total_seconds())
    span = str(Duration(seconds=within))
    new = {
        "team": team,
        "p0_count": count,
        "more_than": rule.more_than,
        "within": span,
        "recipients": recipients,
    }
    to = ", ".join(recipients) or "nobody (no supervisor or director)"
    reason = (
        f"{count} P0 tickets in {team} within {span} (more than {rule.more_than}) "
        f"began a surge; the alert for {to} waits for the alert engine"
    )
    return Record("surge", None, new, reason)
