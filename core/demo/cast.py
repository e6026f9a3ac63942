"""Who is who on the demo desk: teams, staff and customers, and who plays which part on
one ticket."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from deskline.core.demo.corpus import Issue
from deskline.core.roster.agents import Roster
from deskline.storage.store import Store


@dataclass(frozen=True)
class Member:
    handle: str
    name: str
    role: str
    team: str
    skills: tuple[str, ...]


TEAMS = ("Service Desk", "Billing", "Platform", "客服一组")

STAFF = (
    Member("amy.chen", "Amy Chen", "supervisor", "Service Desk", ("en", "zh", "account")),
    Member("tom.baker", "Tom Baker", "agent", "Service Desk", ("en", "hardware", "printer")),
    Member("priya.nair", "Priya Nair", "agent", "Service Desk", ("en", "software", "email")),
    Member("olga.kowalski", "Olga Kowalski", "supervisor", "Billing", ("en", "billing")),
    Member("zhao.lei", "Zhao Lei (赵磊)", "agent", "Billing", ("zh", "en", "billing", "invoice")),
    Member("raj.patel", "Raj Patel", "supervisor", "Platform", ("en", "network", "vpn", "sso")),
    Member("sven.lind", "Sven Lindqvist", "admin", "Platform", ("en", "api", "database")),
    Member("li.wei", "Li Wei (李伟)", "supervisor", "客服一组", ("zh", "en", "vpn", "account")),
    Member("wang.fang", "Wang Fang (王芳)", "agent", "客服一组", ("zh", "printer", "hardware")),
    Member("chen.jing", "Chen Jing (陈静)", "agent", "客服一组", ("zh", "en", "email", "erp")),
    Member("maria.garcia", "Maria Garcia", "director", "Service Desk", ("en", "escalation")),
)
DIRECTOR = "maria.garcia"
_SUPERVISOR = {m.team: m.handle for m in STAFF if m.role == "supervisor"}
_AREA_TEAM = {
    "Account": "Service Desk",
    "Hardware": "Service Desk",
    "Software": "Service Desk",
    "Billing": "Billing",
    "Network": "Platform",
    "Platform": "Platform",
}
_FRONT_LINE = {"en": ("tom.baker", "priya.nair", "amy.chen"), "zh": ("wang.fang", "chen.jing")}

CUSTOMERS = {
    "en": (
        "Acme Logistics",
        "Northwind Traders",
        "Contoso Retail",
        "Globex Finance",
        "Initech",
        "Harbor Dental Group",
        "Blue Fin Seafood",
        "Maple Street Bakery",
        "Orion Legal LLP",
        "Summit Outdoor Gear",
        "Greenleaf Clinic",
        "Pixel Forge Studio",
        "Riverside Schools",
        "Helix Biotech",
        "Nadia Petrova",
        "James O'Connor",
    ),
    "zh": (
        "星河科技",
        "云帆物流",
        "华东建材",
        "锦程旅行社",
        "青禾教育",
        "瑞丰食品",
        "东方明珠酒店",
        "海川医疗",
        "北辰律师事务所",
        "蓝鲸游戏",
        "张伟",
        "陈晓梅",
    ),
}
VIP = frozenset({"Globex Finance", "Helix Biotech", "Contoso Retail", "星河科技", "海川医疗"})


def enrol(store: Store, me: str | None) -> dict[str, Member]:
    """Add the demo staff (and ``me``) to the roster, keeping anyone already there."""
    roster = Roster(store)
    present = {agent.handle for agent in roster.list()}
    staff = {m.handle: m for m in STAFF}
    for m in STAFF:
        if m.handle not in present:
            roster.add(
                m.handle,
                name=m.name,
                role=m.role,
                team=m.team,
                skills=m.skills,
                email=f"{m.handle}@example.com",
            )
    if me is not None and me not in present and me not in staff:
        roster.add(me, name=me, team=TEAMS[0], skills=("en",))
    return staff


@dataclass(frozen=True)
class Cast:
    """Who plays which part on one ticket."""

    creator: str
    assignee: str
    supervisor: str
    lang: str  # en or zh: the language the desk writes in on this ticket
    family: str  # desk, infra or billing: which phrases fit
    team: str

    @property
    def assigner(self) -> str:
        """Who hands the ticket to its assignee."""
        return self.supervisor if self.supervisor != self.assignee else self.creator


def cast_for(rng: random.Random, issue: Issue, staff: dict[str, Member], *, me: str | None) -> Cast:
    """Who logs the ticket, who works it and who supervises: by area, language and skill;
    ``me``, when given, works it."""
    return Casting(staff)(rng, issue, me=me)


class Casting:
    """``cast_for`` over one staff, each issue's team and weighed speakers worked out once
    (a desk of 100,000 tickets is cast from a hundred or so issues); the same draws from
    ``rng``, so the same casts."""

    def __init__(self, staff: dict[str, Member]) -> None:
        self.staff = staff
        # by the issue's id (an Issue's hash goes over all its texts), the issue kept with it
        self._pools: dict[int, tuple[Issue, str, str, list[Member], list[int]]] = {}

    def __call__(self, rng: random.Random, issue: Issue, *, me: str | None) -> Cast:
        pool = self._pools.get(id(issue))
        if pool is None:
            pool = self._pools[id(issue)] = (issue, *self._pool(issue))
        _, lang, team, speakers, cum_weights = pool
        assignee = rng.choices(speakers, cum_weights=cum_weights)[0].handle
        creator = rng.choice(_FRONT_LINE[lang])
        if me is not None:
            assignee = me
        return Cast(creator, assignee, _SUPERVISOR[team], lang, issue.family, team)

    def _pool(self, issue: Issue) -> tuple[str, str, list[Member], list[int]]:
        """The issue's language and team, who may work it and their running weights."""
        lang = "en" if issue.lang == "en" else "zh"
        team = _AREA_TEAM[issue.area]
        if lang == "zh" and team != "Billing":
            team = "客服一组"
        members = [m for m in self.staff.values() if m.team == team and m.role != "director"]
        speakers = [m for m in members if lang in m.skills] or members
        path = issue.category.lower()
        weights = [
            (1 if m.role == "supervisor" else 3) * (2 if any(s in path for s in m.skills) else 1)
            for m in speakers
        ]
        return lang, team, speakers, list(accumulate(weights))
