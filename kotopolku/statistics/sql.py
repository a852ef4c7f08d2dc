"""The few SQL expressions the indicators need that Django does not ship: calendar month
addition with the clamping of `common.dates.add_months`, days between two dates, and the median.

`add_months` in SQL must agree with `common.dates.add_months` exactly; a hypothesis test
(tests/test_sql.py) compares the two on both databases.
"""

from django.db.models import Aggregate, DateField, FloatField, Func, IntegerField


class AddMonths(Func):
    """`date + N months`, clamped to the last day of the target month (DOMAIN.md §5)."""

    output_field = DateField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        day, day_params = compiler.compile(self.source_expressions[0])
        months, month_params = compiler.compile(self.source_expressions[1])
        # PostgreSQL's month interval clamps to the month's last day, as add_months does.
        sql = f"(({day})::date + make_interval(months => ({months})::int))::date"
        return sql, [*day_params, *month_params]

    def as_sqlite(self, compiler, connection, **extra):
        sql_parts, params = [], []
        for arg in self.source_expressions:
            part, part_params = compiler.compile(arg)
            sql_parts.append(part)
            params.append(part_params)
        day, months = sql_parts
        day_params, month_params = params
        # The same day of the target month, or the target month's last day when it is shorter
        # (% is doubled: Django formats the SQL with its parameters).
        sql = (
            f"MIN(date({day}, 'start of month', printf('%%+d months', {months}), "
            f"printf('%%+d days', CAST(strftime('%%d', {day}) AS INTEGER) - 1)), "
            f"date({day}, 'start of month', printf('%%+d months', ({months}) + 1), '-1 day'))"
        )
        all_params = [
            *day_params,
            *month_params,
            *day_params,
            *day_params,
            *month_params,
        ]
        return sql, all_params


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
