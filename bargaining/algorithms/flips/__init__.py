"""The parts of break-even analysis (:mod:`bargaining.algorithms.break_even`): the numbers that can move
(:mod:`.inputs`), the findings (:mod:`.findings`), where an existence finding flips (:mod:`.existence`),
where a best package stops being best (:mod:`.walk`), and the engine's answer at a given value
(:mod:`.verify`).  The mathematics: docs/break-even.md."""
