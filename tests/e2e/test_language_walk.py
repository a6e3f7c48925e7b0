"""Issue #8 in headless Chromium: a parent's and the committee's pages read in one language.

Every page a family and the committee meet (the public map, the form with its suggestions, the
review, the status page with its explanation and offer, the queue, the round, the run, the
application) is opened in English and in Vietnamese, and the text the browser shows — scripts'
text included — must hold no sentence of the other language from our catalogues: on an English
page no Vietnamese translation, on a Vietnamese page no English msgid that has a translation.
The explanation writes distances the page's way ("2,37 km" / "2.37 km")."""

import re
from datetime import date

import polib
import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.db.models.functions import Distance

from accounts.services import parent_register
from admissions.demo import round_ensure
from admissions.models import RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    application_create,
    application_transition,
    round_close,
)
from gis.geometry import make_point
from gis.models import School
from tests.admissions.test_vietnamese_everywhere import catalogue_paths
from tests.e2e.test_issue8_pages import _child, _context

pytestmark = pytest.mark.usefixtures("hcmc_data")

LANGUAGES = [("vi", "vi-VN"), ("en", "en-GB")]


def _phrases() -> dict[str, set[str]]:
    """Per language, the sentences of the *other* language that must not show on its pages:
    phrases (12+ characters, with a space, no placeholder) whose translation differs."""
    english, vietnamese, msgids = set(), set(), []
    for path in catalogue_paths():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                continue
            msgids.append(entry.msgid)
            if entry.msgstr == entry.msgid:
                continue
            for text, out in ((entry.msgid, english), (entry.msgstr, vietnamese)):
                if "%(" in text or "{" in text or "%s" in text:
                    continue
                if len(text) >= 12 and " " in text.strip():
                    out.add(text)
    # Vietnamese terms an English sentence keeps on purpose ("priority category (đối tượng ưu
    # tiên)") are no leak.
    vietnamese = {v for v in vietnamese if not any(v in msgid for msgid in msgids)}
    return {"vi": english, "en": vietnamese}


def _leaks(page, lang: str, phrases: dict[str, set[str]], data: list[str]) -> list[str]:
    """Sentences of the other language on the page, except inside data (the round's name is
    written once, by the committee, in Vietnamese)."""
    text = re.sub(r"\s+", " ", page.evaluate("document.body.innerText"))
    return sorted(p for p in phrases[lang] if p in text and not any(p in d for d in data))


def _people():
    parent = parent_register(full_name="Trần Thị Mai", password="mật-khẩu-dài-2026",
                             phone="0933444555")  # fmt: skip
    staff = User.objects.create_user("hoidong", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["review_application", "run_allocation", "view_all_records"]
        )
    )
    return parent, User.objects.get(pk=staff.pk)


def test_every_page_reads_in_one_language(live_server, browser):
    round_ = round_ensure(school_year=2026, is_demo=False)
    home = make_point(lat=10.7745, lon=106.7030)  # the children's home (see _child)
    schools = list(
        School.objects.filter(level="primary", location__isnull=False)
        .annotate(d=Distance("location", home))
        .order_by("d")[:2]
    )
    # The first school has one seat for two children from the same home: one of them is
    # refused there and the explanation says why, with both distances.
    RoundSchool.objects.create(round=round_, school=schools[0], classes=1, seats_override=1)
    RoundSchool.objects.create(round=round_, school=schools[1], classes=1)
    parent, staff = _people()
    children = [
        application_create(admission_round=round_, applicant=parent, data=data, submit=True)[0]
        for data in (
            _child("Trần Minh Khôi", date(2020, 5, 1), "male", "079220111222", schools),
            _child("Trần Minh An", date(2020, 6, 1), "female", "079320111333", schools),
        )
    ]
    third = _child("Trần Minh Châu", date(2020, 7, 1), "female", "079320111444", schools)
    draft, _ = application_create(admission_round=round_, applicant=parent, data=third)
    phrases = _phrases()
    found: dict[str, list[str]] = {}

    def visit(page, where, url, ready):
        page.goto(live_server.url + url)
        page.wait_for_selector(ready)
        leaks = _leaks(page, lang[0], phrases, [round_.name])
        if leaks:
            found[f"{lang[0]} {where}"] = leaks

    # While the window is open: the map, the form with its suggestions and the review.
    for lang in LANGUAGES:
        context, page = _context(
            browser,
            live_server,
            size=(390, 844),
            lang=lang,
            user=parent,
            geolocation={"latitude": 10.7745, "longitude": 106.7030},
            permissions=["geolocation"],
        )
        visit(page, "map", "/", "#map")
        visit(page, "home", "/tuyen-sinh/", "main")
        visit(page, "form", f"/tuyen-sinh/ho-so/{draft.uuid}/sua/", "#pin-map[data-ready='1']")
        page.click("#use-my-location")  # the suggestions are the script's text
        page.wait_for_selector("#suggestion-list li")
        leaks = _leaks(page, lang[0], phrases, [round_.name])
        if leaks:
            found[f"{lang[0]} form+suggestions"] = leaks
        visit(page, "review", f"/tuyen-sinh/ho-so/{draft.uuid}/xem-lai/", "#review-page")
        context.close()

    for app in children:
        application_transition(application=app, to="verified", actor=staff)
    run = allocation_run_create(
        admission_round=round_close(admission_round=round_, lottery_seed=9), mechanism="da", seed=9
    )
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=staff)
    allocation_run_publish(run=run, actor=staff)
    second = set(run.placements.filter(choice_rank=2).values_list("application_id", flat=True))
    (refused,) = [a for a in children if a.pk in second]  # refused at the first school

    for lang in LANGUAGES:
        decimal = "," if lang[0] == "vi" else "."
        context, page = _context(browser, live_server, size=(390, 844), lang=lang, user=parent)
        for app in children:
            visit(page, f"status {app.child_full_name}", f"/tuyen-sinh/ho-so/{app.uuid}/",
                  "#application-summary")  # fmt: skip
            if app.pk == refused.pk:
                explanation = page.locator("#explanation-text").inner_text()
                assert re.search(rf"\d+\{decimal}\d\d km", explanation), (lang, explanation)
                assert not re.search(r"\d m\b", explanation), (lang, explanation)
        context.close()
        context, page = _context(browser, live_server, size=(1366, 768), lang=lang, user=staff)
        visit(page, "queue", "/tuyen-sinh/hoi-dong/?round=2026", "#queue")
        visit(page, "round", "/tuyen-sinh/hoi-dong/dot/?round=2026", "#runs")
        visit(page, "run", f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/", "#run-status")
        visit(page, "application", f"/tuyen-sinh/hoi-dong/ho-so/{refused.uuid}/",
              "#staff-status")  # fmt: skip
        context.close()
    assert not found, "\n".join(f"{where}: {leaks}" for where, leaks in found.items())
