"""Education and work history as rows: old text lines and country names become row fields
(kotopolku.casework.history.normalise_rows); no text is dropped. Work rows gain `field`."""

from django.db import migrations, models

from kotopolku.casework.history import EDUCATION_KEYS, WORK_KEYS, normalise_rows


def to_rows(apps, schema_editor):
    Assessment = apps.get_model("casework", "Assessment")
    changed = []
    for assessment in Assessment._base_manager.only("pk", "education", "work_history").iterator():
        education = normalise_rows(assessment.education or [], EDUCATION_KEYS)
        work = normalise_rows(assessment.work_history or [], WORK_KEYS)
        if education != assessment.education or work != assessment.work_history:
            assessment.education, assessment.work_history = education, work
            changed.append(assessment)
    Assessment._base_manager.bulk_update(changed, ["education", "work_history"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_client_due_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="work_history",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="A list of {occupation, field, country, years}.",
                verbose_name="work history",
            ),
        ),
        migrations.RunPython(to_rows, migrations.RunPython.noop),
    ]
