"""Log in with a Vietnamese mobile number or an e-mail address (plus the password)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .phone import looks_like_phone, normalize_vn_mobile


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        users = get_user_model().objects
        user = None
        if "@" in username:
            user = users.filter(email__iexact=username.strip()).order_by("pk").first()
        elif looks_like_phone(username):
            phone = normalize_vn_mobile(username)
            if phone:
                user = users.filter(profile__phone=phone).first()
        if user is None:
            user = users.filter(username=username).first()
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
