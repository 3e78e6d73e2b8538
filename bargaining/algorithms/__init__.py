"""One module per question, each a function of the engine's :class:`~bargaining.engine.search.Search`
returning a result object: solutions, frontier, acceptable, diagnose, coalitions, leverage, phasing."""
