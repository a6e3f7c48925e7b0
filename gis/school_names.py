"""Matching keys and levels of school names. Pure.

The display name comes from ``gis.names.clean_school_name``; here two spellings of one school
get one key ("Trường Tiểu học X", "Tiểu học X", "TH X", "Tieu Hoc X" → "th x") and a name or an
OpenStreetMap tag says the school's level.
"""

from __future__ import annotations

import re
import unicodedata

from .constants import SchoolLevel
from .names import clean_school_name

_SPACES = re.compile(r"\s+")

# Level words, longest first, as (folded pattern, level).
_LEVEL_WORDS = (
    (r"\bmam non\b|\bmau giao\b|\bnha tre\b|\bkindergarten\b|\bpreschool\b", "kindergarten"),
    (r"\btieu hoc\b|\bprimary\b|\belementary\b|\bcap 1\b|^th\b|\btruong th\b", "primary"),
    (r"\bthcs\b|\btrung hoc co so\b|\bcap 2\b|\bptcs\b|\bjunior high\b", "lower_secondary"),
    (r"\bthpt\b|\btrung hoc pho thong\b|\bpt?th\b|\bcap 3\b|\bhigh school\b", "upper_secondary"),
)
_MULTI = re.compile(r"\blien cap\b|\bcap 1 ?- ?2\b")
_ISCED = {"0": "kindergarten", "1": "primary", "2": "lower_secondary", "3": "upper_secondary"}


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), single spaces: for matching only, never shown."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", ascii_text.lower()).strip()


def normalised_name(name: str) -> str:
    """The key two spellings of one school share: folded, "Trường" dropped, level words
    unified ("Tiểu học", "TH", "Tieu Hoc" → "th"), punctuation gone."""
    key = fold(clean_school_name(name))
    key = _SPACES.sub(" ", re.sub(r"[^a-z0-9 ]+", " ", key)).strip()
    key = re.sub(r"^truong\b", " ", key)  # not the family name Trương inside
    key = re.sub(r"\btieu hoc\b", "th", key)
    key = re.sub(r"\btrung hoc co so\b", "thcs", key)
    key = re.sub(r"\btrung hoc pho thong\b", "thpt", key)
    key = re.sub(r"\bmau giao\b", "mam non", key)
    return _SPACES.sub(" ", key).strip()


def level_from_tags_and_name(tags: dict[str, str], name: str) -> str:
    """The school level from OSM tags (``isced:level``, ``school:level``, amenity) and then the
    name's words; ``other`` when neither says."""
    isced = [p.strip() for p in re.split(r"[;,-]", tags.get("isced:level", "")) if p.strip()]
    levels = {_ISCED[p] for p in isced if p in _ISCED}
    if len(levels) > 1:
        return SchoolLevel.MULTI_LEVEL
    if levels:
        return levels.pop()
    if tags.get("amenity") == "kindergarten":
        return SchoolLevel.KINDERGARTEN
    school_level = fold(tags.get("school:level", "") or tags.get("school", ""))
    for value, level in (("primary", "primary"), ("secondary", "lower_secondary")):
        if school_level == value:
            return level
    return level_from_name(name)


def level_from_name(name: str) -> str:
    folded = _SPACES.sub(" ", re.sub(r"[^a-z0-9 -]+", " ", fold(clean_school_name(name))))
    if _MULTI.search(folded):
        return SchoolLevel.MULTI_LEVEL
    found = [level for pattern, level in _LEVEL_WORDS if re.search(pattern, folded)]
    if len(set(found)) > 1:
        return SchoolLevel.MULTI_LEVEL
    return found[0] if found else SchoolLevel.OTHER
