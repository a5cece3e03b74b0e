"""Display formatting. Rounding happens here and only here: rules compare exact values.

Percentages are truncated toward zero (not rounded half-up) so that a displayed value never
crosses a RECIST threshold the exact value did not cross: a change of -29.999 % (SD) shows as
``-29.99``, never as ``-30.00`` (which would read as PR).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

_ONE_DECIMAL = Decimal("0.1")
_TWO_DECIMALS = Decimal("0.01")


def _digits_needed(value: Decimal, decimals: int) -> int:
    """A precision that holds every digit of ``value`` and ``decimals`` more, whatever its
    exponent (a sum of 29-digit diameters is ``1.0E+29`` at the default 28 digits)."""
    exponent = value.as_tuple().exponent
    shift = abs(exponent) if isinstance(exponent, int) else 0
    return max(28, len(value.as_tuple().digits) + shift + decimals + 2)


def fmt_mm(value: Decimal | None) -> str:
    """Millimetres as recorded, with at least one decimal: ``36`` -> ``36.0``, ``70.01`` kept."""
    if value is None:
        return ""
    with localcontext() as context:  # every recorded digit, however many (never rounded)
        context.prec = _digits_needed(value, 1)
        normal = value.normalize()
        exponent = normal.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -1:
            return str(normal.quantize(_ONE_DECIMAL))
    return str(normal)


def fmt_pct(value: Decimal | None) -> str:
    """A percentage with two decimals, truncated toward zero (see module docstring)."""
    if value is None:
        return ""
    with localcontext() as context:
        context.prec = _digits_needed(value, 2)
        shown = value.quantize(_TWO_DECIMALS, rounding=ROUND_DOWN)
    if shown == 0:
        shown = abs(shown)  # never print "-0.00"
    return str(shown)


def fmt_signed_pct(value: Decimal) -> str:
    """A percentage with its sign, for reasons: ``+20.00 %``."""
    text = fmt_pct(value)
    return f"{text} %" if text.startswith("-") else f"+{text} %"


def fmt_signed_mm(value: Decimal) -> str:
    """A difference in millimetres with its sign, for reasons: ``+6.0 mm``."""
    text = fmt_mm(value)
    return f"{text} mm" if text.startswith("-") else f"+{text} mm"
