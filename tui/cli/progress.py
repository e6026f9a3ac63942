"""A progress bar for a long command (import, export, demo): rich.progress on a terminal
(stderr), nothing in a pipe."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from deskline.core.language import N_, _

Show = Callable[[str, int, int], None]  # (phase, done, total; 0: not known)

# The phases the long commands name (core.transfer, core.demo), said in the current language.
PHASES = (N_("checking"), N_("tickets"), N_("comments"), N_("indexing"))


@contextmanager
def bar(label: str) -> Iterator[Show]:
    """A bar a phase, each named ``label phase``, gone when the command ends."""
    if not sys.stderr.isatty():
        yield lambda phase, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as shown:
        tasks: dict[str, int] = {}

        def show(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                said = _("{label} {phase}").format(label=label, phase=_(phase))
                tasks[phase] = shown.add_task(said, total=total or None)
            shown.update(tasks[phase], completed=done, total=total or None)

        yield show
