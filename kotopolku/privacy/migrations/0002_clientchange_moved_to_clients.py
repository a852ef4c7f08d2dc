"""ClientChange now belongs to clients (see clients 0002); state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("clients", "0003_clientchange_moved_from_privacy"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ClientChange")],
            database_operations=[],
        ),
    ]
