from django.urls import path

from . import round_map, views

app_name = "admissions-api"
urlpatterns = [
    path("applications/", views.ApplicationListCreateApi.as_view(), name="application-list"),
    path("applications/intake/", views.IntakeReceiveApi.as_view(), name="intake-receive"),
    path(
        "applications/intake/<uuid:uuid>/",
        views.IntakeReceiptApi.as_view(),
        name="intake-receipt",
    ),
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
    path(
        "rounds/<int:school_year>/map/clusters/",
        round_map.RoundMapClustersApi.as_view(),
        name="round-map-clusters",
    ),
    path(
        "rounds/<int:school_year>/map/lines/",
        round_map.RoundMapLinesApi.as_view(),
        name="round-map-lines",
    ),
    path(
        "rounds/<int:school_year>/map/farthest/",
        round_map.RoundMapFarthestApi.as_view(),
        name="round-map-farthest",
    ),
    path(
        "rounds/<int:school_year>/map/catchments/",
        round_map.RoundMapCatchmentsApi.as_view(),
        name="round-map-catchments",
    ),
    path("demand/", round_map.DemandHexagonsApi.as_view(), name="demand-hexagons"),
]
