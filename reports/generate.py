"""Write the HTML report of every scenario in data/ into reports/out/.

    python reports/generate.py                      # every data/*.yaml
    python reports/generate.py --out /tmp/reports --time-limit 20
    python reports/generate.py data/logrolling.yaml # only these files

Prints each report's path, size and the time it took.  A scenario that fails (a bad file, a
solver error) is reported with its error and skipped; the others are still written, and the
exit code is then 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="scenario files (default: every data/*.yaml)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "out", metavar="DIR", help="output folder (default: reports/out)")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS", help="time limit of each frontier search (default: 60)")
    parser.add_argument("--traceback", action="store_true", help="print the full traceback of a failure")
    args = parser.parse_args(argv)

    from bargaining import BargainingSpace, Scenario, write_report

    files = args.files or sorted((ROOT / "data").glob("*.yaml"))
    if not files:
        print(f"error: no scenario files in {ROOT / 'data'}", file=sys.stderr)
        return 2
    failed: list[str] = []
    for file in files:
        start = time.perf_counter()
        target = args.out / f"{file.stem}.html"
        try:
            scenario = Scenario.from_file(file)
            path = write_report(BargainingSpace(scenario, progress=False), target, time_limit=args.time_limit)
        except Exception as error:  # keep going: one bad scenario must not stop the others
            failed.append(str(file))
            print(f"FAILED  {_shown(file)}: {type(error).__name__}: {error}", file=sys.stderr)
            if args.traceback:
                traceback.print_exc()
            continue
        size = path.stat().st_size
        shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
        print(f"{_shown(path)}  {shown}  {time.perf_counter() - start:.1f} s", flush=True)
    if failed:
        print(f"error: {len(failed)} of {len(files)} scenario(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
