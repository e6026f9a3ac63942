"""What a new ticket can be filed under: the desk's category paths and customer names."""

from __future__ import annotations

from dataclasses import dataclass

from deskline.storage import queries
from deskline.storage.store import Store


@dataclass(frozen=True)
class Catalog:
    """The category paths and customer names, each sorted, as quick create suggests them."""

    categories: list[str]
    customers: list[str]


def read_catalog(store: Store) -> Catalog:
    """Both lists in one short read transaction."""
    with store.read() as s:
        return Catalog(queries.category_paths(s), queries.customer_names(s))
