from django.urls import path

from . import views

urlpatterns = [
    path("paymentv2/vpcpay.html", views.pay_page, name="sandbox-pay"),
    path("merchant_webapi/api/transaction", views.merchant_api, name="sandbox-api"),
]
