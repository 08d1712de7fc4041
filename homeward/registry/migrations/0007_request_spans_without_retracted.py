"""Rebuild the span caches: request spans now end where a retraction withdraws the request."""

from django.db import migrations


def rebuild_spans(apps, schema_editor):
    from homeward.registry.spans import rebuild_all

    rebuild_all(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_status_spans")]

    operations = [migrations.RunPython(rebuild_spans, migrations.RunPython.noop)]
