"""The shared delivery log: every message queued, sent by a background job, retried, logged
as sent or failed with the reason; a failing recipient never stops the others (ADR 0020)."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings as django_settings

from notifications.channels import SmsDeliveryError, register_sms_backend
from notifications.models import Delivery
from notifications.selectors import delivery_counts
from notifications.services import (
    deliveries_enqueue,
    deliveries_resend_failed,
    delivery_queue,
    retry_delay_s,
)

BLOCKED = "0987000111"


@register_sms_backend("test-one-blocked")
class OneBlockedSmsBackend:
    """A real provider's behaviour for one bad number: it refuses that one, sends the others."""

    outbox: list[str] = []

    def send(self, *, to: str, body: str) -> str:
        if to == BLOCKED:
            raise SmsDeliveryError("SMS gateway refused the message (HTTP 400): blocked number")
        type(self).outbox.append(to)
        return "test:ok"


@pytest.fixture
def flaky(settings):
    settings.ADMISSIONS_SMS_BACKEND = "test-one-blocked"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    OneBlockedSmsBackend.outbox.clear()
    return OneBlockedSmsBackend.outbox


def _queue(batch: str):
    for number in ("0912000001", BLOCKED, "0912000003"):
        delivery_queue(channel="sms", recipient=number, body="Kết quả tuyển sinh", batch=batch)


def test_one_failing_recipient_never_stops_the_others(
    db, flaky, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _queue("test:batch-1")
    assert flaky == ["0912000001", "0912000003"]
    failed = Delivery.objects.get(recipient=BLOCKED)
    assert failed.status == "failed" and failed.attempts == 3
    assert "blocked number" in failed.error
    assert Delivery.objects.filter(status="sent").count() == 2
    assert set(Delivery.objects.filter(status="sent").values_list("backend", flat=True)) == {
        "test:ok"
    }
    assert delivery_counts(batch="test:batch-1") == {"queued": 0, "sent": 2, "failed": 1}


def test_failed_messages_can_be_resent(db, flaky, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue("test:batch-2")
    settings.ADMISSIONS_SMS_BACKEND = "locmem"  # the provider is fixed
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_resend_failed(batch="test:batch-2") == 1
    assert delivery_counts(batch="test:batch-2") == {"queued": 0, "sent": 3, "failed": 0}
    resent = Delivery.objects.get(recipient=BLOCKED)
    assert resent.attempts == 1 and resent.error == "" and resent.sent_at is not None


def test_a_message_is_only_queued_inside_the_transaction(
    db, flaky, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _queue("test:batch-3")
    assert flaky == [] and delivery_counts(batch="test:batch-3")["queued"] == 3
    assert len(callbacks) == 3


def test_retry_backoff_doubles_up_to_an_hour():
    assert [retry_delay_s(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay_s(20) == 3600


def test_with_a_broker_each_chunk_becomes_a_job_on_redis(db, settings):
    """Real Redis (started by `make setup` in .run/): the messages become Celery jobs there."""
    from portal.celery import app

    socket = django_settings.BASE_DIR / ".run" / "redis.sock"
    url = f"redis+socket://{socket}?virtual_host=9"
    client = redis.Redis(unix_socket_path=str(socket), db=9)
    client.flushdb()
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        ids = [
            delivery_queue(channel="sms", recipient=f"09120000{i:02d}", body="x", batch="b").pk
            for i in range(3)
        ]
        deliveries_enqueue(ids)  # what the commit would do
        assert client.llen("celery") == 1  # one dispatch job for the chunk of three
        assert Delivery.objects.filter(status="queued").count() == 3  # nothing sent here
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        client.flushdb()
