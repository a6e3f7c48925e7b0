from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal.core.exceptions import DomainError
from portal.core.ratelimit import Limit, limit_hit, rate_limited, too_many

from .forms import PhoneOrEmailLoginForm, SignUpCodeForm, SignUpForm
from .signup import signup_confirm as signup_confirm_code
from .signup import signup_start

# Per client address, and per phone/e-mail so nobody can flood one family with codes.
SIGNUP_PER_IP = Limit("signup-ip", 10, 3600)
SIGNUP_PER_IDENTITY = Limit("signup-identity", 3, 3600)
RESET_PER_IP = Limit("reset-ip", 5, 3600)
RESET_PER_ADDRESS = Limit("reset-address", 3, 3600)
LOGIN_PER_IP = Limit("login-ip", 30, 900)
PENDING = "signup_pending"


def _safe_next(request, next_url: str) -> str:
    return next_url if url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else ""


@rate_limited(SIGNUP_PER_IP)
def signup(request):
    """Step 1: the form. The same answer whether or not the number already has an account:
    a message is on its way (a code, or the owner's notice)."""
    form = SignUpForm(request.POST or None)
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next") or "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = data["phone"] or data["email"].strip().lower()
        if not limit_hit(SIGNUP_PER_IDENTITY, identity):
            return too_many(request, SIGNUP_PER_IDENTITY)
        request.session[PENDING] = signup_start(
            full_name=data["full_name"],
            password=data["password1"],
            phone=data["phone"],
            email=data["email"],
        )
        request.session["signup_next"] = next_url
        return redirect("signup-confirm")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@rate_limited(SIGNUP_PER_IP)
def signup_confirm(request):
    """Step 2: the code from the message creates the account and logs the parent in."""
    pending = request.session.get(PENDING)
    if pending is None:
        return redirect("signup")
    form = SignUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_confirm_code(pending=pending, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
            request.session[PENDING] = pending  # the try counter
        else:
            del request.session[PENDING]
            next_url = request.session.pop("signup_next", "")
            login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
            messages.success(request, _("Your account was created."))
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(
        request, "accounts/signup_confirm.html", {"form": form, "sent_to": pending["sent_to"]}
    )


@method_decorator(rate_limited(LOGIN_PER_IP), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = PhoneOrEmailLoginForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = settings.OIDC_ENABLED
        ctx["oidc_label"] = settings.OIDC_LOGIN_LABEL
        return ctx


@method_decorator(rate_limited(RESET_PER_IP), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset never says whether the address has an account; this adds the limits."""

    template_name = "accounts/password_reset_form.html"

    def form_valid(self, form):
        if not limit_hit(RESET_PER_ADDRESS, form.cleaned_data["email"].strip().lower()):
            return too_many(self.request, RESET_PER_ADDRESS)
        return super().form_valid(form)
