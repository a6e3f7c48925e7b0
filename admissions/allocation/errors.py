"""Exceptions raised by the allocation engine.

Every error names its subject (``child C7``, ``school S1`` or ``instance``) so that the
command-line interface can print exactly one readable line, e.g.::

    child C7: choice "S9" is not a known school
"""

from __future__ import annotations


class AllocationError(Exception):
    """Base class of all allocation errors."""


class InstanceError(AllocationError, ValueError):
    """A malformed instance: the message names the child or school and the problem."""

    def __init__(self, subject: str, problem: str) -> None:
        self.subject = subject
        self.problem = problem
        super().__init__(f"{subject}: {problem}")


def child_error(child_id: object, problem: str) -> InstanceError:
    """Build an :class:`InstanceError` about one child."""
    return InstanceError(f"child {child_id}", problem)


def school_error(school_id: object, problem: str) -> InstanceError:
    """Build an :class:`InstanceError` about one school."""
    return InstanceError(f"school {school_id}", problem)
