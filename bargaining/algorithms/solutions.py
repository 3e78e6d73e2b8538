"""Bargaining solutions: maxmin (egalitarian), utilitarian, Nash and Kalai-Smorodinsky.

All criteria work on gains g_p = utility_p - reservation_p of the *criteria parties* P
(the veto parties, or a coalition's members) over the acceptable packages:

* maxmin       maximise min_p g_p
* utilitarian  maximise sum_p utility_p
* nash         maximise prod_p g_p (over packages where every g_p > 0; if there is none,
               every package's product is 0 and the tie-break alone decides)
* kalai        maximise min_p g_p / G_p, where G_p = max g_p over acceptable packages
               (parties with G_p = 0 are left out: every package gives them nothing)

Ties are broken the same way for every criterion (:func:`.ranking.preferred`): the largest
sum of all parties' utilities, which makes every answer Pareto-optimal; packages still tied
after that are left to HiGHS (deterministic for a given scenario and HiGHS version).

:func:`best_package` searches the mixed-integer model; :func:`.ranking.criterion_value`
evaluates one package exactly, and is what the tests and the frontier's marks compare with.
The mathematics, with worked examples: docs/solutions.md.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable, Sequence

from ..engine.search import LEFT_OUT, Edit, Search
from ..errors import TimeLimitReached
from ..results import Criterion, Package, check_criterion
from .ranking import best_on_frontier, criterion_value, preferred

__all__ = ["best_on_frontier", "best_package", "criterion_value"]

#: Nash's outer approximation stops when its bound on log(product) is within this of the best package.
NASH_TOLERANCE = 1e-10
NASH_TOLERANCE_CONTINUOUS = 1e-7
#: With amounts in play, Nash's tie-break stops at a candidate that differs from the best only in its amounts and
#: whose product is within this (relative) of the best's: the tolerance of Nash's own search.
NASH_TIE_TOLERANCE = NASH_TOLERANCE_CONTINUOUS
#: At most this many rounds of tangents (then the best package found is returned, not proven optimal).
NASH_ROUNDS = 500


# --------------------------------------------------------------------------- search in the model

#: A criterion's search: (found?, its optimal package, accept, reject) -- ``accept`` tells whether
#: another package is optimal too (the tie-break's candidates), ``reject`` cuts one off (False: the
#: candidate is the package itself within the criterion's tolerance; the tie-break stops there).
Searched = tuple[bool, Package | None, Callable[[Package], bool], Callable[[Package], bool]]


def best_package(search: Search, criterion: Criterion, parties: Sequence[str]) -> Package | None:
    """The package the criterion chooses among all acceptable packages, or None if there is none.

    Its ``optimal`` is True only when every solve on the way proved its answer and the solver's
    word can be trusted for this scenario's numbers (:func:`~bargaining.engine.numerics.doubt`);
    otherwise ``reason`` (``caveat``) says why not.  A time limit after a package was found returns that
    package (not proven); before, :class:`TimeLimitReached`.
    """
    check_criterion(criterion)
    unproven, left_out = search.unproven, search.unverified
    package, settled = _best(search, criterion, parties)
    if settled is None:
        return None
    doubt = search.doubt()
    if doubt is not None:
        settled = _improve(search, criterion, parties, settled)
        return settled.with_(criterion=criterion, optimal=False, exact=False, method="mip",
                             caveat=f"not certified optimal: {doubt}")
    if search.unproven > unproven:
        return settled.with_(criterion=criterion, optimal=False, complete=False, method="mip",
                             caveat="not proven optimal: the time limit stopped the search; this is the best package found")
    if search.unverified > left_out:
        return settled.with_(criterion=criterion, optimal=False, complete=False, method="mip", caveat=f"not proven optimal: {LEFT_OUT}")
    if not settled.optimal or (package is not None and not package.optimal):
        return settled.with_(criterion=criterion, optimal=False, complete=False, method="mip",
                             caveat=f"not proven optimal: the search stopped after {NASH_ROUNDS} rounds; this is the best package found")
    return settled.with_(criterion=criterion, method="mip")


def _best(search: Search, criterion: Criterion, parties: Sequence[str]) -> tuple[Package | None, Package | None]:
    """The criterion's package, and the same after the tie-break (None: nothing acceptable)."""
    with search.changes() as edit:
        found, package, accept, reject = _SEARCHES[criterion](search, edit, parties)
        return package, (_settle(search, package, accept, reject) if found else None)


#: Packages :func:`_improve` asks the solver for, at most.
IMPROVE_ROUNDS = 30


def _improve(search: Search, criterion: Criterion, parties: Sequence[str], current: Package) -> Package:
    """When the solver's ranking is in doubt: ask it for any package strictly better than ``current``
    under the criterion, checked exactly (one it offers within its tolerance but not better is cut
    off), until it has none; then settle ties among packages as good as the best found.  Maxmin and
    utilitarian only.  This improves the answer; it cannot certify it."""
    if criterion not in ("maxmin", "utilitarian") or not parties:
        return current

    def value(x: Package) -> Fraction:
        return criterion_value(criterion, x.exact_gains, parties, utilities=x.exact_utilities)

    def at_least(edit: Edit, target: Fraction, strictly: bool) -> None:
        if criterion == "maxmin":
            for p in parties:
                edit.gain_at_least(p, search.step_above(p, target) if strictly else search.at_least(p, target))
        else:
            edit.row(search.total(parties) >= float(target + (search.granularity(parties) or Fraction(0) if strictly else 0)))

    improved = False
    with search.changes() as edit:
        for _ in range(IMPROVE_ROUNDS):
            with search.changes() as bound:
                at_least(bound, value(current), strictly=True)
                try:
                    offer = search.feasible()
                except TimeLimitReached:
                    offer = None
            if offer is None:
                break
            if value(offer) > value(current):
                current, improved = offer, True
            elif search.scenario.discrete_issues:
                edit.cut_off(offer.exact_choices)
            else:
                break
    if not improved:
        return current
    with search.changes() as edit:  # the tie-break among packages at least as good as the best found
        at_least(edit, value(current), strictly=False)
        try:
            settled = _best(search, criterion, parties)[1]
        except TimeLimitReached:
            settled = None
    return settled if settled is not None and value(settled) >= value(current) else current


def _solve(search: Search, objective: object, granularity: Fraction | None = None) -> Package | None:
    """Maximise; None when no package is acceptable; TimeLimitReached when time ran out with none found."""
    outcome, package = search.maximize(objective, granularity)
    if package is None and outcome.status == "time_limit":
        raise TimeLimitReached("stopped at the time limit before finding an acceptable package")
    return package


def _any(x: Package) -> bool:
    return True


def _nothing(x: Package) -> bool:
    return True


def _maxmin(search: Search, edit: Edit, parties: Sequence[str]) -> Searched:
    if not parties:
        return True, None, _any, _nothing
    package = _solve(search, search.smallest_gain(parties), search.granularity(parties, reservations=True))
    if package is None:
        return False, None, _any, _nothing
    hold_smallest_gain(search, edit, package, parties)
    return True, package, _any, _nothing


def hold_smallest_gain(search: Search, edit: Edit, package: Package, parties: Sequence[str]) -> None:
    """Maxmin's second stage: every criteria party gets at least the package's smallest gain (the tie-break then
    looks among those packages)."""
    floor = min(package.exact_gains[p] for p in parties)
    for p in parties:
        edit.gain_at_least(p, search.at_least(p, floor))


def _utilitarian(search: Search, edit: Edit, parties: Sequence[str]) -> Searched:
    package = _solve(search, search.total(parties), search.granularity(parties))
    if package is None:
        return False, None, _any, _nothing
    edit.row(search.total(parties) >= float(sum(package.exact_utilities[p] for p in parties)))
    return True, package, _any, _nothing


def _kalai(search: Search, edit: Edit, parties: Sequence[str]) -> Searched:
    ideal: dict[str, Fraction] = {}
    proven = True
    for p in parties:
        top = _solve(search, search.gain(p), search.granularity([p]))
        if top is None:
            return False, None, _any, _nothing
        ideal[p] = top.exact_gains[p]
        proven = proven and top.optimal
    counted = [p for p in parties if ideal[p] > 0]
    if not counted:
        return True, None, _any, _nothing
    for p in counted:
        edit.row(search.floor * float(ideal[p]) <= search.gain(p))
    package = _solve(search, search.floor)
    if package is None:
        return False, None, _any, _nothing
    share = min(package.exact_gains[p] / ideal[p] for p in counted)
    for p in counted:
        edit.gain_at_least(p, search.at_least(p, share * ideal[p]))
    return True, package if proven else package.with_(optimal=False), _any, _nothing


def _nash(search: Search, edit: Edit, parties: Sequence[str]) -> Searched:
    """Maximise the product of gains by outer approximation of log: tangent cuts refined until proven.

    log is concave, so every tangent ``log c + (g - c) / c`` lies above it; maximising the
    sum of per-party variables capped by tangents gives an upper bound on the best
    log-product.  Each round adds tangents at the gains of the package just found (making
    the bound exact there); the loop ends when the bound is within NASH_TOLERANCE of the
    best package's exact log-product.  Finitely many packages make it finite.
    """
    if not parties:
        return True, None, _any, _nothing
    positive = {p: search.step_above(p, Fraction(0)) for p in parties}
    cut_at: set[tuple[str, Fraction]] = set()

    def add_cuts(gains: dict[str, Fraction]) -> None:
        for p in parties:
            c = gains[p]
            if c > 0 and (p, c) not in cut_at:
                cut_at.add((p, c))
                # log_gain <= log c + (g - c) / c, multiplied by c: a gain's coefficient 1/c would fall
                # below HiGHS's smallest matrix value (1e-9, silently dropped) for gains above 1e9
                edit.row(float(c) * search.log_gain(p) <= float(c) * math.log(c) + search.gain(p) - float(c))

    def product(x: Package) -> Fraction:
        return criterion_value("nash", x.exact_gains, parties)

    best: Package | None = None
    with search.changes() as positive_gains:  # only while looking for a package where every gain is positive
        for p in parties:
            positive_gains.gain_at_least(p, positive[p])
            high = search.utility_range(p)[1] - search.scenario.party[p].reservation
            for k in range(7):  # a geometric grid of first tangents between the smallest and largest gain
                c = float(positive[p]) * (max(high, float(positive[p])) / float(positive[p])) ** (k / 6)
                add_cuts({q: (Fraction(c) if q == p else Fraction(0)) for q in parties})
        # With amounts in play the cutting planes converge only in the limit: stop within 1e-7.
        continuous = any(search.unit(p) is None for p in parties)
        tolerance = NASH_TOLERANCE_CONTINUOUS if continuous else NASH_TOLERANCE
        objective = sum(search.log_gain(p) for p in parties)  # (one expression: the solver is not handed it again each round)
        for _ in range(NASH_ROUNDS):
            outcome, package = search.maximize(objective)
            if package is None:
                if outcome.status == "time_limit" and best is None:
                    raise TimeLimitReached("stopped at the time limit while searching for the Nash point")
                if outcome.status == "time_limit":  # stopped before the bound was proven
                    best = best.with_(optimal=False)  # type: ignore[union-attr]
                break
            if best is None or product(package) > product(best):
                best = package
            if outcome.status != "optimal" or outcome.objective is None:
                best = best.with_(optimal=False)
                break
            if outcome.objective <= math.log(product(best)) + tolerance * max(1.0, abs(outcome.objective)):
                break
            cuts = len(cut_at)
            add_cuts(package.exact_gains)
            if continuous:  # also where the solver stood, before amounts were read exactly
                solved = search.values([search.gain(p) for p in parties])
                add_cuts({p: Fraction(v) for p, v in zip(parties, solved)})
            if len(cut_at) == cuts:  # no new tangent: the solver sits on its old cuts (within its tolerance),
                best = best.with_(optimal=False)  # so later rounds would repeat this one; not proven
                break
        else:
            best = best.with_(optimal=False) if best is not None else None
    if best is None:  # no package gives every party a positive gain: every product is 0
        return True, None, _any, _nothing
    for p in parties:  # the tie-break searches among packages at least as good, all with positive gains
        edit.gain_at_least(p, positive[p])
    target = product(best)
    edit.row(sum(search.log_gain(p) for p in parties) >= math.log(target) - NASH_TOLERANCE * max(1.0, abs(math.log(target))))
    amounts = {i.id for i in search.scenario.continuous_issues}
    within = target - target * Fraction(NASH_TIE_TOLERANCE)

    def reject(x: Package) -> bool:
        """Cut the candidate off; but with amounts in play, a candidate that differs from the best only in its amounts,
        with a product within the continuous tolerance of the best's, is the best as far as the search above could tell:
        cutting it off would only walk the amounts' last digits (ten parties: 9 solves, 145 ms, for the same answer)."""
        if continuous and product(x) >= within and all(x.choices[i] == best.choices[i] for i in x.choices if i not in amounts):
            return False
        add_cuts(x.exact_gains)
        return True

    return True, best, (lambda x: product(x) >= target), reject


_SEARCHES: dict[str, Callable[[Search, Edit, Sequence[str]], Searched]] = {
    "maxmin": _maxmin, "utilitarian": _utilitarian, "kalai": _kalai, "nash": _nash,
}


def _settle(search: Search, package: Package | None, accept: Callable[[Package], bool],
            reject: Callable[[Package], bool]) -> Package | None:
    """Break ties among the criterion's optimal packages: the largest total utility of all parties.

    This makes the answer Pareto-optimal (every criterion here is monotone in gains, so a
    package dominating an optimal one is optimal too, with a larger total).  Packages still
    tied after that are left to HiGHS, which is deterministic for a given scenario.
    """
    everyone = search.scenario.party_ids
    seen: set[tuple[Any, ...]] = set()
    for _ in range(NASH_ROUNDS):  # (a bound, as every loop that re-checks answers has: Nash's cuts converge long before)
        try:
            candidate = _solve(search, search.total(everyone), search.granularity(everyone))
        except TimeLimitReached:
            if package is None:
                raise
            return package  # the criterion's package, not tie-broken (best_package marks it not proven)
        if candidate is None or candidate.key() in seen:
            return package  # nothing better, or a tolerance loop: keep what we have
        if accept(candidate):
            return preferred(candidate, package)
        seen.add(candidate.key())
        if not reject(candidate):
            return package  # the package itself, within the criterion's tolerance (Nash with amounts)
    return None if package is None else package.with_(optimal=False)
