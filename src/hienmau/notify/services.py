"""The outbox: `send` writes a message once per idempotency key and, when the caller's transaction
commits, hands it to the background worker (`deliver_message`, a django-tasks task run by `hienmau
db_worker`; at the moment quiet hours, the rate limit or a retry allow, when the queue can wait); a
gateway that is slow or down then holds no web request. `send_due` delivers whatever is due, and is what
`hienmau notify send-due` runs every minute: the sweep that catches anything the worker has not sent.
A message is claimed by one conditional update before delivery, so two workers (or the worker and the
sweep) never send it twice; a claim older than HIENMAU_NOTIFY_CLAIM_MINUTES (a worker that died
mid-send) is taken up again with the same idempotency key, which the gateways deduplicate."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from hienmau.core import clock
from hienmau.core.lib.identity import PhoneError, normalise_phone
from hienmau.notify.backends import PermanentError, backend_name, get_backend
from hienmau.notify.lib import schedule
from hienmau.notify.models import Channel, Message, OptOut, Status

logger = logging.getLogger("hienmau.notify")
PENDING = (Status.QUEUED, Status.RETRYING)


def quiet_hours() -> tuple[int, int]:
    start, end = getattr(settings, "HIENMAU_QUIET_HOURS", (21, 7))
    return int(start), int(end)


def rate_limit() -> tuple[int, datetime.timedelta]:
    limit, hours = getattr(settings, "HIENMAU_NOTIFY_RATE_LIMIT", (3, 24))
    return int(limit), datetime.timedelta(hours=hours)


def max_attempts() -> int:
    return int(getattr(settings, "HIENMAU_NOTIFY_MAX_ATTEMPTS", 6))


def normalise_recipient(channel: str, recipient: str) -> str:
    """Phones in E.164 form (so an opt-out and the rate limit see one person however it was written)."""
    recipient = (recipient or "").strip()
    if channel == Channel.SMS:
        try:
            return normalise_phone(recipient)
        except PhoneError:
            return recipient
    return recipient.lower() if channel == Channel.EMAIL else recipient


def is_opted_out(channel: str, recipient: str) -> bool:
    return OptOut.objects.filter(channel=channel, recipient=normalise_recipient(channel, recipient)).exists()


def opt_out(channel: str, recipient: str, reason: str = "") -> OptOut:
    """Stop sending to an address on a channel; messages waiting for it are not sent."""
    address = normalise_recipient(channel, recipient)
    with transaction.atomic():
        entry, _created = OptOut.objects.get_or_create(channel=channel, recipient=address, defaults={"reason": reason})
        Message.objects.filter(channel=channel, recipient=address, status__in=PENDING).update(
            status=Status.OPTED_OUT, next_attempt_at=None
        )
    return entry


def opt_in(channel: str, recipient: str) -> None:
    OptOut.objects.filter(channel=channel, recipient=normalise_recipient(channel, recipient)).delete()


def send(channel: str, recipient: str, body: str, purpose: str, *, urgent: bool = False) -> tuple[Message, bool]:
    """Queue a message once per purpose (its idempotency key); a second call with the same purpose
    returns the first message and False. The message goes out when the caller's transaction commits,
    unless quiet hours or the rate limit hold it (never an urgent one) or the person opted out."""
    existing = Message.objects.filter(purpose=purpose).first()
    if existing:
        return existing, False
    address = normalise_recipient(channel, recipient)
    now = clock.now()
    status = Status.QUEUED
    due: datetime.datetime | None = now
    if OptOut.objects.filter(channel=channel, recipient=address).exists():
        status, due = Status.OPTED_OUT, None
    elif not urgent:
        limit, window = rate_limit()
        others = (
            Message.objects.filter(channel=channel, recipient=address, urgent=False)
            .exclude(status__in=[Status.OPTED_OUT, Status.FAILED])
            .annotate(at=Coalesce("sent_at", "next_attempt_at", "created_at"))
            .filter(at__gt=now - window)
            .values_list("at", flat=True)
        )
        local = [timezone.localtime(t) for t in others]
        due = schedule.first_slot(timezone.localtime(now), local, quiet_hours(), limit, window)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                channel=channel,
                recipient=address,
                body=body,
                purpose=purpose,
                urgent=urgent,
                backend=backend_name(channel),
                status=status,
                next_attempt_at=due,
            )
    except IntegrityError:
        return Message.objects.get(purpose=purpose), False
    if status == Status.QUEUED and due is not None:
        transaction.on_commit(lambda: enqueue_delivery(message.pk, due))
    return message, True


def enqueue_delivery(pk: int, due: datetime.datetime | None = None, *, later_only: bool = False) -> None:
    """Hand a message to the worker: now, or at `due` (quiet hours, rate limit, retry) when the queue can
    wait (the database queue can; within the request, under HIENMAU_TASKS_IMMEDIATE, it cannot, and the
    every-minute sweep sends it then). A retry (`later_only`) is never run at once."""
    queued = deliver_message
    if later_only or (due is not None and due > clock.now()):
        if not queued.get_backend().supports_defer:
            return
        queued = queued.using(run_after=due)
    queued.enqueue(pk)


@task()
def deliver_message(pk: int) -> str:
    """The background task: deliver one message if it is due and nobody else has claimed it."""
    message = deliver(pk)
    return message.status if message is not None else "skipped"


def deliver(pk: int, now: datetime.datetime | None = None) -> Message | None:
    """Claim one due message and hand it to its backend; None when it is not due or another worker has it."""
    now = now or clock.now()
    stale = now - datetime.timedelta(minutes=int(getattr(settings, "HIENMAU_NOTIFY_CLAIM_MINUTES", 10)))
    claimed = Message.objects.filter(
        Q(status__in=PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, claimed_at__lt=stale), pk=pk
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    message = Message.objects.get(pk=pk)
    if OptOut.objects.filter(channel=message.channel, recipient=message.recipient).exists():
        message.status, message.next_attempt_at = Status.OPTED_OUT, None
        message.save(update_fields=["status", "next_attempt_at"])
        return message
    try:
        provider_id = get_backend(message.channel, message.backend).deliver(message)
    except Exception as exc:  # a gateway failure is recorded and retried, never raised into the caller
        message.error = str(exc)[:255]
        if isinstance(exc, PermanentError) or message.attempts >= max_attempts():
            message.status, message.next_attempt_at = Status.FAILED, None
        else:
            message.status, message.next_attempt_at = Status.RETRYING, schedule.retry_at(now, message.attempts)
            retry_at = message.next_attempt_at
            transaction.on_commit(lambda: enqueue_delivery(pk, retry_at, later_only=True))
        logger.warning("notify: %s (%s) not sent: %s", message.purpose, message.backend, message.error)
    else:
        message.status, message.sent_at, message.next_attempt_at = Status.SENT, clock.now(), None
        message.provider_id = provider_id or ""
        message.error = ""
    message.save(update_fields=["status", "sent_at", "next_attempt_at", "provider_id", "error"])
    return message


def due_messages(now: datetime.datetime | None = None):
    now = now or clock.now()
    stale = now - datetime.timedelta(minutes=int(getattr(settings, "HIENMAU_NOTIFY_CLAIM_MINUTES", 10)))
    return Message.objects.filter(
        Q(status__in=PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, claimed_at__lt=stale)
    ).order_by("-urgent", "next_attempt_at", "pk")


def send_due(now: datetime.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Deliver every due message (emergencies first); counts by outcome."""
    counts = {"sent": 0, "retrying": 0, "failed": 0, "opted_out": 0}
    for pk in list(due_messages(now).values_list("pk", flat=True)[:limit]):
        message = deliver(pk, now)
        if message is not None and message.status in counts:
            counts[message.status] += 1
    return counts
