"""Replayed and concurrent IPNs, and an IPN racing the browser return: exactly one credit.
Real threads on real PostgreSQL connections (transactional tests, commits are real)."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from eservices.payments.constants import PaymentStatus
from eservices.payments.models import PaymentEvent

from .conftest import gateway_result

pytestmark = pytest.mark.django_db(transaction=True)
IPN = "/thanh-toan/vnpay/ipn/"


def run_together(count: int, work) -> list:
    """Start ``count`` threads at the same instant; each gets its own DB connection."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def credits(payment) -> int:
    return (
        PaymentEvent.objects.filter(payment=payment, to_status=PaymentStatus.PAID)
        .exclude(from_status=PaymentStatus.PAID)
        .count()
    )


def test_one_ipn_replayed_100_times_credits_once(make_payment, settled):
    payment = make_payment()
    params = gateway_result(payment)
    client = Client()
    answers = [client.get(IPN, params).json()["RspCode"] for _ in range(100)]
    assert Counter(answers) == {"00": 1, "02": 99}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert credits(payment) == 1
    assert len(settled.calls) == 1
    assert PaymentEvent.objects.filter(payment=payment, kind="notification").count() == 1


def test_20_concurrent_copies_credit_once(make_payment, settled):
    payment = make_payment()
    params = gateway_result(payment)
    answers = run_together(20, lambda _: Client().get(IPN, params).json()["RspCode"])
    assert Counter(answers) == {"00": 1, "02": 19}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert credits(payment) == 1
    assert len(settled.calls) == 1


def test_ipn_and_browser_return_racing(make_payment, payer, settled):
    payments = [make_payment() for _ in range(5)]

    def work(index):
        payment = payments[index // 2]
        params = gateway_result(payment)
        if index % 2:
            client = Client()
            client.force_login(payer)
            return client.get("/thanh-toan/vnpay/return/", params).status_code
        return Client().get(IPN, params).json()["RspCode"]

    answers = run_together(10, work)
    assert Counter(answers) == {"00": 5, 200: 5}
    for payment in payments:
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PAID
        assert credits(payment) == 1
        assert PaymentEvent.objects.filter(payment=payment, kind="return").count() == 1
    assert sorted(s.purpose_ref for s in settled.calls) == sorted(p.purpose_ref for p in payments)


def test_replayed_ipns_and_browser_returns_on_one_payment_all_at_once(make_payment, payer, settled):
    """The gateway retries its IPN while the family's browser comes back (and is reloaded):
    12 IPN copies and 4 returns of one payment at the same instant still credit it once."""
    payment = make_payment()
    params = gateway_result(payment)

    def work(index):
        if index % 4 == 3:
            client = Client()
            client.force_login(payer)
            return client.get("/thanh-toan/vnpay/return/", params).status_code
        return Client().get(IPN, params).json()["RspCode"]

    answers = run_together(16, work)
    assert Counter(answers) == {"00": 1, "02": 11, 200: 4}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert credits(payment) == 1
    assert len(settled.calls) == 1
