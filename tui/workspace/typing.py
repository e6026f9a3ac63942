"""What keeps typing in the search box cheap: a box whose keys cost no layout pass, and a
footer that is built again only when the keys it shows change.

A layout pass of the workspace (every pane and footer key measured and placed again) costs
10-30 ms; Textual asks for one on every key typed in an ``Input`` and rebuilds the whole
footer whenever the bindings may have changed (a focus change, a new selection)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer, Input


class SearchBox(Input):
    """The one-line search box: docked, as wide as its pane whatever is typed, so a key
    repaints the box and asks for no layout pass (showing or hiding it still does)."""

    _typed = False

    def _watch_value(self, value: str) -> None:
        self._typed = True
        try:
            super()._watch_value(value)
        finally:
            self._typed = False

    def refresh(self, *regions: Any, repaint: bool = True, layout: bool = False, **kw: Any) -> Any:
        return super().refresh(*regions, repaint=repaint, layout=layout and not self._typed, **kw)


class KeysFooter(Footer):
    """The footer, rebuilt only when the keys it would show (or their state) change."""

    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Any) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return super().bindings_changed(screen)
        shown = tuple(
            (key, b.action, b.description, enabled, tooltip)
            for key, (_, b, enabled, tooltip) in screen.active_bindings.items()
            if b.show or key == self.app.COMMAND_PALETTE_BINDING
        )
        if shown == self._shown:
            return None
        self._shown = shown
        return super().bindings_changed(screen)
