"""Issue #8, "Vietnamese everywhere": every page of the URL conf (as a visitor, a parent and
the committee), the error pages and the API's errors are read in Vietnamese, and none of them
shows an English sentence that our catalogues translate (an untranslated catalogue entry)."""

import html
import re
from pathlib import Path

import polib
import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from admissions.models import Application
from admissions.services import application_create

from .test_issue8_pages import allocated

ROOT = Path(__file__).resolve().parents[2]
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}
# Words that read the same in both languages or name things (brands, units, codes).
SAME_IN_BOTH = {"API", "CSV", "XLSX", "PDF", "SHA-256", "VNeID", "OpenStreetMap", "km", "Email"}


def catalogue_paths() -> list[Path]:
    """Our Vietnamese catalogues and the hand-kept one for libraries."""
    paths = [*ROOT.glob("*/locale/vi/LC_MESSAGES/django.po"),
             *ROOT.glob("*/*/locale/vi/LC_MESSAGES/django.po"),
             ROOT / "portal" / "locale_vendor" / "vi" / "LC_MESSAGES" / "django.po"]  # fmt: skip
    return [path for path in paths if ".venv" not in path.parts]


def english_sentences() -> set[str]:
    """The English msgids of our Vietnamese catalogues (and the hand-kept one for libraries)
    whose translation differs: if one shows on a Vietnamese page, a string escaped gettext."""
    found = set()
    for path in catalogue_paths():
        for entry in polib.pofile(str(path)):
            text = entry.msgid
            if entry.obsolete or entry.msgid_plural or entry.msgstr == text:
                continue
            if "%(" in text or "{" in text or text in SAME_IN_BOTH:
                continue
            # Sentences and phrases only: a single word may be a proper name on a page.
            if len(text) >= 12 and " " in text.strip():
                found.add(text)
    return found


def visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def untranslated(text: str, sentences: set[str]) -> list[str]:
    return sorted(s for s in sentences if s in text)


def simple_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the URL conf that needs no argument."""
    out = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if "<" in route or route.startswith("^"):
            continue
        if isinstance(p, URLResolver):
            out.extend(simple_routes(p.url_patterns, prefix + route))
        elif isinstance(p, URLPattern):
            out.append("/" + prefix + route)
    return sorted(set(out))


SKIP = {
    "/api/schema/",  # the OpenAPI document (English API reference, not a page)
    "/api/docs/",
    "/i18n/setlang/",
    "/accounts/dang-xuat/",
}


@pytest.fixture
def data(admission_round, parent, staff, make_input):
    return allocated(admission_round, parent, staff, make_input, review=False)


def test_every_page_reads_in_vietnamese(client, data, parent, staff):
    app, run = data
    sentences = english_sentences()
    assert len(sentences) > 300  # the check has something to compare with
    admin = User.objects.create_superuser("quantri", password="x")
    pages = [r for r in simple_routes() if r not in SKIP and not r.startswith("/api/")]
    pages += [
        f"/tuyen-sinh/ho-so/{app.uuid}/",
        f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/",
        f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/",
        "/khong-co-trang-nay/",
    ]
    problems = {}
    checked = 0
    for who in (None, parent, staff, admin):
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in pages:
            response = client.get(url, **VI)
            if response.status_code in (301, 302) or "html" not in response.get("Content-Type", ""):
                continue
            checked += 1
            found = untranslated(visible_text(response.content.decode()), sentences)
            if found:
                problems[f"{who} {url}"] = found
    assert checked > 40
    assert problems == {}


def test_the_admin_names_every_model_in_vietnamese(client, db):
    client.force_login(User.objects.create_superuser("quantri", password="x"))
    text = visible_text(client.get("/admin/", **VI).content.decode())
    for english in ("Offers", "Access attempts", "Access logs", "Axes", "dataset loads",
                    "đơn vị hành chínhs", "mạng lưới đườngs"):  # fmt: skip
        assert english not in text
    assert "Bảo vệ đăng nhập" in text and "lời mời nhận chỗ học" in text.lower()


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/khong-co-trang-nay/", 404, "Không tìm thấy trang"),
        ("/tuyen-sinh/hoi-dong/", 403, "Không có quyền truy cập"),
    ],
)
def test_error_pages_are_vietnamese_in_the_portal_layout(client, parent, url, status, heading):
    client.force_login(parent)
    response = client.get(url, **VI)
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body and 'class="site-header"' in body and 'lang="vi"' in body


def test_the_500_page_renders_in_the_layout_without_a_request_context():
    from django.template import loader

    with translation.override("vi"):
        body = loader.get_template("500.html").render({})
    assert "Hệ thống gặp sự cố" in body and 'class="site-header"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "reason", "title"),
    [
        ({}, "Cần một số hợp lệ.", "Dữ liệu không hợp lệ."),
        (VI, "Cần một số hợp lệ.", "Dữ liệu không hợp lệ."),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "A valid number is required.", "Invalid input."),
    ],
)
def test_api_errors_follow_accept_language(client, headers, reason, title):
    response = client.get("/api/v1/schools/nearest/?lat=abc&lon=106.7", **headers)
    body = response.json()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert body["title"] == title
    assert [p["reason"] for p in body["invalid_params"] if p["name"] == "lat"] == [reason]


@pytest.mark.django_db
def test_api_not_found_and_permission_errors_are_vietnamese(client):
    assert client.get("/api/v1/applications/", **VI).json()["detail"] in {
        "Chưa cung cấp thông tin đăng nhập.",
        "Bạn không có quyền thực hiện thao tác này.",
    }


@pytest.mark.django_db
def test_signup_password_rules_are_vietnamese(client):
    response = client.post(
        "/accounts/dang-ky/",
        {"full_name": "Lê Văn Tám", "phone": "0911222333", "password1": "1234",
         "password2": "1234"},
        **VI,
    )  # fmt: skip
    errors = response.context["form"].errors["password1"]
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in errors
    assert all("password" not in e.lower() for e in errors)


def test_login_error_speaks_of_phone_or_email(client, parent):
    response = client.post(
        "/accounts/dang-nhap/", {"username": "0912345678", "password": "sai"}, **VI
    )
    text = visible_text(response.content.decode())
    assert "Số di động hoặc thư điện tử và mật khẩu không khớp" in text
    assert "tên đăng nhập" not in text.lower() and "chữ hoa" not in text.lower()


@pytest.mark.django_db
def test_the_boundaries_selector_follows_the_page_language(client):
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vi = client.get("/", **VI).content.decode()
    assert "2025 (two-level local government)" in en and "chính quyền" not in en
    assert "2025 (chính quyền hai cấp)" in vi


def test_status_words_inside_sentences_are_labels(admission_round, parent, staff, make_input):
    from admissions.services import application_transition as move
    from portal.core.exceptions import DomainError

    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    with translation.override("vi"), pytest.raises(DomainError) as refused:
        move(application=Application.objects.get(pk=app.pk), to="enrolled", actor=staff)
    assert "submitted" not in refused.value.message and "enrolled" not in refused.value.message
    assert "“Đã nộp”" in refused.value.message


@pytest.mark.django_db
def test_a_refused_form_token_explains_itself_in_vietnamese():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/dang-nhap/", {"username": "x"}, **VI)
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
