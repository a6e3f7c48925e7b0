from django.urls import path

from . import views

app_name = "admissions-api"
urlpatterns = [
    path("applications/", views.ApplicationListCreateApi.as_view(), name="application-list"),
    path(
        "applications/<uuid:uuid>/",
        views.ApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<uuid:uuid>/submit/",
        views.ApplicationSubmitApi.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<uuid:uuid>/withdraw/",
        views.ApplicationWithdrawApi.as_view(),
        name="application-withdraw",
    ),
    path(
        "applications/<uuid:uuid>/evidence/",
        views.ApplicationEvidenceAddApi.as_view(),
        name="application-evidence",
    ),
    path(
        "offers/<uuid:uuid>/accept/",
        views.OfferAnswerApi.as_view(answer="accept"),
        name="offer-accept",
    ),
    path(
        "offers/<uuid:uuid>/decline/",
        views.OfferAnswerApi.as_view(answer="decline"),
        name="offer-decline",
    ),
]
