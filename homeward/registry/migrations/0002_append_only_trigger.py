from django.db import migrations

from homeward.appendonly import refuse_update_and_delete


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = refuse_update_and_delete("registry_caseevent")
