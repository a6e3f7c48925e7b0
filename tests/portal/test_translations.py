"""The Vietnamese catalogues are complete: no entry left untranslated, none fuzzy, every plural
entry with its form, and placeholders kept. The .po files are the one source."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("*/locale/vi/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_every_app_with_strings_has_a_vietnamese_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {"portal", "admissions", "accounts", "eservices"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_vietnamese_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append(f"plural without its form: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid!r}")
        for placeholder in ("%(", "{"):
            if entry.msgid.count(placeholder) != (entry.msgstr or "").count(placeholder) and (
                not entry.msgid_plural
            ):
                problems.append(f"placeholders differ: {entry.msgid!r}")
    assert problems == []
