from django.core.management.base import BaseCommand

from admissions.services import offers_expire, offers_send_reminders, tickets_overdue


class Command(BaseCommand):
    help = (
        "Send offer reminders (at most one a day) and expire unanswered offers whose deadline "
        "passed after at least two reminders; list overdue appeal/correction tickets. Run it "
        "from cron (or the Celery task admissions.offers_tick)."
    )

    def handle(self, *args, **options):
        reminders = offers_send_reminders()
        expired = offers_expire()
        overdue = tickets_overdue().count()
        self.stdout.write(f"reminders sent: {reminders}; offers expired: {expired}; "
                          f"overdue tickets: {overdue}")  # fmt: skip
