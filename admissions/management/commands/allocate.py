from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from admissions.models import AdmissionRound
from admissions.services import allocation_run_create, allocation_run_execute, round_close
from portal.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Compute an allocation run (dry run) for a round, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, required=True, help="School year, e.g. 2026")
        parser.add_argument("--mechanism", choices=["da", "nearest"], default="da")
        parser.add_argument(
            "--seed",
            type=int,
            help="Lottery seed. Default: the round's seed, fixed when the window closed. With "
            "--close it becomes the round's seed; otherwise a different seed is a simulation "
            "that can never be published.",
        )
        parser.add_argument("--stage", choices=["main", "second"], default="main")
        parser.add_argument(
            "--metric",
            choices=["straight", "walking", "driving"],
            help="Distance for priority. Default: the round's choice; another metric is a "
            "simulation that can never be published.",
        )
        parser.add_argument(
            "--close", action="store_true", help="Close the application window first if open."
        )

    def handle(self, *args, **options):
        try:
            admission_round = AdmissionRound.objects.get(school_year=options["round"])
        except AdmissionRound.DoesNotExist as exc:
            raise CommandError(f"no admission round for school year {options['round']}") from exc
        if options["close"] and admission_round.status == "open":
            admission_round = round_close(
                admission_round=admission_round, lottery_seed=options["seed"]
            )
        try:
            run = allocation_run_create(
                admission_round=admission_round,
                mechanism=options["mechanism"],
                seed=options["seed"],
                stage=options["stage"],
                distance_metric=options["metric"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} (use --close to close an open round)") from exc
        bar = tqdm(total=100, disable=options["verbosity"] == 0, desc="allocation")

        def progress(percent, message):
            bar.update(percent - bar.n)
            bar.set_postfix_str(message)

        allocation_run_execute(run=run, progress=progress)
        bar.close()
        stats = run.statistics
        verdict = "PASSED" if run.check_passed else f"FAILED ({len(run.violations)} violations)"
        if run.distance_metric != admission_round.distance_metric:
            self.stdout.write(
                f"SIMULATION: distance {run.distance_metric} is not the round's "
                f"({admission_round.distance_metric}); this run can be compared but never published"
            )
        if run.seed != admission_round.lottery_seed:
            self.stdout.write(
                f"SIMULATION: seed {run.seed} is not the round's lottery seed "
                f"{admission_round.lottery_seed}; this run can be compared but never published"
            )
        self.stdout.write(
            f"run {run.uuid}: {stats['placed']}/{stats['children']} placed, "
            f"{stats['placed_first_choice']} at 1st choice, median distance "
            f"{stats['distance_median_m']} m; check {verdict}; input {run.input_sha256[:12]} "
            f"result {run.result_sha256[:12]}"
        )
