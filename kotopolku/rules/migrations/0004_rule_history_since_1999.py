"""The rule history from 1999-05-01 (493/1999), the old P3 regime before 2025, the C5 rates
before 2023, 89 § in C1 and the naturalisation rule (docs/domain.md §5, law over time)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from kotopolku.rules.seed import upgrade_rules

    upgrade_rules(apps.get_model("rules", "StatutoryRule"))


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_security_rules")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
