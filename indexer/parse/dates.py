"""Dates in articles: ROC (民國) and Western years; submission, revision, acceptance and publication lines.

One rule for years everywhere (title pages and citations alike): a year
below 200 is an ROC year (民國 96 = 2007), anything else is Western. Digits
may be full-width (９６) or Chinese numerals (一〇八年三月十二日).
"""

from __future__ import annotations

import datetime as dt
import re

from indexer.model import Dates

ROC_OFFSET = 1911
_CN_DIGITS = "〇○零一二三四五六七八九"
_NUM = rf"[\d{_CN_DIGITS}十]{{1,4}}"
_DATE = (
    rf"(?:(?:中華)?民國\s*)?({_NUM})\s*(?:年\s*({_NUM})\s*月(?:\s*({_NUM})\s*日)?"
    r"|[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{1,2}))?)"
)
_KINDS = {
    "submitted": "投稿|收稿|收件|來稿|来稿|送審|送审|初稿",
    "revised": "修正|修改|修訂|修订|修回|修正稿|修改稿",
    "accepted": "接受刊登|同意刊登|通過刊登|审查通过|審查通過|接受|採用|采用|通過|通过|錄用|录用|刊登",
    "published": "出版|發行|发行|刊出|上線|网络首发|網路首發|線上出版|线上出版",
}
_LABEL = "|".join(f"(?P<{k}>{v})" for k, v in _KINDS.items())
_DATE_ITEM = re.compile(rf"(?:{_LABEL})(?:日期|時間|时间)\s*[:：]?\s*{_DATE}")
_DATE_REST = re.compile(r"^[\s（）()\[\]【】；;，,、。.]*$")
_BARE = re.compile(rf"^[（(]?\s*{_DATE}\s*[）)]?$")
_WIDE = str.maketrans("０１２３４５６７８９／．－：", "0123456789/.-:")
_CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def western_year(year: int | str) -> int:
    """Return the Western year of ``year``, reading years below 200 as ROC years.

    >>> western_year(96), western_year("110"), western_year(2021)
    (2007, 2021, 2021)
    """
    year = int(year)
    return year + ROC_OFFSET if year < 200 else year


def roc_to_iso(year: int, month: int, day: int) -> str | None:
    """Convert a date to ISO (ROC years converted); None if there is no such day.

    >>> roc_to_iso(96, 8, 15), roc_to_iso(2021, 6, 20), roc_to_iso(96, 2, 30)
    ('2007-08-15', '2021-06-20', None)
    """
    try:
        return dt.date(western_year(year), month, day).isoformat()
    except ValueError:
        return None


def number(text: str) -> int:
    """Read a number written in digits or Chinese numerals (一〇八 = 108, 十二 = 12, 二十 = 20).

    >>> number("108"), number("一〇八"), number("十二"), number("二十一"), number("十")
    (108, 108, 12, 21, 10)
    """
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_VALUE.get(tens, 1) if tens else 1) * 10 + (_CN_VALUE.get(units, 0) if units else 0)
    return int("".join(str(_CN_VALUE[c]) for c in text))


def _normalise(line: str) -> str:
    return line.translate(_WIDE)


def _iso(m: re.Match, first: int) -> tuple[str | None, str]:
    """Return the ISO date (None if impossible, "YYYY-MM" without a day) of a date match."""
    year, month = number(m.group(first)), m.group(first + 1) or m.group(first + 3)
    day = m.group(first + 2) or m.group(first + 4)
    month = number(month) if month else None
    if month is None:
        return None, m.group()
    if day is None:
        ok = 1 <= month <= 12 and 1 <= western_year(year) <= 9999
        return (f"{western_year(year):04d}-{month:02d}" if ok else None), m.group()
    return roc_to_iso(year, month, number(day)), m.group()


def bare_date(line: str) -> str | None:
    """Return the ISO date of a line that is nothing but a date (a thesis cover's 中華民國一〇八年六月).

    >>> bare_date("中華民國一〇八年六月"), bare_date("2021年6月16日"), bare_date("1999")
    ('2019-06', '2021-06-16', None)
    """
    m = _BARE.match(_normalise(line.strip()))
    return _iso(m, 1)[0] if m and ("年" in m.group() or "民國" in m.group()) else None


def parse_dates(line: str) -> tuple[Dates, list[str]] | None:
    """Read a line of submission/revision/acceptance/publication dates such as （投稿日期：96 年 8 月 15 日…）.

    Returns None unless the whole line is made of such dates. A date without
    its day is kept as "YYYY-MM".

    >>> parse_dates("（投稿日期：96 年 8 月 15 日；採用日期：96 年 11 月 21 日）")
    (Dates(submitted='2007-08-15', accepted='2007-11-21', revised=None, published=None), [])
    >>> parse_dates("收稿日期：２０１９－０３－１２　接受刊登日期：一〇八年六月一日")[0].accepted
    '2019-06-01'
    """
    line = _normalise(line)
    items = list(_DATE_ITEM.finditer(line))
    if not items or not _DATE_REST.match(_DATE_ITEM.sub("", line)):
        return None
    dates, warnings = Dates(), []
    groups = _DATE_ITEM.groupindex
    first = max(groups.values()) + 1
    for m in items:
        kind = next(k for k in _KINDS if m.group(k))
        iso, text = _iso(m, first)
        if iso is None:
            warnings.append(f"bad date: {text.strip()} is not a valid date")
        elif getattr(dates, kind) is None:
            setattr(dates, kind, iso)
    return dates, warnings
