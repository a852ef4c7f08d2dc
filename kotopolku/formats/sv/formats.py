"""Finland-Swedish dates: 15.10.2025, as Finnish does, not Sweden's ISO 2025-10-15.

Django's `sv` module follows Sweden. Finland-Swedish writes the day first with full stops
(Svenska språkbyrån in Finland: "15.10.2025", "kl. 14.30"). Numbers come from Django's `sv`.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j F Y \\k\\l. H.i"
SHORT_DATETIME_FORMAT = "j.n.Y H.i"
TIME_FORMAT = "H.i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H.%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
