"""Choices shared by several apps."""

from django.db import models


class CefrLevel(models.TextChoices):
    """The Finnish national scale of the CEFR levels (YKI and the integration training tests):
    used for a client's languages, the assessment's skills and the courses' test results."""

    A1_1 = "A1.1", "A1.1"
    A1_2 = "A1.2", "A1.2"
    A1_3 = "A1.3", "A1.3"
    A2_1 = "A2.1", "A2.1"
    A2_2 = "A2.2", "A2.2"
    B1_1 = "B1.1", "B1.1"
    B1_2 = "B1.2", "B1.2"
    B2_1 = "B2.1", "B2.1"
    B2_2 = "B2.2", "B2.2"
    C1_1 = "C1.1", "C1.1"
    C1_2 = "C1.2", "C1.2"
    C2 = "C2", "C2"
