"""Every user-facing sentence of the explanations, in one place (Vietnamese and English).

Templates use ``str.format`` fields. The portal may wrap these strings for translation;
keep the field names stable.
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "placed": "Placed at your {ordinal} choice {school}.",
        "placed_final": (
            "No school within {max_m} m had a free seat, so you were placed at the nearest "
            "school with a free seat: {school}, {distance} m away."
        ),
        "unplaced": "Not placed at any of your choices.",
        "no_choices": "You did not rank any school.",
        "none_in_range": "No school lies within {max_m} m of your home.",
        "no_free_seat": "No school has a free seat at the moment.",
        "none_within": "There is no school within {max_m} m and all schools are full.",
        "full_group_distance": (
            "Your {ordinal} choice {school} filled with group-{cut_group} children up to "
            "{cut_distance} m; you are group {group} at {distance} m."
        ),
        "full_category": (
            "Your {ordinal} choice {school} filled with group-{cut_group}, "
            "category-{cut_category} children up to {cut_distance} m; you are group {group}, "
            "category {category}, at {distance} m."
        ),
        "full_lottery": (
            "Your {ordinal} choice {school} filled with group-{cut_group} children up to "
            "{cut_distance} m; you are group {group} at {distance} m, the same priority as the "
            "last admitted child, and the tie-break number decided (yours {lottery}, last "
            "admitted {cut_lottery})."
        ),
        "full_generic": (
            "Your {ordinal} choice {school} filled with children of higher priority (last "
            "admitted {cut_priority}); your priority is {priority}."
        ),
        "no_seats": "Your {ordinal} choice {school} has no seats this year.",
        "rejected": "Your {ordinal} choice {school} did not admit you.",
    },
    "vi": {
        "placed": "Con được xếp vào nguyện vọng {ordinal}: {school}.",
        "placed_final": (
            "Các trường trong phạm vi {max_m} m đều đã đủ chỉ tiêu, nên con được xếp vào "
            "trường gần nhất còn chỗ: {school}, cách {distance} m."
        ),
        "unplaced": "Con chưa được xếp vào trường nào trong các nguyện vọng.",
        "no_choices": "Con chưa đăng ký nguyện vọng nào.",
        "none_in_range": "Không có trường nào trong phạm vi {max_m} m tính từ nơi ở của con.",
        "no_free_seat": "Hiện không còn trường nào còn chỗ.",
        "none_within": (
            "Không có trường nào trong phạm vi {max_m} m và tất cả các trường đều đã đủ chỉ tiêu."
        ),
        "full_group_distance": (
            "Nguyện vọng {ordinal} ({school}) đã đủ chỉ tiêu với các em thuộc nhóm {cut_group} "
            "ở khoảng cách đến {cut_distance} m; con thuộc nhóm {group}, cách trường "
            "{distance} m."
        ),
        "full_category": (
            "Nguyện vọng {ordinal} ({school}) đã đủ chỉ tiêu với các em thuộc nhóm {cut_group}, "
            "diện ưu tiên {cut_category} ở khoảng cách đến {cut_distance} m; con thuộc nhóm "
            "{group}, diện ưu tiên {category}, cách trường {distance} m."
        ),
        "full_lottery": (
            "Nguyện vọng {ordinal} ({school}) đã đủ chỉ tiêu với các em thuộc nhóm {cut_group} "
            "ở khoảng cách đến {cut_distance} m; con thuộc nhóm {group}, cách trường "
            "{distance} m, cùng mức ưu tiên với em được nhận cuối cùng nên kết quả được quyết "
            "định bằng số bốc thăm (của con: {lottery}, của em cuối cùng: {cut_lottery})."
        ),
        "full_generic": (
            "Nguyện vọng {ordinal} ({school}) đã đủ chỉ tiêu với các em có mức ưu tiên cao hơn "
            "(em được nhận cuối cùng: {cut_priority}; của con: {priority})."
        ),
        "no_seats": "Nguyện vọng {ordinal} ({school}) không có chỉ tiêu năm nay.",
        "rejected": "Nguyện vọng {ordinal} ({school}) không nhận con.",
    },
}


def ordinal(n: int, lang: str) -> str:
    """``2`` → ``"2nd"`` (en) / ``"2"`` (vi)."""
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
