"""Where log lines go: while a screen runs, Textual holds stderr, and a log line must go there
rather than onto the terminal under the screen."""

from __future__ import annotations

import contextlib
import io
import logging

from deskline.tui.cli import log


def test_a_log_line_goes_to_the_stderr_of_the_moment_not_the_one_at_start(capfd):
    log.configure(0)
    try:
        held = io.StringIO()  # what Textual puts in place of stderr while the app runs
        with contextlib.redirect_stderr(held):
            logging.getLogger("deskline.core.alerts.watcher").warning("pass failed")
        assert "WARNING deskline.core.alerts.watcher: pass failed" in held.getvalue()
        assert capfd.readouterr().err == ""  # nothing reached the terminal itself
        logging.getLogger("deskline.core.alerts.watcher").warning("after the app")
        assert "after the app" in capfd.readouterr().err
    finally:
        log.configure(0)
        for handler in list(logging.getLogger().handlers):
            if isinstance(handler, log.CurrentStderr):
                logging.getLogger().removeHandler(handler)


def test_a_log_line_shows_the_controls_it_quotes(tmp_path):
    file = tmp_path / "watch.log"
    log.configure(1, file)
    try:
        logging.getLogger("deskline.test").info("fired: %s", "\x1b]0;pwned\x07 \u202eexe")
    finally:
        log.configure(0)
    assert file.read_text().rstrip().endswith("fired: \\x1b]0;pwned\\x07 \\u202eexe")
