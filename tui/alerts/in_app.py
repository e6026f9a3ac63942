"""Alerts in the app: its own watcher, and my alerts as toasts, the bell and desktop
notifications (the alert centre, ``!``, is centre.py).

Every open app runs a watcher; the database's lease lets only one of them (or a headless
``deskline watch``) fire at a time. Each app then claims the deliveries addressed to its
user: a claim is an UPDATE that only one client wins, so two windows never both toast the
same alert. Everything that touches the store or a notification backend runs in a thread
worker, or on the watcher's scheduler.

Both follow the app's change pump: a change (another process's or the app's own) nudges the
watcher, so a rung it brought nearer is armed at once, and makes the inbox look for mine (a
fired alert is a change of its ticket, in the same transaction as its deliveries).
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from textual.app import App

from deskline.core.alerts.channels import DesktopChannel
from deskline.core.alerts.inbox import DESKTOP, IN_APP, Inbox, InboxItem
from deskline.core.alerts.watcher import Fired, SlaWatcher
from deskline.core.config.ui import NotifyPrefs
from deskline.core.desk.tickets import Desk
from deskline.core.inert import visible
from deskline.core.language import _, speaking
from deskline.tui.alerts.centre import level_word
from deskline.tui.pace import Trouble, every
from deskline.tui.pump import ChangePump

SAFETY_SECONDS = 60.0  # the inbox also looks this often: after a look that failed, say
MAX_TOASTS = 3  # more within TOAST_WINDOW become one toast pointing to the alert centre
TOAST_WINDOW = 30.0  # seconds


def title_of(level: int) -> str:
    """An alert toast's title: "Alert · level 2"; a reminder is just that (in Chinese both
    words are 提醒: never "提醒 · 提醒")."""
    if level == 0:
        return _("Reminder")
    return _("Alert · {level}").format(level=level_word(level))


class AppAlerts:
    """The alert engine's side of one running app (workspace or dashboard)."""

    def __init__(
        self,
        app: App[None],
        desk: Desk,
        notify: NotifyPrefs,
        pump: ChangePump,
        *,
        desktop: DesktopChannel | None = None,
    ) -> None:
        """``notify``: the person's own bell and desktop levels; the watcher follows the
        desk's policy."""
        self.app = app
        self.notify = notify
        self.pump = pump
        self.inbox = Inbox(desk.store, desk.actor, now=desk.now)
        self.watcher = SlaWatcher(
            desk.store, desk, now=desk.now, on_fire=self._fired, on_event=self._event
        )
        self._shown: list[float] = []  # when the recent toasts went up (monotonic)
        self.desktop = desktop or DesktopChannel()
        self.desktop_off: str | None = None  # why desktop notifications cannot work here
        self._checked = False
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.watcher.start(AsyncIOScheduler(event_loop=loop, timezone=UTC))
        self.pump.changed.subscribe(self.app, self.changed)
        self.pump.policy.subscribe(self.app, self.policy_moved)
        # One thread for the app's lifetime looks for mine when woken (a change, a firing
        # of this app's watcher), and every SAFETY_SECONDS besides.
        self.app.run_worker(self._follow, thread=True, group="alerts", exit_on_error=False)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self.watcher.stop()

    def changed(self, numbers: list[int]) -> None:
        """Tickets changed (the pump says so, on the event loop): a rung may be nearer, and
        an alert for me may have fired elsewhere."""
        del numbers
        self.watcher.nudge()
        self.poll()

    def policy_moved(self, version: int) -> None:
        """The desk's policy has a new version: the watcher re-arms under it at once."""
        del version
        self.watcher.policy_moved()

    def _follow(self) -> None:
        trouble = Trouble(self.app, _("Alerts"))
        try:
            for _tick in every(SAFETY_SECONDS, self._wake):
                if self._stopping.is_set():  # (stop() sets _wake too: no wait for it)
                    return
                try:
                    self._poll()
                except RuntimeError:  # the app is closing
                    return
                except Exception as exc:  # the store is away: say so once, keep looking
                    trouble.tell(_("cannot read my alerts: {error}").format(error=exc))
                    continue
                trouble.over()
        except RuntimeError:  # the app closed while telling
            pass

    def _fired(self, fired: list[Fired]) -> None:
        """The app's own watcher fired (in its worker thread): look for mine at once."""
        del fired
        self.poll()

    def _event(self, kind: str, line: str) -> None:
        """A channel of this app's watcher failed (once per reason): say so."""
        if kind == "failure":
            try:
                self.app.call_from_thread(
                    self.app.notify,
                    visible(line),
                    title=_("Alerts"),
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
            except RuntimeError:
                pass

    def poll(self) -> None:
        """Look for my alerts now (from any thread)."""
        self._wake.set()

    def _poll(self) -> None:
        if not self._checked:
            self._checked = True
            if not self.notify.desktop_levels:  # turned off in deskline.toml: nothing to say
                self.desktop_off = _("turned off in deskline.toml ([notify] desktop = [])")
            else:
                self.desktop_off = self.desktop.check()
            if self.desktop_off is not None and self.notify.desktop_levels:
                self.app.call_from_thread(
                    self.app.notify,
                    self.desktop_off,
                    title=_("Alerts"),
                    severity="warning",
                    timeout=15,
                )
        waiting = self.inbox.waiting()
        if IN_APP in waiting:
            mine = self.inbox.claim(IN_APP)
            if mine:
                self.app.call_from_thread(self.show, mine)
        if DESKTOP not in waiting:
            return
        if self.desktop_off is not None:
            self.inbox.skip(DESKTOP, self.desktop_off)
        else:
            self.inbox.deliver_desktop(
                self.desktop, limit=MAX_TOASTS, levels=self.notify.desktop_levels
            )

    def show(self, items: list[InboxItem]) -> None:
        """Toasts coloured by severity, and the bell for a breach, in the language of my
        alerts (the inbox's: my own choice, else the app's)."""
        with speaking(items[0].notice.language if items else None):
            self._show(items)

    def _show(self, items: list[InboxItem]) -> None:
        if self.notify.bell and any(item.level >= 3 for item in items):
            self.app.bell()
        worst = max(items, key=lambda item: item.level)
        now = time.monotonic()
        self._shown = [t for t in self._shown if now - t < TOAST_WINDOW]
        if len(items) + len(self._shown) > MAX_TOASTS:  # a burst: one toast, not a wall
            self._shown.append(now)
            late = sum(1 for item in items if item.late)
            if late:
                text = _(
                    "{count} new alerts for you ({late} fired late): press ! for the alert centre"
                ).format(count=len(items), late=late)
            else:
                text = _("{count} new alerts for you: press ! for the alert centre").format(
                    count=len(items)
                )
            self.app.notify(
                text,
                title=_("Alerts"),
                severity=worst.notice.severity,  # type: ignore[arg-type]
                timeout=20,
            )
            return
        for item in items:
            self._shown.append(now)
            self.app.notify(
                visible(item.summary),
                title=title_of(item.level),
                severity=item.notice.severity,  # type: ignore[arg-type]
                timeout=30 if item.level >= 3 else 10,
                markup=False,
            )
