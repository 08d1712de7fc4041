"""The status words the host ministry's lists use most, so that a first import needs no set-up."""

from django.db import migrations

WORDS = [
    ("в строю", "identified", ""),
    ("погиб", "killed", ""),
    ("пропал без вести", "missing", ""),
    ("в плену", "prisoner", ""),
    ("уволен", "discharged", ""),
    ("контракт расторгнут", "contract_annulled", ""),
    ("находится на лечении", "identified", "in hospital"),
    ("не значится", "not_in_service", ""),
]


def seed(apps, schema_editor):
    StatusWord = apps.get_model("exchange", "StatusWord")
    for word, event, note in WORDS:
        StatusWord.objects.get_or_create(partner=None, word=word, defaults={"event": event, "note": note})


def unseed(apps, schema_editor):
    apps.get_model("exchange", "StatusWord").objects.filter(partner=None, word__in=[w for w, _e, _n in WORDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
