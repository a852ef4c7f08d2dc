from django.db import migrations


def load(apps, schema_editor):
    from kotopolku.common.statements import load_statements

    load_statements(apps.get_model("common", "Statement"))


class Migration(migrations.Migration):
    dependencies = [("common", "0001_statements")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
