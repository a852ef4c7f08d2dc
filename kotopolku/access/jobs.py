"""Background jobs, notifications and the task schedules.

Every signed-in staff user may start the jobs their other permissions allow and sees only their
own jobs and notifications (the views filter by owner and answer 404 for anyone else's, so that
a job's existence is not disclosed). The schedules and failed tasks are for administrators.
"""

from kotopolku.access.policy import ALL_ROLES, Permission, Role

JOB_VIEW = Permission("jobs.view_own", ALL_ROLES)
NOTIFICATIONS_VIEW = Permission("notifications.view_own", ALL_ROLES)
TASKS_ADMIN = Permission("jobs.admin", frozenset({Role.ADMIN}))
