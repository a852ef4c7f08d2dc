"""The personal calendar feed.

Every staff user has a feed of their own and manages its secret address. What the feed holds is
decided by the domain's own permissions and scopes (GOVERNANCE_VIEW for meetings,
`visible_courses` for course sessions), so the feed never shows more than the user's pages do.
"""

from kotopolku.access.policy import ALL_ROLES, Permission

CALENDAR_OWN = Permission("calendar.own", ALL_ROLES)
