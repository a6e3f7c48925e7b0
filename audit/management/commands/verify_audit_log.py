from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit import chain
from audit.models import AuditEntry


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit non-zero at the first broken entry."

    def handle(self, *args, **options):
        entries = AuditEntry.objects.order_by("pk").iterator(chunk_size=2000)
        checked, broken = chain.verify(entries)
        if broken is not None:
            self.stdout.write(_("Checked %(n)s entries.") % {"n": checked})
            raise CommandError(
                _("Audit entry #%(seq)s (id %(pk)s) is broken: %(reason)s.")
                % {"seq": broken.seq, "pk": broken.pk, "reason": broken.reason}
            )
        self.stdout.write(_("Checked %(n)s entries; the chain is intact.") % {"n": checked})
