from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"


class AxesConfig(AxesAppConfig):
    """django-axes under a name the admin shows in the page's language (it has none)."""

    verbose_name = _("Login protection")
