from django.urls import path

from . import views

app_name = "payments-api"
urlpatterns = [
    path("payments/", views.PaymentListApi.as_view(), name="payment-list"),
    path("payments/<uuid:uuid>/", views.PaymentDetailApi.as_view(), name="payment-detail"),
    path(
        "payments/<uuid:uuid>/checkout/",
        views.PaymentCheckoutApi.as_view(),
        name="payment-checkout",
    ),
]
