"""Recompute the names' search keys: matching's keys changed again (aw before a consonant is av, as
in Chawla = चावला; the schwa of गायत्री after a long vowel and y stays; candrabindu is n before a
consonant and at a word's end, कुँवर = Kunwar; Bengali ব is b, ং is ng, ওয় is w), and a key stored
under the old rules is not found by a search under the new ones."""

from django.db import migrations


def refresh(apps, schema_editor):
    from homeward.registry.names import refresh_search_keys

    refresh_search_keys(apps.get_model("registry", "PersonName"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_refresh_search_keys")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
