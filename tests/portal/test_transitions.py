"""The generic transition table (portal/core/transitions.py), on a small made-up machine.
Expected answers are written out, not derived from the table."""

import pytest
from django.db import models

from portal.core.transitions import TransitionTable


class Lamp(models.TextChoices):
    OFF = "off", "Off"
    ON = "on", "On"
    BROKEN = "broken", "Broken"


TABLE = TransitionTable(
    {
        (Lamp.OFF, Lamp.ON): frozenset({"user", "timer"}),
        (Lamp.ON, Lamp.OFF): frozenset({"user"}),
        (Lamp.ON, Lamp.ON): frozenset({"timer"}),
        (Lamp.ON, Lamp.BROKEN): frozenset({"system"}),
    },
    note_required={(Lamp.ON, Lamp.BROKEN)},
)


@pytest.mark.parametrize(
    ("frm", "to", "actor", "allowed"),
    [
        ("off", "on", "user", True),
        ("off", "on", "timer", True),
        ("off", "on", "system", False),
        ("on", "off", "user", True),
        ("on", "off", "timer", False),
        ("on", "on", "timer", True),
        ("on", "on", "user", False),
        ("on", "broken", "system", True),
        ("on", "broken", "user", False),
        ("off", "broken", "system", False),
        ("broken", "on", "user", False),
        ("broken", "off", "system", False),
        ("off", "off", "user", False),
        (Lamp.OFF, Lamp.ON, "user", True),  # members and plain values alike
        ("nonsense", "on", "user", False),
    ],
)
def test_can_transition(frm, to, actor, allowed):
    assert TABLE.can_transition(frm, to, actor) is allowed


def test_allowed_actors():
    assert TABLE.allowed_actors("off", "on") == {"user", "timer"}
    assert TABLE.allowed_actors(Lamp.ON, Lamp.OFF) == {"user"}
    assert TABLE.allowed_actors("broken", "on") == frozenset()
    assert TABLE.allowed_actors("off", "broken") == frozenset()


def test_next_statuses_in_table_order():
    assert TABLE.next_statuses("off", "user") == ["on"]
    assert TABLE.next_statuses("on", "user") == ["off"]
    assert TABLE.next_statuses("on", "timer") == ["on"]
    assert TABLE.next_statuses("on", "system") == ["broken"]
    assert TABLE.next_statuses("broken", "system") == []
    assert TABLE.next_statuses("off", "system") == []


def test_note_required():
    assert TABLE.note_required("on", "broken") is True
    assert TABLE.note_required(Lamp.ON, Lamp.BROKEN) is True
    assert TABLE.note_required("on", "off") is False
    assert TABLE.note_required("off", "broken") is False


def test_has_move_ignores_actors():
    assert TABLE.has_move("on", "broken") is True
    assert TABLE.has_move("off", "on") is True
    assert TABLE.has_move("broken", "off") is False


def test_a_table_without_actors_knows_its_moves_only():
    table = TransitionTable.without_actors({("valid", "revoked"), ("valid", "superseded")})
    assert table.has_move("valid", "revoked") is True
    assert table.has_move("valid", "superseded") is True
    assert table.has_move("revoked", "valid") is False
    assert table.has_move("superseded", "revoked") is False
    assert table.can_transition("valid", "revoked", "staff") is False
    assert table.next_statuses("valid", "staff") == []


def test_a_note_for_a_move_outside_the_table_is_refused():
    with pytest.raises(ValueError, match="not in the table"):
        TransitionTable({("a", "b"): {"x"}}, note_required={("b", "a")})
