from django.urls import path

from . import views

app_name = "geo-api"
urlpatterns = [
    path("schools/", views.SchoolListApi.as_view(), name="school-list"),
    path("schools/nearest/", views.SchoolNearestApi.as_view(), name="school-nearest"),
    path("admin-units/", views.AdminUnitListApi.as_view(), name="admin-unit-list"),
    path("catchments/", views.CatchmentListApi.as_view(), name="catchment-list"),
]
