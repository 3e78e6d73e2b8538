"""Plain-text renderings for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..results import DealProbability, Package, RobustPackage, number, share_text
from ..scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


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


def render_robustness(scenario: Scenario, deal: DealProbability, table: "pd.DataFrame", robust: RobustPackage | None,
                      voi: "pd.DataFrame", chance: bool = True) -> str:
    """``bargaining robustness``: the chance of a deal, each package's robustness, the most robust
    package, and the value of information, ranked.  ``chance=False`` leaves the sampled chance of a deal
    out (when it was computed exactly and printed before)."""
    label = {p.id: p.label for p in scenario.parties}
    lines = [f"{scenario.name}: {deal.samples:,} sampled worlds (seed {deal.seed})", ""]
    if not (any(r.real is not None for r in scenario.red_lines)
            or any(p.reservation_range or p.points_spread for p in scenario.parties)):
        lines += ["This scenario has no uncertainty fields (real, reservation_range, points_spread): every world is the stated one.", ""]
    low, high = deal.interval
    if chance:
        lines.append(f"Chance of a deal: {deal.probability:.1%} (95% interval {low:.1%} to {high:.1%}): "
                     f"some package is acceptable in {deal.deals:,} of {deal.samples:,} worlds")
    summary = deal.summary()
    if len(summary):
        lines.append("Maxmin gains where there is a deal (median; 5th to 95th percentile):")
        lines += [f"  {label[r.party]}: {number(r.p50, sign=True)} ({number(r.p5, sign=True)} to {number(r.p95, sign=True)})"
                  for r in summary.itertuples()]
    lines += ["", "How often each package is acceptable (95% interval), and what blocks it most often:"]
    width = max([len(str(x)) for x in table["package"]] + [7]) if len(table) else 7
    for r in table.to_dict("records"):
        blocked = f"  blocked most by {r['blocked most by']} ({r['blocked share']:.1%} of worlds)" if r["blocked most by"] else ""
        lines.append(f"  {r['package']:<{width}}  {share_text(r['share'], (r['low'], r['high']))}{blocked}")
    lines.append("")
    if robust is None:
        lines.append("Most robust package: none; no package is acceptable in any sampled world.")
    else:
        status = "" if robust.optimal else f" (time limit: best found; no package wins more than {robust.bound:,})"
        lines.append(f"Most robust package: acceptable in {robust.wins:,} of {robust.samples:,} worlds, "
                     f"{share_text(robust.share, robust.interval)}{status}")
        lines += [f"  {i.label}: {robust.label(i.id)}" for i in scenario.issues]
        lines.append("  stated-world gains: " + ", ".join(f"{label[p]} {number(g, sign=True)}" for p, g in robust.gains.items()))
    if len(voi):
        lines += ["", "What learning each uncertainty would be worth (ask the first one first; tied questions share a rank):"]
        for k, r in enumerate(voi.to_dict("records"), 1):
            tie = f" (tied with {r['tied with']})" if r.get("tied with") else ""
            lines.append(f"  {r.get('rank', k)}. {r['label']} [{r['question']}]{tie}: yes ({r['yes means']}) in {r['p yes']:.0%} of worlds; "
                         f"deal {_pct(r['deal if yes'])} if yes, {_pct(r['deal if no'])} if no; knowing it raises the chosen "
                         f"package's acceptance from {r['robust now']:.1%} by {100 * r['rise']:.1f} points")
    return "\n".join(lines)


def _pct(value: float) -> str:
    return "n/a" if value != value else f"{value:.0%}"
