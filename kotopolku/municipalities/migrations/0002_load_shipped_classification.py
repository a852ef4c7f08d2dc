"""Load the classification shipped in data/municipalities.csv (refresh later with
`manage.py municipalities_refresh`)."""

from django.db import migrations


def load(apps, schema_editor):
    from kotopolku.municipalities.classification import SHIPPED, read_classification

    Municipality = apps.get_model("municipalities", "Municipality")
    stored = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        Municipality(
            code=row.code,
            name_fi=row.name_fi,
            name_sv=row.name_sv,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            merged_into=row.merged_into,
        )
        for row in read_classification(SHIPPED)
        if row.code not in stored
    )


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_classification")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
