"""A transactional outbox for Celery messages.

`send_after_commit(task, *args)` writes the message as a row in the caller's transaction and
publishes it once that transaction commits. A broker that is down at that moment costs a
logged warning, not an error page: the row stays unsent and the sweeper (`outbox_sweep`, run
by beat every minute) publishes it once the broker is back. A message may so be delivered
twice (published, then the process dies before the row is marked sent): every task sent
through here must be idempotent. Arguments are JSON and say which rows to work on, never a
secret.
"""

import datetime
import logging
import re

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)

# One reconnection (a pooled connection a restarted broker dropped), then give up: the
# sweeper publishes what is left, and the request does not wait for a broker that is down.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# A message for a task this code no longer has is tried again this much later, not blocking
# the messages behind it.
UNKNOWN_TASK_DELAY = datetime.timedelta(hours=1)

_USERINFO = re.compile(r"(\w+://)[^/@\s]*@")


def send_after_commit(task, *args, countdown: int = 0) -> OutboxMessage:
    """Have `task` (a Celery task, or the name it is registered under) run with `args` once
    the current transaction commits (now, outside one), even if the broker is down then. With
    `countdown` (seconds) the message is published by the sweeper once that time has passed,
    not at commit. A service queues its own app's task by name: the tasks module imports the
    services, not the other way round (each app registers its tasks in its `ready()`)."""
    if isinstance(task, str):
        task = _task(task)
    now = timezone.now()
    grace = datetime.timedelta(seconds=countdown or settings.LMS_OUTBOX_GRACE_SECONDS)
    message = OutboxMessage.objects.create(
        task=task.name, args=list(args), created_at=now, available_at=now + grace
    )
    if not countdown:
        pk, values = message.pk, message.args
        transaction.on_commit(lambda: _publish_row(task, pk, values), robust=True)
    return message


def _describe(exc: BaseException) -> str:
    """The error's type and text, with any credentials of a URL in it masked."""
    return _USERINFO.sub(r"\1***@", f"{type(exc).__name__}: {exc}")[:1000]


def _publish(task, args: list) -> str:
    """Publish one message: '' when done, else what went wrong."""
    try:
        task.apply_async(args, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as exc:
        return _describe(exc)
    return ""


def _publish_row(task, pk: int, args: list) -> None:
    error = _publish(task, args)
    unsent = OutboxMessage.objects.filter(pk=pk, sent_at=None)
    if error:
        log.warning("outbox %s: %s not published, the sweeper will (%s)", pk, task.name, error)
        unsent.update(attempts=F("attempts") + 1, last_error=error)
    else:
        unsent.update(attempts=F("attempts") + 1, sent_at=timezone.now())


def _task(name: str):
    task = current_app.tasks.get(name)
    if task is None:
        raise LookupError(f"no Celery task named {name!r}")
    return task


def outbox_sweep(*, limit: int | None = None) -> int:
    """Publish the messages that are due and still unsent (oldest first, in batches, at most
    `limit` per run) and return how many went. The first failure ends the run: the broker
    is likely down, and the next run tries again. Rows a concurrent sweep holds are skipped."""
    limit = settings.LMS_OUTBOX_SWEEP_MAX if limit is None else limit
    sent = 0
    while sent < limit:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at=None, available_at__lte=timezone.now())
                .order_by("available_at", "pk")[: min(settings.LMS_OUTBOX_BATCH, limit - sent)]
            )
            if not batch:
                return sent
            done, error = [], ""
            for row in batch:
                try:
                    error = _publish(_task(row.task), row.args)
                except LookupError as exc:  # this message's fault, not the broker's: skip it
                    log.error("outbox %s: %s", row.pk, exc)
                    OutboxMessage.objects.filter(pk=row.pk).update(
                        attempts=F("attempts") + 1,
                        last_error=_describe(exc),
                        available_at=timezone.now() + UNKNOWN_TASK_DELAY,
                    )
                    continue
                if error:
                    log.warning(
                        "outbox %s: %s not published, next sweep retries (%s)",
                        row.pk,
                        row.task,
                        error,
                    )
                    OutboxMessage.objects.filter(pk=row.pk).update(
                        attempts=F("attempts") + 1, last_error=error
                    )
                    break
                done.append(row.pk)
            OutboxMessage.objects.filter(pk__in=done).update(
                attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
            sent += len(done)
            if error:
                return sent
    return sent


def outbox_prune(*, batch: int = 5000) -> int:
    """Delete sent messages older than LMS_OUTBOX_KEEP_SENT_HOURS; unsent ones are kept."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.LMS_OUTBOX_KEEP_SENT_HOURS)
    deleted = 0
    while True:
        keys = list(
            OutboxMessage.objects.filter(sent_at__lt=cutoff).values_list("pk", flat=True)[:batch]
        )
        if not keys:
            return deleted
        deleted += OutboxMessage.objects.filter(pk__in=keys).delete()[0]
