"""How many examples a property test with its own count runs under the loaded hypothesis profile, and the
one time bound tests may assert: a hang guard.

Speed is measured in benchmarks/, never asserted here: a test that times something asserts only that it
ended within :data:`HANG_GUARD` seconds more than it is allowed (a loaded machine takes many times longer
than a quiet one, and a hang takes forever), and says so in its message.
"""

from hypothesis import settings

#: Seconds beyond what a step is allowed (its time limit, or nothing) after which it is taken to hang.
HANG_GUARD = 60.0


def examples(n: int) -> int:
    """``n`` under a profile of 60 examples or more (the slow stage's "fresh"), proportionally fewer under one that asks
    for fewer (the default run's 30; the mutation profile's 20, where every mutant reruns the tests); never more (the
    thorough profile leaves explicit counts alone)."""
    return max(5, min(n, n * settings().max_examples // 60))
