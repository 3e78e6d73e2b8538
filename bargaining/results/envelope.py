"""The envelope every result object carries: how it was found, and how far it can be trusted.

Every public method of :class:`~bargaining.BargainingSpace` returns a frozen result object that
derives from :class:`Result`.  Its provenance fields mean the same everywhere:

``complete``
    Nothing was cut short: no time limit, row limit or size cap stopped the work.  False: the
    object holds what was found before it stopped, and ``reason`` says what stopped it.
``exact``
    The numbers are exact (rational arithmetic, enumeration or the exact programme, each answer
    re-checked).  False: something is approximate -- sampled worlds, a grid on a continuous
    axis, or a solver answer that could not be certified -- and ``reason`` says what.
``method``
    What answered: "dp" (the exact dynamic programme over the issues), "mip" (the mixed-integer
    model and HiGHS), "evaluation" (exact evaluation of given packages, no search), "sampling"
    (sampled worlds), or several joined by "+" ("dp+mip": the programme where it applied, the
    model for the rest).  The same words as the ``method=`` option of ``frontier()`` and
    ``bargaining frontier --method``.
``reason``
    Why that method ran, or what is approximate or cut short ("" when there is nothing to say).
``seconds``
    Wall-clock seconds the work took.

A result also gives ``.to_frame()`` (a pandas DataFrame), a one-line ``repr`` and
``_repr_html_`` for notebooks.  Numbers in them are floats; the exact values (Fractions) are under
``exact_`` names (``utilities`` / ``exact_utilities``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, overload


@dataclass(frozen=True, kw_only=True)
class Result:
    """The provenance fields shared by every result object (keyword-only, so subclasses keep their
    own positional fields)."""

    # how a result was found is not what it is: two equal packages found two ways compare equal
    complete: bool = field(default=True, compare=False)
    exact: bool = field(default=True, compare=False)
    method: str = field(default="", compare=False)
    reason: str = field(default="", compare=False)
    seconds: float = field(default=0.0, compare=False)

    def provenance(self) -> dict[str, Any]:
        """The envelope as plain data (for JSON and tables)."""
        return {"complete": self.complete, "exact": self.exact, "method": self.method, "reason": self.reason,
                "seconds": self.seconds}

    def stamped(self, **changes: Any) -> Any:
        """A copy with some provenance fields changed (``seconds``, ``complete``, ``reason``, ...); values
        already computed on first use (cached properties) are kept."""
        from dataclasses import fields, replace

        copy = replace(self, **changes)
        own = {f.name for f in fields(self)}
        for name, value in vars(self).items():
            if name not in own:
                copy.__dict__.setdefault(name, value)
        return copy


class FrameCompat:
    """For one release: a result object that replaced a DataFrame still answers the DataFrame's names
    (``frontier["seller"]``, ``table.iloc``, ``len(table.columns)``), each through ``.to_frame()`` and with a
    DeprecationWarning saying so."""

    def to_frame(self) -> Any:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        import pandas as pd

        if name.startswith("_") or not hasattr(pd.DataFrame, name):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        _table_warning(type(self).__name__, f".{name}")
        return getattr(self.to_frame(), name)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int) and hasattr(self, "items"):
            return self.items[key]
        _table_warning(type(self).__name__, f"[{key!r}]")
        return self.to_frame()[key]


def _table_warning(kind: str, what: str) -> None:
    import warnings

    warnings.warn(f"this method returns a {kind} object now, not a DataFrame; {what} reads its table: write "
                  f".to_frame(){what} (the DataFrame names on the object go in the next release)",
                  DeprecationWarning, stacklevel=3)


class FloatOf:
    """The float reading of an exact field, by the one convention (``x`` is ``float(exact_x)``): a class attribute
    ``low = FloatOf("exact_low", "The low end of the range.")``."""

    def __init__(self, exact: str, doc: str = "") -> None:
        self.exact = exact
        self.__doc__ = doc or f"``{exact}`` as a float."

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> FloatOf: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> float: ...
    def __get__(self, obj: object, owner: type | None = None) -> float | FloatOf:
        return self if obj is None else float(getattr(obj, self.exact))


class FloatOrNoneOf:
    """:class:`FloatOf` for an exact field that may be None (then so is its reading)."""

    def __init__(self, exact: str, doc: str = "") -> None:
        self.exact = exact
        self.__doc__ = doc or f"``{exact}`` as a float (None when it is None)."

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> FloatOrNoneOf: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> float | None: ...
    def __get__(self, obj: object, owner: type | None = None) -> float | None | FloatOrNoneOf:
        if obj is None:
            return self
        value = getattr(obj, self.exact)
        return None if value is None else float(value)
