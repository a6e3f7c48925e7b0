from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("quan-ly/", views.staff_survey_list, name="staff-list"),
    path("quan-ly/<uuid:uuid>/", views.staff_survey_results, name="staff-results"),
    path("quan-ly/<uuid:uuid>/xuat.<str:fmt>", views.staff_survey_export, name="staff-export"),
    path("<uuid:uuid>/", views.survey_answer, name="answer"),
    path("<uuid:uuid>/cam-on/", views.survey_thanks, name="thanks"),
]
