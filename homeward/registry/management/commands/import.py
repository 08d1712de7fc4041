from django.core.management.base import BaseCommand, CommandError

from homeward.registry import importing
from tabular import TableError, parse_mapping


class Command(BaseCommand):
    help = "Import a legacy register: `homeward import cases FILE` or `homeward import events FILE` (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[importing.CASES, importing.EVENTS])
        parser.add_argument("file")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                            help="read column HEADER as FIELD (repeatable)")
        parser.add_argument("--origin", help="origin country for rows without one (cases)")
        parser.add_argument("--host", help="host country for rows without one (cases)")

    def handle(self, *args, kind, file, **options):
        try:
            mapping = parse_mapping(options["map"])
            if kind == importing.CASES:
                result = importing.import_cases(file, mapping=mapping, origin=options["origin"], host=options["host"])
            else:
                result = importing.import_events(file, mapping=mapping)
        except (TableError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
