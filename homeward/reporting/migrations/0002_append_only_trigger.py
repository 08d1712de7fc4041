from django.db import migrations

from homeward.appendonly import refuse_update_and_delete


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = refuse_update_and_delete("reporting_publishedstatement")
