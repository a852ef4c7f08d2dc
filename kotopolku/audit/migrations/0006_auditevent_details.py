"""Structured summaries for the audit log.

A nullable column without a default: SQLite adds it with ALTER TABLE (the table and its
append-only triggers stay), PostgreSQL likewise. On PostgreSQL the audit table belongs to the
audit owner role, so this migration runs as the superuser (ops/README.md, "Database roles").
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0005_auditevent_action_revoke'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='details',
            field=models.JSONField(blank=True, null=True, verbose_name='details'),
        ),
    ]
