"""Staff second-factor pages: enrolment (QR and recovery codes) and verification after log-in."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import two_factor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@never_cache
@login_required
def otp_enrol(request):
    if two_factor.has_authenticator(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('otp-verify')}?next={quote(_next(request))}")
    device = two_factor.enrolment_device(request.user)
    error = ""
    if request.method == "POST":
        codes = two_factor.enrolment_confirm(request, token=request.POST.get("token", ""))
        if codes is not None:
            return render(
                request,
                "accounts/otp_recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        error = _("That code is not right. Type the six digits the app shows now.")
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "qr": two_factor.qr_svg(device),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "error": error,
            "next": _next(request),
        },
        status=400 if error else 200,
    )


@never_cache
@login_required
def otp_verify(request):
    if not two_factor.has_authenticator(request.user):
        return redirect(f"{reverse('otp-enrol')}?next={quote(_next(request))}")
    error = ""
    if request.method == "POST":
        if two_factor.verify(request, token=request.POST.get("token", "")):
            return redirect(_next(request))
        error = _("That code is not right, or too many codes were tried; wait and try again.")
    return render(
        request,
        "accounts/otp_verify.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )
