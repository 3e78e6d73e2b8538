"""The engine: the scenario as one Pyomo model built once, its persistent HiGHS solver, and the
search primitives every algorithm is written in (every change to the model undoes itself)."""
