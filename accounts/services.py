"""Writes for accounts."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.core.exceptions import Conflict, InvalidInput

from .models import Profile
from .phone import normalize_vn_mobile


@transaction.atomic
def parent_register(
    *, full_name: str, password: str = "", phone: str = "", email: str = "", password_hash: str = ""
):
    """Create a parent account identified by a phone number and/or an e-mail address.
    `password_hash` (from a verified sign-up, accounts/signup.py) stands for `password`."""
    phone_norm = normalize_vn_mobile(phone) if phone else None
    if phone and not phone_norm:
        raise InvalidInput(_("Not a Vietnamese mobile number."), field="phone")
    email = (email or "").strip().lower()
    if not phone_norm and not email:
        raise InvalidInput(_("Give a mobile number or an e-mail address."), field="phone")
    users = get_user_model().objects
    if email and users.filter(email__iexact=email).exists():
        raise Conflict(_("An account with this e-mail address exists."), field="email")
    if phone_norm and Profile.objects.filter(phone=phone_norm).exists():
        raise Conflict(_("An account with this mobile number exists."), field="phone")
    user = users.create_user(
        username=f"parent-{uuid.uuid4().hex[:12]}", email=email, password=password or None
    )
    user.first_name = full_name[:150]
    if password_hash:
        user.password = password_hash
    user.save(update_fields=["first_name", "password"])
    try:
        with transaction.atomic():
            Profile.objects.create(user=user, phone=phone_norm, full_name=full_name)
    except IntegrityError as exc:
        raise Conflict(_("An account with this mobile number exists."), field="phone") from exc
    return user
