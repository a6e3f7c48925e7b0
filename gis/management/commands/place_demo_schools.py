from django.core.management.base import BaseCommand

from gis.services import schools_place_for_demo


class Command(BaseCommand):
    help = (
        "DEMO ONLY: give schools without a known position a reproducible random point inside "
        "the ward their source reports, marked 'demo_placed' and drawn apart on the map."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **opts):
        placed = schools_place_for_demo(seed=opts["seed"])
        self.stdout.write(f"demo-placed {placed} school(s); they stay listed for staff to place")
