"""Where deskline's log lines go: stderr, warnings only unless ``-v`` (deskline's info lines)
or ``-vv`` (every library's debug lines); ``deskline watch --log-file FILE`` sends them to a
file instead, with info lines at least."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from deskline.core.inert import visible

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged, not the one at start:
    while the workspace or the dashboard runs, Textual holds stderr, so a log line never
    lands on the screen."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


class InertFormatter(logging.Formatter):
    """Log lines quote tickets and names: their control characters are shown, never sent to
    the terminal that reads stderr or ``tail -f`` of the file (core.inert)."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


OURS = "deskline"
_handlers: list[logging.Handler] = []  # the ones configure() added (others' are left alone)


def level_of(verbose: int) -> int:
    return logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG


def configure(verbose: int, file: Path | None = None) -> None:
    """Send the log to stderr (or ``file``) at the level ``-v`` chose."""
    root = logging.getLogger()
    while _handlers:
        old = _handlers.pop()
        root.removeHandler(old)
        old.close()
    if file is not None:
        verbose = max(verbose, 1)  # a log file is asked for to be read later: info lines too
        handler: logging.Handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = CurrentStderr()
    handler.setFormatter(InertFormatter(FORMAT))
    root.addHandler(handler)
    _handlers.append(handler)
    # -v: deskline's own info lines; other libraries (APScheduler logs every run) say only
    # warnings until -vv.
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    logging.getLogger(OURS).setLevel(level_of(verbose))
