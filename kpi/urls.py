from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    path("", views.public_dashboard, name="public"),
    path("quan-ly/", views.staff_dashboard, name="staff"),
]
