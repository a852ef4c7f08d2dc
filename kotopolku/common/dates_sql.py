"""The date arithmetic of `common.dates` as SQL expressions, for rules evaluated set-wise.

`AddMonths` must agree with `common.dates.add_months` exactly (the month-end clamping, 29
February) and `AddDays` with `date + timedelta(days=N)`, on SQLite and on PostgreSQL; the rule
tests of `casework/tests/test_statutory.py` and `statistics/tests/test_sql.py` compare them.
"""

from django.db.models import DateField, Func


class AddMonths(Func):
    """`date + N months`, clamped to the last day of the target month (docs/domain.md §5)."""

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
        # The same day of the target month, or the target month's last day when it is shorter.
        # The modifiers are built by concatenation so that a NULL count gives NULL, as printf
        # would give "+0" (% is doubled: Django formats the SQL with its parameters).
        sql = (
            f"MIN(date({day}, 'start of month', ({months}) || ' months', "
            f"(CAST(strftime('%%d', {day}) AS INTEGER) - 1) || ' days'), "
            f"date({day}, 'start of month', (({months}) + 1) || ' months', '-1 day'))"
        )
        all_params = [
            *day_params,
            *month_params,
            *day_params,
            *day_params,
            *month_params,
        ]
        return sql, all_params


class AddDays(Func):
    """`date + N days` (N may be negative)."""

    output_field = DateField()
    arity = 2

    def _parts(self, compiler):
        day, day_params = compiler.compile(self.source_expressions[0])
        days, days_params = compiler.compile(self.source_expressions[1])
        return day, days, [*day_params, *days_params]

    def as_postgresql(self, compiler, connection, **extra):
        day, days, params = self._parts(compiler)
        # date + integer is a date in PostgreSQL.
        return f"(({day})::date + ({days})::int)", params

    def as_sqlite(self, compiler, connection, **extra):
        day, days, params = self._parts(compiler)
        # Concatenation, not printf: a NULL count gives NULL rather than the day itself.
        return f"date({day}, ({days}) || ' days')", params
