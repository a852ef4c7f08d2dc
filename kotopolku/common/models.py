from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class TrackedModel(TimeStampedModel):
    """Timestamps, who created and who last changed a row, and archiving instead of deletion."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modified by"),
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        abstract = True


class Statement(TimeStampedModel):
    """A public page every service must publish: the accessibility statement (Act 306/2019)
    and the privacy notice (GDPR art. 13–14). An administrator edits the text in the admin;
    the footer of every page links both."""

    class Kind(models.TextChoices):
        ACCESSIBILITY = "accessibility", _("accessibility statement")
        PRIVACY = "privacy", _("privacy notice")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs are separated by an empty line; a line starting with ## is a heading."
        ),
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modified by"),
    )

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title
