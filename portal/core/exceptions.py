"""Domain errors raised by services and selectors; the API maps them to problem+json responses."""


class DomainError(Exception):
    """A business rule refused the operation. `field` names the input at fault when there is one."""

    status_code = 400
    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid"


class OutsideCoveredArea(DomainError):
    status_code = 422
    code = "outside_covered_area"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class TransitionNotAllowed(DomainError):
    status_code = 409
    code = "transition_not_allowed"


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"
