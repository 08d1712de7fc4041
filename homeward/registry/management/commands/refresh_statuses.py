from django.core.management.base import BaseCommand

from homeward.registry.models import Case
from homeward.registry.services import refresh_statuses


class Command(BaseCommand):
    help = "Rebuild every case's cached status from its event log (the log is the truth)."

    def handle(self, *args, **options):
        changed = refresh_statuses(list(Case.objects.values_list("pk", flat=True)))
        self.stdout.write(f"{changed} case status(es) rebuilt")
