"""SDTM ``--DTC`` values (ISO 8601, possibly partial) and the imputation of partial dates.

SDTMIG v3.4 section 4.4.2: a date may be given to the year (``2014``) or the month
(``2014-02``) only. Imputation follows admiral's ``impute_dtc_dt()`` (``date_imputation``
``first``, ``mid``, ``last``): a missing day becomes the first, the 15th or the last day of the
month; a missing month and day become 01-01, 06-30 or 12-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from recist.io.table import FieldError

_DTC = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.+\-Z]*)?$")


class Imputation(StrEnum):
    """Where a partial date is put within its month (or year)."""

    FIRST = "first"
    MIDDLE = "middle"
    LAST = "last"


@dataclass(frozen=True, slots=True)
class SdtmDate:
    """A ``--DTC`` as a calendar date; ``imputed`` when the day (or month) was imputed."""

    date: dt.date
    imputed: bool
    text: str

    @property
    def flag(self) -> str:
        """ADaM's ``--DTF`` date imputation flag: ``D`` (day), ``M`` (month and day) or empty."""
        if not self.imputed:
            return ""
        return "D" if len(self.text) >= 7 else "M"


def parse_dtc(text: str, imputation: Imputation | None) -> SdtmDate:
    """Parse an ISO 8601 ``--DTC``; a partial date needs an ``imputation``."""
    match = _DTC.match(text)
    if match is None:
        raise FieldError(
            f"'{text}' is not an ISO 8601 date; write it as YYYY-MM-DD (or YYYY-MM, YYYY)"
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if (month is None or day is None) and "T" in text:
        raise FieldError(f"'{text}' has a time but no full date")
    if month is not None and day is not None:
        try:
            return SdtmDate(dt.date(year, month, day), False, text)
        except ValueError:
            raise FieldError(f"'{text}' is not a calendar date") from None
    if month is not None and not 1 <= month <= 12:
        raise FieldError(f"'{text}' is not a calendar month")
    if imputation is None:
        raise FieldError(
            f"'{text}' is a partial date; complete it, or give --impute-dates first|middle|last "
            "to impute the missing day (or month and day)"
        )
    if month is None:
        month, day = {
            Imputation.FIRST: (1, 1),
            Imputation.MIDDLE: (6, 30),
            Imputation.LAST: (12, 31),
        }[imputation]
    else:
        last = calendar.monthrange(year, month)[1]
        day = {Imputation.FIRST: 1, Imputation.MIDDLE: 15, Imputation.LAST: last}[imputation]
    return SdtmDate(dt.date(year, month, day), True, text)
