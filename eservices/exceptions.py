"""E-service errors (subclasses of the portal's DomainError tree)."""

from portal.core.exceptions import InvalidInput


class DossierInvalid(InvalidInput):
    """The form or its attachments break the procedure's rules; `errors` maps field → messages."""

    code = "dossier_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)
        self.errors = errors
