"""What a caller passes, checked in one place: time limits, counts, lists of ids; and the helpers that
keep old names and old argument positions working for one release, with a DeprecationWarning.

The conventions (README, "Python API"): options after the first argument are keyword-only; a
search takes ``time_limit`` in seconds, where None and 0 both mean no limit (as ``--time-limit 0``
does on the command line), and a negative or non-numeric limit is an error; a count (``limit``,
``samples``, ``phases``, ``max_size``) is a whole number of at least 1.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from typing import Any, Callable, Iterable, Sequence, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
#: Worlds sampled by every uncertainty analysis, the report and ``bargaining robustness`` unless told otherwise.
SAMPLES = 1000


def seconds(value: Any, name: str = "time_limit") -> float | None:
    """A time limit: None (or 0, or infinity) for none, else a positive number of seconds."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds (None or 0: no limit), not {value!r}")
    value = float(value)
    if math.isnan(value) or value < 0:
        raise ValueError(f"{name} must be 0 (no limit) or more seconds, not {_plain(value)}")
    return None if value == 0 or math.isinf(value) else value


def whole(value: Any, name: str, minimum: int = 1) -> int:
    """A count: a whole number (not a bool, not 2.5, not "3") of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def ids(value: Any, name: str, known: Sequence[str], what: str = "party") -> list[str]:
    """A list of known ids (a single string is refused: it would be read letter by letter)."""
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of {what} ids, not a string; write {name}=[{value!r}]")
    if not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of {what} ids, not {value!r}")
    chosen = list(value)
    wrong = [x for x in chosen if not isinstance(x, str)]
    if wrong:
        raise TypeError(f"{name} must be a list of {what} ids, not a list holding {wrong[0]!r}")
    unknown = [x for x in chosen if x not in known]
    if unknown:
        raise ValueError(f"unknown {what} id(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def names(value: Any, name: str) -> list[str]:
    """A list of names (ids or kinds; a single string is refused: it would be read letter by letter)."""
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of names, not a string; write {name}=[{value!r}]")
    chosen = list(value) if isinstance(value, Iterable) else None
    if chosen is None or not all(isinstance(x, str) for x in chosen):
        raise TypeError(f"{name} must be a list of names (strings), not {value!r}")
    return chosen


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def warn(message: str, depth: int = 3) -> None:
    """A DeprecationWarning at the caller's line; every one says "next release" (the tests turn them into errors)."""
    if "next release" not in message:
        message += " (the old way goes in the next release)"
    warnings.warn(message, DeprecationWarning, stacklevel=depth)


def deprecated(message: str) -> Callable[[F], F]:
    """A name kept for one release: it still works, says what replaces it, and is marked ``__deprecated__``."""

    def wrap(function: F) -> F:
        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            warn(message)
            return function(*args, **kwargs)

        call.__deprecated__ = True  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap


def keyword_options(*old: str, first: int = 1, old_when: Callable[[tuple[Any, ...]], bool] | None = None) -> Callable[[F], F]:
    """The method's options are keyword-only; a call that still passes them by position (``old`` is the
    former order of the positional parameters) works for one release, with a DeprecationWarning.
    ``old_when(args)``: the positional arguments are all in the old order (a parameter moved)."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            moved = old_when is not None and old_when(args)
            if len(args) > first or moved:
                start = 0 if moved else first
                if len(args) > len(old):
                    raise TypeError(f"{method.__name__}() takes at most {len(old)} positional arguments")
                names = old[start:len(args)]
                for name, value in zip(names, args[start:]):
                    if name in kwargs:
                        raise TypeError(f"{method.__name__}() got {name} twice")
                    kwargs[name] = value
                args = args[:start]
                shown = ", ".join(f"{n}=..." for n in names)
                if moved:
                    warn(f"{method.__name__}(): the criterion first, then keywords: write {method.__name__}("
                         f"{'criterion, ' if 'criterion' in names else ''}{', '.join(f'{n}=...' for n in names if n != 'criterion')}); "
                         "the old order goes in the next release")
                else:
                    warn(f"{method.__name__}(): pass {shown} by keyword; options after the first argument are keyword-only "
                         "(positions go in the next release)")
            return method(self, *args, **kwargs)

        return call  # type: ignore[return-value]

    return wrap


def old_keywords(**handlers: Callable[[dict[str, Any], Any], str]) -> Callable[[F], F]:
    """Keyword options renamed or replaced: each old keyword still works for one release, with a
    DeprecationWarning; ``handler(kwargs, value)`` puts the new options into ``kwargs`` and returns the message."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            for name, handler in handlers.items():
                if name in kwargs:
                    warn(handler(kwargs, kwargs.pop(name)))
            return method(*args, **kwargs)

        return call  # type: ignore[return-value]

    return wrap


def renamed(new: str) -> Callable[[dict[str, Any], Any], str]:
    """An :func:`old_keywords` handler: the option has a new name."""

    def handle(kwargs: dict[str, Any], value: Any) -> str:
        kwargs[new] = value
        return f"{new}= is the option's name now (one spelling everywhere); the old name goes in the next release"

    return handle
