"""Customers: their tier (standard or VIP) and dedicated agent, which routing and triage use."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import col, select

from deskline.core.errors import InvalidInput
from deskline.core.language import _
from deskline.core.roster import access, permissions
from deskline.core.roster.agents import unknown_agent
from deskline.storage import queries
from deskline.storage.models import Agent, Customer
from deskline.storage.store import Store

TIERS = ("standard", "vip")


@dataclass(frozen=True)
class CustomerView:
    name: str
    tier: str
    dedicated: str | None  # handle of the dedicated agent

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Customers:
    """Setting and listing customers; each call is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def set(
        self,
        name: str,
        *,
        by: str,
        tier: str | None = None,
        dedicated: str | None = None,
        no_dedicated: bool = False,
    ) -> CustomerView:
        """Set a customer's tier and dedicated agent (created if new); a supervisor or above."""
        name = name.strip()
        if not name:
            raise InvalidInput(_("a customer needs a name"))
        if tier is not None and tier.strip().lower() not in TIERS:
            raise InvalidInput(_("bad tier {tier}: use standard or vip").format(tier=repr(tier)))
        if dedicated and no_dedicated:
            raise InvalidInput(_("give --dedicated HANDLE or --no-dedicated, not both"))
        if tier is None and dedicated is None and not no_dedicated:
            raise InvalidInput(_("nothing to change: give --tier, --dedicated or --no-dedicated"))
        with self.store.write() as s:
            actor = queries.agent_by_handle(s, by)
            if actor is None:
                raise unknown_agent(by)
            access.require(permissions.may_manage(access.person(s, actor), "customers"))
            agent = None
            if dedicated:
                agent = queries.agent_by_handle(s, dedicated.strip())
                if agent is None:
                    raise unknown_agent(dedicated.strip())
            customer = queries.customer_named(s, name, create=True)
            assert customer is not None
            if tier is not None:
                customer.tier = tier.strip().lower()
            if agent is not None:
                customer.dedicated_agent_id = agent.id
            if no_dedicated:
                customer.dedicated_agent_id = None
            s.add(customer)
            held = (
                s.get(Agent, customer.dedicated_agent_id) if customer.dedicated_agent_id else None
            )
            return CustomerView(customer.name, customer.tier, held.handle if held else None)

    def list(self) -> list[CustomerView]:
        with self.store.read() as s:
            stmt = (
                select(Customer, Agent.handle)
                .outerjoin(Agent, col(Customer.dedicated_agent_id) == Agent.id)
                .order_by(col(Customer.name))
            )
            return [CustomerView(c.name, c.tier, handle) for c, handle in s.exec(stmt).all()]
