"""Every pair of payment states against the transition table."""

import itertools

import pytest

from eservices.payments.constants import FINAL_STATUSES, Actor, PaymentStatus
from eservices.payments.workflow import TRANSITIONS, can_transition

S = PaymentStatus
ALLOWED = {
    (S.PENDING, S.PAID, Actor.PROVIDER),
    (S.PENDING, S.FAILED, Actor.PROVIDER),
    (S.PENDING, S.CANCELLED, Actor.PROVIDER),
    (S.PENDING, S.CANCELLED, Actor.SYSTEM),
    (S.PENDING, S.EXPIRED, Actor.SYSTEM),
    (S.PAID, S.PARTIALLY_REFUNDED, Actor.REFUND),
    (S.PAID, S.REFUNDED, Actor.REFUND),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED, Actor.REFUND),
    (S.PARTIALLY_REFUNDED, S.REFUNDED, Actor.REFUND),
}


@pytest.mark.parametrize(
    ("frm", "to", "actor"), list(itertools.product(S.values, S.values, Actor.values))
)
def test_every_pair(frm, to, actor):
    assert can_transition(frm, to, actor) == ((frm, to, actor) in ALLOWED)


def test_a_provider_never_moves_a_final_payment():
    for frm in FINAL_STATUSES:
        assert not any(
            Actor.PROVIDER in who for (source, _), who in TRANSITIONS.items() if source == frm
        )


def test_failed_cancelled_expired_and_refunded_never_move():
    for frm in (S.FAILED, S.CANCELLED, S.EXPIRED, S.REFUNDED):
        assert [key for key in TRANSITIONS if key[0] == frm] == []
