"""Deliveries that reach their target: the lease holder's queue of webhook and email sends.

Each Delivery row of those channels is tried until it is delivered or given up. A lane is
one channel to one recipient (the webhook; one person's address): its deliveries go one at
a time in firing order, so a target that comes back gets them in the order they fired.
Lanes run side by side on a bounded pool of worker threads, and every send has a timeout,
so a target that hangs holds up its own lane only: never a pass of the watcher, never the
firing of other alerts.

The state is in the database (``attempts``, ``next_attempt_at``, ``last_error``), so a
restarted watcher goes on where the last one stopped. An attempt is claimed with one
conditional UPDATE that moves ``next_attempt_at`` past the send's longest time: only one
watcher (the lease holder) makes it, and a holder killed mid-send is followed by its
successor only once that time has passed. A failed attempt waits ``first_retry``, doubling
up to ``max_retry`` (a ``Retry-After`` from the target rules instead); one that fails past
``give_up_after`` since it was queued (a refusal at once: a 404, a missing password) is
marked failed and reported once: a line to the watcher's runner and an entry in the alert
centre of the desk's admins. ``alerts resend ID`` queues it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskline.core import clock
from deskline.core.alerts import inbox
from deskline.core.alerts.channels import (
    NOT_DELIVERED,
    NOT_DELIVERED_ONCE,
    DeliveryFailed,
    EmailChannel,
    Note,
    Notice,
    WebhookChannel,
)
from deskline.core.alerts.inbox import EMAIL, WEBHOOK, notice_of
from deskline.core.alerts.ladder import AlertRules
from deskline.core.alerts.preferences import language_of
from deskline.core.errors import NotFound, Refused
from deskline.core.inert import stripped
from deskline.core.language import _
from deskline.core.roster import access, permissions
from deskline.storage import alerts as rows
from deskline.storage import queries
from deskline.storage.store import Store

log = logging.getLogger(__name__)

OUTBOUND = (WEBHOOK, EMAIL)
SLACK = timedelta(seconds=5)  # past a send's longest time before another may try it
REMEMBERED = 1000  # notices of alerts fired here, kept for their first send
GAVE_UP = "delivery_failed"  # the rung of the admins' alert about a delivery given up
EMAIL_TIMEOUT = 10.0  # EmailChannel's own, per SMTP step


def backoff(rules: AlertRules, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: first_retry, doubling, capped."""
    settings = rules.delivery
    steps = min(max(attempts - 1, 0), 40)
    return min(settings.max_retry, settings.first_retry * 2**steps)


def target_of(rules: AlertRules, channel: str, recipient: str, address: str | None) -> str:
    """Where a delivery goes, fit to show: the webhook's host (its path is its secret), an
    email address, else the recipient's handle."""
    if channel == WEBHOOK and rules.webhook is not None:
        return WebhookChannel(rules.webhook.url).where
    return address or recipient


@dataclass(frozen=True)
class Attempt:
    """One claimed attempt of one delivery."""

    delivery_id: int
    alert_id: int
    ticket_id: int | None
    channel: str
    recipient: str
    attempts: int  # this one included
    queued_at: datetime

    @property
    def lane(self) -> tuple[str, str]:
        return (self.channel, self.recipient)


class Outbound:
    """The queue of one watcher: ``drain`` starts what is due, each lane one at a time."""

    def __init__(
        self,
        store: Store,
        rules: Callable[[], AlertRules],
        *,
        leading: Callable[[], bool],
        now: Callable[[], datetime] = clock.now,
        tell: Callable[[str, str], None] = lambda kind, line: None,
    ) -> None:
        self.store = store
        self.rules = rules
        self.leading = leading
        self.now = now
        self.tell = tell
        self._pool = ThreadPoolExecutor(
            max_workers=rules().delivery.workers, thread_name_prefix="deskline-send"
        )
        self._lock = threading.Lock()
        self._busy: set[tuple[str, str]] = set()
        self._futures: list[Future[None]] = []
        self._notices: dict[int, Notice] = {}
        self._closed = False

    def remember(self, alert_id: int, notice: Notice) -> None:
        """The notice as fired (its notes in the body), for the first send of its alert."""
        with self._lock:
            self._notices[alert_id] = notice
            while len(self._notices) > REMEMBERED:
                self._notices.pop(next(iter(self._notices)))

    def drain(self) -> int:
        """Start every lane's next attempt that is due (leading only); how many started."""
        if self._closed or not self.leading():
            return 0
        now = self.now()
        with self.store.read() as s:
            heads = rows.lane_heads(s, OUTBOUND)
        started = 0
        for delivery, fired_at, ticket_id in heads:
            lane = (delivery.channel, delivery.recipient)
            with self._lock:
                if lane in self._busy or self._closed:
                    continue
            if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
                continue
            until = now + self._longest(delivery.channel) + SLACK
            with self.store.write() as s:
                if not rows.claim_attempt(s, delivery.id, now, until):
                    continue  # another drain (or watcher) took it
            attempt = Attempt(
                delivery.id,
                delivery.alert_id,
                ticket_id,
                delivery.channel,
                delivery.recipient,
                delivery.attempts + 1,
                delivery.queued_at or fired_at,
            )
            with self._lock:
                self._busy.add(lane)
                try:
                    self._futures.append(self._pool.submit(self._run, attempt))
                except RuntimeError:  # shut down meanwhile: the claim lapses, then retried
                    self._busy.discard(lane)
                    continue
                self._futures = [f for f in self._futures if not f.done()]
            started += 1
        return started

    def _longest(self, channel: str) -> timedelta:
        """The longest one attempt can take (its tries and their timeouts)."""
        hook = self.rules().webhook
        if channel == WEBHOOK and hook is not None:
            tries = hook.retries + 1
            return timedelta(seconds=hook.timeout * tries + 0.5 * (2**hook.retries))
        return timedelta(seconds=EMAIL_TIMEOUT)

    def _run(self, attempt: Attempt) -> None:
        try:
            self._attempt(attempt)
        except Exception:  # a database hiccup: the claim lapses and the attempt comes again
            log.exception("delivery %s: the attempt could not be recorded", attempt.delivery_id)
        finally:
            with self._lock:
                self._busy.discard(attempt.lane)
        try:
            self.drain()  # the lane's next one, at once
        except Exception:
            log.exception("the delivery queue could not be read")

    def _attempt(self, attempt: Attempt) -> None:
        rules = self.rules()
        notice, address = self._what(attempt)
        failure: DeliveryFailed | None = None
        try:
            self._send(rules, attempt, notice, address)
        except DeliveryFailed as exc:
            failure = exc
        except Exception as exc:  # a bug in one channel is that delivery's failure only
            failure = DeliveryFailed(f"{attempt.channel} failed: {type(exc).__name__}: {exc}")
        now = self.now()
        if failure is None:
            with self.store.write() as s:
                rows.finish_delivery(s, attempt.delivery_id, "delivered", None, now)
            return
        error = str(failure)
        deadline = attempt.queued_at + rules.delivery.give_up_after
        if failure.permanent or now >= deadline:
            self._give_up(rules, attempt, notice, address, error, now)
            return
        if failure.retry_after is not None:
            at = now + timedelta(seconds=failure.retry_after)
        else:
            at = min(now + backoff(rules, attempt.attempts), deadline)
        with self.store.write() as s:
            rows.retry_later(s, attempt.delivery_id, error, at)
        self.tell("failure", f"{attempt.channel} delivery failed: {error} (will retry)")

    def _what(self, attempt: Attempt) -> tuple[Notice, str | None]:
        """The notice to send (as fired here, else as stored) and the email address; an
        email is in the language its recipient chose for alerts (the webhook's, English)."""
        with self._lock:
            notice = self._notices.get(attempt.alert_id)
        with self.store.read() as s:
            if notice is None:
                found = rows.alert_with_ticket(s, attempt.alert_id)
                notice = notice_of(*found)
            address = None
            if attempt.channel == EMAIL:
                address = rows.emails(s, [attempt.recipient]).get(attempt.recipient)
                speaks = language_of(s, [attempt.recipient]).get(attempt.recipient)
                if speaks is not None:
                    notice = notice.told_in(speaks)
        return notice, address

    def _send(
        self, rules: AlertRules, attempt: Attempt, notice: Notice, address: str | None
    ) -> None:
        hook, mail = rules.webhook, rules.email
        if attempt.channel == WEBHOOK and hook is not None:
            channel = WebhookChannel(hook.url, timeout=hook.timeout, retries=hook.retries)
            channel.send(notice, key=f"deskline-delivery-{attempt.delivery_id}")
        elif attempt.channel == EMAIL and mail is not None and address:
            EmailChannel.from_settings(mail).send(notice, [address])
        else:
            raise DeliveryFailed(
                f"no {attempt.channel} settings or address for this recipient", permanent=True
            )

    def _give_up(
        self,
        rules: AlertRules,
        attempt: Attempt,
        notice: Notice,
        address: str | None,
        error: str,
        now: datetime,
    ) -> None:
        """Mark it failed; the one call that did tells the runner and the desk's admins."""
        target = target_of(rules, attempt.channel, attempt.recipient, address)
        tries = "1 attempt" if attempt.attempts == 1 else f"{attempt.attempts} attempts"
        detail = f"gave up after {tries}: {error}"
        with self.store.write() as s:
            if not rows.give_up(s, attempt.delivery_id, error, detail, now):
                return
            admins = rows.admins(s)
            said = dict(summary=stripped(notice.summary), channel=attempt.channel, target=target)
            if attempt.attempts == 1:
                note = Note.of(NOT_DELIVERED_ONCE, error=error, **said)
            else:
                note = Note.of(NOT_DELIVERED, attempts=attempt.attempts, error=error, **said)
            inbox.post(
                s,
                key=f"{GAVE_UP}:{attempt.delivery_id}#{attempt.attempts}",
                ticket_id=attempt.ticket_id,
                ticket=notice.ticket,
                title=notice.title,
                rung=GAVE_UP,
                level=2,
                recipients=admins,
                note=note,
                now=now,
            )
        self.tell(
            "failure",
            f"gave up on the {attempt.channel} delivery {attempt.delivery_id} to {target} "
            f"({notice.ticket}): {detail}",
        )

    def flush(self, timeout: float = 60.0) -> None:
        """Wait for the attempts under way, and the ones they start."""
        while True:
            with self._lock:
                waiting = [f for f in self._futures if not f.done()]
                self._futures = waiting
            if not waiting:
                return
            for future in waiting:
                future.result(timeout=timeout)

    def close(self) -> None:
        """Start nothing more; an attempt under way is not waited for (its claim lapses)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)


# -- what people see and do ----------------------------------------------------------


@dataclass(frozen=True)
class DeliveryView:
    id: int
    channel: str
    target: str
    status: str
    alert_id: int
    ticket: str | None
    summary: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    detail: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "target": self.target,
            "status": self.status,
            "alert_id": self.alert_id,
            "ticket": self.ticket,
            "summary": self.summary,
            "attempts": self.attempts,
            "next_attempt_at": clock.iso(self.next_attempt_at, milliseconds=True)
            if self.next_attempt_at is not None and self.status == "pending"
            else None,
            "last_error": self.last_error,
            "detail": self.detail,
        }


def _require_manager(s: Any, handle: str) -> None:
    agent = queries.agent_by_handle(s, handle)
    if agent is None:
        raise NotFound(
            _("no agent {handle}: add one with `deskline agents add`").format(handle=handle)
        )
    access.require(permissions.may_manage(access.person(s, agent), "deliveries"))


def list_deliveries(
    store: Store, rules: AlertRules, handle: str, *, failed: bool = False, limit: int = 200
) -> list[DeliveryView]:
    """The webhook and email deliveries, newest first (supervisors, directors, admins)."""
    with store.read() as s:
        _require_manager(s, handle)
        found = rows.outbound(s, OUTBOUND, failed=failed, limit=limit)
        addresses = rows.emails(s, [d.recipient for d, _, _ in found if d.channel == EMAIL])
    return [
        DeliveryView(
            id=d.id,
            channel=d.channel,
            target=target_of(rules, d.channel, d.recipient, addresses.get(d.recipient)),
            status=d.status,
            alert_id=alert.id,
            ticket=f"T-{number}" if number is not None else None,
            summary=alert.summary,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_error=d.last_error,
            detail=d.detail,
        )
        for d, alert, number in found
    ]


def resend(store: Store, handle: str, delivery_ids: Sequence[int], now: datetime) -> int:
    """Queue failed deliveries again, all or none (supervisors, directors, admins); the
    watcher holding the lease sends them in firing order. Returns how many."""
    with store.write() as s:
        _require_manager(s, handle)
        for delivery_id in delivery_ids:
            was = rows.resend(s, delivery_id, OUTBOUND, now)
            if was is None:
                raise NotFound(
                    _("no webhook or email delivery {id}: see `deskline alerts deliveries`").format(
                        id=delivery_id
                    )
                )
            if was != "failed":
                raise Refused(
                    _("delivery {id} is {status}, not failed: only a failed one is resent").format(
                        id=delivery_id, status=was
                    )
                )
    return len(delivery_ids)
