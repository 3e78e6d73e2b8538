"""A red line with some of its atoms taken as constants: the rows break-even analysis adds for a threshold.

When the threshold of one atom of a red line moves (``fund: {at_most: 90}`` -> ``at_most: t``), the
line holds for a package exactly as it would with that atom true (the amount is within the new
bound) or false.  So the analysis waives the line and adds it back twice over, once with the atom
taken as true and once as false, each time with the amount bounded by a plain row (see
docs/break-even.md).  The rows here are the model's own rows of the line (:func:`.model.red_line_rows`)
with the named atoms replaced by 0 or 1; they bind whether or not the line's party takes part (the
caller fixes the party's participation).
"""

from __future__ import annotations

from typing import Any, Mapping

from .model import red_line_rows


def variant_rows(edit: Any, index: int, atoms: Mapping[tuple[str, Any], bool]) -> bool:
    """Add the rows of red line ``index`` with the atoms in ``atoms`` ((issue id, want) -> truth) as constants.

    ``edit`` is the :class:`~.search.Edit` in force (its rows go when it ends).  Returns False (and adds
    nothing) when the line cannot hold at all with those constants."""
    model = edit.search.model
    red_line = model.scenario.red_lines[index]

    def indicator(issue_id: str, want: Any) -> Any:
        for (issue, wanted), truth in atoms.items():
            if issue == issue_id and wanted == want:
                return 1 if truth else 0
        return model.indicator(issue_id, want)

    rows = red_line_rows(red_line, indicator)
    if any(isinstance(expr, (int, float)) and expr < rhs for expr, rhs in rows):
        return False
    for expr, rhs in rows:
        if not isinstance(expr, (int, float)):
            edit.row(expr >= rhs)
    return True
