import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

# The default run is reproducible (the same examples on every machine, so CI does not flake);
# the slow stage explores fresh examples with the thorough profile.
settings.register_profile("default", max_examples=60, deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deadline", max_examples=200, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("blob", max_examples=400, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
