"""The dossier transition table, written out as explicit expected cases (not derived from the
table itself), and the requirements attached to moves."""

import pytest

from eservices import workflow
from eservices.constants import DossierStatus

S = DossierStatus
ALLOWED = {
    ("draft", "submitted"): {"citizen"},
    ("draft", "withdrawn"): {"citizen"},
    ("submitted", "awaiting_payment"): {"system"},
    ("submitted", "received"): {"staff"},
    ("submitted", "rejected"): {"staff"},
    ("submitted", "withdrawn"): {"citizen"},
    ("awaiting_payment", "received"): {"staff"},
    ("awaiting_payment", "withdrawn"): {"citizen"},
    ("received", "in_review"): {"staff"},
    ("received", "supplement_requested"): {"staff"},
    ("received", "withdrawn"): {"citizen"},
    ("in_review", "supplement_requested"): {"staff"},
    ("supplement_requested", "in_review"): {"citizen"},
    ("supplement_requested", "withdrawn"): {"citizen"},
    ("supplement_requested", "rejected"): {"staff"},
    ("in_review", "approved"): {"staff"},
    ("in_review", "rejected"): {"staff"},
    ("in_review", "withdrawn"): {"citizen"},
    ("approved", "result_issued"): {"staff", "system"},
    ("result_issued", "closed"): {"citizen", "staff", "system"},
    ("rejected", "closed"): {"citizen", "staff", "system"},
}


@pytest.mark.parametrize("source", [s.value for s in S])
@pytest.mark.parametrize("target", [s.value for s in S])
@pytest.mark.parametrize("actor", ["citizen", "staff", "system"])
def test_every_pair_and_actor(source, target, actor):
    expected = actor in ALLOWED.get((source, target), set())
    assert workflow.can_transition(source, target, actor) is expected


def test_final_states_never_move():
    for final in ("closed", "withdrawn"):
        for actor in ("citizen", "staff", "system"):
            assert workflow.next_statuses(final, actor) == []


def test_reasons_and_requirements():
    assert workflow.note_required("in_review", "supplement_requested")
    assert workflow.note_required("in_review", "rejected")
    assert not workflow.note_required("in_review", "approved")
    assert workflow.requirement("awaiting_payment", "received") == "paid"
    assert workflow.requirement("approved", "result_issued") == "result_stored"
    assert workflow.requirement("submitted", "received") is None
