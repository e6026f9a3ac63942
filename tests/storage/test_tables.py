"""The Core tables of the read path describe the same columns as the models."""

from __future__ import annotations

import pytest
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from deskline.storage import models, tables
from deskline.storage.columns import UtcDateTime

assert models  # the models fill SQLModel.metadata


@pytest.mark.parametrize("table", tables.metadata.sorted_tables, ids=lambda t: t.name)
def test_core_table_matches_its_model(table):
    model = SQLModel.metadata.tables[table.name]
    assert [c.name for c in table.c] == [c.name for c in model.c]
    for core, orm in zip(table.c, model.c, strict=True):
        assert kind(orm.type) == kind(core.type), core.name
        assert (core.nullable, core.primary_key) == (orm.nullable, orm.primary_key), core.name


def kind(column_type):
    """What a column holds in Python, and whether it is the store's UTC timestamp (SQLModel
    writes a ``str`` column as its own AutoString)."""
    held = column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type
    return held.python_type, isinstance(column_type, UtcDateTime)


def test_a_changed_model_column_is_caught():
    """The check above can fail: columns of other types are told apart."""
    ticket = SQLModel.metadata.tables["ticket"]
    assert kind(ticket.c.number.type) != kind(tables.ticket.c.title.type)
    assert kind(ticket.c.created_at.type) != kind(DateTime())
