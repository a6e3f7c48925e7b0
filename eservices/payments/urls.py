from django.conf import settings
from django.urls import include, path

from .views import gateway, payer, staff

app_name = "payments"
urlpatterns = [
    path("vnpay/return/", payer.vnpay_return, name="vnpay-return"),
    path("vnpay/ipn/", gateway.vnpay_ipn, name="vnpay-ipn"),
    path("quan-ly/", staff.staff_overview, name="staff"),
    path("quan-ly/<uuid:uuid>/", staff.staff_payment, name="staff-payment"),
    path("quan-ly/sao-ke/dong/<int:pk>/", staff.staff_line_resolve, name="staff-line-resolve"),
    path("<uuid:uuid>/", payer.payment_page, name="payment"),
    path("<uuid:uuid>/vnpay/", payer.vnpay_checkout, name="vnpay-checkout"),
    path("<uuid:uuid>/vietqr.svg", payer.vietqr_image, name="vietqr"),
]
if settings.VNPAY_SANDBOX_ENABLED:
    urlpatterns += [path("sandbox/", include("eservices.payments.sandbox.urls"))]
