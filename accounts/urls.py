from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from . import two_factor_views, views

urlpatterns = [
    path("dang-ky/", views.signup, name="signup"),
    path("dang-ky/xac-nhan/", views.signup_confirm, name="signup-confirm"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("xac-thuc-2-buoc/", two_factor_views.otp_verify, name="otp-verify"),
    path("xac-thuc-2-buoc/dang-ky/", two_factor_views.otp_enrol, name="otp-enrol"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "quen-mat-khau/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/simple_message.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/simple_message.html"),
        name="password_reset_complete",
    ),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
