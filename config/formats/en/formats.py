"""English dates and times that no reader can misread.

Django's English defaults are American: "03/10/2025" is 10 March to a British
reader and 3 October to an American one, and "9 a.m." followed by a full stop
prints "9 a.m..". Candor writes day, month name and year, and 24-hour times.
"""

DATE_FORMAT = "j M Y"  # 10 Mar 2025
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 10 Mar 2025, 14:30
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# What people type, most precise first; never month/day/year (ambiguous).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%d %b, %Y", "%d %B, %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
