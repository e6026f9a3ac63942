"""Planning the demo desk: for every ticket, what the customer wrote, who works it, and
the steps of its story, before anything is written to the store."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from deskline.core.demo.cast import CUSTOMERS, VIP, Casting, Member
from deskline.core.demo.corpus import FILLS, INTAKE, ISSUES, TAILS, THREAD, URGENT, Issue
from deskline.core.demo.deadline import Deadline, story_at_deadline
from deskline.core.demo.history import story_for
from deskline.core.demo.slots import Slot, deal_slots
from deskline.core.demo.story import Step
from deskline.core.sla.clocks import ClockFacts, SlaRules


@dataclass
class Plan:
    index: int
    created_at: datetime
    title: str
    description: str
    priority: str  # at creation; a priority step may change it
    category: str
    customer: str
    channel: str
    tags: tuple[str, ...]
    steps: list[Step]


def plan_tickets(
    rng: random.Random,
    now: datetime,
    n: int,
    staff: dict[str, Member],
    me: str | None,
    rules: SlaRules,
) -> list[Plan]:
    """The plans of ``n`` tickets with history up to ``now``."""
    plans = []
    used: Counter[int] = Counter()  # by the issue's id: an Issue's hash goes over its texts
    cast_for = Casting(staff)  # each issue's speakers weighed once
    fitting: dict[tuple[str, str], list[Issue]] = {}
    for index, slot in enumerate(deal_slots(rng, n, me)):
        issue = _pick_issue(rng, slot, used, fitting)
        channel = slot.channel
        if issue.channels and channel not in issue.channels:
            channel = rng.choice(issue.channels)
        cast = cast_for(rng, issue, me=me if slot.mine else None)
        text_lang = "en" if issue.lang == "en" else "zh"
        customer = rng.choice(CUSTOMERS[text_lang])
        if issue.lang == "mix" and rng.random() < 0.3:
            customer = rng.choice(CUSTOMERS["en"])
        title, description = _words(rng, issue, slot.priority, channel, now)
        if slot.special:
            facts = ClockFacts(
                now,
                slot.priority,
                tier="vip" if customer in VIP else "standard",
                category=issue.category,
                channel=channel,
            )
            story, age = story_at_deadline(rng, slot, cast, Deadline(rules, facts), now)
            first_priority = slot.priority
        else:
            story, age, first_priority = story_for(rng, slot, cast, issue.fix)
        tags = issue.tags + (("vip",) if customer in VIP and rng.random() < 0.5 else ())
        plans.append(
            Plan(
                index=index,
                created_at=now - timedelta(seconds=round(age.total_seconds())),
                title=title,
                description=description,
                priority=first_priority,
                category=issue.category,
                customer=customer,
                channel=channel,
                tags=tags,
                steps=story.steps,
            )
        )
    return plans


def _pick_issue(
    rng: random.Random,
    slot: Slot,
    used: Counter[int],
    fitting: dict[tuple[str, str], list[Issue]],
) -> Issue:
    """An issue that fits the slot's language and priority, least used first; ``fitting``
    keeps the issues that fit each (language, priority)."""
    fits = fitting.get((slot.lang, slot.priority))
    if fits is None:
        fits = fitting[slot.lang, slot.priority] = _fitting(slot.lang, slot.priority)
    fewest = min(used[id(i)] for i in fits)
    choice = rng.choice([i for i in fits if used[id(i)] == fewest])
    used[id(choice)] += 1
    return choice


def _fitting(lang: str, priority: str) -> list[Issue]:
    """The issues in ``lang`` at ``priority``, in their order."""
    fits = [i for i in ISSUES if i.lang == lang and priority in i.priorities]
    if not fits:  # no such issue in mixed language: any Chinese one will do
        fits = [i for i in ISSUES if i.lang != "en" and priority in i.priorities]
    return fits


def _words(
    rng: random.Random, issue: Issue, priority: str, channel: str, now: datetime
) -> tuple[str, str]:
    """The title and description as the customer (or the desk, for a call) put them."""
    lang = "en" if issue.lang == "en" else "zh"
    values = {k: rng.choice(v) for k, v in FILLS.items()}
    values.update(
        n=str(rng.randint(3, 40)),
        floor=str(rng.randint(2, 12)),
        invoice=f"INV-{now.year}-{rng.randint(1000, 9999)}",
        order=f"SO-{rng.randint(10000, 99999)}",
        amount=f"${rng.randint(40, 4800):,}.00",
        amount_zh=f"¥{rng.randint(99, 38000):,}",
        year=str(now.year - rng.choice((0, 0, 1))),
        q=str((now.month - 1) // 3 + 1),
    )
    title = rng.choice(issue.titles).format_map(values)
    roll = rng.random()
    if priority in ("P0", "P1") and roll < 0.3:
        title = rng.choice(URGENT[lang]) + title
    elif channel == "email" and roll < 0.15:
        title = rng.choice(THREAD[lang]) + title
    description = issue.description.format_map(values)
    # Only written messages are signed.
    tails = [t for t in TAILS[lang] if channel in ("email", "web") or "{sign}" not in t]
    tail = rng.choice(tails).format_map(values)
    if tail:
        description += ("" if lang == "zh" else " ") + tail
    description = INTAKE.get((channel, lang), "") + description
    return title, description
