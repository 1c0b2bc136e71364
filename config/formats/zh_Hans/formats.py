"""Chinese dates as Paddock prints them: year, month, day, then the weekday and a 24-hour clock
("2026年12月25日 星期五 09:00"), never an English order such as "星期五 25 十二月"."""

DATE_FORMAT = "Y年n月j日 D"
DATETIME_FORMAT = "Y年n月j日 D H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
