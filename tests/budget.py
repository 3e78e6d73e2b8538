"""How many examples a property test with its own count runs under the loaded hypothesis profile."""

from hypothesis import settings


def examples(n: int) -> int:
    """``n``, or proportionally fewer when the profile asks for fewer than the default's 60 (the mutation
    profile: every mutant reruns the tests); never more (the thorough profile leaves explicit counts alone)."""
    return max(5, min(n, n * settings().max_examples // 60))
