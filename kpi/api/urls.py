from django.urls import path

from .views import KpiReportApi

urlpatterns = [path("kpi/", KpiReportApi.as_view(), name="kpi-report")]
