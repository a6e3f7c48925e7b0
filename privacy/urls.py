from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.my_data, name="my-data"),
    path("tai-ve.json", views.my_data_json, name="my-data-json"),
    path("tai-ve.pdf", views.my_data_pdf, name="my-data-pdf"),
]
