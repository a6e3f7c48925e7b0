"""Structure of the 12-digit personal identification number (số định danh cá nhân / CCCD).

Layout (Circular 59/2021/TT-BCA, Art. 7): ``PPP G YY NNNNNN`` —
``PPP`` the province where the birth was registered (codes 001–096 of the 63 provinces before
the 2025 merger; the 34 provinces after 1 July 2025 kept codes from the same list),
``G`` century and gender (0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd, …),
``YY`` the last two digits of the birth year, ``NNNNNN`` a random serial.

Pure functions; each problem is reported as a message for the field, never an exception.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip


def century_digit(*, birth_year: int, female: bool) -> int:
    return ((birth_year // 100) - 19) * 2 + (1 if female else 0)


def birth_year_from_id(number: str) -> int | None:
    """The birth year encoded in a well-formed number (None if the number is malformed)."""
    if len(number) != 12 or not number.isdigit():
        return None
    century = 1900 + (int(number[3]) // 2) * 100
    return century + int(number[4:6])


def id_problems(
    number: str, *, birth_year: int | None = None, female: bool | None = None
) -> list[str]:
    """Messages describing what is wrong with a personal ID number ([] when it is fine)."""
    number = (number or "").strip()
    if len(number) != 12 or not number.isdigit():
        return [str(_("The personal ID number must have exactly 12 digits."))]
    problems = []
    if number[:3] not in PROVINCE_CODES:
        problems.append(
            str(_("%(code)s is not a province code of birth registration (001–096)."))
            % {"code": number[:3]}
        )
    digit = int(number[3])
    if birth_year is not None:
        expected_century = (birth_year // 100) - 19
        if digit // 2 != expected_century:
            problems.append(
                str(_("Digit 4 (%(digit)s) does not match a birth in %(year)s."))
                % {"digit": digit, "year": birth_year}
            )
        if number[4:6] != f"{birth_year % 100:02d}":
            problems.append(
                str(_("Digits 5–6 (%(yy)s) must be the last two digits of the birth year %(year)s"))
                % {"yy": number[4:6], "year": birth_year}
            )
    if female is not None and digit % 2 != (1 if female else 0):
        problems.append(str(_("Digit 4 (%(digit)s) does not match the gender.")) % {"digit": digit})
    return problems
