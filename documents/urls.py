from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.verify_home, name="verify"),
    path("tai-len/", views.verify_upload, name="verify-upload"),
    path("<str:code>/", views.verify_code, name="verify-code"),
    path("<str:code>/thu-hoi/", views.revoke, name="revoke"),
    path("<str:code>/tep.pdf", views.download, name="download"),
]
