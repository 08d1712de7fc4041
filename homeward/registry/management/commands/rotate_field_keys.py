from django.core.management.base import BaseCommand
from django.db import transaction

from homeward import crypto
from homeward.registry.identifiers import index_of
from homeward.registry.models import PersonIdentifier


class Command(BaseCommand):
    help = ("Re-encrypt every identity number with the newest key in HOMEWARD_FIELD_KEYS "
            "(and, with --reindex, rebuild the keyed hashes after HOMEWARD_BLIND_INDEX_KEY changed).")

    def add_arguments(self, parser):
        parser.add_argument("--reindex", action="store_true")

    @transaction.atomic
    def handle(self, *args, reindex, **options):
        count = 0
        for identifier in PersonIdentifier.objects.select_for_update().iterator():
            identifier.ciphertext = crypto.rotate(identifier.ciphertext)
            if reindex:
                identifier.blind_index = index_of(identifier.kind, identifier.value)
            identifier.save(update_fields=["ciphertext", "blind_index"])
            count += 1
        self.stdout.write(f"{count} identity numbers re-encrypted with the newest key")
