"""Identity numbers move from plain text to ciphertext plus a keyed hash.

Existing plain values are encrypted in place before the plain column is dropped.
"""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from homeward.registry.identifiers import index_of, normalise
    from homeward import crypto

    PersonIdentifier = apps.get_model("registry", "PersonIdentifier")
    for identifier in PersonIdentifier.objects.all().iterator():
        stored = identifier.value if identifier.kind == "phone" else normalise(identifier.kind, identifier.value)
        identifier.ciphertext = crypto.encrypt(stored)
        identifier.blind_index = index_of(identifier.kind, identifier.value)
        identifier.save(update_fields=["ciphertext", "blind_index"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_consent_and_recruiting_agents")]

    operations = [
        migrations.RemoveIndex(model_name="personidentifier", name="registry_pe_kind_ce12e5_idx"),
        migrations.AddField(model_name="personidentifier", name="ciphertext", field=models.TextField(default=""),
                            preserve_default=False),
        migrations.AddField(model_name="personidentifier", name="blind_index",
                            field=models.CharField(default="", max_length=64), preserve_default=False),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="personidentifier", name="value"),
        migrations.AddIndex(model_name="personidentifier",
                            index=models.Index(fields=["kind", "blind_index"], name="registry_pe_kind_blind_idx")),
    ]
