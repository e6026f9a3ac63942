"""``deskline rules check`` on a real desk: the pure check (check.py) given the teams, agents
and categories this desk has."""

from __future__ import annotations

from collections.abc import Collection

from deskline.core.desk.templates import Template
from deskline.core.routing.check import Member, Problem, check
from deskline.core.routing.route import RoutingRules
from deskline.storage import queries, workload
from deskline.storage.store import Store


def check_on_desk(
    store: Store, routing: RoutingRules, templates: Collection[Template]
) -> list[Problem]:
    """Everything wrong or doubtful in ``routing`` and ``templates`` on this desk."""
    with store.read() as s:
        teams = workload.team_names(s)
        agents = {a.handle: Member(team, a.role) for a, team in queries.agents(s)}
        categories = workload.category_paths(s)
    return check(routing, templates, teams=teams, agents=agents, categories=categories)
