"""``deskline rules check``: the rules of a deskline.toml against the desk they run on.

Pure: the names of the desk's teams, agents and categories are arguments. An error is a
rule that cannot work as written (an unknown team or agent, a rule no ticket can reach); a
warning is one that works but probably not as meant (a category no ticket has yet, a team
with nobody to route to).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from deskline.core.desk.templates import Template
from deskline.core.language import _
from deskline.core.routing.route import RoutingRules, Rule


@dataclass(frozen=True)
class Member:
    """What the check needs to know of an agent."""

    team: str | None
    role: str


@dataclass(frozen=True)
class Problem:
    level: str  # error or warning
    where: str  # key path in deskline.toml, with the rule's name
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def check(
    routing: RoutingRules,
    templates: Collection[Template],
    *,
    teams: Collection[str],
    agents: Mapping[str, Member],
    categories: Collection[str],
) -> list[Problem]:
    """Everything wrong or doubtful in the rules, in file order."""
    problems: list[Problem] = []
    known_teams = ", ".join(sorted(teams)) or _("none yet")

    def error(where: str, message: str) -> None:
        problems.append(Problem("error", where, message))

    def warning(where: str, message: str) -> None:
        problems.append(Problem("warning", where, message))

    def team_exists(where: str, team: str) -> bool:
        if team in teams:
            return True
        error(
            where,
            _(
                "team {team} does not exist; teams: {known} "
                "(a team is made by `deskline agents add|set HANDLE --team NAME`)"
            ).format(team=repr(team), known=known_teams),
        )
        return False

    def has_category(prefix: str) -> bool:
        p = prefix.casefold()
        return any(c.casefold() == p or c.casefold().startswith(p + "/") for c in categories)

    for i, rule in enumerate(routing.rules):
        where = f'routing.rules[{i}] "{rule.name}"'
        for j, earlier in enumerate(routing.rules[:i]):
            if earlier.when.covers(rule.when):
                what = (
                    _("matches every ticket")
                    if earlier.when.catch_all
                    else _("matches every ticket this one does ({conditions})").format(
                        conditions=earlier.when.describe()
                    )
                )
                error(
                    where,
                    _("can never match: {rule} above it {what}").format(
                        rule=f'routing.rules[{j}] "{earlier.name}"', what=what
                    ),
                )
                break
        if rule.team is not None and team_exists(where, rule.team):
            _check_team(rule, routing, agents, where, warning)
        if rule.agent is not None and rule.agent not in agents:
            error(
                where,
                _("agent {handle} is not an agent of this desk").format(handle=repr(rule.agent)),
            )
        for prefix in _all_categories(rule):
            if not has_category(prefix):
                warning(
                    where,
                    _("no ticket has a category under {prefix} yet").format(prefix=repr(prefix)),
                )
    if routing.fallback_team is not None:
        if team_exists("routing.fallback_team", routing.fallback_team):
            fallback = Rule(name="fallback", team=routing.fallback_team)
            _check_team(fallback, routing, agents, "routing.fallback_team", warning)
        for i, rule in enumerate(routing.rules):
            if rule.when.catch_all:
                warning(
                    "routing.fallback_team",
                    _("never used: {rule} matches every ticket").format(
                        rule=f'routing.rules[{i}] "{rule.name}"'
                    ),
                )
                break
    for i, template in enumerate(templates):
        if template.category and not has_category(template.category):
            warning(
                f'templates[{i}] "{template.name}"',
                _("no ticket has the category {category} yet").format(
                    category=repr(template.category)
                ),
            )
    return problems


def _all_categories(rule: Rule) -> list[str]:
    found = list(rule.when.categories)
    for group in rule.when.any_of:
        found += group.categories
    return found


def _check_team(
    rule: Rule,
    routing: RoutingRules,
    agents: Mapping[str, Member],
    where: str,
    warning: Callable[[str, str], None],
) -> None:
    """Warnings about a team a rule routes to: nobody to route to, no supervisor for P0."""
    assert rule.team is not None
    members = {h: m for h, m in agents.items() if m.team == rule.team}
    routable = [h for h, m in members.items() if m.role in routing.team_roles]
    supervisors = [h for h, m in members.items() if m.role == "supervisor"]
    if rule.assign in (None, "team", "dedicated") and not routable and rule.agent is None:
        roles = "/".join(routing.team_roles)
        warning(
            where,
            _("team {team} has no {roles}: its tickets will wait unassigned").format(
                team=repr(rule.team), roles=roles
            ),
        )
    p0_possible = not rule.when.priorities or "P0" in rule.when.priorities
    wants_supervisor = rule.assign == "supervisor" or (
        rule.assign is None and rule.agent is None and routing.p0_to_supervisor and p0_possible
    )
    if wants_supervisor and not supervisors:
        if rule.assign is None:
            said = _("team {team} has no supervisor: P0 tickets go to its agents instead")
        else:
            said = _("team {team} has no supervisor: its tickets go to its agents instead")
        warning(where, said.format(team=repr(rule.team)))
