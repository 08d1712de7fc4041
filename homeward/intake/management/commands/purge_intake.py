from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from homeward.intake import services, uploads


class Command(BaseCommand):
    help = ("Remove uploaded registers older than --days (committed or abandoned: the file, its preview and its "
            "row; what was committed stays in the registry) and throttle records older than their window.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="keep uploads younger than this (default 30)")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1: a younger upload may still be waiting for its commit")
        removed = uploads.purge(older_than=timedelta(days=days))
        forgotten = services.purge_attempts()
        self.stdout.write(f"{removed} upload(s) older than {days} days removed; {forgotten} throttle record(s) removed")
