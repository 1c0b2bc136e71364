"""English dates as Paddock prints them: one style, weekday first, 24-hour clock, as on a race
timetable ("Fri 25 Dec 2026, 09:00"), instead of Django's mix of "Dec. 25, 2026, 9 a.m."."""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
