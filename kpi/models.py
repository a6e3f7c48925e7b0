from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table and no rows: it only holds the permission to read the staff KPI dashboard
    (the figures themselves are computed from the other apps' data on every request)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can view the KPI dashboard"))]
        verbose_name = _("KPI dashboard")

    def __str__(self):
        return str(self._meta.verbose_name)
