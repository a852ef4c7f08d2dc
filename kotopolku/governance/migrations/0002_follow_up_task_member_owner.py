"""Follow-up tasks for group members.

`owner_member` is added empty and `owner` becomes optional, so every existing task (which has
an owner and no member) satisfies the new one-assignee constraint as it is.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='followuptask',
            name='owner_member',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_up_tasks', to='governance.groupmembership', verbose_name='owner (group member)'),
        ),
        migrations.AlterField(
            model_name='followuptask',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_up_tasks', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
        ),
        migrations.AddConstraint(
            model_name='followuptask',
            constraint=models.CheckConstraint(condition=models.Q(('owner__isnull', True), ('owner_member__isnull', True), _connector='OR'), name='follow_up_task_one_assignee', violation_error_message='Give the task to a user or to a member, not both.'),
        ),
    ]
