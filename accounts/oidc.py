"""OpenID Connect login (VNeID, a city SSO…), enabled by settings (OIDC_ENABLED=1).

Users are matched by the provider's subject (`sub`), never by an e-mail address alone; a new
parent account gets a profile with the name and, when the provider sends one, the mobile
number."""

from __future__ import annotations

import hashlib
import logging

import requests
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import Profile
from .phone import normalize_vn_mobile

logger = logging.getLogger(__name__)


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        """A refused code or token at the provider is a failed login, not a server error."""
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            logger.warning("OpenID Connect login failed at the provider: %s", exc)
            return None

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(profile__oidc_subject=self._subject(claims))

    def _subject(self, claims) -> str:
        issuer = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
        return hashlib.sha256(f"{issuer}|{claims['sub']}".encode()).hexdigest()

    @transaction.atomic
    def create_user(self, claims):
        subject = self._subject(claims)
        user = self.UserModel.objects.create_user(
            f"oidc-{subject[:24]}", email=(claims.get("email") or "").lower()
        )
        user.first_name = (claims.get("name") or "")[:150]
        user.save(update_fields=["first_name"])
        phone = normalize_vn_mobile(claims.get("phone_number") or "")
        if phone and Profile.objects.filter(phone=phone).exists():
            phone = None  # the number belongs to another account: do not steal it
        Profile.objects.create(
            user=user, phone=phone, full_name=claims.get("name") or "", oidc_subject=subject
        )
        return user
