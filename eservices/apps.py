from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EservicesConfig(AppConfig):
    name = "eservices"
    verbose_name = _("Online public services")

    def ready(self):
        from .payments.settlement import register_settlement_handler
        from .services.payments import PURPOSE, dossier_payment_settled

        register_settlement_handler(PURPOSE, dossier_payment_settled)
