"""Mandatory second factor for staff (TOTP, django-otp) with one-time recovery codes.

Every request from a staff account whose session has not passed the second factor is sent to
the verification page (or, without a confirmed authenticator, to enrolment); API requests get a
403 problem. Parents are not affected. ``STAFF_OTP_REQUIRED`` may be switched off only outside
production (portal.settings.prod refuses it); docs/adr/0019."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.api.exceptions import PROBLEM_CONTENT_TYPE

RECOVERY_CODES = 10


def needs_second_factor(user) -> bool:
    return bool(
        settings.STAFF_OTP_REQUIRED
        and user.is_authenticated
        and (user.is_staff or user.is_superuser)
        and not (hasattr(user, "is_verified") and user.is_verified())
    )


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time), created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("QR code for the authenticator app")
    )


def _issue_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def enrolment_confirm(request, *, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code: the session counts as verified and the
    recovery codes (shown once) are returned. None when the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=request.user, confirmed=False)
            .first()
        )
        if device is None or not device.verify_token(token.strip()):
            return None
        TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        codes = _issue_recovery_codes(request.user)
    otp_login(request, device)
    return codes


def verify(request, *, token: str) -> bool:
    """A code from the authenticator or an unused recovery code (which is then spent)."""
    token = token.strip().replace(" ", "")
    if not token:
        return False
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=request.user, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                otp_login(request, device)
                return True
    return False


class StaffSecondFactorMiddleware:
    """After django_otp's OTPMiddleware: staff sessions without the second factor reach only the
    verification and enrolment pages, log-out, language switching and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request.user) and not self._exempt(request.path_info):
            if request.path_info.startswith("/api/"):
                title = _("Staff must complete the second log-in step first.")
                return JsonResponse(
                    {"type": "urn:problem-type:second_factor_required", "title": title,
                     "status": 403, "detail": title, "code": "second_factor_required"},
                    status=403, content_type=PROBLEM_CONTENT_TYPE,
                )  # fmt: skip
            target = "otp-verify" if has_authenticator(request.user) else "otp-enrol"
            return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("otp-verify"), reverse("otp-enrol"), reverse("logout"))
        return path.startswith((settings.STATIC_URL, "/i18n/")) or path in allowed


__all__ = ["DEVICE_ID_SESSION_KEY", "StaffSecondFactorMiddleware"]
