"""``deskline`` as a real process, as scripts and the tests of whole commands run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def deskline(
    env: dict[str, str], *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m deskline ARGS`` with ``env``; ``check``: it must exit 0."""
    done = subprocess.run(
        [sys.executable, "-m", "deskline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def languageless_env(folder: Path) -> dict[str, str]:
    """The environment of a desk in ``folder`` with no language of its own (no LC_* or
    LANG: the locale is C), no config of the user's (an empty one), acting as ana."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(
        DESKLINE_DB=str(folder / "desk.db"),
        DESKLINE_CONFIG=str(folder / "deskline.toml"),
        DESKLINE_AS="ana",
        TZ="UTC",
        PYTHONUTF8="1",
    )
    (folder / "deskline.toml").write_text("", encoding="utf-8")
    return env
