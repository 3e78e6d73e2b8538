"""Old name of :mod:`bargaining.algorithms.questions`, kept until the branches merge."""

from .questions import best_gain, best_utility, exists, opens  # noqa: F401 -- old names, kept until the branches merge
