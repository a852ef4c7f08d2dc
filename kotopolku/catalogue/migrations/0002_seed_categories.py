from django.db import migrations


def forwards(apps, schema_editor):
    from kotopolku.catalogue.categories import load_categories

    load_categories(apps.get_model("catalogue", "ServiceCategory"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
