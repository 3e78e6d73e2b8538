"""``bargaining explore``: a live what-if page for working sessions (Dash).

The page loads a scenario and answers, as its controls change, the questions a working session
asks on the spot: is there a deal if Moscow's line is only a price, if Germany drops its fund
condition, if Kyiv's reservation falls by ten?  Each page (session) has its own model, built once
and changed in place for every variant (``BargainingSpace.what_if``); long analyses (the chance of a
deal, the report) run as background jobs in processes of their own.  The variant lives in the URL.

Modules: :mod:`.state` (controls <-> variant <-> URL), :mod:`.sessions` (one model per page),
:mod:`.answers` (the live answers), :mod:`.deal` (the chance of a deal: the function to switch to
the sensitivity analysis), :mod:`.jobs` (background jobs), :mod:`.layout` and :mod:`.view` (the
page), :mod:`.app` (callbacks and headers), :mod:`.server` (running it).  This package reads
results and calls the :class:`~bargaining.BargainingSpace` API; it never imports the engine.
"""

from .server import PortInUse, serve

__all__ = ["PortInUse", "create_app", "serve"]


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`bargaining.explore.app.create_app` (imported on use: Dash loads only when asked for)."""
    from .app import create_app as create

    return create(*args, **kwargs)
