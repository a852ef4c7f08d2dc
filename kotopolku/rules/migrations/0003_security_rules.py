from django.db import migrations


def forwards(apps, schema_editor):
    from kotopolku.rules.seed import load_rules

    load_rules(apps.get_model("rules", "StatutoryRule"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_seed_rules")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
