import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

sys.path.insert(0, str(Path(__file__).parent))

from browser_summary import pytest_terminal_summary  # noqa: E402,F401  (a loud line when the browser tests were skipped)

# The default run is reproducible (the same examples on every machine, so CI does not flake) and quick: 30 examples
# per property test where a test sets no count (tests/budget.py's examples(n) scales explicit counts the same way);
# .ci/run's slow stage then runs every property test again on 60 fresh examples ("fresh").
settings.register_profile("default", max_examples=30, deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# .ci/run's slow stage: every slow test, and every property test again on fresh random examples (not the default
# run's fixed ones); the plain tests the default run already ran are left out (see pytest_collection_modifyitems).
settings.register_profile("fresh", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deadline", max_examples=200, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("blob", max_examples=400, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
# tools/mutation.py: the same examples in every run (a mutant is killed or not, never by luck), no shrinking
settings.register_profile("mutation", max_examples=20, deadline=None, derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: Under the mutation profile, tests run fastest-and-strictest first, so that a mutant dies early.
MUTATION_ORDER = ["test_layers", "test_evaluator_details", "test_model_amounts", "test_solutions", "test_real_points", "test_frontier_dp","test_diagnosis_oracle",
                  "test_time_limits", "test_phasing_continuous", "test_frontier", "test_diagnose", "test_phasing",
                  "test_report_values", "test_cli_exit_codes", "test_continuous", "test_cases"]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("HYPOTHESIS_PROFILE") == "fresh":  # the slow stage: slow tests and property tests only
        keep = [item for item in items if item.get_closest_marker("slow") is not None
                or getattr(getattr(item, "obj", None), "is_hypothesis_test", False)]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
        return
    if os.environ.get("HYPOTHESIS_PROFILE") != "mutation":
        return
    rank = {name: k for k, name in enumerate(MUTATION_ORDER)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).stem, len(rank)))
