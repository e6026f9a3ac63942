"""Show one desktop notification through plyer, as a child process of its own.

``DesktopChannel`` runs ``python -m core.notify_desktop SPEC`` with its output captured,
so that nothing a notification backend prints (notify-send's "Cannot autolaunch D-Bus
without X11 $DISPLAY", plyer's warnings) can reach the terminal the app draws on. SPEC is
a JSON object of plyer's notification arguments. Exit status 0 means shown; otherwise the
last line on stderr says why not.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from typing import Any


def _checked_call(args: Any, **kwargs: Any) -> int:
    """``subprocess.call`` that fails loudly: plyer's notify-send backend ignores the status."""
    kwargs.pop("stdout", None)
    kwargs.pop("stderr", None)
    done = subprocess.run(args, capture_output=True, text=True, errors="replace", **kwargs)
    if done.returncode != 0:
        said = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        program = args[0] if isinstance(args, list | tuple) and args else "notifier"
        raise RuntimeError(f"{program}: {said[-1] if said else f'exit status {done.returncode}'}")
    return 0


def show(spec: dict[str, Any]) -> None:
    """Show the notification described by ``spec`` (plyer's keyword arguments); raise if not."""
    warnings.simplefilter("ignore")  # plyer warns on stderr while it picks a backend
    subprocess.call = _checked_call  # type: ignore[assignment]  # this process does nothing else
    from plyer import notification

    # The backend's own entry takes urgency and expiry as well (notify-send's default
    # expiry of 0 would keep every warning on screen until clicked); the public
    # ``notify`` forwards a fixed subset of arguments to it and does nothing else.
    notification._notify(**spec)


def main(argv: list[str]) -> int:
    try:
        spec = json.loads(argv[0])
        show(spec)
    except Exception as exc:  # any failure is a reason for the Delivery row, not a crash
        text = " ".join(str(exc).split()) or type(exc).__name__
        print(text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
