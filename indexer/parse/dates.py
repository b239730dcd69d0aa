"""Dates in articles: ROC (民國) and Western years, submission and acceptance lines.

One rule for years everywhere (title pages and citations alike): a year
below 200 is an ROC year (民國 96 = 2007), anything else is Western.
"""

from __future__ import annotations

import datetime as dt
import re

from indexer.model import Dates

ROC_OFFSET = 1911
_DATE = r"(?:(?:中華)?民國\s*)?(\d{2,4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2}))"
_DATE_ITEM = re.compile(rf"(投稿|收稿|收件|來稿|送審|採用|接受|通過|錄用|刊登|修正|修改|修訂)日期\s*[:：]\s*{_DATE}")
_DATE_REST = re.compile(r"^[\s（）()\[\]【】；;，,、。.]*$")
_SUBMITTED = {"投稿", "收稿", "收件", "來稿", "送審"}
_ACCEPTED = {"採用", "接受", "通過", "錄用", "刊登"}


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


def parse_dates(line: str) -> tuple[Dates, list[str]] | None:
    """Read a submission/acceptance line such as （投稿日期：96 年 8 月 15 日；採用日期：…）.

    Returns None unless the whole line is made of such dates.

    >>> parse_dates("（投稿日期：96 年 8 月 15 日；採用日期：96 年 11 月 21 日）")
    (Dates(submitted='2007-08-15', accepted='2007-11-21'), [])
    """
    items = list(_DATE_ITEM.finditer(line))
    if not items or not _DATE_REST.match(_DATE_ITEM.sub("", line)):
        return None
    dates, warnings = Dates(), []
    for m in items:
        label, year = m.group(1), int(m.group(2))
        month, day = int(m.group(3) or m.group(5)), int(m.group(4) or m.group(6))
        iso = roc_to_iso(year, month, day)
        if iso is None:
            warnings.append(f"bad date: {m.group().strip()} is not a valid date")
        elif label in _SUBMITTED:
            dates.submitted = dates.submitted or iso
        elif label in _ACCEPTED:
            dates.accepted = dates.accepted or iso
    return dates, warnings
