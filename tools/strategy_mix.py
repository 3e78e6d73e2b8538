"""Print the mix of the hypothesis scenario strategies: closed / one / several acceptable
packages, and how often each bargaining criterion faces a real choice.

    PYTHONPATH=. python tools/strategy_mix.py [examples]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from mix import measure, show  # noqa: E402
from strategies import scenarios  # noqa: E402


def main() -> None:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    for name, strategy in [
        ("scenarios()", scenarios()),
        ("scenarios(optional_parties=True, controlled=True)", scenarios(optional_parties=True, controlled=True)),
        ("scenarios(max_parties=3)", scenarios(max_parties=3)),
    ]:
        show(name, measure(strategy, examples))


if __name__ == "__main__":
    main()
