from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0006_discrepancy_notes_to_thread'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='discrepancy',
            name='note',
        ),
    ]
