"""School names as sources spell them → clean display names, matching keys and levels. Pure.

OpenStreetMap names in and around HCMC carry mapper shorthand: category tags glued in front
("THọc-Tiểu Học Định An-…", "KVC-Chuột Mickey-…") and the address glued behind with dashes
("…-Ấp Bình Thới-Định An-Dầu Tiếng", "…-DT749B-…-0274545064"). The clean name drops both; the
source name is always kept next to it.
"""

from __future__ import annotations

import re
import unicodedata

from .constants import SchoolLevel

# Category tags some mappers glue before the name, with the dash that joins them.
_TAG_PREFIX = re.compile(r"^\s*(?:THọc|THoc|KVC|MN|MG|NT)\s*-\s*", re.IGNORECASE)
# A dash-separated tail that is an address or a phone number, not part of the name.
_ADDRESS_PART = re.compile(
    r"^\s*(?:ấp|ap|kp\d*|khu phố|tổ|to \d|xã|huyện|tt\.|thị trấn|tp\.|phường|quận|đường|"
    r"d[tđhl]\s*\d+|ql\s*\d+|tỉnh|bình dương|đồng nai|bà rịa|vũng tàu|hẻm|số \d|\+?\d[\d .]{6,}$)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_DASH = re.compile(r"(?<!\d)\s*[-–]\s*|\s*[-–]\s*(?!\d)")  # not the dash of "cấp 1-2"

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


def clean_school_name(raw: str) -> str:
    """The display name: tags glued in front and address parts glued behind removed, spaces
    tidied. Returns the input (tidied) when nothing is recognised."""
    name = _SPACES.sub(" ", (raw or "").replace("\u200e", "")).strip()
    name = _TAG_PREFIX.sub("", name)
    parts = [p.strip() for p in _DASH.split(name)]
    if len(parts) > 1:
        kept = [parts[0]]
        for part in parts[1:]:
            if not part or _ADDRESS_PART.match(part):
                break
            kept.append(part)
        name = " - ".join(kept)
    name = name.strip(" -–,;")
    if name and name[0].islower():
        name = name[0].upper() + name[1:]
    return name


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
