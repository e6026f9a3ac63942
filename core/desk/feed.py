"""The tickets changed since the last look, by anyone, so a screen fetches only those."""

from __future__ import annotations

from deskline.storage import changes
from deskline.storage.store import Store

PAGE = 500


class Feed:
    """Follows the store's change feed from the moment it is made.

    Poll it from one thread at a time; a poll when nothing changed costs no query
    (``storage.changes.ChangeWatcher``).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        # The watcher first: a change committed between the two is then seen by the
        # first poll instead of being counted in the watcher's start and lost.
        self._watcher = changes.ChangeWatcher(store)
        with store.read() as s:
            self.position = changes.latest_change_id(s)
        self.desk_kinds: set[str] = set()  # changes to the desk itself seen by the last poll

    def poll(self) -> list[int]:
        """The numbers of the tickets changed since the last poll, each once, in the order
        of their first change; ``desk_kinds`` says which changes to the desk itself came
        (e.g. "policy": a new version of the desk's policy)."""
        self.desk_kinds = set()
        if not self._watcher.poll():
            return []
        numbers: dict[int, None] = {}
        with self.store.read() as s:
            while True:
                page = changes.changes_since(s, self.position, limit=PAGE)
                for change in page:
                    if change.number is None:
                        self.desk_kinds.add(change.kind)
                    else:
                        numbers[change.number] = None
                    self.position = change.id
                if len(page) < PAGE:
                    break
        return list(numbers)

    def close(self) -> None:
        self._watcher.close()
