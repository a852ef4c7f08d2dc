"""Home-municipality periods take any municipality code of Statistics Finland's classification
(the organisation link stays for the region's own municipalities); archived periods are kept
when an import replaces a history; `citizenship_date` and the 89 § permit basis (docs/domain.md §5)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_codes(apps, schema_editor):
    Period = apps.get_model("clients", "HomeMunicipalityPeriod")
    for period in Period.objects.select_related("municipality").iterator():
        period.municipality_code = period.municipality.municipality_code
        period.save(update_fields=["municipality_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("organisations", "0001_initial"),
        ("municipalities", "0002_load_shipped_classification"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="citizenship_date",
            field=models.DateField(
                blank=True,
                help_text="The day the client became a Finnish citizen (naturalisation), if they have.",
                null=True,
                verbose_name="Finnish citizen since",
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="permit_basis",
            field=models.CharField(
                choices=[
                    ("quota_refugee", "quota refugee"),
                    ("family_of_quota_refugee", "family member of a quota refugee"),
                    ("asylum", "asylum"),
                    ("subsidiary_protection", "subsidiary protection"),
                    ("humanitarian_admission", "humanitarian admission"),
                    ("compassionate_grounds", "compassionate grounds"),
                    ("trafficking_victim", "victim of trafficking"),
                    ("removal_prevented", "removal prevented"),
                    ("temporary_protection", "temporary protection"),
                    ("family_of_protected", "family member of a protected person"),
                    ("humanitarian_protection", "humanitarian protection (89 §)"),
                    ("work", "work"),
                    ("study", "study"),
                    ("family", "family ties"),
                    ("eu_registration", "EU registration"),
                    ("nordic", "Nordic citizen"),
                    ("other", "other"),
                ],
                max_length=30,
                verbose_name="permit basis",
            ),
        ),
        migrations.AddField(
            model_name="homemunicipalityperiod",
            name="municipality_code",
            field=models.CharField(
                default="",
                db_index=True,
                help_text="The official three-digit code of Statistics Finland.",
                max_length=3,
                verbose_name="municipality code",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="homemunicipalityperiod",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kind": "municipality"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="resident_periods",
                to="organisations.organisation",
                verbose_name="municipality (organisation)",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="homemunicipalityperiod", name="home_period_unique_start"
        ),
        migrations.AddConstraint(
            model_name="homemunicipalityperiod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("archived", False)),
                fields=("client", "start"),
                name="home_period_unique_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="homemunicipalityperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("municipality_code__regex", "^[0-9]{3}$")),
                name="home_period_municipality_code_shape",
            ),
        ),
    ]
