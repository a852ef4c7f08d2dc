"""Events of governance for apps above it (notifications) to subscribe to.

`follow_up_task_assigned.send_robust(sender=FollowUpTask, task=task, actor=actor)` is sent by
`task_create` inside its transaction.
"""

from django.dispatch import Signal

follow_up_task_assigned = Signal()
