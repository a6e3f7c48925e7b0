from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    # django.contrib.gis already owns the label "gis".
    name = "gis"
    label = "geo"
    verbose_name = _("Geography and schools")

    def ready(self):
        from . import (
            signals,  # noqa: F401  (map-cache invalidation)
            srs,
        )

        srs.install()
