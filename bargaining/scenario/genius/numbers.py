"""Numbers in Genius files, read with the grammar Genius's Java code uses, exactly and in bounded time.

Genius reads a weight, an evaluation, a slope, an offset, a reservation value or a discount
factor with ``Double.valueOf`` / ``Double.parseDouble``, and an index or a bound with
``Integer.valueOf``.  So a number here is what those accept:

* a double: optional sign, then ``NaN``, ``Infinity``, a decimal (``1``, ``1.``, ``.5``,
  ``2.5e-3``) or a hexadecimal floating-point literal (``0x1.8p1``), optionally followed by
  one of the type suffixes ``f F d D``; surrounding white space is ignored.  ``1/3``, ``1_0``,
  ``1,5`` and ``0.5%`` are not numbers to Genius, and are refused here;
* an integer: optional sign and decimal digits, nothing else (no white space, no ``1.0``),
  within Java's ``int`` range.

A decimal is read as the exact rational it writes (0.1 is 1/10, not the nearest double), and
the exponent is checked before anything is expanded: ``1e100000000`` would take minutes and
gigabytes to expand, and Genius reads it as infinity anyway.  Every result is finite: a value
beyond the largest double (Genius: infinity), ``NaN`` and ``Infinity`` are refused, and so is
a nonzero value below the smallest double (Genius: 0), each with the reason.
"""

from __future__ import annotations

import re
import sys
from fractions import Fraction

__all__ = ["GeniusNumberError", "java_double", "java_int"]

_DECIMAL = re.compile(r"([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?[fFdD]?")
_HEX = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?")
_INT = re.compile(r"[+-]?\d+")
_SPECIAL = re.compile(r"[+-]?(?:NaN|Infinity)[fFdD]?")
#: The largest finite double, and half the smallest positive one (below it Java's Double.valueOf gives 0).
_LARGEST = Fraction(sys.float_info.max)
_TINIEST = Fraction(1, 2**1075)
#: A double needs at most 767 significant digits to be written exactly; more are refused rather than expanded.
MAX_DIGITS = 800
JAVA_INT = (-(2**31), 2**31 - 1)


class GeniusNumberError(ValueError):
    """A text Genius would not read as a number, or reads as a number this import cannot use; the message says why."""


def java_double(text: str) -> Fraction:
    """The exact value of ``text`` as Genius's ``Double.valueOf`` reads it (finite, or an error saying why)."""
    stripped = text.strip(" \t\n\r\x0b\x0c\x00")  # String.trim(): every character up to U+0020
    if _SPECIAL.fullmatch(stripped):
        raise GeniusNumberError("is not a finite number (Genius reads NaN and Infinity, but no utility can be computed from them)")
    if _HEX.fullmatch(stripped):
        try:
            return Fraction(float.fromhex(stripped.rstrip("fFdD")))
        except OverflowError:
            raise GeniusNumberError("is beyond the largest double (Genius reads it as infinity)") from None
    match = _DECIMAL.fullmatch(stripped)
    if not match:
        raise GeniusNumberError("is not a number Genius reads (write a decimal such as 0.25 or 2.5e-3)")
    sign, whole, fraction, only_fraction, exponent = match.groups()
    digits = (whole or "") + (fraction if whole is not None else only_fraction)
    scale = -len(fraction if whole is not None else only_fraction)
    significant = digits.lstrip("0")
    if not significant:
        return Fraction(0)
    if len(significant) > MAX_DIGITS:
        raise GeniusNumberError(f"has {len(significant):,} significant digits; no double holds more than 767, write fewer")
    power = scale + _exponent(exponent)
    magnitude = len(significant) + power  # the value lies in [10**(magnitude - 1), 10**magnitude)
    if magnitude > 310:
        raise GeniusNumberError("is beyond the largest double (Genius reads it as infinity); write a smaller number")
    if magnitude < -330:
        raise GeniusNumberError("is below the smallest double (Genius reads it as 0); write 0")
    mantissa = int(significant)
    value = Fraction(mantissa * 10**power) if power >= 0 else Fraction(mantissa, 10**-power)
    if value > _LARGEST:
        raise GeniusNumberError("is beyond the largest double (Genius reads it as infinity); write a smaller number")
    if value < _TINIEST:
        raise GeniusNumberError("is below the smallest double (Genius reads it as 0); write 0")
    return -value if sign == "-" else value


def _exponent(text: str | None) -> int:
    """The decimal exponent, clamped far beyond any double so that a 10,000-digit exponent is not converted."""
    if not text:
        return 0
    negative = text.startswith("-")
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 6:
        return -10**7 if negative else 10**7
    return -int(digits) if negative else int(digits)


def java_int(text: str) -> int:
    """``text`` as Genius's ``Integer.valueOf`` reads it: sign and digits only, within Java's int range."""
    if not _INT.fullmatch(text):
        if _INT.fullmatch(text.strip()):
            raise GeniusNumberError("has spaces around it, which Genius does not accept in a whole number; remove them")
        raise GeniusNumberError("is not a whole number Genius reads (digits only, such as 3 or -2)")
    if len(text.lstrip("+-").lstrip("0")) > 10:
        raise GeniusNumberError(f"is outside the range of Genius's whole numbers ({JAVA_INT[0]:,} to {JAVA_INT[1]:,})")
    value = int(text)
    if not JAVA_INT[0] <= value <= JAVA_INT[1]:
        raise GeniusNumberError(f"is outside the range of Genius's whole numbers ({JAVA_INT[0]:,} to {JAVA_INT[1]:,})")
    return value
