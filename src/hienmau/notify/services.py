from django.db import IntegrityError, transaction
from django.utils import timezone

from hienmau.notify.backends import get_backend
from hienmau.notify.models import Message


def send(channel: str, recipient: str, body: str, purpose: str) -> tuple[Message, bool]:
    """Send once per purpose: a second call with the same purpose returns the first message unsent."""
    existing = Message.objects.filter(purpose=purpose).first()
    if existing:
        return existing, False
    backend = get_backend()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                channel=channel, recipient=recipient, body=body, purpose=purpose, backend=backend.name
            )
    except IntegrityError:
        return Message.objects.get(purpose=purpose), False
    try:
        backend.deliver(message)
        message.sent_at = timezone.now()
    except Exception as exc:  # a gateway failure is recorded, not raised into the caller's workflow
        message.error = str(exc)[:255]
    message.save(update_fields=["sent_at", "error"])
    return message, True
