from django.urls import path

from . import views, views_round_map

app_name = "admissions"
urlpatterns = [
    path("", views.home, name="home"),
    path("nop-ho-so/", views.application_form, name="apply"),
    path("goi-y/", views.suggestions, name="suggestions"),
    path("chi-tieu.json", views.public_seats, name="public-seats"),
    path("ho-so/<uuid:uuid>/", views.application_status, name="status"),
    path("ho-so/<uuid:uuid>/sua/", views.application_form, name="edit"),
    path("ho-so/<uuid:uuid>/xem-lai/", views.application_review, name="review"),
    path("ho-so/<uuid:uuid>/rut/", views.application_withdraw, name="withdraw"),
    path("ho-so/<uuid:uuid>/giai-thich.pdf", views.explanation_pdf, name="explanation-pdf"),
    path("minh-chung/<uuid:uuid>/", views.evidence_download, name="evidence"),
    path("ho-so/<uuid:uuid>/khieu-nai/", views.ticket_open_view, name="ticket-open"),
    path(
        "hoi-dong/yeu-cau/<uuid:uuid>/quyet-dinh/",
        views.staff_ticket_decide,
        name="staff-ticket-decide",
    ),
    path("trung-tuyen/<uuid:uuid>/tra-loi/", views.offer_answer, name="offer-answer"),
    path("kiem-chung/", views.audit, name="audit"),
    path("kiem-chung/<uuid:uuid>/<str:part>/", views.audit_download, name="audit-download"),
    path("hoi-dong/", views.staff_queue, name="staff-queue"),
    path("hoi-dong/ho-so/<uuid:uuid>/", views.staff_application, name="staff-application"),
    path("hoi-dong/dot/", views.staff_round, name="staff-round"),
    path("hoi-dong/lan-chay/<uuid:uuid>/", views.staff_run, name="staff-run"),
    path(
        "hoi-dong/lan-chay/<uuid:uuid>/tien-do/",
        views.staff_run_progress,
        name="staff-run-progress",
    ),
    path(
        "hoi-dong/lan-chay/<uuid:uuid>/xuat.<str:fmt>",
        views.staff_run_export,
        name="staff-run-export",
    ),
    path(
        "hoi-dong/lan-chay/<uuid:uuid>/dau-vao.json",
        views.staff_run_input,
        name="staff-run-input",
    ),
    path("hoi-dong/so-sanh/", views.staff_compare, name="staff-compare"),
    path(
        "hoi-dong/truong/<int:school_id>/ho-so/",
        views.staff_school_applications,
        name="staff-school-applications",
    ),
    path(
        "hoi-dong/<int:school_year>/ban-do/",
        views_round_map.staff_round_map,
        name="staff-round-map",
    ),
]
