from django.core.management.base import BaseCommand
from django.db import transaction

from homeward.registry.models import Case
from homeward.registry.services import refresh_statuses

# Cases folded at a time: bounds the memory of a rebuild of a registry of any size.
BATCH = 20_000


class Command(BaseCommand):
    help = ("Rebuild every case's cached status and its status spans (what the figures count) from its event "
            "log (the log is the truth).")

    def handle(self, *args, **options):
        case_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(case_ids), BATCH):
            with transaction.atomic():
                changed += refresh_statuses(case_ids[start:start + BATCH])
        self.stdout.write(f"{changed} case status(es) rebuilt; status spans checked for {len(case_ids)} case(s)")
