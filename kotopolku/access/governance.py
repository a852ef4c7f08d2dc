"""Who may see and change working groups, meetings, minutes, follow-up tasks and annual reports.

Decision on personal data: the working groups are public bodies, so the names of their members,
the organisations they represent and their roles appear in groups, agendas, minutes and the
annual report, and committee members (`viewer`) may read them. Members' e-mail addresses are
contact data that only the managers of the groups need: they are shown to coordinators and
admins only, and never printed in documents. No client data appears anywhere in governance.

Case workers and course providers do not read the groups' pages; they see and complete the
follow-up tasks they own (on their home page).
"""

from typing import Any

from kotopolku.access.policy import ALL_ROLES, Permission, Role, is_admin, roles_of

MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})
READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.VIEWER})


def _owns_or_manages(user: Any, task: Any) -> bool:
    if is_admin(user) or Role.COORDINATOR in roles_of(user):
        return True
    return getattr(task, "assignee_user_id", None) == user.pk


GOVERNANCE_VIEW = Permission("governance.view", READERS)
GOVERNANCE_MANAGE = Permission("governance.manage", MANAGERS)
MEMBER_CONTACTS = Permission("governance.member_contacts", MANAGERS)
REPORT_VIEW = Permission("governance.report_view", READERS)
REPORT_MANAGE = Permission("governance.report_manage", MANAGERS)
STATE_EXPORT = Permission("governance.state_export", MANAGERS)
# Every staff member has a task list of their own; the object rule limits it to their tasks.
TASK_OWN = Permission("governance.task_own", ALL_ROLES)
TASK_COMPLETE = Permission("governance.task_complete", ALL_ROLES, _owns_or_manages)
TASK_LIST_ALL = Permission("governance.task_list_all", READERS)
