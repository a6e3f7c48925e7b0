"""Sign-up that proves the phone (or e-mail) before an account exists, and never tells a
stranger whether an account already uses it.

`signup_start` sends a six-digit code to the new number or address; when it already belongs to
an account, the owner gets a notice instead ("you already have an account: log in or reset
your password"). The visitor sees the same page either way. `signup_confirm` creates the
account only for the right code, within 15 minutes and 5 tries."""

from __future__ import annotations

import secrets
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.channels import mask_phone, send_email, sms_backend
from portal.core.exceptions import InvalidInput

from .models import Profile
from .services import parent_register

CODE_TTL_S = 15 * 60
MAX_TRIES = 5


def _code_digest(code: str, nonce: str) -> str:
    return salted_hmac("accounts.signup", f"{nonce}:{code}", algorithm="sha256").hexdigest()


def _phone_taken(phone: str) -> bool:
    return bool(phone) and Profile.objects.filter(phone=phone).exists()


def _email_taken(email: str) -> bool:
    return bool(email) and get_user_model().objects.filter(email__iexact=email).exists()


def _owner_notice() -> tuple[str, str]:
    return _("Your parent account at the school portal"), _(
        "Someone tried to create an account with this number or address. You already have "
        "one: log in, or reset your password if you forgot it. If it was not you, ignore "
        "this message."
    )


def signup_start(*, full_name: str, password: str, phone: str, email: str) -> dict:
    """Send the code (or the owner's notice) and return the pending sign-up for the session.

    The code goes to the phone when there is one, else to the e-mail address. A taken phone
    (or a taken address without a phone) gets the owner's notice and no code exists. A taken
    address next to a free phone gets the notice and is left out of the new account."""
    email = (email or "").strip().lower()
    pending = {
        "full_name": full_name,
        "phone": phone,
        "email": email,
        "password_hash": make_password(password),
        "sent_to": _masked(phone, email),
        "nonce": secrets.token_hex(8),
        "code_digest": "",  # stays empty when no code exists: every code typed is wrong
        "expires": time.time() + CODE_TTL_S,
        "tries": 0,
    }
    with override("vi"):
        subject, notice = _owner_notice()
        if _email_taken(email):
            send_email(to=email, subject=subject, body=notice)
            pending["email"] = ""
            if not phone:
                return pending
        if _phone_taken(phone):
            sms_backend().send(to=phone, body=notice)
            return pending
        code = f"{secrets.randbelow(10**6):06d}"
        pending["code_digest"] = _code_digest(code, pending["nonce"])
        body = _("Your sign-up code is %(code)s. It is valid for 15 minutes.") % {"code": code}
    if phone:
        sms_backend().send(to=phone, body=body)
    else:
        send_email(to=email, subject=subject, body=body)
    return pending


def _masked(phone: str, email: str) -> str:
    """Where the message goes, masked for the page: 091*****78 or l***@example.com."""
    if phone:
        return mask_phone(phone)
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def signup_confirm(*, pending: dict, code: str):
    """The account, when `code` is the one sent; InvalidInput(field="code") otherwise. The
    caller stores `pending` back (the try counter) or discards it on success/expiry."""
    pending["tries"] += 1
    if time.time() > pending["expires"] or pending["tries"] > MAX_TRIES:
        raise InvalidInput(_("This code has expired. Start the sign-up again."), field="code")
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    expected = pending["code_digest"]
    if not expected or not constant_time_compare(_code_digest(typed, pending["nonce"]), expected):
        raise InvalidInput(
            _("The code is not right. Check the message and try again."), field="code"
        )
    return parent_register(
        full_name=pending["full_name"],
        password_hash=pending["password_hash"],
        phone=pending["phone"],
        email=pending["email"],
    )
