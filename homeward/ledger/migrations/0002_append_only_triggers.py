from django.db import migrations

from homeward.appendonly import refuse_update_and_delete


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        *refuse_update_and_delete("ledger_contract"),
        *refuse_update_and_delete("ledger_stateentry"),
        *refuse_update_and_delete("ledger_exchangerate"),
        *refuse_update_and_delete("ledger_payment"),
    ]
