"""Genius import benchmark: reading a domain and two profiles grows linearly with the number of values.

    python benchmarks/genius_import.py                 # 5,000 to 80,000 values of one discrete issue
    python benchmarks/genius_import.py --sizes 1000 20000

For each size N, a domain with one discrete issue of N values and two profiles evaluating every
value are written to a temporary folder, then read (``_read_domain``, ``_read_profile``) and
turned into exact points (``genius_points``): the part of ``Scenario.from_genius`` whose cost
depends on the XML (the scenario check that follows is the loader's and is benchmarked with it).
Best of three runs; ``ratio`` is the time over the previous size's, to be compared with the size
ratio (2 for linear growth, 4 for quadratic).  Before the rewrite (membership tests on lists, a
set rebuilt per value) 20,000 values took 7.4 s here and about 25 s on a loaded machine.  The
1-minute load average is printed first: on two cores, above ~1 means other work shared the machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bargaining.scenario.genius import files, genius_points


def write_case(folder: Path, n: int) -> tuple[Path, list[Path]]:
    items = "".join(f'<item index="{k + 1}" value="value {k}"/>\n' for k in range(n))
    domain = folder / f"domain_{n}.xml"
    domain.write_text(f'<negotiation_template><utility_space><objective index="0" name="r"><issue index="1" name="I" type="discrete">\n'
                      f"{items}</issue></objective></utility_space></negotiation_template>\n")
    profiles = []
    for p in (1, 2):
        evaluations = "".join(f'<item value="value {k}" evaluation="{(k * (p + 6)) % 97 + 1}"/>\n' for k in range(n))
        path = folder / f"profile{p}_{n}.xml"
        path.write_text(f'<utility_space><objective index="0"><issue index="1" name="I" type="discrete">\n{evaluations}</issue>'
                        '<weight index="1" value="1"/></objective></utility_space>\n')
        profiles.append(path)
    return domain, profiles


def read(domain: Path, profiles: list[Path]) -> float:
    start = time.perf_counter()
    parsed = files._read_domain(domain)
    for profile in profiles:
        genius_points(parsed, files._read_profile(profile, parsed))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000, 20_000, 40_000, 80_000])
    args = parser.parse_args()
    print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
    print(f"{'values':>8}  {'seconds':>8}  {'ratio':>6}  {'size ratio':>10}")
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            domain, profiles = write_case(Path(folder), n)
            seconds = min(read(domain, profiles) for _ in range(3))
            ratio = f"{seconds / previous[1]:6.2f}" if previous else "     -"
            size = f"{n / previous[0]:10.2f}" if previous else "         -"
            print(f"{n:>8,}  {seconds:8.3f}  {ratio}  {size}")
            previous = (n, seconds)


if __name__ == "__main__":
    main()
