"""Routing rules, pure: each condition and target kind, first match, fallback, eligibility,
skill, load and round-robin, and properties over random desks and ticket streams."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.core.routing.check import Member, check
from deskline.core.routing.route import (
    Candidate,
    Conditions,
    Decision,
    RoutingFacts,
    RoutingRules,
    Rule,
    blocker,
    route,
)

TEAMS = {"Service Desk", "Billing", "Network"}


def agent(handle: str, team: str = "Service Desk", **kw) -> Candidate:
    return Candidate(handle=handle, team=team, **kw)


def ticket(title: str = "something", priority: str = "P2", **kw) -> RoutingFacts:
    return RoutingFacts(title=title, priority=priority, **kw)


def one_rule(when: Conditions, **target) -> RoutingRules:
    return RoutingRules(rules=(Rule("the rule", when, **({"team": "Billing"} | target)),))


STAFF = [
    agent("ana", role="supervisor"),
    agent("bo"),
    agent("cy"),
    agent("dee", team="Billing"),
    agent("eve", team="Billing", role="supervisor"),
]


# -- conditions -------------------------------------------------------------------------

CONDITION_CASES = [
    # (conditions, a ticket that matches, one that does not)
    (
        Conditions(categories=("Billing",)),
        ticket(category="Billing/Invoice"),
        ticket(category="Billingx/Invoice"),
    ),
    (Conditions(categories=("billing",)), ticket(category="Billing"), ticket(category=None)),
    (Conditions(priorities=("P0", "P1")), ticket(priority="P1"), ticket(priority="P2")),
    (Conditions(tier="vip"), ticket(tier="vip"), ticket(tier="standard")),
    (Conditions(tier="standard"), ticket(tier="standard"), ticket(tier=None)),
    (Conditions(channels=("phone",)), ticket(channel="phone"), ticket(channel="email")),
    (Conditions(tags=("vpn", "wifi")), ticket(tags=("printer", "wifi")), ticket(tags=("printer",))),
    (
        Conditions(keywords=("invoice",)),
        ticket("Wrong Invoice for March"),
        ticket("invoices are late"),  # whole words only in Latin script
    ),
    (
        Conditions(keywords=("发票",)),
        ticket("开错发票了"),  # no spaces in Chinese: anywhere in the text
        ticket("退款"),
    ),
    (
        Conditions(keywords=("refund",)),
        ticket("Question", description="Please refund the last charge"),
        ticket("Question", description="refunding"),
    ),
]


@pytest.mark.parametrize(("when", "yes", "no"), CONDITION_CASES)
def test_each_condition_kind_matches_and_refuses(when, yes, no):
    assert when.check(yes)[0] is True
    matched, notes = when.check(no)
    assert matched is False and notes and notes[0].startswith("✖")


def test_all_conditions_must_hold_and_any_groups_need_one():
    when = Conditions(
        priorities=("P1",),
        any_of=(Conditions(tier="vip"), Conditions(tags=("exec",))),
    )
    assert when.check(ticket(priority="P1", tier="vip"))[0]
    assert when.check(ticket(priority="P1", tags=("exec",)))[0]
    assert not when.check(ticket(priority="P2", tier="vip"))[0]  # all: priority fails
    matched, notes = when.check(ticket(priority="P1"))  # any: neither group
    assert not matched and "any of: [1] customer tier none is vip; [2]" in notes[-1]


# -- targets ----------------------------------------------------------------------------


def test_a_team_target_assigns_the_least_loaded_on_duty_agent_of_that_team():
    rules = one_rule(Conditions(categories=("Billing",)), team="Billing")
    d = route(ticket(category="Billing/Refund"), STAFF, rules, TEAMS)
    assert (d.team, d.assignee, d.rule) == ("Billing", "dee", "the rule")
    assert 'rule "the rule": assigned to dee in team Billing (least loaded)' == d.reason


def test_a_named_agent_target_assigns_them():
    rules = one_rule(Conditions(tags=("acme",)), team=None, agent="cy")
    d = route(ticket(tags=("acme",)), STAFF, rules, TEAMS)
    assert (d.team, d.assignee, d.how) == ("Service Desk", "cy", "named by the rule")


def test_a_named_agent_who_cannot_take_it_falls_back_to_the_team():
    rules = one_rule(Conditions(), team="Service Desk", agent="cy")
    staff = [*STAFF[:2], agent("cy", on_duty=False)]
    d = route(ticket(), staff, rules, TEAMS)
    assert d.assignee == "bo"
    assert "cy (named by the rule) is off duty" in d.reason


def test_a_supervisor_target_assigns_the_teams_on_duty_supervisor():
    rules = one_rule(Conditions(), team="Service Desk", assign="supervisor")
    d = route(ticket(priority="P2"), STAFF, rules, TEAMS)
    assert (d.assignee, d.how) == ("ana", "the on-duty supervisor")


def test_p0_goes_to_the_teams_supervisor_by_default():
    rules = one_rule(Conditions(), team="Service Desk")
    d = route(ticket(priority="P0"), STAFF, rules, TEAMS)
    assert (d.assignee, d.how) == ("ana", "the on-duty supervisor, as for every P0")
    assert route(ticket(priority="P1"), STAFF, rules, TEAMS).assignee == "bo"


def test_p0_with_no_supervisor_on_duty_goes_to_the_team():
    rules = one_rule(Conditions(), team="Service Desk")
    staff = [agent("ana", role="supervisor", on_duty=False), agent("bo")]
    d = route(ticket(priority="P0"), staff, rules, TEAMS)
    assert d.assignee == "bo"
    assert "no supervisor of Service Desk can take it (ana off duty)" in d.reason
    none = route(ticket(priority="P0"), [agent("bo")], rules, TEAMS)
    assert none.assignee == "bo" and "team Service Desk has no supervisor" in none.reason


def test_a_vip_with_a_dedicated_agent_gets_them_by_default():
    rules = one_rule(Conditions(), team="Service Desk")
    vip = ticket(tier="vip", dedicated="cy")
    assert route(vip, STAFF, rules, TEAMS).assignee == "cy"
    assert route(vip, STAFF, rules, TEAMS).how == "the customer's dedicated agent"
    standard = ticket(tier="standard", dedicated="cy")  # only VIPs get theirs by default
    assert route(standard, STAFF, rules, TEAMS).assignee == "bo"
    off = RoutingRules(rules=rules.rules, vip_to_dedicated=False)
    assert route(vip, STAFF, off, TEAMS).assignee == "bo"


def test_a_dedicated_target_serves_any_tier_and_falls_back_when_they_cannot():
    rules = one_rule(Conditions(), team="Service Desk", assign="dedicated")
    assert route(ticket(dedicated="dee"), STAFF, rules, TEAMS).assignee == "dee"
    capped = [*STAFF[:3], agent("dee", team="Billing", load={"P2": 5})]
    d = route(ticket(dedicated="dee"), capped, rules, TEAMS)
    assert d.assignee == "bo" and "dee (the customer's dedicated agent) is at cap" in d.reason
    d = route(ticket(), STAFF, rules, TEAMS)
    assert d.assignee == "bo" and "the customer has no dedicated agent" in d.reason


def test_an_explicit_team_assignment_skips_the_p0_and_vip_defaults():
    rules = one_rule(Conditions(), team="Service Desk", assign="team")
    d = route(ticket(priority="P0", tier="vip", dedicated="cy"), STAFF, rules, TEAMS)
    assert d.assignee == "bo"


def test_a_queue_target_leaves_the_ticket_unassigned_in_the_team():
    rules = one_rule(Conditions(), team="Network", assign="queue")
    d = route(ticket(), STAFF, rules, TEAMS)
    assert (d.team, d.assignee, d.how) == ("Network", None, "the rule leaves it in the queue")


# -- order and fallback -----------------------------------------------------------------


def test_rules_are_tried_in_order_and_the_first_match_wins():
    rules = RoutingRules(
        rules=(
            Rule("outages", Conditions(priorities=("P0",)), team="Network"),
            Rule("billing", Conditions(categories=("Billing",)), team="Billing"),
            Rule("all billing-ish", Conditions(keywords=("invoice",)), team="Service Desk"),
        )
    )
    d = route(ticket("invoice", category="Billing/Invoice"), STAFF, rules, TEAMS)
    assert d.rule == "billing" and d.team == "Billing"
    assert [(t.name, t.matched) for t in d.tried] == [("outages", False), ("billing", True)]


def test_no_match_goes_to_the_fallback_team():
    rules = RoutingRules(
        rules=(Rule("billing", Conditions(categories=("Billing",)), team="Billing"),),
        fallback_team="Service Desk",
    )
    d = route(ticket(category="Hardware"), STAFF, rules, TEAMS)
    assert (d.rule, d.team, d.assignee) == (None, "Service Desk", "bo")
    assert d.reason.startswith("no rule matched: fallback team; assigned to bo")


def test_no_match_and_no_fallback_leaves_the_ticket_where_it_is():
    rules = one_rule(Conditions(categories=("Billing",)))
    d = route(ticket(), STAFF, rules, TEAMS)
    assert (d.team, d.assignee) == (None, None)
    assert "no rule matched and no fallback_team is set" in d.reason


def test_a_rule_naming_a_team_that_does_not_exist_uses_the_fallback_team():
    rules = RoutingRules(rules=(Rule("typo", team="Biling"),), fallback_team="Service Desk")
    d = route(ticket(), STAFF, rules, TEAMS)
    assert d.team == "Service Desk" and d.reason.startswith(
        'rule "typo": team Biling does not exist; assigned to bo'
    )


def test_routing_is_off_without_rules_or_fallback():
    assert not RoutingRules().enabled
    assert RoutingRules(fallback_team="Service Desk").enabled


# -- inside a team ----------------------------------------------------------------------


def test_nobody_eligible_leaves_it_unassigned_and_says_why_for_each_agent():
    rules = one_rule(Conditions(), team="Service Desk")
    staff = [
        agent("ana", role="supervisor"),
        agent("bo", on_duty=False),
        agent("cy", load={"P1": 3, "P2": 2}),
        agent("dee", max_active=2, load={"P3": 2}),
    ]
    d = route(ticket(priority="P2"), staff, rules, TEAMS)
    assert (d.team, d.assignee) == ("Service Desk", None)
    notes = {v.handle: (v.eligible, v.note) for v in d.agents}
    assert notes == {
        "bo": (False, "off duty"),
        "cy": (False, "at cap (5 of 5 active P1/P2)"),
        "dee": (False, "at max active (2 of 2 open tickets)"),
        "ana": (False, "supervisor: team tickets go to the agent role"),
    }
    assert "nobody eligible: bo off duty, cy at cap (5 of 5 active P1/P2), dee at max" in d.reason


def test_the_cap_counts_only_capped_priorities_and_can_be_set_per_agent():
    rules = RoutingRules()
    busy = agent("bo", load={"P1": 2, "P2": 3, "P3": 4})
    assert blocker(busy, "P2", rules) == "at cap (5 of 5 active P1/P2)"
    assert blocker(busy, "P3", rules) is None  # P3 is not capped by default
    assert blocker(busy, "P0", rules) is None
    assert blocker(agent("cy", cap=1, load={"P1": 1}), "P1", rules) is not None
    assert blocker(agent("cy", cap=8, load={"P1": 5}), "P1", rules) is None
    assert blocker(agent("dee", cap=0), "P2", rules) == "at cap (0 of 0 active P1/P2)"


def test_agents_with_a_matching_skill_come_first():
    rules = one_rule(Conditions(), team="Service Desk")
    staff = [
        agent("bo", load={"P2": 3}, skills=frozenset({"vpn"})),
        agent("cy"),
        agent("dee", skills=frozenset({"printer"})),
    ]
    d = route(ticket(category="Network/VPN"), staff, rules, TEAMS)
    assert d.assignee == "bo" and d.how == "least loaded with a matching skill"
    assert {v.handle: v.note.split(";")[0] for v in d.agents}["cy"] == "missing skill (has none)"
    by_tag = route(ticket(tags=("printer",)), staff, rules, TEAMS)
    assert by_tag.assignee == "dee"
    nobody_skilled = route(ticket(category="Billing"), staff, rules, TEAMS)
    assert nobody_skilled.assignee == "cy" and nobody_skilled.how == "least loaded"


def test_ties_on_load_go_round_robin_to_whoever_was_routed_to_longest_ago():
    rules = one_rule(Conditions(), team="Service Desk")
    staff = [agent("bo", last_routed=7), agent("cy", last_routed=3), agent("dee", last_routed=9)]
    d = route(ticket(), staff, rules, TEAMS)
    assert d.assignee == "cy"
    assert {v.handle: v.note for v in d.agents}["bo"].startswith("tied on load")


def test_the_decision_survives_its_json_form():
    rules = one_rule(Conditions(categories=("Billing",)), team="Billing")
    d = route(ticket(category="Billing"), STAFF, rules, TEAMS)
    assert Decision.from_json(d.to_json(), d.reason) == d


# -- properties -------------------------------------------------------------------------

PRIORITY = st.sampled_from(["P0", "P1", "P2", "P3"])
SKILLS = st.frozensets(st.sampled_from(["vpn", "billing", "printer", "network"]), max_size=2)


@st.composite
def desks(draw):
    """A random desk: agents across two teams with random duty, roles, caps and skills."""
    agents = []
    for i in range(draw(st.integers(1, 7))):
        agents.append(
            Candidate(
                handle=f"a{i}",
                team=draw(st.sampled_from(["Service Desk", "Billing"])),
                role=draw(st.sampled_from(["agent", "agent", "supervisor"])),
                on_duty=draw(st.booleans()),
                skills=draw(SKILLS),
                cap=draw(st.none() | st.integers(0, 4)),
                max_active=draw(st.integers(1, 6)),
            )
        )
    rules = RoutingRules(
        rules=(Rule("billing", Conditions(categories=("Billing",)), team="Billing"),),
        fallback_team="Service Desk",
        cap=draw(st.integers(0, 4)),
        vip_to_dedicated=True,
    )
    return agents, rules


TICKETS = st.lists(
    st.tuples(
        PRIORITY,
        st.sampled_from([None, "Billing/Invoice", "Network/VPN", "Hardware/Printer"]),
        st.sampled_from([None, "vip"]),
        st.booleans(),  # whether some held ticket is resolved before this one arrives
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(desks(), TICKETS, st.randoms(use_true_random=False))
def test_routing_never_assigns_off_duty_or_past_a_cap(desk, stream, rnd):
    agents, rules = desk
    held: dict[str, list[str]] = {a.handle: [] for a in agents}  # priorities of open tickets
    by_handle = {a.handle: a for a in agents}
    for number, (priority, category, tier, resolve_one) in enumerate(stream, start=1):
        if resolve_one:
            holders = [h for h, ps in held.items() if ps]
            if holders:
                h = rnd.choice(holders)
                held[h].remove(rnd.choice(held[h]))
        now = [
            Candidate(**{**a.__dict__, "load": Counter(held[a.handle])}) for a in by_handle.values()
        ]
        dedicated = rnd.choice([None, *by_handle]) if tier else None
        facts = ticket(priority=priority, category=category, tier=tier, dedicated=dedicated)
        d = route(facts, now, rules, {"Service Desk", "Billing"})
        if d.assignee is None:
            continue
        chosen = next(a for a in now if a.handle == d.assignee)
        assert chosen.on_duty, d.reason
        assert chosen.active < chosen.max_active, d.reason
        cap = rules.cap if chosen.cap is None else chosen.cap
        if priority in rules.cap_priorities:
            capped = sum(n for p, n in chosen.load.items() if p in rules.cap_priorities)
            assert capped < cap, d.reason
        held[d.assignee].append(priority)
        by_handle[d.assignee] = Candidate(
            **{**by_handle[d.assignee].__dict__, "last_routed": number}
        )


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 6),
    st.lists(st.tuples(PRIORITY, st.sampled_from([None, "Network/VPN", "Billing"])), max_size=60),
    st.booleans(),
)
def test_equal_agents_get_assignments_within_one_of_each_other(size, stream, solved_at_once):
    """Fairness: with equal agents (same team, skills and caps, all on duty, caps not
    reached) the counts of tickets each got never differ by more than one, whether they
    keep their tickets (least loaded decides) or solve each at once (loads stay equal, so
    round-robin decides)."""
    rules = RoutingRules(fallback_team="Service Desk", cap=1000, p0_to_supervisor=False)
    agents = {
        f"a{i}": Candidate(f"a{i}", team="Service Desk", max_active=1000) for i in range(size)
    }
    got: Counter[str] = Counter()
    held: dict[str, list[str]] = {h: [] for h in agents}
    for number, (priority, category) in enumerate(stream, start=1):
        now = [Candidate(**{**a.__dict__, "load": Counter(held[h])}) for h, a in agents.items()]
        d = route(ticket(priority=priority, category=category), now, rules, {"Service Desk"})
        assert d.assignee is not None
        got[d.assignee] += 1
        if not solved_at_once:
            held[d.assignee].append(priority)
        agents[d.assignee] = Candidate(**{**agents[d.assignee].__dict__, "last_routed": number})
        counts = [got[h] for h in agents]
        assert max(counts) - min(counts) <= 1, counts


# -- rules check ------------------------------------------------------------------------

DESK = {
    "ana": Member("Service Desk", "supervisor"),
    "bo": Member("Service Desk", "agent"),
    "dee": Member("Billing", "agent"),
}


def problems(rules: RoutingRules, categories=("Billing/Invoice",)) -> list[str]:
    found = check(rules, (), teams={"Service Desk", "Billing"}, agents=DESK, categories=categories)
    return [str(p) for p in found]


def test_rules_check_finds_unknown_teams_agents_and_categories():
    rules = RoutingRules(
        rules=(
            Rule("typo", Conditions(categories=("Biling",)), team="Biling"),
            Rule("ghost", Conditions(tier="vip"), agent="zed"),
        ),
        fallback_team="Nowhere",
    )
    assert problems(rules) == [
        "error: routing.rules[0] \"typo\": team 'Biling' does not exist; teams: Billing, "
        "Service Desk (a team is made by `deskline agents add|set HANDLE --team NAME`)",
        "warning: routing.rules[0] \"typo\": no ticket has a category under 'Biling' yet",
        "error: routing.rules[1] \"ghost\": agent 'zed' is not an agent of this desk",
        "error: routing.fallback_team: team 'Nowhere' does not exist; teams: Billing, "
        "Service Desk (a team is made by `deskline agents add|set HANDLE --team NAME`)",
    ]


def test_rules_check_finds_rules_that_can_never_match():
    rules = RoutingRules(
        rules=(
            Rule("billing", Conditions(categories=("Billing",)), team="Billing"),
            Rule("invoices", Conditions(categories=("Billing/Invoice",)), team="Billing"),
            Rule("p1 phone", Conditions(priorities=("P1",), channels=("phone",)), team="Billing"),
            Rule("p1 or p2 phone", Conditions(priorities=("P1", "P2")), team="Billing"),
            Rule("everything", team="Service Desk"),
            Rule("after all", Conditions(tier="vip"), team="Service Desk"),
        ),
        fallback_team="Service Desk",
    )
    found = problems(rules)
    assert (
        'error: routing.rules[1] "invoices": can never match: routing.rules[0] "billing" above '
        "it matches every ticket this one does (category under Billing)"
    ) in found
    assert not any('rules[3] "p1 or p2 phone": can never' in p for p in found)  # wider
    assert (
        'error: routing.rules[5] "after all": can never match: routing.rules[4] "everything" '
        "above it matches every ticket"
    ) in found
    assert (
        'warning: routing.fallback_team: never used: routing.rules[4] "everything" matches '
        "every ticket"
    ) in found


def test_rules_check_warns_of_teams_nobody_can_be_routed_in():
    rules = RoutingRules(rules=(Rule("billing", team="Billing", assign="supervisor"),))
    assert problems(rules) == [
        "warning: routing.rules[0] \"billing\": team 'Billing' has no supervisor: "
        "its tickets go to its agents instead"
    ]
    empty = {"ana": Member("Service Desk", "supervisor")}
    found = check(
        RoutingRules(fallback_team="Service Desk"),
        (),
        teams={"Service Desk"},
        agents=empty,
        categories=(),
    )
    assert [str(p) for p in found] == [
        "warning: routing.fallback_team: team 'Service Desk' has no agent: its tickets will "
        "wait unassigned"
    ]


def test_a_clean_set_of_rules_has_no_problems():
    rules = RoutingRules(
        rules=(Rule("billing", Conditions(categories=("Billing",)), team="Billing"),),
        fallback_team="Service Desk",
        p0_to_supervisor=False,
    )
    assert problems(rules) == []
