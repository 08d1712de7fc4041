"""Recompute the names' search keys: matching's keys changed (anusvara before h or s, a final -ao), and
a key stored under the old rules is not found by a search under the new ones."""

from django.db import migrations


def refresh(apps, schema_editor):
    from homeward.registry.names import refresh_search_keys

    refresh_search_keys(apps.get_model("registry", "PersonName"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_request_spans_without_retracted")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
