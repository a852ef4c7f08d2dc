from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class _SqliteMedian:
    """MEDIAN(x) for SQLite, which has no percentile function (PostgreSQL uses
    percentile_cont): the mean of the two middle values for an even count, NULLs ignored."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        middle = len(values) // 2
        if len(values) % 2:
            return float(values[middle])
        return (values[middle - 1] + values[middle]) / 2


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("kp_median", 1, _SqliteMedian)


class StatisticsConfig(AppConfig):
    name = "kotopolku.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kotopolku.common.signals import rows_written
        from kotopolku.statistics import summaries

        connection_created.connect(_register_sqlite_functions, dispatch_uid="kp_sqlite_median")
        # Writes that can change a figure make the stored indicator tables stale (after commit;
        # nothing is recomputed in the writer's request). Bulk writes of the imports announce
        # themselves with `rows_written`.
        for model in DATA_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    summaries.data_changed,
                    sender=model,
                    dispatch_uid=f"statistics_stale_{model}_{signal is post_save}",
                )
        rows_written.connect(_bulk_written, dispatch_uid="statistics_stale_bulk")


def _bulk_written(sender=None, **kwargs) -> None:
    """`rows_written` of a model an indicator reads (an audit page's rows are not one)."""
    from kotopolku.statistics import summaries

    if sender is None or sender._meta.label in DATA_MODELS:
        summaries.data_changed(sender=sender, **kwargs)


# Every model an indicator counts from or reads a rule from.
DATA_MODELS = (
    "clients.Client",
    "clients.ClientLanguage",
    "clients.HomeMunicipalityPeriod",
    "casework.GuidanceContact",
    "casework.Assessment",
    "casework.IntegrationPlan",
    "casework.PlanService",
    "casework.PlanReview",
    "casework.PlanExtension",
    "casework.Referral",
    "courses.Course",
    "courses.Enrolment",
    "courses.Attendance",
    "courses.LanguageTestResult",
    "rules.StatutoryRule",
)
