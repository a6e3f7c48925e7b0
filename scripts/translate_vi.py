"""Fill Vietnamese translations into a .po file from the table below (run after makemessages).

Usage: .venv/bin/python scripts/translate_vi.py portal/locale/vi/LC_MESSAGES/django.po
Entries already translated are left alone; unknown msgids are listed so nothing is missed.
"""

import sys

import polib

VI = {
    "Online public services": "Dịch vụ công trực tuyến",
    "position": "vị trí",
    "Not placed yet": "Chưa có vị trí",
    "Placed": "Đã có vị trí",
    "Geography and schools": "Địa giới và trường học",
    "Province / centrally-run city": "Tỉnh / thành phố trực thuộc trung ương",
    "District (before 1 July 2025)": "Quận/huyện (trước 1/7/2025)",
    "Ward": "Phường",
    "Commune": "Xã",
    "Township (before 1 July 2025)": "Thị trấn (trước 1/7/2025)",
    "Special zone": "Đặc khu",
    "Primary": "Tiểu học",
    "Lower secondary": "Trung học cơ sở",
    "Upper secondary": "Trung học phổ thông",
    "Multi-level": "Liên cấp",
    "Kindergarten": "Mầm non",
    "Other / unknown": "Khác / chưa rõ",
    "Surveyed": "Khảo sát thực địa",
    "OpenStreetMap": "OpenStreetMap",
    "Geocoded from the address": "Suy ra từ địa chỉ",
    "Demo placement (not a real position)": "Vị trí minh họa (không phải vị trí thật)",
    "Unknown": "Chưa rõ",
    "Drawn by staff": "Cán bộ vẽ",
    "Generated draft (Voronoi)": "Bản nháp tự sinh (Voronoi)",
    "Imported": "Nhập từ tệp",
    "code": "mã",
    "name": "tên",
    "valid from": "hiệu lực từ",
    "valid to": "hiệu lực đến",
    "source and licence": "nguồn và giấy phép",
    "administrative vintage": "phiên bản địa giới",
    "administrative vintages": "các phiên bản địa giới",
    "English name": "tên tiếng Anh",
    "level": "cấp",
    "population": "dân số",
    "area (km²)": "diện tích (km²)",
    "administrative unit": "đơn vị hành chính",
    "administrative units": "các đơn vị hành chính",
    "administrative unit mapping": "bảng chuyển đổi đơn vị hành chính",
    "address": "địa chỉ",
    "location": "vị trí",
    "location source": "nguồn vị trí",
    "Computed from the location; never typed.": "Tính từ vị trí trên bản đồ, không nhập tay.",
    "ward reported by the source": "phường/xã theo nguồn dữ liệu",
    "Where the source says the school is, for schools without a position yet.": "Phường/xã mà nguồn dữ liệu ghi cho trường chưa có vị trí.",
    "grade-1 classes": "số lớp 1",
    "class-size norm": "định mức sĩ số",
    "Circular 28/2020/TT-BGDĐT: at most 35.": "Thông tư 28/2020/TT-BGDĐT: tối đa 35.",
    "phone": "điện thoại",
    "e-mail": "thư điện tử",
    "website": "trang web",
    "data source": "nguồn dữ liệu",
    "school": "trường",
    "schools": "các trường",
    "school year": "năm học",
    "First calendar year of the school year, e.g. 2026 for 2026–2027.": "Năm bắt đầu của năm học, ví dụ 2026 cho năm học 2026–2027.",
    "catchment": "địa bàn tuyển sinh",
    "catchments": "các địa bàn tuyển sinh",
    "School map": "Bản đồ trường học",
    "Map controls": "Điều khiển bản đồ",
    "Primary schools of Ho Chi Minh City": "Trường tiểu học TP. Hồ Chí Minh",
    "Boundaries": "Địa giới",
    "School level": "Cấp học",
    "All levels": "Tất cả các cấp",
    "Ward / commune": "Phường / xã",
    "All of Ho Chi Minh City": "Toàn TP. Hồ Chí Minh",
    "Show catchments": "Hiện địa bàn tuyển sinh",
    "Find schools near a point": "Tìm trường gần một điểm",
    "Click the map, or type coordinates.": "Bấm vào bản đồ hoặc nhập tọa độ.",
    "Latitude": "Vĩ độ",
    "Longitude": "Kinh độ",
    "Count": "Số trường",
    "Search": "Tìm",
    "School position from OpenStreetMap or a survey": "Vị trí trường theo OpenStreetMap hoặc khảo sát",
    "Demo placement: not the real position": "Vị trí minh họa: không phải vị trí thật",
    "%(n)s school has no known position yet and is not drawn.": "%(n)s trường chưa có vị trí nên chưa hiện trên bản đồ.",
    "This page shows schools, boundaries and catchments only. It never shows any household or "
    "child.": "Trang này chỉ hiển thị trường học, địa giới và địa bàn tuyển sinh; không bao giờ "
    "hiển thị hộ gia đình hay trẻ em.",
    "Map of schools": "Bản đồ trường học",
    "School positions": "Vị trí trường",
    "Ward boundaries": "Địa giới phường/xã",
    "derived from": "dựa trên",
    "2019 wards and census population": "Phường/xã năm 2019 và dân số điều tra",
    "Grade-1 seats": "Chỉ tiêu lớp 1",
    "not published yet": "chưa công bố",
    "Position": "Vị trí",
    "Catchment school": "Trường theo địa bàn",
    "No catchment contains this point.": "Điểm này không thuộc địa bàn tuyển sinh nào.",
    "Nearest schools": "Các trường gần nhất",
    "km": "km",
    "Searching…": "Đang tìm…",
    "Demo placement: this is not the school's real position.": "Vị trí minh họa: đây không phải vị trí thật của trường.",
    "The search failed": "Tìm kiếm thất bại",
    "The point is outside Ho Chi Minh City.": "Điểm này nằm ngoài TP. Hồ Chí Minh.",
    "No background map is configured: ward boundaries are shown instead.": "Chưa cấu hình bản đồ nền: đang hiển thị địa giới phường/xã.",
    "Geocoded": "Suy ra từ địa chỉ",
    "Demo placement": "Vị trí minh họa",
    "Address": "Địa chỉ",
    "Population": "Dân số",
    "Chosen point": "Điểm đã chọn",
    "Vietnamese": "Tiếng Việt",
    "English": "Tiếng Anh",
    "School portal": "Cổng thông tin trường học",
    "Ho Chi Minh City": "TP. Hồ Chí Minh",
    "Primary school admissions and e-services": "Tuyển sinh tiểu học và dịch vụ công",
    "Staff": "Cán bộ",
    "Log out": "Đăng xuất",
    "Language": "Ngôn ngữ",
    "Grade-1 admissions": "Tuyển sinh lớp 1",
    "Too many failed log-ins": "Đăng nhập sai quá nhiều lần",
    "For your safety this account is locked on this device for a while after several wrong "
    "passwords. Try again later, or reset your password.": "Để bảo vệ tài khoản, sau nhiều lần "
    "nhập sai mật khẩu, tài khoản tạm thời bị khóa trên thiết bị này. Vui lòng thử lại sau hoặc "
    "đặt lại mật khẩu.",
    "Reset my password": "Đặt lại mật khẩu",
    "Grade-1 admission": "Tuyển sinh lớp 1",
    "Committee": "Hội đồng tuyển sinh",
    "Log in": "Đăng nhập",
    "Sign up": "Đăng ký",
    "The point lies outside the area this portal covers (Ho Chi Minh City).": "Điểm này nằm ngoài khu vực cổng thông tin phục vụ (TP. Hồ Chí Minh).",
    "The position lies outside Ho Chi Minh City.": "Vị trí nằm ngoài TP. Hồ Chí Minh.",
}


def main(path: str) -> int:
    catalog = polib.pofile(path)
    missing = []
    for entry in catalog:
        if entry.obsolete:
            continue
        text = VI.get(entry.msgid)
        fuzzy = "fuzzy" in entry.flags  # msgmerge's guess from a similar msgid: never trusted
        if entry.msgid_plural:
            if text and (fuzzy or not entry.msgstr_plural.get(0)):
                entry.msgstr_plural = {0: text}
            elif fuzzy or not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        elif text and (fuzzy or not entry.msgstr):
            entry.msgstr = text
        elif fuzzy or not entry.msgstr:
            missing.append(entry.msgid)
        if fuzzy and text:
            entry.flags.remove("fuzzy")
    catalog.save(path)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
