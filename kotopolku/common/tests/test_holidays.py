"""The Finnish public holiday lookup (no database)."""

from datetime import date

from kotopolku.common.holidays import public_holiday


def test_independence_day_and_midsummer_eve_in_each_language():
    assert public_holiday(date(2026, 12, 6)) == "Itsenäisyyspäivä"
    assert public_holiday(date(2026, 12, 6), "sv") == "Självständighetsdagen"
    assert public_holiday(date(2026, 12, 6), "en") == "Independence Day"
    # Midsummer Eve is the Friday between 19 and 25 June.
    assert public_holiday(date(2026, 6, 19), "fi") == "Juhannusaatto"
    assert public_holiday(date(2027, 6, 25), "fi") == "Juhannusaatto"


def test_moving_holidays_and_an_ordinary_weekday():
    assert public_holiday(date(2026, 4, 3)) == "Pitkäperjantai"  # Good Friday 2026
    assert public_holiday(date(2026, 12, 7)) is None  # a Monday
    assert public_holiday(date(2026, 12, 2), "sv") is None
