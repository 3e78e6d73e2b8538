"""``bargaining import-genius``: a Genius/ANAC domain and its profiles as a scenario file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..files import write_atomic
from ..scenario import Problem, Scenario, ScenarioError


def add_parser(subcommands: Any) -> None:
    genius = subcommands.add_parser("import-genius", help="read a Genius/ANAC domain and its linear-additive profiles into a scenario file",
                                    description="read a Genius/ANAC domain and its linear-additive profiles into a scenario file (format 1)")
    genius.add_argument("domain", metavar="DOMAIN.xml", help="the Genius domain file")
    genius.add_argument("profiles", metavar="PROFILE.xml", nargs="+", help="one utility profile per party (party id: the file's stem)")
    genius.add_argument("-o", "--output", required=True, metavar="OUT.yaml", help="the scenario to write (.json for JSON)")
    genius.add_argument("--reservation", action="append", default=[], metavar="PARTY=VALUE", help="override a party's reservation (repeatable)")
    genius.add_argument("--name", help="the scenario's name (default: the domain file's stem)")
    genius.add_argument("--over-one", choices=["warn", "error"], default="warn", metavar="MODE",
                        help="a profile whose largest total exceeds 1 (Genius caps it): warn, or error to refuse it (default: warn)")
    genius.set_defaults(run=import_genius)


def import_genius(args: argparse.Namespace) -> int:
    """``bargaining import-genius``: read, convert, write the output atomically (YAML, or JSON for .json).

    ``--reservation PARTY=VALUE`` overrides; warnings are printed as ``warning: ...`` lines; an
    input file is never overwritten.
    """
    import warnings

    from ..scenario.genius import GeniusWarning, reservation_value

    domain, profiles, output, stderr = args.domain, args.profiles, args.output, sys.stderr
    out = Path(output)
    for given in [domain, *profiles]:
        if _resolved(given) == _resolved(out):
            raise ScenarioError(output, [Problem((), f"is an input file ({given}); write the scenario to another path")])
    if not _resolved(out).parent.is_dir():
        raise ScenarioError(output, [Problem((), f"no such folder {out.parent}; create it or choose another output path")])
    overrides: dict[str, str] = {}
    for text in args.reservation:
        party, sep, value = text.partition("=")
        if not sep or not party.strip() or not value.strip():
            raise ScenarioError("--reservation", [Problem((), f"'{text}' is not PARTY=VALUE (e.g. --reservation itex=0.3)")])
        try:
            reservation_value(value.strip())
        except ValueError as error:
            raise ScenarioError("--reservation", [Problem((), f"{text}: {error}")]) from None
        overrides[party.strip()] = value.strip()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GeniusWarning)
        scenario = Scenario.from_genius(domain, profiles, overrides or None, name=args.name, over_one=args.over_one)
    for warning in caught:
        print(f"warning: {warning.message}", file=stderr)
    text = json.dumps(scenario.to_dict(), indent=2, ensure_ascii=False) + "\n" if out.suffix.lower() == ".json" else scenario.to_yaml()
    write_atomic(out, text)  # a failure is an OutputPathError naming the file and the reason (exit 2)
    print(f"wrote {output}: {len(scenario.parties)} parties, {len(scenario.issues)} issues, "
          f"{scenario.package_count():,} package{'' if scenario.package_count() == 1 else 's'}", file=stderr)
    return 0


def _resolved(path: str | Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(os.path.abspath(path))
