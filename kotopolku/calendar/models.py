"""A user's calendar feed: meetings and course sessions at a secret address (calendar/views.py).

Calendar apps cannot log in, so the address itself is the key: a random token, one per user,
that the user can replace at any time (the old address stops working at once). The token is
stored as is, because the Calendar page shows the address again whenever the user needs it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last read by a calendar app"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(token__regex=r"^[A-Za-z0-9_-]{32,64}$"),  # noqa: S106
                name="calendar_feed_token_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}"
