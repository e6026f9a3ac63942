"""deskline.toml's [routing], [triage], [[templates]] and [surge]: read strictly, with the
file and key path in every error, and written back out the same."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from deskline.core.config.reader import ConfigError
from deskline.core.config.settings import desk_toml, load_config, parse_desk_config
from deskline.core.routing.route import Conditions, Rule
from deskline.core.routing.triage import DEFAULT_KEYWORDS

GOOD = """
[routing]
fallback_team = "Service Desk"
cap = 4
cap_priorities = ["P1", "P2", "P3"]
p0_to_supervisor = false
team_roles = ["agent", "supervisor"]

[[routing.rules]]
name = "Billing"
category = "Billing/"
keywords = ["invoice", "发票"]
team = "Billing"
assign = "queue"

[[routing.rules]]
name = "VIP either way"
priority = ["P0", "P1"]
any = [{ tier = "vip" }, { tags = ["vip", "exec"], channel = "phone" }]
agent = "ana"

[triage]
vip_raise = 2
default_priority = "P3"

[triage.keywords]
P0 = ["down", "炸了"]

[triage.impact]
one = "P3"

[[templates]]
name = "bug"
title_prefix = "[Bug] "
category = "Software/Bug"
priority = "P2"
tags = "bug"
description = "Steps to reproduce:\\n1."
required = ["customer", "description"]

[surge]
more_than = 5
within = "15m"
"""


def test_no_file_gives_the_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert not config.routing.enabled and config.routing.cap == 5
    assert config.routing.cap_priorities == ("P1", "P2") and config.routing.p0_to_supervisor
    assert config.triage.enabled and config.triage.keywords == DEFAULT_KEYWORDS
    assert config.triage.impact == {"all": "P0", "some": "P1", "one": "P2"}
    assert config.templates == ()
    assert (config.surge.more_than, config.surge.within) == (3, timedelta(minutes=10))


def test_a_full_file_is_read():
    c = parse_desk_config(tomllib.loads(GOOD))
    r = c.routing
    assert (r.fallback_team, r.cap, r.cap_priorities, r.p0_to_supervisor) == (
        "Service Desk",
        4,
        ("P1", "P2", "P3"),
        False,
    )
    assert r.team_roles == ("agent", "supervisor")
    assert r.rules[0] == Rule(
        "Billing",
        Conditions(categories=("Billing",), keywords=("invoice", "发票")),
        team="Billing",
        assign="queue",
    )
    vip = r.rules[1]
    assert vip.agent == "ana" and vip.when.priorities == ("P0", "P1")
    assert vip.when.any_of == (
        Conditions(tier="vip"),
        Conditions(tags=("vip", "exec"), channels=("phone",)),
    )
    assert c.triage.vip_raise == 2 and c.triage.default_priority == "P3"
    assert c.triage.keywords["P0"] == ("down", "炸了")
    assert c.triage.keywords["P1"] == DEFAULT_KEYWORDS["P1"]  # only P0 was replaced
    assert c.triage.impact["one"] == "P3" and c.triage.impact["all"] == "P0"
    (bug,) = c.templates
    assert (bug.title_prefix, bug.tags, bug.required) == (
        "[Bug] ",
        ("bug",),
        ("customer", "description"),
    )
    assert bug.description == "Steps to reproduce:\n1."
    assert (c.surge.more_than, c.surge.within) == (5, timedelta(minutes=15))


def test_show_writes_every_section_so_it_reads_back_the_same():
    c = parse_desk_config(tomllib.loads(GOOD))
    again = parse_desk_config(tomllib.loads(desk_toml(c)))
    assert (again.routing, again.triage, again.templates, again.surge, again.sla) == (
        c.routing,
        c.triage,
        c.templates,
        c.surge,
        c.sla,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[routing]\nfallback = "x"', "routing.fallback: unknown key; expected one of"),
        ("[routing]\ncap = -1", "routing.cap: must be a whole number of at least 0, not -1"),
        ('[routing]\ncap = "5"', "routing.cap: must be a whole number"),
        ('[routing]\ncap_priorities = ["P5"]', "routing.cap_priorities: bad priority 'P5'"),
        ('[routing]\nteam_roles = ["boss"]', "routing.team_roles: bad role 'boss'"),
        ('[routing]\np0_to_supervisor = "yes"', "routing.p0_to_supervisor: must be true or"),
        ('[[routing.rules]]\nteam = "x"', 'routing.rules[0]: needs a name, e.g. name = "'),
        ('[[routing.rules]]\nname = "a"\ncategory = "B"', "routing.rules[0]: needs a target"),
        (
            '[[routing.rules]]\nname = "a"\nagent = "bo"\nassign = "queue"',
            "routing.rules[0]: give agent or assign, not both",
        ),
        (
            '[[routing.rules]]\nname = "a"\nteam = "x"\nassign = "random"',
            'routing.rules[0].assign: must be one of "team", "supervisor", "dedicated", "queue"',
        ),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\npriority = "P9"', "rules[0].priority: bad"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\nchannel = "fax"', "rules[0].channel: bad"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\ncategory = "a/b/c/d"', "at most 3"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\ntier = "gold"', "rules[0].tier: must be"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\ntags = []', "rules[0].tags: is an empty"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\nkeywords = [" "]', "rules[0].keywords:"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\nany = []', "rules[0].any: is an empty"),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\nany = [{}]', "rules[0].any[0]: is empty"),
        (
            '[[routing.rules]]\nname = "a"\nteam = "x"\nany = [{ team = "y" }]',
            "routing.rules[0].any[0].team: unknown key",
        ),
        (
            '[[routing.rules]]\nname = "a"\nteam = "x"\nany = [{ tier = "gold" }]',
            "routing.rules[0].any[0].tier: must be",
        ),
        ('[[routing.rules]]\nname = "a"\nteam = "x"\nwhen = 1', "routing.rules[0].when: unknown"),
        (
            '[[routing.rules]]\nname = "a"\nteam = "x"\n[[routing.rules]]\nname = "A"\nteam = "y"',
            "routing.rules[1].name: 'A' is already the name of routing.rules[0]",
        ),
        ("[triage]\nvip_raise = 5", "triage.vip_raise: must be a whole number from 0 to 3"),
        ('[triage]\ndefault_priority = "high"', "triage.default_priority: bad priority"),
        ("[triage]\nenabled = 1", "triage.enabled: must be true or false"),
        ('[triage.keywords]\nP7 = ["x"]', "triage.keywords.P7: unknown key"),
        ('[triage.keywords]\nP0 = "down"', "triage.keywords.P0: must be a list"),
        ('[triage.impact]\nmany = "P0"', "triage.impact.many: unknown key"),
        ('[triage.impact]\nall = "urgent"', "triage.impact.all: bad priority 'urgent'"),
        ('[[templates]]\ntitle_prefix = "x"', 'templates[0]: needs a name, e.g. name = "bug"'),
        ('[[templates]]\nname = "a"\nrequired = ["title"]', "'title' cannot be required"),
        ('[[templates]]\nname = "a"\nimpact = "lots"', "templates[0].impact: bad impact"),
        ('[[templates]]\nname = "a"\ncolour = "red"', "templates[0].colour: unknown key"),
        ('[[templates]]\nname = "a"\n[[templates]]\nname = "a"', "templates[1].name: 'a' is"),
        ('[surge]\nwithin = "1bd"', "surge.within: '1bd': a surge window is minutes or hours"),
        ('[surge]\nwithin = "soon"', "surge.within: bad duration 'soon'"),
        ("[surge]\nmore_than = 0", "surge.more_than: must be a whole number of at least 1"),
        ("[surges]\nx = 1", "surges: unknown key; expected one of calendars, sla, routing,"),
    ],
)
def test_each_mistake_is_one_clear_error_naming_file_key_and_problem(tmp_path, text, message):
    path = tmp_path / "deskline.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(str(path))
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)
