from django.core.management.base import BaseCommand

from surveys.services import satisfaction_survey_ensure


class Command(BaseCommand):
    help = "Create the satisfaction survey of the online public services if it is missing."

    def handle(self, *args, **options):
        survey = satisfaction_survey_ensure()
        self.stdout.write(f"Satisfaction survey: /khao-sat/{survey.uuid}/")
