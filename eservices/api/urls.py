from django.urls import path

from . import views

app_name = "eservices-api"
urlpatterns = [
    path("procedures/", views.ProcedureListApi.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", views.ProcedureDetailApi.as_view(), name="procedure-detail"),
    path("dossiers/", views.DossierListCreateApi.as_view(), name="dossier-list"),
    path("dossiers/<uuid:uuid>/", views.DossierDetailApi.as_view(), name="dossier-detail"),
    path("dossiers/<uuid:uuid>/submit/", views.DossierSubmitApi.as_view(), name="dossier-submit"),
    path(
        "dossiers/<uuid:uuid>/payment/",
        views.DossierPaymentStartApi.as_view(),
        name="dossier-payment",
    ),
    path(
        "dossiers/<uuid:uuid>/attachments/",
        views.DossierAttachmentAddApi.as_view(),
        name="dossier-attachments",
    ),
]
