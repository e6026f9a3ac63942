"""The store's one error type, in a module that loads nothing (the CLI catches it without
loading the database libraries)."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be opened or used as asked."""
