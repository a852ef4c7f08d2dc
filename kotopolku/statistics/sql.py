"""The few SQL expressions the indicators need that Django does not ship: days between two
dates and the median. The date arithmetic of the rules (month addition with the clamping of
`common.dates.add_months`) is `common.dates_sql`, used through `casework.statutory`.
"""

from django.db.models import Aggregate, FloatField, Func, IntegerField


class DaysBetween(Func):
    """Whole days from `earlier` to `later` (later − earlier)."""

    output_field = IntegerField()
    arity = 2

    def _parts(self, compiler):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return later, earlier, [*later_params, *earlier_params]

    def as_postgresql(self, compiler, connection, **extra):
        later, earlier, params = self._parts(compiler)
        return f"(({later})::date - ({earlier})::date)", params

    def as_sqlite(self, compiler, connection, **extra):
        later, earlier, params = self._parts(compiler)
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)", params


class Median(Aggregate):
    """The median (mean of the two middle values for an even count); NULL for no rows."""

    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra):
        # The template is set on a copy: Aggregate.as_sql passes its own `template` when the
        # aggregate has a filter.
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # kp_median is registered on every SQLite connection by StatisticsConfig.ready().
        clone = self.copy()
        clone.function = "kp_median"
        return super(Median, clone).as_sql(compiler, connection, **extra)
