"""``deskline`` as a real process, as scripts and the tests of whole commands run it."""

from __future__ import annotations

import subprocess
import sys


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
