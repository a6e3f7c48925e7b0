from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal.core.exceptions import DomainError

from .forms import PhoneOrEmailLoginForm, SignUpForm
from .services import parent_register


def signup(request):
    form = SignUpForm(request.POST or None)
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = parent_register(
                full_name=data["full_name"],
                password=data["password1"],
                phone=data["phone"],
                email=data["email"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
            messages.success(request, _("Your account was created."))
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = PhoneOrEmailLoginForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = settings.OIDC_ENABLED
        ctx["oidc_label"] = settings.OIDC_LOGIN_LABEL
        return ctx
