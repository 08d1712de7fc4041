import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from homeward.appendonly import refuse_update_and_delete


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_failed_logins'),
        ('exchange', '0004_request_rows_as_sent'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DiscrepancyEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
                ('role', models.CharField(blank=True, max_length=32)),
                ('text', models.TextField()),
                ('for_partner', models.BooleanField(default=False, help_text="The partner's liaison may read it")),
                ('author', models.ForeignKey(blank=True, help_text='Empty for notes written by the system or carried over from before threads', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('discrepancy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='exchange.discrepancy')),
                ('partner', models.ForeignKey(blank=True, help_text="Set when the partner wrote it (its liaison's answer)", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.partner')),
            ],
            options={
                'ordering': ['at', 'id'],
                'indexes': [models.Index(fields=['discrepancy', 'at'], name='exchange_di_discrep_6a7e55_idx')],
            },
        ),
        *refuse_update_and_delete("exchange_discrepancyentry"),
    ]
