"""Plain-text renderings for the terminal."""

from __future__ import annotations

from ..results import Package
from ..scenario import Scenario


def render_package(scenario: Scenario, package: Package) -> str:
    """A plain-text table: each issue's choice, then each party's utility, reservation and gain."""
    status = "" if package.optimal else f"  ({package.caveat or 'stopped at the time limit: best found, not proven optimal'})"
    lines = [f"{scenario.name}: the {package.criterion} package{status}", ""]
    table = package.table(scenario)
    width = max(len(str(x)) for x in table["issue"])
    lines += [f"  {issue:<{width}}  {meaning}" for issue, meaning in zip(table["issue"], table["meaning"])]
    lines += ["", f"  {'party':<{width}}  {'utility':>9}  {'reservation':>11}  {'gain':>9}"]
    for party in scenario.parties:
        utility, gain = package.utilities[party.id], package.gains[party.id]
        mark = "" if party.id in package.signers else "  (stays out)"
        lines.append(f"  {party.label:<{width}}  {utility:>9.4g}  {party.reservation:>11.4g}  {gain:>+9.4g}{mark}")
    return "\n".join(lines)
