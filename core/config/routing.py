"""The ``[routing]``, ``[triage]``, ``[[templates]]`` and ``[surge]`` sections of deskline.toml:
read as strictly as the rest (an unknown key or a bad value names the file and the key
path), and written back out for ``deskline config show``.

Team, agent and category names are checked against the database by ``deskline rules
check``: the file alone cannot know them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from deskline.core.config.reader import (
    Reader,
    array,
    boolean,
    named_entries,
    text,
    tier,
    wall_span,
)
from deskline.core.config.toml_text import span_text, toml_value
from deskline.core.desk import fields
from deskline.core.desk.templates import REQUIRABLE, Template
from deskline.core.language import N_, _
from deskline.core.routing.route import ASSIGN_MODES, Conditions, RoutingRules, Rule
from deskline.core.routing.surge import SurgeRule
from deskline.core.routing.triage import IMPACTS, TriageRules, parse_impact

CONDITION_KEYS = ("category", "priority", "tier", "channel", "tags", "keywords")
RULE_KEYS = ("name", *CONDITION_KEYS, "any", "team", "agent", "assign")
ROUTING_KEYS = (
    "fallback_team",
    "cap",
    "cap_priorities",
    "p0_to_supervisor",
    "vip_to_dedicated",
    "team_roles",
    "rules",
)
TRIAGE_KEYS = ("enabled", "default_priority", "vip_raise", "keywords", "impact")
TEMPLATE_KEYS = (
    "name",
    "title_prefix",
    "category",
    "priority",
    "channel",
    "impact",
    "tags",
    "description",
    "required",
)
SURGE_KEYS = ("enabled", "more_than", "within")
T = TypeVar("T")


# -- values -----------------------------------------------------------------------------


def _count(low: int, high: int | None = None) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(
                _("must be a whole number of at least {low}, not {value}").format(
                    low=low, value=repr(value)
                )
            )
        if high is not None and value > high:
            raise ValueError(
                _("must be a whole number from {low} to {high}, not {value}").format(
                    low=low, high=high, value=repr(value)
                )
            )
        return value

    return convert


def _verbatim(value: Any) -> str:
    """Any text, spaces kept (a title prefix like "[Bug] ")."""
    if not isinstance(value, str):
        raise ValueError(_("must be a text, not {value}").format(value=repr(value)))
    return value


def _category(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(
            _("must be a category path like Billing/Invoice, not {value}").format(value=repr(value))
        )
    return fields.category_path(value.strip().rstrip("/"))  # "Billing/" means Billing and below


_wall_span = wall_span(N_("a surge window is minutes or hours, not business days"))


def _many(
    read: Reader, table: Mapping[str, Any], key: str, path: str, convert: Callable[[Any], T]
) -> tuple[T, ...]:
    """A value that may be given as one item or as a non-empty list of them."""
    value = table[key]
    items = value if isinstance(value, list) else [value]
    where = f"{path}.{key}"
    if not items:
        raise read.fail(where, _("is an empty list: leave the key out instead"))
    return tuple(read.get({key: item}, key, path, convert) for item in items)


def _lower(value: Any) -> str:
    return text(value).lower()


# -- [routing] --------------------------------------------------------------------------


def _conditions(read: Reader, table: Mapping[str, Any], path: str) -> Conditions:
    found: dict[str, Any] = {}
    if "category" in table:
        found["categories"] = _many(read, table, "category", path, _category)
    if "priority" in table:
        found["priorities"] = _many(read, table, "priority", path, fields.priority)
    if "tier" in table:
        found["tier"] = read.get(table, "tier", path, tier)
    if "channel" in table:
        found["channels"] = _many(read, table, "channel", path, fields.channel)
    if "tags" in table:
        found["tags"] = _many(read, table, "tags", path, _lower)
    if "keywords" in table:
        found["keywords"] = _many(read, table, "keywords", path, text)
    return Conditions(**found)


def _rule(read: Reader, table: Mapping[str, Any], path: str) -> Rule:
    read.only(table, path, RULE_KEYS)
    if "name" not in table:
        raise read.fail(path, _('needs a name, e.g. name = "Billing questions"'))
    when = _conditions(read, table, path)
    if "any" in table:
        groups = read.get(table, "any", path, array)
        if not groups:
            raise read.fail(f"{path}.any", _("is an empty list: leave the key out instead"))
        any_of = []
        for i, group in enumerate(groups):
            where = f"{path}.any[{i}]"
            group = read.table(group, where)
            read.only(group, where, CONDITION_KEYS)
            if not group:
                raise read.fail(
                    where,
                    _("is empty: give one of {keys}").format(keys=", ".join(CONDITION_KEYS)),
                )
            any_of.append(_conditions(read, group, where))
        when = Conditions(**{**when.__dict__, "any_of": tuple(any_of)})
    team = read.get(table, "team", path, text) if "team" in table else None
    agent = read.get(table, "agent", path, text) if "agent" in table else None
    assign = None
    if "assign" in table:
        assign = table["assign"]
        if assign not in ASSIGN_MODES:
            modes = ", ".join(f'"{m}"' for m in ASSIGN_MODES)
            raise read.fail(
                f"{path}.assign",
                _("must be one of {modes}, not {value}").format(modes=modes, value=repr(assign)),
            )
    if agent is not None and assign is not None:
        raise read.fail(path, _("give agent or assign, not both (agent names the one to assign)"))
    if agent is None and team is None and assign != "dedicated":
        raise read.fail(path, _('needs a target: team = "NAME" (or agent = "HANDLE")'))
    return Rule(read.get(table, "name", path, text), when, team, agent, assign)


def parse_routing(read: Reader, data: Mapping[str, Any]) -> RoutingRules:
    table = read.table(data.get("routing", {}), "routing")
    read.only(table, "routing", ROUTING_KEYS)
    found: dict[str, Any] = {}
    if "fallback_team" in table:
        found["fallback_team"] = read.get(table, "fallback_team", "routing", text)
    if "cap" in table:
        found["cap"] = read.get(table, "cap", "routing", _count(0))
    if "cap_priorities" in table:
        found["cap_priorities"] = _many(read, table, "cap_priorities", "routing", fields.priority)
    for key in ("p0_to_supervisor", "vip_to_dedicated"):
        if key in table:
            found[key] = read.get(table, key, "routing", boolean)
    if "team_roles" in table:
        found["team_roles"] = _many(read, table, "team_roles", "routing", fields.role)
    rules: list[Rule] = []
    for i, entry in enumerate(
        read.get(table, "rules", "routing", array) if "rules" in table else []
    ):
        path = f"routing.rules[{i}]"
        rule = _rule(read, read.table(entry, path), path)
        for j, earlier in enumerate(rules):
            if earlier.name.casefold() == rule.name.casefold():
                raise read.fail(
                    f"{path}.name",
                    _("{name} is already the name of {entry}").format(
                        name=repr(rule.name), entry=f"routing.rules[{j}]"
                    ),
                )
        rules.append(rule)
    return RoutingRules(rules=tuple(rules), **found)


# -- [triage] ---------------------------------------------------------------------------


def parse_triage(read: Reader, data: Mapping[str, Any]) -> TriageRules:
    table = read.table(data.get("triage", {}), "triage")
    read.only(table, "triage", TRIAGE_KEYS)
    defaults = TriageRules()
    found: dict[str, Any] = {}
    if "enabled" in table:
        found["enabled"] = read.get(table, "enabled", "triage", boolean)
    if "default_priority" in table:
        found["default_priority"] = read.get(table, "default_priority", "triage", fields.priority)
    if "vip_raise" in table:
        found["vip_raise"] = read.get(table, "vip_raise", "triage", _count(0, 3))
    if "keywords" in table:
        words = read.table(table["keywords"], "triage.keywords")
        read.only(words, "triage.keywords", fields.PRIORITIES)
        keywords = dict(defaults.keywords)
        for priority in words:  # a priority given replaces its default list
            listed = read.get(words, priority, "triage.keywords", array)
            keywords[priority] = tuple(
                read.get({priority: w}, priority, "triage.keywords", text) for w in listed
            )
        found["keywords"] = keywords
    if "impact" in table:
        impact = read.table(table["impact"], "triage.impact")
        read.only(impact, "triage.impact", IMPACTS)
        found["impact"] = {
            **defaults.impact,
            **{k: read.get(impact, k, "triage.impact", fields.priority) for k in impact},
        }
    return TriageRules(**found)


# -- [[templates]] ----------------------------------------------------------------------


def _required(value: Any) -> str:
    if value not in REQUIRABLE:
        raise ValueError(
            _("{value} cannot be required; use {known}").format(
                value=repr(value), known=", ".join(REQUIRABLE)
            )
        )
    return str(value)


def _template(read: Reader, table: Mapping[str, Any], path: str) -> Template:
    read.only(table, path, TEMPLATE_KEYS)
    if "name" not in table:
        raise read.fail(path, _('needs a name, e.g. name = "bug"'))
    found: dict[str, Any] = {"name": read.get(table, "name", path, text)}
    if "title_prefix" in table:
        found["title_prefix"] = read.get(table, "title_prefix", path, _verbatim)
    if "category" in table:
        found["category"] = read.get(table, "category", path, _category)
    if "priority" in table:
        found["priority"] = read.get(table, "priority", path, fields.priority)
    if "channel" in table:
        found["channel"] = read.get(table, "channel", path, fields.channel)
    if "impact" in table:
        found["impact"] = read.get(table, "impact", path, parse_impact)
    if "tags" in table:
        found["tags"] = _many(read, table, "tags", path, _lower)
    if "description" in table:
        found["description"] = read.get(table, "description", path, _verbatim)
    if "required" in table:
        found["required"] = tuple(dict.fromkeys(_many(read, table, "required", path, _required)))
    return Template(**found)


def parse_templates(read: Reader, data: Mapping[str, Any]) -> tuple[Template, ...]:
    return named_entries(read, data, "templates", _template)


# -- [surge] ----------------------------------------------------------------------------


def parse_surge(read: Reader, data: Mapping[str, Any]) -> SurgeRule:
    table = read.table(data.get("surge", {}), "surge")
    read.only(table, "surge", SURGE_KEYS)
    found: dict[str, Any] = {}
    if "enabled" in table:
        found["enabled"] = read.get(table, "enabled", "surge", boolean)
    if "more_than" in table:
        found["more_than"] = read.get(table, "more_than", "surge", _count(1))
    if "within" in table:
        found["within"] = read.get(table, "within", "surge", _wall_span)
    return SurgeRule(**found)


# -- writing ----------------------------------------------------------------------------


def _conditions_table(c: Conditions) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, values in (
        ("category", c.categories),
        ("priority", c.priorities),
        ("channel", c.channels),
        ("tags", c.tags),
        ("keywords", c.keywords),
    ):
        if values:
            shown[key] = values[0] if len(values) == 1 else list(values)
    if c.tier is not None:
        shown["tier"] = c.tier
    return shown


def to_toml(
    routing: RoutingRules,
    triage: TriageRules,
    templates: tuple[Template, ...],
    surge: SurgeRule,
) -> str:
    """The sections as deskline.toml text (the effective values, defaults included)."""
    lines = ["[routing]"]
    if routing.fallback_team is not None:
        lines.append(f"fallback_team = {toml_value(routing.fallback_team)}")
    lines += [
        f"cap = {toml_value(routing.cap)}",
        f"cap_priorities = {toml_value(list(routing.cap_priorities))}",
        f"p0_to_supervisor = {toml_value(routing.p0_to_supervisor)}",
        f"vip_to_dedicated = {toml_value(routing.vip_to_dedicated)}",
        f"team_roles = {toml_value(list(routing.team_roles))}",
        "",
    ]
    for rule in routing.rules:
        lines.append("[[routing.rules]]")
        lines.append(f"name = {toml_value(rule.name)}")
        lines += [f"{k} = {toml_value(v)}" for k, v in _conditions_table(rule.when).items()]
        if rule.when.any_of:
            groups = [_conditions_table(g) for g in rule.when.any_of]
            lines.append(f"any = {toml_value(groups)}")
        for key in ("team", "agent", "assign"):
            if getattr(rule, key) is not None:
                lines.append(f"{key} = {toml_value(getattr(rule, key))}")
        lines.append("")
    lines += [
        "[triage]",
        f"enabled = {toml_value(triage.enabled)}",
        f"default_priority = {toml_value(triage.default_priority)}",
        f"vip_raise = {toml_value(triage.vip_raise)}",
        "",
        "[triage.keywords]",
        *(
            f"{p} = {toml_value(list(triage.keywords[p]))}"
            for p in fields.PRIORITIES
            if p in triage.keywords
        ),
        "",
        "[triage.impact]",
        *(f"{k} = {toml_value(v)}" for k, v in triage.impact.items()),
        "",
    ]
    for template in templates:
        lines.append("[[templates]]")
        lines.append(f"name = {toml_value(template.name)}")
        for key in ("title_prefix", "category", "priority", "channel", "impact", "description"):
            value = getattr(template, key)
            if value:
                lines.append(f"{key} = {toml_value(value)}")
        if template.tags:
            lines.append(f"tags = {toml_value(list(template.tags))}")
        if template.required:
            lines.append(f"required = {toml_value(list(template.required))}")
        lines.append("")
    lines += [
        "[surge]",
        f"enabled = {toml_value(surge.enabled)}",
        f"more_than = {toml_value(surge.more_than)}",
        f"within = {toml_value(span_text(surge.within))}",
        "",
    ]
    return "\n".join(lines)
