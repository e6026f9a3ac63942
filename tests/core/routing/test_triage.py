"""Triage, surge detection and templates, pure: keywords in English and Chinese, impact, the
VIP raise, explicit priorities, one alert per surge, template presets and required fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.core.desk.templates import Draft, Template, apply, find
from deskline.core.errors import InvalidInput
from deskline.core.routing.surge import SurgeRule, check, ongoing
from deskline.core.routing.triage import (
    TriageRules,
    keyword_in,
    parse_impact,
    raise_priority,
    triage,
)

RULES = TriageRules()


def suggest(title: str, **kw):
    return triage(RULES, title=title, **kw)


# -- keywords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "priority", "keyword"),
    [
        ("Mail server is DOWN", "P0", "down"),
        ("Outage in the Frankfurt DC", "P0", "outage"),
        ("Cannot   log in since 9:00", "P1", "cannot log in"),
        ("I can't log in", "P1", "can't log in"),
        ("URGENT: payroll export fails", "P1", "urgent"),
        ("服务器宕机了", "P0", "宕机"),
        ("全部用户都打不开系统", "P0", "全部用户"),
        ("系统无法使用", "P1", "无法使用"),
        ("销售部无法登录CRM", "P1", "无法登录"),
        ("紧急！报表出错", "P1", "紧急"),
    ],
)
def test_urgency_keywords_in_english_and_chinese_suggest_a_priority(title, priority, keyword):
    t = suggest(title)
    assert (t.priority, t.suggested) == (priority, priority)
    assert keyword in [s.value for s in t.signals]
    assert t.reason().startswith(f"suggested {priority} (") and t.reason().endswith("applied")


@pytest.mark.parametrize(
    "title",
    ["Download is slow", "Dropdown menu misaligned", "Breakdown of March costs", "Shutdown-ish"],
)
def test_latin_keywords_match_whole_words_only(title):
    assert suggest(title).suggested is None


def test_keyword_matching_rules():
    assert keyword_in("down", "the site is down.")
    assert not keyword_in("down", "download")
    assert not keyword_in("down", "shutdown")
    assert keyword_in("log in", "can't LOG\tIN")
    assert keyword_in("宕机", "数据库宕机")
    assert not keyword_in("   ", "anything")


def test_the_most_urgent_signal_wins_and_no_signal_means_the_default():
    t = suggest("urgent: everything is down")
    assert t.suggested == "P0" and {s.value for s in t.signals} == {"urgent", "down"}
    plain = suggest("Printer jam on floor 2")
    assert (plain.priority, plain.suggested, plain.signals) == ("P2", None, ())


def test_description_counts_too():
    assert suggest("Help", description="our shop is down since noon").suggested == "P0"


# -- impact, VIP, explicit --------------------------------------------------------------


@pytest.mark.parametrize(("impact", "priority"), [("all", "P0"), ("some", "P1"), ("one", "P2")])
def test_impact_suggests_a_priority(impact, priority):
    t = suggest("Printer jam", impact=impact)
    assert t.suggested == priority and t.signals[0].kind == "impact"


def test_impact_text_is_checked():
    assert parse_impact(" All ") == "all"
    with pytest.raises(InvalidInput, match="bad impact 'everyone': use all, some or one"):
        parse_impact("everyone")


def test_a_vip_raises_the_suggestion_one_step():
    t = suggest("Printer jam", vip=True)
    assert (t.priority, t.vip_raised_from) == ("P1", "P2")
    assert suggest("Users cannot log in", vip=True).priority == "P0"
    assert suggest("Site down", vip=True).priority == "P0"  # nothing above P0
    assert "VIP customer: raised from P2" in t.reason()


def test_the_vip_raise_is_configurable():
    two = TriageRules(vip_raise=2)
    assert triage(two, title="Printer jam", vip=True).priority == "P0"
    off = TriageRules(vip_raise=0)
    assert triage(off, title="Printer jam", vip=True).suggested is None
    assert raise_priority("P3", 1) == "P2" and raise_priority("P1", 3) == "P0"


def test_an_explicit_priority_wins_but_the_suggestion_is_recorded():
    t = suggest("Everything is down", explicit="P2")
    assert (t.priority, t.suggested, t.explicit, t.overruled) == ("P2", "P0", "P2", True)
    assert t.reason().endswith("kept P2 chosen by the agent")
    assert t.to_json()["suggested"] == "P0" and t.to_json()["explicit"] == "P2"
    same = suggest("Everything is down", explicit="P0")
    assert not same.overruled and same.reason().endswith("the agent chose the same")
    assert suggest("Printer jam", explicit="P3").priority == "P3"


def test_keywords_and_default_are_configurable_and_triage_can_be_off():
    custom = TriageRules(keywords={"P0": ("炸了",), "P3": ("question",)}, default_priority="P3")
    assert triage(custom, title="网站炸了").priority == "P0"
    assert triage(custom, title="Site down").priority == "P3"  # "down" is no longer listed
    assert triage(custom, title="A question about VAT").suggested == "P3"
    off = TriageRules(enabled=False)
    t = triage(off, title="Everything is down", vip=True, impact="all")
    assert (t.priority, t.suggested) == ("P2", None)


# -- surge ------------------------------------------------------------------------------

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
RULE = SurgeRule()  # more than 3 within 10 minutes


def minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


def play(arrivals: list[datetime], rule: SurgeRule = RULE) -> list[int]:
    """Feed P0 arrivals in order, as the desk does, keeping the latest surge; the indexes of
    the arrivals at which a surge fired."""
    fired, last = [], None
    for i, now in enumerate(arrivals):
        seen = check(arrivals[: i + 1], now, rule, surge_last_p0_at=last)
        if seen.fires:
            fired.append(i)
        if seen.fires or seen.continues:
            last = now
    return fired


def test_a_surge_fires_when_more_than_n_p0_arrive_within_m_minutes():
    assert play(minutes(0, 2, 4, 6)) == [3]  # the fourth within 10 minutes
    assert play(minutes(0, 2, 4)) == []  # three is not more than three
    assert play(minutes(0, 4, 8, 10)) == []  # the first has left the window at 10:10


def test_a_surge_fires_once_however_long_it_lasts():
    assert play(minutes(0, 1, 2, 3, 4, 5, 6, 12, 18, 24)) == [3]


def test_a_new_surge_fires_after_the_last_one_subsided():
    # quiet for 10 minutes after 09:06, then another burst
    assert play(minutes(0, 1, 2, 3, 6, 16.5, 17, 18, 19)) == [3, 8]


def test_a_surge_is_going_on_until_m_minutes_pass_without_a_p0():
    last = T0
    assert ongoing(last, T0 + timedelta(minutes=9, seconds=59), RULE)
    assert not ongoing(last, T0 + timedelta(minutes=10), RULE)
    assert not ongoing(None, T0, RULE)


def test_surge_rule_is_configurable_and_can_be_off():
    assert play(minutes(0, 1), SurgeRule(more_than=1, within=timedelta(minutes=5))) == [1]
    assert play(minutes(0, 1, 2, 3, 4), SurgeRule(enabled=False)) == []


def _episodes(arrivals: list[datetime], rule: SurgeRule) -> int:
    """The slow, obvious oracle. Split the arrivals into bursts wherever ``within`` or more
    passes without one (a surge never outlives such a gap, and no window spans one); each
    burst in which some arrival has more than ``more_than`` arrivals in the window ending at
    it is one surge."""
    bursts: list[list[datetime]] = []
    for t in arrivals:
        if bursts and t - bursts[-1][-1] < rule.within:
            bursts[-1].append(t)
        else:
            bursts.append([t])

    def tips(burst: list[datetime], i: int) -> bool:
        return sum(1 for u in burst[: i + 1] if burst[i] - u < rule.within) > rule.more_than

    return sum(1 for b in bursts if any(tips(b, i) for i in range(len(b))))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 180), max_size=40),
    st.integers(1, 4),
    st.integers(1, 15),
)
def test_surge_fires_exactly_once_per_surge(offsets, more_than, within_minutes):
    rule = SurgeRule(more_than=more_than, within=timedelta(minutes=within_minutes))
    arrivals = minutes(*sorted(offsets))
    fired = play(arrivals, rule)
    assert len(fired) == _episodes(arrivals, rule)
    assert len(fired) == len(set(fired))


# -- templates --------------------------------------------------------------------------

BUG = Template(
    name="Bug",
    title_prefix="[Bug] ",
    category="Software/Bug",
    priority="P2",
    tags=("bug",),
    description="Steps to reproduce:",
    required=("customer",),
)


def test_a_template_fills_in_what_is_not_given():
    got = apply(BUG, Draft("Login page crashes", customer="Globex", tags=("web",)))
    assert got == Draft(
        title="[Bug] Login page crashes",
        priority="P2",
        category="Software/Bug",
        customer="Globex",
        description="Steps to reproduce:",
        tags=("bug", "web"),
    )


def test_what_is_given_wins_over_the_template():
    got = apply(
        BUG,
        Draft(
            "[bug] crash",
            priority="P1",
            category="Software/UI",
            customer="Acme",
            description="Click save",
        ),
    )
    assert (got.title, got.priority, got.category, got.description) == (
        "[bug] crash",  # already prefixed: not twice
        "P1",
        "Software/UI",
        "Click save",
    )


def test_a_required_field_left_out_is_an_error_naming_its_option():
    strict = Template(name="incident", required=("customer", "impact", "description"))
    with pytest.raises(InvalidInput) as err:
        apply(strict, Draft("VPN down", impact="all"))
    assert str(err.value) == (
        "template 'incident' needs customer, description: give --customer, --description"
    )


def test_templates_are_found_by_name_in_any_case():
    assert find([BUG], "bug") is BUG
    with pytest.raises(InvalidInput, match="no template 'feature'; known: Bug"):
        find([BUG], "feature")
    with pytest.raises(InvalidInput, match=r"none are configured \(\[\[templates\]\]\)"):
        find([], "bug")
