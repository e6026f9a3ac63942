"""Contacts: the people of a customer, each with one or more email addresses (an address
belongs to one contact) and a phone. A ticket's requester is a contact; mail to the
customer goes to them. The SLA tier stays on the customer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from deskline.core import clock
from deskline.core.desk import workflow
from deskline.core.errors import InvalidInput, NotFound, Refused
from deskline.core.language import _
from deskline.core.roster import access, permissions
from deskline.core.roster.agents import unknown_agent
from deskline.storage import contacts as rows
from deskline.storage import queries
from deskline.storage.models import Agent, Contact, Customer
from deskline.storage.store import Store

ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+")


def address(text: str) -> str:
    """An email address as stored: trimmed, lower-case; bad: InvalidInput."""
    value = text.strip().lower()
    if not ADDRESS.fullmatch(value):
        raise InvalidInput(
            _("bad email address {text}: give one like ana@example.com").format(text=repr(text))
        )
    return value


@dataclass(frozen=True)
class ContactView:
    name: str
    customer: str | None
    emails: tuple[str, ...]
    phone: str | None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["emails"] = list(self.emails)
        return data

    def label(self) -> str:
        """ "Name <first address>", as the detail pane and mail show a person."""
        return f"{self.name} <{self.emails[0]}>" if self.emails else self.name


@dataclass(frozen=True)
class CustomerCard:
    """One customer with their people and tickets (``customers show``)."""

    name: str
    tier: str
    dedicated: str | None
    contacts: tuple[ContactView, ...] = ()
    tickets: tuple[dict[str, Any], ...] = field(default=())  # key, title, status, requester

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tier": self.tier,
            "dedicated": self.dedicated,
            "contacts": [c.to_json() for c in self.contacts],
            "tickets": list(self.tickets),
        }


def view_of(session: Session, contact: Contact) -> ContactView:
    assert contact.id is not None
    customer = session.get(Customer, contact.customer_id) if contact.customer_id else None
    emails = rows.addresses(session, [contact.id])[contact.id]
    return ContactView(
        contact.name, customer.name if customer else None, tuple(emails), contact.phone
    )


def requester(
    session: Session,
    given: str,
    customer: Customer | None,
    now: datetime,
    *,
    name: str | None = None,
) -> Contact:
    """The contact of address ``given`` (made when unknown, named ``name`` or after the
    address, at ``customer``). A known contact of another customer is an error; one of no
    customer joins ``customer``."""
    found = rows.by_address(session, address(given))
    if found is None:
        label = (name or "").strip() or given.strip().split("@")[0]
        return rows.add(
            session, label, customer.id if customer else None, [address(given)], None, now
        )
    if customer is not None and found.customer_id not in (None, customer.id):
        other = session.get(Customer, found.customer_id)
        raise InvalidInput(
            _(
                "{address} is a contact of {other}, not {customer}: leave --customer out, "
                "or give another address"
            ).format(
                address=given.strip(),
                other=other.name if other else _("another customer"),
                customer=customer.name,
            )
        )
    if customer is not None and found.customer_id is None:
        found.customer_id = customer.id
        session.add(found)
    return found


class Contacts:
    """Adding and listing contacts, and a customer's card; each call is one transaction."""

    def __init__(self, store: Store, *, now: Callable[[], datetime] = clock.now) -> None:
        self.store = store
        self.now = now

    def add(
        self,
        name: str,
        *,
        by: str,
        customer: str | None,
        emails: Sequence[str],
        phone: str | None = None,
    ) -> ContactView:
        """A contact with these addresses (a contact of that name at that customer already:
        the addresses are added to theirs). Any agent may (DESK_MATRIX "contacts")."""
        name = name.strip()
        if not name:
            raise InvalidInput(_("a contact needs a name"))
        wanted = list(dict.fromkeys(address(e) for e in emails))
        phone = phone.strip() if phone and phone.strip() else None
        with self.store.write() as s:
            actor = queries.agent_by_handle(s, by)
            if actor is None:
                raise unknown_agent(by)
            access.require(permissions.may_manage(access.person(s, actor), "contacts"))
            cust = queries.customer_named(s, customer.strip(), create=True) if customer else None
            for given in wanted:
                holder = rows.by_address(s, given)
                if holder is not None and holder.name != name:
                    raise Refused(
                        _("{address} already belongs to {name}: an address is one person's").format(
                            address=given, name=holder.name
                        )
                    )
            contact = rows.named(s, name, cust.id if cust else None)
            if contact is None:
                contact = rows.add(s, name, cust.id if cust else None, wanted, phone, self.now())
            else:
                assert contact.id is not None
                have = set(rows.addresses(s, [contact.id])[contact.id])
                rows.add_addresses(s, contact, [e for e in wanted if e not in have])
                if phone:
                    contact.phone = phone
                    s.add(contact)
            return view_of(s, contact)

    def list(self, customer: str | None = None) -> list[ContactView]:
        with self.store.read() as s:
            cust_id = None
            if customer:
                cust = queries.customer_named(s, customer.strip())
                if cust is None:
                    raise _no_customer(customer)
                cust_id = cust.id
            found = rows.listed(s, cust_id)
            emails = rows.addresses(s, [c.id for c, _ in found if c.id is not None])
            return [
                ContactView(c.name, cust_name, tuple(emails.get(c.id, ())), c.phone)
                for c, cust_name in found
            ]

    def customer(self, name: str) -> CustomerCard:
        """A customer with their contacts and tickets (newest first)."""
        with self.store.read() as s:
            cust = queries.customer_named(s, name.strip())
            if cust is None:
                raise _no_customer(name)
            assert cust.id is not None
            people = rows.listed(s, cust.id, every=False)
            ids = [c.id for c, _ in people if c.id is not None]
            emails = rows.addresses(s, ids)
            contacts = tuple(
                ContactView(c.name, cust.name, tuple(emails.get(c.id, ())), c.phone)
                for c, _ in people
            )
            by_id = {c.id: c.name for c, _ in people}
            tickets = tuple(
                {
                    "key": t.key,
                    "title": t.title,
                    "status": t.status,
                    "open": t.status in {s_.value for s_ in workflow.OPEN},
                    "requester": by_id.get(t.requester_id),
                }
                for t in rows.tickets_of(s, customer_id=cust.id)
            )
            held = s.get(Agent, cust.dedicated_agent_id) if cust.dedicated_agent_id else None
            return CustomerCard(
                cust.name, cust.tier, held.handle if held else None, contacts, tickets
            )


def _no_customer(name: str) -> NotFound:
    return NotFound(
        _("no customer {name}: see `deskline customers list`").format(name=repr(name.strip()))
    )
