import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local demo administrator if missing and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_ADMIN_USERNAME", "admin"))

    def handle(self, *args, **opts):
        user_model = get_user_model()
        user = user_model.objects.filter(username=opts["username"]).first()
        password_file = ".run/demo-admin-password"
        if user is None:
            password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            user_model.objects.create_superuser(opts["username"], "admin@example.invalid", password)
            os.makedirs(".run", exist_ok=True)
            with open(password_file, "w", encoding="utf-8") as fh:
                fh.write(password)
            os.chmod(password_file, 0o600)
        try:
            with open(password_file, encoding="utf-8") as fh:
                password = fh.read().strip()
        except FileNotFoundError:
            password = (
                "(set earlier; reset with: manage.py changepassword " + opts["username"] + ")"
            )
        self.stdout.write(
            f"Demo admin: http://127.0.0.1:8000/admin/  user: {opts['username']}  "
            f"password: {password}"
        )
