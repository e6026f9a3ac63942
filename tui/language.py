"""The screens' side of the language: key bindings said in the current language.

A class's ``BINDINGS`` are made when its module is imported, before the language is chosen,
so their descriptions and tooltips are marked with ``N_`` and said here, per instance, once
the node is made (``speak_bindings(self)`` in ``__init__``).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from deskline.core.language import _


def said(binding: Binding) -> Binding:
    """The binding with its description and tooltip in the current language."""
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def speak_bindings(node: DOMNode) -> None:
    """Say ``node``'s own bindings (its class's, merged) in the current language."""
    keys = node._bindings.key_to_bindings
    node._bindings = BindingsMap.from_keys(
        {key: [said(b) for b in bindings] for key, bindings in keys.items()}
    )
