"""The rectification history (ClientChange) moves from privacy to clients (docs/security.md).

State only: the table `privacy_clientchange` stays as it is, with its rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_home_periods_any_municipality_citizenship_date"),
        ("privacy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClientChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("field", models.CharField(max_length=60, verbose_name="field")),
                        ("old_value", models.TextField(blank=True, verbose_name="old value")),
                        ("new_value", models.TextField(blank=True, verbose_name="new value")),
                        (
                            "changed_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="changed at"
                            ),
                        ),
                        (
                            "source",
                            models.CharField(blank=True, max_length=40, verbose_name="source"),
                        ),
                        (
                            "changed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="changed by",
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="changes",
                                to="clients.client",
                                verbose_name="client",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "client change",
                        "verbose_name_plural": "client changes",
                        "ordering": ["-changed_at", "-id"],
                        "db_table": "privacy_clientchange",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
