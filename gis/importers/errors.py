from portal.core.exceptions import DomainError


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was changed."""

    code = "import_file_invalid"
