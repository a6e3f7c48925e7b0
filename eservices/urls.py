from django.urls import path

from . import views

app_name = "eservices"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure_card, name="procedure"),
    path("thu-tuc/<str:code>/nop/", views.dossier_new, name="dossier-new"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("ho-so/", views.my_dossiers, name="my-dossiers"),
    path("ho-so/<uuid:uuid>/", views.dossier_detail, name="dossier"),
    path("ho-so/<uuid:uuid>/sua/", views.dossier_edit, name="dossier-edit"),
    path("ho-so/<uuid:uuid>/tep/", views.attachment_upload, name="attachment-add"),
    path("ho-so/<uuid:uuid>/nop/", views.dossier_submit, name="dossier-submit"),
    path("ho-so/<uuid:uuid>/rut/", views.dossier_withdraw, name="dossier-withdraw"),
    path("ho-so/<uuid:uuid>/thanh-toan/", views.dossier_pay, name="dossier-pay"),
    path("ho-so/<uuid:uuid>/ket-qua.pdf", views.result_download, name="result"),
    path("ho-so/dinh-chinh/", views.correction_open, name="correction-open"),
    path("tep/<uuid:uuid>/", views.attachment_download, name="attachment"),
    path("can-bo/", views.staff_queue, name="staff-queue"),
    path("can-bo/ho-so/<uuid:uuid>/", views.staff_dossier, name="staff-dossier"),
    path("can-bo/dinh-chinh/", views.staff_corrections, name="staff-corrections"),
    path(
        "can-bo/dinh-chinh/<uuid:uuid>/",
        views.staff_correction_decide,
        name="staff-correction-decide",
    ),
    path("can-bo/thong-ke/", views.staff_statistics, name="staff-statistics"),
    path("can-bo/tai-quay/", views.staff_counter, name="staff-counter"),
]
