from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.roles import roles_ensure


class Command(BaseCommand):
    help = "Create or update the staff role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        for name, count in roles_ensure().items():
            self.stdout.write(_("%(role)s: %(n)s permissions") % {"role": name, "n": count})
