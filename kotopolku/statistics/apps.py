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
        connection_created.connect(_register_sqlite_functions, dispatch_uid="kp_sqlite_median")
