"""`run_by_uuid` loads the run's round with it: its callers (the compare page) read the round's
year and check the user's scope on it."""

import uuid

from admissions.demo import generate_demo_round
from admissions.selectors import run_by_uuid
from admissions.services import allocation_run_create, round_close


def test_run_by_uuid_brings_its_round(db, django_assert_num_queries):
    demo = generate_demo_round(school_year=2032, children=20, seed=3)
    closed = round_close(admission_round=demo.round, lottery_seed=1)
    run = allocation_run_create(admission_round=closed, mechanism="da", seed=1)
    with django_assert_num_queries(1):
        found = run_by_uuid(uuid=run.uuid)
        assert (found.pk, found.round.school_year) == (run.pk, 2032)


def test_run_by_uuid_is_none_for_unknown_or_malformed(db):
    assert run_by_uuid(uuid=uuid.uuid4()) is None
    assert run_by_uuid(uuid="not-a-uuid") is None
