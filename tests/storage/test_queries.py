"""Shared queries: one get-or-create behind teams, customers and categories, on both backends."""

from __future__ import annotations

from sqlmodel import func, select

from deskline.storage import queries
from deskline.storage.models import Category, Customer, Team


def count(store, model) -> int:
    with store.read() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def test_get_or_create_returns_the_same_row_twice_and_creates_it_once(store):
    with store.write() as s:
        first = queries.get_or_create(s, Team, name="Network")
        assert first.id is not None  # flushed: callers point at it at once
        again = queries.get_or_create(s, Team, name="Network")
        assert again is first
    with store.write() as s:
        later = queries.get_or_create(s, Team, name="Network")
        assert later.id == first.id
    assert count(store, Team) == 1


def test_without_create_a_missing_row_is_none_and_nothing_is_written(store):
    with store.write() as s:
        assert queries.get_or_create(s, Team, create=False, name="Nobody") is None
        assert queries.team_named(s, "Nobody") is None
        assert queries.customer_named(s, "Nobody") is None
        assert queries.category_at(s, "No/Such") is None
    assert (count(store, Team), count(store, Customer), count(store, Category)) == (0, 0, 0)


def test_teams_customers_and_categories_go_through_it(store):
    with store.write() as s:
        team = queries.team_named(s, "Billing", create=True)
        customer = queries.customer_named(s, "Globex", create=True)
        category = queries.category_at(s, "Billing/Refund", create=True)
        assert team is not None and customer is not None and category is not None
        assert queries.team_named(s, "Billing", create=True) is team
        assert queries.customer_named(s, "Globex", create=True) is customer
        assert queries.category_at(s, "Billing/Refund", create=True) is category
        assert (customer.tier, category.path) == ("standard", "Billing/Refund")
    assert (count(store, Team), count(store, Customer), count(store, Category)) == (1, 1, 1)
