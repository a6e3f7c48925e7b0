"""Helpers for files staff open in a spreadsheet program."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text typed by the public (a child's name, a survey comment) must never run as a formula
    when staff open an export in a spreadsheet (CSV/formula injection): such cells get a
    leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
