"""CSV exports: UTF-8 with a byte-order mark, headers in the reader's language, streamed.

A spreadsheet opens them with the Chinese intact (the BOM tells Excel the
encoding); every moment is ISO 8601 with its offset, in the reader's time
zone; rows are read from the database in chunks and written as they come,
so an export of any size holds only one chunk in memory.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.bilingual import normalise, other
from apps.core.money import format_money

BOM = "\ufeff"
#: Rows read from the database at a time.
CHUNK = 2000


class _Echo:
    """A file that hands back what is written to it: ``csv.writer`` then yields lines."""

    def write(self, value: str) -> str:
        return value


def moment(value: datetime | None) -> str:
    """ISO 8601 with the offset, in the reader's time zone: ``2025-03-10T17:00:00+08:00``."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def in_language(row: dict, name: str, language: str) -> str:
    """A text of a row of ``values()`` in ``language``, else in the other one."""
    wanted = normalise(language)
    suffix = {"en": "en", "zh-hans": "zh_hans"}
    return (row.get(f"{name}_{suffix[wanted]}") or "").strip() or (
        row.get(f"{name}_{suffix[other(wanted)]}") or ""
    ).strip()


def amount(value, currency: str) -> str:
    return "" if value is None else format_money(value, currency or "CNY")


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """The CSV download: the BOM, the header, then each row as it is produced."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
