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
            reason = {
                "sequence": _("sequence number %(got)s where %(expected)s was expected "
                              "(an entry was removed or the entries were reordered)")
                % {"got": broken.seq, "expected": broken.expected_seq},
                "link": _("it does not carry the hash of the previous entry"),
                "hash": _("its content does not match its hash (it was edited)"),
            }[broken.reason]  # fmt: skip
            raise CommandError(
                _("Audit entry #%(seq)s (id %(pk)s) is broken: %(reason)s.")
                % {"seq": broken.seq, "pk": broken.pk, "reason": reason}
            )
        self.stdout.write(_("Checked %(n)s entries; the chain is intact.") % {"n": checked})
