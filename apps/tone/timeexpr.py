"""Concrete dates and times in a message: "by 5 January 18:00", "周五下午3点", "12月5日".

A vague promise ("soon", 尽快) stops being vague when a concrete time stands next
to it, and an update tells the client when they hear next only if it names one.
"Concrete" means a reader could put it in a calendar: a clock time, a day of the
month, a weekday, tomorrow/today at, or "within 24 hours". "Next week" and 近期
are not concrete.
"""

import re

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WEEKDAYS = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
)

EN_TIME = re.compile(
    r"(?<![\w:])(?:"
    rf"\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?"  # 18:00, 9.30 am
    r"|\d{1,2}\s*[ap]\.?m\b\.?"  # 5pm, 9 a.m.
    r"|noon|midday|midnight"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b"  # 5 January
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"  # January 5
    r"|\d{4}-\d{2}-\d{2}"  # 2026-12-05
    r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?"  # 5/12
    rf"|(?:{_WEEKDAYS})\b"
    r"|tomorrow|tonight|today\s+(?:at|by|before)"
    r"|(?:this|tomorrow)\s+(?:morning|afternoon|evening)"
    r"|end\s+of\s+(?:the\s+)?(?:day|business\s+day)|eod|cob"
    r"|within\s+(?:the\s+next\s+)?(?:\d+|one|two|three|four|six|twelve|24|48)\s+"
    r"(?:hours?|minutes?|business\s+days?|working\s+days?|days?)"
    r"|in\s+(?:\d+|one|two|three)\s+(?:hours?|minutes?)"
    r")",
    re.IGNORECASE,
)

_CN_NUM = r"[0-9０-９一二三四五六七八九十两〇零]+"
ZH_TIME = re.compile(
    "(?:"
    rf"{_CN_NUM}\s*月\s*{_CN_NUM}\s*[日号]"  # 12月5日
    rf"|{_CN_NUM}\s*[日号]"  # 5日
    r"|\d{1,2}\s*[:：]\s*\d{2}"  # 18:00
    rf"|{_CN_NUM}\s*[点时](?:\s*{_CN_NUM}\s*分|半|整)?"  # 3点, 三点半
    r"|(?:周|星期|礼拜)[一二三四五六日天]"
    r"|今天|今日|今晚|明天|明日|明早|明晚|后天|次日|当天|本周[一二三四五六日]"
    r"|(?:上午|中午|下午|晚上|傍晚|早上)"
    rf"|{_CN_NUM}\s*(?:个)?\s*(?:小时|分钟|工作日|天)\s*(?:之内|以内|内)"
    r"|\d{4}\s*[-/年]\s*\d{1,2}"
    r"|\d{1,2}/\d{1,2}"
    ")"
)


def pattern(language: str) -> re.Pattern:
    return ZH_TIME if language == "zh-hans" else EN_TIME


def has_time(text: str, language: str) -> bool:
    return pattern(language).search(text) is not None
