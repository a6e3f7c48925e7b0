from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "eservices.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from .providers import vnpay  # noqa: F401  (registers the provider)
