"""Every user-facing sentence of the explanations, in one place (Vietnamese and English).

Templates use ``str.format`` fields. Distance fields (``{distance}``, ``{cut_distance}``,
``{max_m}``) arrive already written with their unit by :func:`km`, as every page of the
portal writes a distance ("2,37 km" in Vietnamese, "2.37 km" in English). The portal may
wrap these strings for translation; keep the field names stable. ``{place}`` names the
school by its position: the family's ranking under deferred acceptance ("your 2nd
choice"), the distance list under nearest-first ("the 2nd nearest school"). Groups and
categories are said in words, never as raw ranks: group 1 = the home lies in the school's
catchment area; a category by its name, in the Department's word ("đối tượng ưu tiên").
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "place_choice": "your {ordinal} choice {school}",
        "place_nearest_1": "the nearest school, {school},",
        "place_nearest": "the {ordinal} nearest school, {school},",
        "placed": "Placed at your {ordinal} choice {school}.",
        "placed_nearest_1": "Placed at the nearest school: {school}.",
        "placed_nearest": "Placed at the {ordinal} nearest school: {school}.",
        "placed_final": (
            "No school within {max_m} had a free seat, so you were placed at the nearest "
            "school with a free seat: {school}, {distance} away."
        ),
        "unplaced": "Not placed at any of your choices.",
        "unplaced_nearest": "Not placed at any school within {max_m} of your home.",
        "no_choices": "You did not rank any school.",
        "none_in_range": "No school lies within {max_m} of your home.",
        "no_free_seat": "No school has a free seat at the moment.",
        "none_within": "There is no school within {max_m} and all schools are full.",
        "group_1": "living in its catchment area",
        "group_2": "living outside its catchment area",
        "category": 'priority category "{name}"',
        "no_category": "no priority category",
        "full_group_distance": (
            "{Place} filled with children {cut_group} up to {cut_distance} away; your child, "
            "{group}, is {distance} away."
        ),
        "full_category": (
            "{Place} filled with children {cut_group} with {cut_category}, up to "
            "{cut_distance} away; your child, {group} with {category}, is {distance} away."
        ),
        "full_lottery": (
            "{Place} filled with children {cut_group} up to {cut_distance} away; your child, "
            "{group}, is {distance} away: the same priority as the last child admitted, so "
            "the tie-break number decided (yours {lottery}, last admitted {cut_lottery})."
        ),
        "full_generic": (
            "{Place} filled with children of higher priority (last admitted {cut_priority}); "
            "your priority is {priority}."
        ),
        "no_seats": "{Place} has no seats this year.",
        "rejected": "{Place} did not admit you.",
    },
    "vi": {
        "place_choice": "nguyện vọng {ordinal} ({school})",
        "place_nearest_1": "trường gần nhất ({school})",
        "place_nearest": "trường gần thứ {ordinal} ({school})",
        "placed": "Con được xếp vào nguyện vọng {ordinal}: {school}.",
        "placed_nearest_1": "Con được xếp vào trường gần nhất: {school}.",
        "placed_nearest": "Con được xếp vào trường gần thứ {ordinal}: {school}.",
        "placed_final": (
            "Các trường trong phạm vi {max_m} đều đã đủ chỉ tiêu, nên con được xếp vào "
            "trường gần nhất còn chỗ: {school}, cách {distance}."
        ),
        "unplaced": "Con chưa được xếp vào trường nào trong các nguyện vọng.",
        "unplaced_nearest": (
            "Con chưa được xếp vào trường nào trong phạm vi {max_m} tính từ nơi ở của con."
        ),
        "no_choices": "Con chưa đăng ký nguyện vọng nào.",
        "none_in_range": "Không có trường nào trong phạm vi {max_m} tính từ nơi ở của con.",
        "no_free_seat": "Hiện không còn trường nào còn chỗ.",
        "none_within": (
            "Không có trường nào trong phạm vi {max_m} và tất cả các trường đều đã đủ chỉ tiêu."
        ),
        "group_1": "cư trú trong địa bàn tuyển sinh của trường",
        "group_2": "cư trú ngoài địa bàn tuyển sinh của trường",
        "category": "thuộc đối tượng ưu tiên “{name}”",
        "no_category": "không thuộc đối tượng ưu tiên",
        "full_group_distance": (
            "{Place} đã đủ chỉ tiêu với các trẻ {cut_group} ở khoảng cách đến {cut_distance}; "
            "con {group}, cách trường {distance}."
        ),
        "full_category": (
            "{Place} đã đủ chỉ tiêu với các trẻ {cut_group}, {cut_category}, ở khoảng cách đến "
            "{cut_distance}; con {group}, {category}, cách trường {distance}."
        ),
        "full_lottery": (
            "{Place} đã đủ chỉ tiêu với các trẻ {cut_group} ở khoảng cách đến {cut_distance}; "
            "con {group}, cách trường {distance}, cùng mức ưu tiên với trẻ được nhận cuối "
            "cùng nên kết quả được quyết định bằng số bốc thăm (của con: {lottery}, của trẻ "
            "cuối cùng: {cut_lottery})."
        ),
        "full_generic": (
            "{Place} đã đủ chỉ tiêu với các trẻ có mức ưu tiên cao hơn (trẻ được nhận cuối "
            "cùng: {cut_priority}; của con: {priority})."
        ),
        "no_seats": "{Place} không có chỉ tiêu năm nay.",
        "rejected": "{Place} không nhận con.",
    },
}


#: The decimal mark of each language (Django's ``vi`` and ``en`` formats; no digit grouping).
DECIMAL_MARK = {"vi": ",", "en": "."}


def km(metres: float, lang: str, digits: int = 2) -> str:
    """Metres as kilometres in ``lang``: ``2370`` → ``"2,37 km"`` (vi) / ``"2.37 km"`` (en).

    The one rule for writing a distance: the pages' ``km`` template filter calls it too."""
    number = f"{round(float(metres) / 1000, digits):.{digits}f}"
    return f"{number.replace('.', DECIMAL_MARK.get(lang[:2], '.'))} km"


def ordinal(n: int, lang: str) -> str:
    """``2`` → ``"2nd"`` (en) / ``"2"`` (vi)."""
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def place(rank: int, school: str, lang: str, *, nearest: bool) -> str:
    """The school named by its position (see the module docstring), lower case."""
    text = MESSAGES[lang]
    if not nearest:
        return text["place_choice"].format(ordinal=ordinal(rank, lang), school=school)
    key = "place_nearest_1" if rank == 1 else "place_nearest"
    return text[key].format(ordinal=ordinal(rank, lang), school=school)


def placed(rank: int, school: str, lang: str, *, nearest: bool) -> str:
    """The sentence saying where the child was placed from its list."""
    key = "placed" if not nearest else ("placed_nearest_1" if rank == 1 else "placed_nearest")
    return MESSAGES[lang][key].format(ordinal=ordinal(rank, lang), school=school)


def capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
