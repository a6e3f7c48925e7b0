from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """What the default User model lacks: the parent's mobile number (national 10-digit form)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    phone = models.CharField(_("mobile phone"), max_length=10, unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    oidc_subject = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False,
        help_text="SHA-256 of issuer and subject of an OpenID Connect login.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.full_name or self.phone or str(self.user)


class StaffScope(models.Model):
    """Where a staff member's object-level rights reach: a school (its clerk, its principal) or
    an admission round (its committee). Staff with ``accounts.view_all_records`` (the education
    office, system administrators) and superusers read everything; other staff see nothing of
    a child's record outside their scopes (docs/adr/0019)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_scopes"
    )
    school = models.ForeignKey(
        "geo.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("school"),
    )  # fmt: skip
    round = models.ForeignKey(
        "admissions.AdmissionRound", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("admission round"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")
        permissions = [
            ("view_all_records", _("Can read every school's and round's records and statistics"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False) | models.Q(round__isnull=False),
                name="staff_scope_names_a_school_or_round",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.school or self.round}"
