"""Routing: which team and which agent a new ticket goes to, and why. Pure: the agents, their
load and the ticket are arguments; nothing here reads the store or the clock.

Rules are tried in order and the first match wins; no match sends the ticket to the
fallback team. Inside a team only on-duty agents under their caps are eligible; agents
with a skill matching the ticket's category or tags come first, then the least loaded,
ties broken round-robin (whoever was routed a ticket longest ago). Nobody eligible: the
ticket waits unassigned in the team queue, and the decision says why.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deskline.core.desk.fields import PRIORITIES
from deskline.core.routing.triage import keyword_in  # the same word rules as triage

# How a rule places a ticket in its team (``assign``); a named ``agent`` is the fifth way.
ASSIGN_MODES = ("team", "supervisor", "dedicated", "queue")
ROUTED_STATUSES = ("assigned", "in_progress", "pending")  # a ticket held counts as load


@dataclass(frozen=True)
class RoutingFacts:
    """What routing looks at in a new ticket."""

    title: str
    priority: str
    description: str = ""
    category: str | None = None
    tier: str | None = None  # standard or vip; None: no customer
    channel: str = "web"
    tags: tuple[str, ...] = ()
    dedicated: str | None = None  # handle of the customer's dedicated agent

    def skill_words(self) -> frozenset[str]:
        """What an agent's skills are matched against: category levels (and the path so far)
        and tags, in lower case."""
        words = {t.casefold() for t in self.tags}
        if self.category:
            parts = [p.casefold() for p in self.category.split("/")]
            words.update(parts)
            words.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return frozenset(words)


@dataclass(frozen=True)
class Conditions:
    """What a rule asks of a ticket: every condition given (lists: any of their values), and
    at least one of the ``any_of`` groups when there are some."""

    categories: tuple[str, ...] = ()  # path prefixes, whole levels: "Billing" matches "Billing/X"
    priorities: tuple[str, ...] = ()
    tier: str | None = None
    channels: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # in the title or description
    any_of: tuple[Conditions, ...] = ()

    @property
    def catch_all(self) -> bool:
        return self == Conditions()

    def describe(self) -> str:
        """The conditions in a few words, e.g. ``category under Billing, priority P0 or P1``."""
        parts = []
        for what, values in (
            ("category under", self.categories),
            ("priority", self.priorities),
            ("channel", self.channels),
            ("tags include", self.tags),
            ("keywords", self.keywords),
        ):
            if values:
                parts.append(f"{what} {' or '.join(values)}")
        if self.tier is not None:
            parts.append(f"tier {self.tier}")
        if self.any_of:
            parts.append("any of (" + " | ".join(g.describe() for g in self.any_of) + ")")
        return ", ".join(parts) or "every ticket"

    def covers(self, other: Conditions) -> bool:
        """Whether every ticket ``other`` matches is matched by these conditions too (so a rule
        with ``other`` after one with these can never match). Sure answers only: False when
        it cannot tell."""
        if self.any_of:
            return False

        def narrower(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
            return not mine or (bool(theirs) and set(theirs) <= set(mine))

        categories = not self.categories or (
            bool(other.categories)
            and all(any(_under(c, p) for p in self.categories) for c in other.categories)
        )
        return (
            categories
            and narrower(self.priorities, other.priorities)
            and narrower(self.channels, other.channels)
            and narrower(self.tags, other.tags)
            and narrower(
                tuple(k.casefold() for k in self.keywords),
                tuple(k.casefold() for k in other.keywords),
            )
            and (self.tier is None or self.tier == other.tier)
        )

    def check(self, t: RoutingFacts) -> tuple[bool, list[str]]:
        """Whether the ticket matches, and a note per condition saying how it fared."""
        notes: list[str] = []
        ok = True

        def note(passed: bool, text: str) -> None:
            nonlocal ok
            ok = ok and passed
            notes.append(("✔ " if passed else "✖ ") + text)

        if self.categories:
            hit = t.category is not None and any(
                _under(t.category, prefix) for prefix in self.categories
            )
            note(hit, f"category {t.category or 'none'} under {_either(self.categories)}")
        if self.priorities:
            note(
                t.priority in self.priorities,
                f"priority {t.priority} is {_either(self.priorities)}",
            )
        if self.tier is not None:
            note(t.tier == self.tier, f"customer tier {t.tier or 'none'} is {self.tier}")
        if self.channels:
            note(t.channel in self.channels, f"channel {t.channel} is {_either(self.channels)}")
        if self.tags:
            found = [tag for tag in self.tags if tag in t.tags]
            shown = ", ".join(t.tags) or "none"
            note(bool(found), f"tags ({shown}) include {_either(self.tags)}")
        if self.keywords:
            found = [w for w in self.keywords if keyword_in(w, f"{t.title}\n{t.description}")]
            listed = ", ".join(f'"{w}"' for w in self.keywords)
            text = f'found "{found[0]}"' if found else f"none of {listed} found"
            note(bool(found), f"keywords: {text}")
        if self.any_of:
            results = [group.check(t) for group in self.any_of]
            hits = [i for i, (matched, _) in enumerate(results) if matched]
            detail = "; ".join(
                f"[{i + 1}] " + ", ".join(n[2:] for n in group_notes)
                for i, (_, group_notes) in enumerate(results)
            )
            note(bool(hits), f"any of: {detail}")
        return ok, notes


def _under(category: str, prefix: str) -> bool:
    c, p = category.casefold(), prefix.casefold().rstrip("/")
    return c == p or c.startswith(p + "/")


def _either(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else "one of " + ", ".join(values)


@dataclass(frozen=True)
class Rule:
    """One ``[[routing.rules]]`` entry: conditions and where a match goes."""

    name: str
    when: Conditions = field(default_factory=Conditions)
    team: str | None = None
    agent: str | None = None  # a named agent
    assign: str | None = None  # one of ASSIGN_MODES; None: the team, with the P0/VIP defaults

    def target_text(self) -> str:
        if self.agent:
            return f"agent {self.agent}" + (f" (else team {self.team})" if self.team else "")
        mode = self.assign or "team"
        where = f"team {self.team}" if self.team else "the customer's dedicated agent's team"
        return {
            "team": where,
            "supervisor": f"the on-duty supervisor of {self.team}",
            "dedicated": "the customer's dedicated agent"
            + (f", else {where}" if self.team else ""),
            "queue": f"the {self.team} queue, unassigned",
        }[mode]


@dataclass(frozen=True)
class RoutingRules:
    """``[routing]`` in deskline.toml. With no rules and no fallback team nothing is routed."""

    rules: tuple[Rule, ...] = ()
    fallback_team: str | None = None
    cap: int = 5  # default per-agent cap on active tickets of ``cap_priorities``
    cap_priorities: tuple[str, ...] = ("P1", "P2")
    p0_to_supervisor: bool = True
    vip_to_dedicated: bool = True
    team_roles: tuple[str, ...] = ("agent",)  # who receives a team's tickets

    @property
    def enabled(self) -> bool:
        return bool(self.rules) or self.fallback_team is not None

    def cap_text(self) -> str:
        return "/".join(self.cap_priorities) or "no priority"


@dataclass(frozen=True)
class Candidate:
    """An agent as routing sees them."""

    handle: str
    team: str | None = None
    role: str = "agent"
    on_duty: bool = True
    skills: frozenset[str] = frozenset()
    cap: int | None = None  # None: the desk's default
    max_active: int = 10
    load: Mapping[str, int] = field(default_factory=dict)  # open tickets held, by priority
    last_routed: int = 0  # number of the last ticket routing gave them; 0: never

    @property
    def active(self) -> int:
        return sum(self.load.values())


@dataclass(frozen=True)
class Verdict:
    """How one agent fared: chosen, eligible but not chosen, or why not eligible."""

    handle: str
    eligible: bool
    note: str
    chosen: bool = False


@dataclass(frozen=True)
class RuleTrial:
    name: str
    matched: bool
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """Where routing sent a ticket and why; stored in the ``routed`` audit event."""

    team: str | None  # None: routing leaves the ticket's team as it was
    assignee: str | None
    rule: str | None  # the rule that matched; None: the fallback team, or no match at all
    how: str  # how the assignee (or nobody) was chosen, in a few words
    reason: str  # one line for the audit trail
    tried: tuple[RuleTrial, ...] = ()
    agents: tuple[Verdict, ...] = ()
    wanted_skills: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "assignee": self.assignee,
            "rule": self.rule,
            "how": self.how,
            "tried": [
                {"rule": r.name, "matched": r.matched, "notes": list(r.notes)} for r in self.tried
            ],
            "agents": [
                {"handle": v.handle, "eligible": v.eligible, "chosen": v.chosen, "note": v.note}
                for v in self.agents
            ],
            "wanted_skills": list(self.wanted_skills),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], reason: str = "") -> Decision:
        return cls(
            team=data.get("team"),
            assignee=data.get("assignee"),
            rule=data.get("rule"),
            how=data.get("how", ""),
            reason=reason,
            tried=tuple(
                RuleTrial(r["rule"], r["matched"], tuple(r.get("notes", ())))
                for r in data.get("tried", ())
            ),
            agents=tuple(
                Verdict(a["handle"], a["eligible"], a.get("note", ""), a.get("chosen", False))
                for a in data.get("agents", ())
            ),
            wanted_skills=tuple(data.get("wanted_skills", ())),
        )


def route(
    ticket: RoutingFacts,
    agents: Sequence[Candidate],
    rules: RoutingRules,
    teams: Collection[str],
) -> Decision:
    """Where a new ticket goes. ``teams`` are the names of the teams that exist."""
    tried: list[RuleTrial] = []
    for rule in rules.rules:
        matched, notes = rule.when.check(ticket)
        tried.append(RuleTrial(rule.name, matched, tuple(notes)))
        if matched:
            return _place(ticket, agents, rules, teams, rule, tuple(tried))
    if rules.fallback_team is not None:
        fallback = Rule(name="", team=rules.fallback_team)
        decision = _place(ticket, agents, rules, teams, fallback, tuple(tried))
        return _with(
            decision, rule=None, reason=f"no rule matched: fallback team; {decision.reason}"
        )
    return Decision(
        team=None,
        assignee=None,
        rule=None,
        how="no rule matched",
        reason="no rule matched and no fallback_team is set: left in its team queue",
        tried=tuple(tried),
    )


def _with(decision: Decision, **changes: Any) -> Decision:
    return Decision(**{**decision.__dict__, **changes})


def _plan(rule: Rule, ticket: RoutingFacts, rules: RoutingRules) -> list[str]:
    """The ways to place a ticket that a rule allows, in the order they are tried."""
    if rule.agent:
        return ["agent", "team"]
    if rule.assign is not None:
        return {"queue": ["queue"], "team": ["team"]}.get(rule.assign, [rule.assign, "team"])
    plan = []
    if ticket.priority == "P0" and rules.p0_to_supervisor:
        plan.append("supervisor")
    if ticket.tier == "vip" and ticket.dedicated and rules.vip_to_dedicated:
        plan.append("dedicated")
    return [*plan, "team"]


def _place(
    ticket: RoutingFacts,
    agents: Sequence[Candidate],
    rules: RoutingRules,
    teams: Collection[str],
    rule: Rule,
    tried: tuple[RuleTrial, ...],
) -> Decision:
    """Apply one rule's target, with the defaults for P0 and VIP tickets."""
    by_handle = {a.handle: a for a in agents}
    team = rule.team
    notes: list[str] = []  # why an earlier way did not hold
    verdicts: dict[str, Verdict] = {}  # the first word on each agent stands

    def heard(more: Sequence[Verdict]) -> None:
        for v in more:
            verdicts.setdefault(v.handle, v)

    def decide(assignee: str | None, how: str) -> Decision:
        where = f"team {team}" if team else "its team queue"
        done = f"assigned to {assignee} in {where}" if assignee else f"left unassigned in {where}"
        label = f'rule "{rule.name}": ' if rule.name else ""
        return Decision(
            team=team,
            assignee=assignee,
            rule=rule.name or None,
            how=how,
            reason=label + "; ".join([*notes, f"{done} ({how})"]),
            tried=tried,
            agents=tuple(verdicts.values()),
            wanted_skills=tuple(sorted(ticket.skill_words())),
        )

    if team is not None and team not in teams:
        notes.append(f"team {team} does not exist")
        team = rules.fallback_team if rules.fallback_team in teams else None

    for way in _plan(rule, ticket, rules):
        if way in ("agent", "dedicated"):
            handle = rule.agent if way == "agent" else ticket.dedicated
            what = "named by the rule" if way == "agent" else "the customer's dedicated agent"
            if handle is None:
                notes.append("the customer has no dedicated agent")
                continue
            agent = by_handle.get(handle)
            if agent is None:
                notes.append(f"{handle} ({what}) is not an agent of this desk")
                continue
            if team is None and agent.team in teams:
                team = agent.team
            blocked = blocker(agent, ticket.priority, rules)
            if blocked is None:
                heard([Verdict(handle, True, f"{what}; {_load_text(agent, rules)}", chosen=True)])
                return decide(handle, what)
            heard([Verdict(handle, False, blocked)])
            notes.append(f"{handle} ({what}) is {blocked}")
        elif way == "queue":
            return decide(None, "the rule leaves it in the queue")
        elif team is None:
            return decide(None, "no team to route within")
        elif way == "supervisor":
            supervisors = [a for a in agents if a.team == team and a.role == "supervisor"]
            chosen, said, _ = pick(supervisors, ticket, rules)
            heard(said)
            if chosen is not None:
                how = "the on-duty supervisor" + (
                    ", as for every P0" if rule.assign is None else ""
                )
                return decide(chosen, how)
            if supervisors:
                notes.append(f"no supervisor of {team} can take it ({_blocked_text(said)})")
            else:
                notes.append(f"team {team} has no supervisor")
        else:  # the team
            members = [a for a in agents if a.team == team]
            routable = [a for a in members if a.role in rules.team_roles]
            chosen, said, skilled = pick(routable, ticket, rules)
            heard(said)
            roles = "/".join(rules.team_roles)
            heard(
                [
                    Verdict(a.handle, False, f"{a.role}: team tickets go to the {roles} role")
                    for a in members
                    if a.role not in rules.team_roles
                ]
            )
            if chosen is not None:
                return decide(
                    chosen, "least loaded" + (" with a matching skill" if skilled else "")
                )
            why = _blocked_text(said) if said else f"no {roles} in {team}"
            return decide(None, f"nobody eligible: {why}")
    return decide(None, "nobody eligible")


def _blocked_text(verdicts: Sequence[Verdict]) -> str:
    return ", ".join(f"{v.handle} {v.note}" for v in verdicts if not v.eligible)


def agent_cap(agent: Candidate, rules: RoutingRules) -> int:
    return rules.cap if agent.cap is None else agent.cap


def capped_load(agent: Candidate, rules: RoutingRules) -> int:
    return sum(agent.load.get(p, 0) for p in rules.cap_priorities)


def blocker(agent: Candidate, priority: str, rules: RoutingRules) -> str | None:
    """Why ``agent`` cannot take a ticket of ``priority`` now; None when they can."""
    if not agent.on_duty:
        return "off duty"
    if agent.active >= agent.max_active:
        return f"at max active ({agent.active} of {agent.max_active} open tickets)"
    cap = agent_cap(agent, rules)
    held = capped_load(agent, rules)
    if priority in rules.cap_priorities and held >= cap:
        return f"at cap ({held} of {cap} active {rules.cap_text()})"
    return None


def pick(
    pool: Sequence[Candidate], ticket: RoutingFacts, rules: RoutingRules
) -> tuple[str | None, list[Verdict], bool]:
    """The agent of ``pool`` to get the ticket, a verdict on each of them, and whether the
    choice was made among agents with a matching skill.

    Eligible: on duty and under both caps. Among them, agents with a matching skill first
    (everyone eligible when nobody has one); then the fewest open tickets; ties go to whoever
    was routed a ticket longest ago (round-robin), then by handle.
    """
    wanted = ticket.skill_words()
    eligible = [a for a in pool if blocker(a, ticket.priority, rules) is None]
    skilled = [a for a in eligible if a.skills & wanted]
    shortlist = skilled or eligible
    best = min(shortlist, key=_order) if shortlist else None
    verdicts: list[Verdict] = []
    for a in sorted(pool, key=lambda a: a.handle):
        blocked = blocker(a, ticket.priority, rules)
        load = _load_text(a, rules)
        if blocked is not None:
            verdicts.append(Verdict(a.handle, False, blocked))
        elif best is not None and a.handle == best.handle:
            skill = f"skill {', '.join(sorted(a.skills & wanted))}; " if skilled else ""
            verdicts.append(Verdict(a.handle, True, f"{skill}{load}", chosen=True))
        elif skilled and a not in skilled:
            has = ", ".join(sorted(a.skills)) or "none"
            verdicts.append(Verdict(a.handle, True, f"missing skill (has {has}); {load}"))
        else:
            assert best is not None
            if a.active > best.active:
                verdicts.append(Verdict(a.handle, True, f"more loaded: {load}"))
            else:
                verdicts.append(
                    Verdict(a.handle, True, f"tied on load, routed to more recently; {load}")
                )
    return (best.handle if best else None), verdicts, bool(skilled)


def _order(a: Candidate) -> tuple[int, int, str]:
    return (a.active, a.last_routed, a.handle)


def _load_text(a: Candidate, rules: RoutingRules) -> str:
    by_priority = ", ".join(f"{p} {a.load[p]}" for p in PRIORITIES if a.load.get(p))
    capped = f"{capped_load(a, rules)} of {agent_cap(a, rules)} {rules.cap_text()}"
    return f"{a.active} open" + (f" ({by_priority})" if by_priority else "") + f", cap {capped}"
