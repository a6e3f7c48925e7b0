"""Domain errors of the admissions app."""

from __future__ import annotations

from portal.core.exceptions import Conflict, DomainError, InvalidInput


class ApplicationInvalid(InvalidInput):
    """Several field problems at once: `errors` maps field name → messages."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        first_field = next(iter(errors))
        super().__init__(errors[first_field][0], field=first_field)
        self.errors = errors


class WindowClosed(Conflict):
    code = "window_closed"


class DuplicateApplication(Conflict):
    code = "duplicate_application"


class CheckFailed(DomainError):
    status_code = 409
    code = "allocation_check_failed"


class RunNotReady(Conflict):
    code = "run_not_ready"
