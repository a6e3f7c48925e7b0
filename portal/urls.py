from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1 = [
    path("", include("gis.api.urls")),
    path("", include("admissions.api.urls")),
    path("", include("eservices.payments.api.urls")),
    path("", include("eservices.api.urls")),
    path("", include("kpi.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("tuyen-sinh/", include("admissions.urls")),
    path("accounts/", include("accounts.urls")),
    path("thanh-toan/", include("eservices.payments.urls")),
    path("xac-thuc/", include("documents.urls")),
    path("dich-vu-cong/", include("eservices.urls")),
    path("khao-sat/", include("surveys.urls")),
    path("chi-so/", include("kpi.urls")),
    path("du-lieu-ca-nhan/", include("privacy.urls")),
    path("", include("gis.urls")),
]

# problem+json under /api/ (never Django's HTML page), 503 for a database outage.
handler404 = "portal.core.errors.page_not_found"
handler500 = "portal.core.errors.server_error"
