"""A state machine's transition table as data: (from, to) → the actors who may make the move,
plus the moves that need a written note. Each app's `workflow.py` defines its tables and
exposes these lookups; the one transition service of each aggregate enforces them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

Move = tuple[str, str]


class TransitionTable:
    """Moves not in the table are refused for every actor. Statuses and actors are compared
    as strings, so TextChoices members and their plain values both work."""

    def __init__(
        self, moves: Mapping[Move, Collection[str]], *, note_required: Iterable[Move] = ()
    ):
        self.moves: dict[Move, frozenset[str]] = {
            move: frozenset(actors) for move, actors in moves.items()
        }
        self.notes: frozenset[Move] = frozenset(note_required)
        if unknown := {(str(a), str(b)) for a, b in self.notes} - set(self.moves):
            raise ValueError(f"a note is required for moves not in the table: {unknown}")

    @classmethod
    def without_actors(cls, moves: Iterable[Move]) -> TransitionTable:
        """A machine whose moves are allowed or not, whoever asks (see `has_move`)."""
        return cls(dict.fromkeys(moves, frozenset()))

    def has_move(self, from_status: str, to_status: str) -> bool:
        return (str(from_status), str(to_status)) in self.moves

    def allowed_actors(self, from_status: str, to_status: str) -> frozenset[str]:
        return self.moves.get((str(from_status), str(to_status)), frozenset())

    def can_transition(self, from_status: str, to_status: str, actor: str) -> bool:
        return str(actor) in self.allowed_actors(from_status, to_status)

    def next_statuses(self, from_status: str, actor: str) -> list[str]:
        """The statuses `actor` may move to from `from_status`, in table order."""
        return [to for (frm, to), who in self.moves.items() if frm == from_status and actor in who]

    def note_required(self, from_status: str, to_status: str) -> bool:
        return (str(from_status), str(to_status)) in self.notes
