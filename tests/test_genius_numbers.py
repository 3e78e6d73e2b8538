"""Hostile numbers and sizes in Genius files: refused clearly (file, line, element, fix), in bounded time and memory.

A number is read with the grammar of Genius's Java code (``Double.valueOf``): ``1/3`` and ``1_0``
are not numbers there, ``1e309`` is infinity, ``1e100000000`` must not be expanded.  The time
bounds below only catch hangs (the importer takes well under a second on each of these); the
import's speed is measured in benchmarks/genius_import.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from fractions import Fraction as F
from pathlib import Path

import pytest
from budget import HANG_GUARD

from bargaining import Scenario, ScenarioError
from bargaining.cli import main
from bargaining.scenario.genius import GeniusWarning, files, genius_points, xml
from bargaining.scenario.genius.numbers import GeniusNumberError, java_double, java_int

FIXTURES = Path(__file__).parent / "fixtures" / "genius"
DOMAIN, ALPHA, BETA = FIXTURES / "trip_domain.xml", FIXTURES / "alpha-party.xml", FIXTURES / "beta.xml"


def beta_with(tmp_path: Path, old: str, new: str) -> Path:
    text = BETA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "beta.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def refused(domain: Path, profiles: list[Path], **options: object) -> str:
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        Scenario.from_genius(domain, profiles, **options)
    assert time.perf_counter() - start < HANG_GUARD, "hang guard"
    return str(caught.value)


@pytest.mark.parametrize("text, words", [
    ("1e100000000", "beyond the largest double (Genius reads it as infinity)"),
    ("1e309", "beyond the largest double"),
    ("-1E+309", "beyond the largest double"),
    ("0x1p2000", "beyond the largest double"),
    ("1e-100000000", "below the smallest double (Genius reads it as 0); write 0"),
    ("1/3", "is not a number Genius reads"),
    ("1_0", "is not a number Genius reads"),
    ("1,5", "is not a number Genius reads"),
    ("NaN", "is not a finite number"),
    ("Infinity", "is not a finite number"),
    ("9" * 5000, "significant digits"),
])
@pytest.mark.parametrize("place", ["weight", "evaluation"])
def test_hostile_numbers_are_refused_at_their_line(tmp_path, text, words, place):
    if place == "weight":
        profile = beta_with(tmp_path, '<weight index="1" value="0.25"/>', f'<weight index="1" value="{text}"/>')
        where = 'line 21: <weight index="1">: value='
    else:
        profile = beta_with(tmp_path, 'value="Oslo" evaluation="4"', f'value="Oslo" evaluation="{text}"')
        where = 'line 13: <item value="Oslo"> of <issue name="Destination">: evaluation='
    message = refused(DOMAIN, [ALPHA, profile])
    assert f"{profile}, {where}" in message and words in message
    assert len(message.splitlines()) == 1  # no follow-up error about the weight or evaluation it could not read


def test_java_spellings_are_read_exactly():
    assert java_double(" 0.25 ") == F(1, 4) and java_double("1.") == 1 and java_double(".5") == F(1, 2)
    assert java_double("2.5e-1") == F(1, 4) and java_double("0.1") == F(1, 10) and java_double("0x1.8p1") == 3
    assert java_double("1.5f") == java_double("1.5D") == F(3, 2) and java_double("-0") == 0
    assert java_int("+7") == 7 and java_int("007") == 7
    for bad in ("1.0", " 1", "1e2", "2147483648"):
        with pytest.raises(GeniusNumberError):
            java_int(bad)


def test_a_tiny_weight_is_refused_at_the_profiles_line_not_a_yaml_path(tmp_path):
    profile = beta_with(tmp_path, '<weight index="1" value="0.25"/>', '<weight index="1" value="1e-9"/>')
    message = refused(DOMAIN, [ALPHA, profile])
    assert message.startswith(f'{profile}, line 21: <weight index="1">: the weight 1e-9 makes')
    assert "too small for the solver" in message and "write 0" in message
    assert "utilities." not in message and str(DOMAIN) not in message.split(":")[0]


def test_a_tiny_evaluation_is_refused_at_its_item(tmp_path):
    profile = beta_with(tmp_path, 'value="Lisbon" evaluation="1"', 'value="Lisbon" evaluation="0.0000001"')
    message = refused(DOMAIN, [ALPHA, profile])
    assert f'{profile}, line 11: <item value="Lisbon"> of <issue name="Destination">: the evaluation 0.0000001' in message


def test_a_tiny_or_huge_reservation_in_the_file_is_refused_at_its_line(tmp_path):
    profile = beta_with(tmp_path, "</utility_space>", '<reservation value="1e-12"/>\n</utility_space>')
    assert f"{profile}, line 27: <reservation>" in refused(DOMAIN, [ALPHA, profile])
    # set on import instead, the file's value does not matter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeniusWarning)
        assert Scenario.from_genius(DOMAIN, [ALPHA, profile], {"beta": "0.5"}).party["beta"].reservation == 0.5


@pytest.mark.parametrize("value, words", [
    ("1e400", "too large"), ("1e100000000", "too large"), ("1/3", "not a number"), ("1_0", "not a number"),
    ("nan", "not a number"), (F(10**400), "not a finite number"), (float("inf"), "not a finite number"), (2e9, "too large"),
])
def test_reservation_overrides_are_checked(value, words):
    message = refused(DOMAIN, [ALPHA, BETA], reservations={"beta": value})
    assert "reservations.beta" in message and words in message


@pytest.mark.parametrize("value", ["1e400", "1/3", "1_0", "1e100000000"])
def test_cli_reservation_overrides_exit_2_without_traceback(tmp_path, capsys, value):
    out = tmp_path / "out.yaml"
    assert main(["import-genius", str(DOMAIN), str(ALPHA), str(BETA), "-o", str(out), "--reservation", f"beta={value}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --reservation: beta={value}: ") and "Traceback" not in err and not out.exists()


def test_discrete_issues_parse_in_linear_time(tmp_path):
    """50,000 values: quadratic parsing took minutes here (20,000 took 7 to 25 s); linear takes about a second."""
    n = 50_000
    items = "".join(f'<item value="v{k}"/>\n' for k in range(n))
    domain = tmp_path / "big_domain.xml"
    domain.write_text(f'<negotiation_template><utility_space><objective index="0"><issue index="1" name="I" type="discrete">\n'
                      f"{items}</issue></objective></utility_space></negotiation_template>")
    profile = tmp_path / "big.xml"
    evaluations = "".join(f'<item value="v{k}" evaluation="{k % 13 + 1}"/>\n' for k in range(n))
    profile.write_text(f'<utility_space><objective index="0"><issue index="1" name="I" type="discrete">\n{evaluations}</issue>'
                       '<weight index="1" value="1"/></objective></utility_space>')
    start = time.perf_counter()
    parsed = files._read_domain(domain)
    points = genius_points(parsed, files._read_profile(profile, parsed))
    assert time.perf_counter() - start < HANG_GUARD, "hang guard"  # (quadratic parsing took minutes)
    assert len(points[1]) == n and points[1]["v12"] == 1 and points[1]["v0"] == F(1, 13)


def test_xml_size_and_element_caps(tmp_path, monkeypatch):
    monkeypatch.setattr(xml, "MAX_XML_BYTES", 2000)
    big = tmp_path / "big.xml"
    big.write_text(BETA.read_text() + " " * 3000)
    assert "more than 2,000 bytes; Genius files are limited to that here" in refused(DOMAIN, [ALPHA, big])
    monkeypatch.setattr(xml, "MAX_XML_BYTES", 16 * 2**20)
    monkeypatch.setattr(xml, "MAX_XML_ELEMENTS", 10)
    assert "has more than 10 elements" in refused(DOMAIN, [ALPHA, BETA])
    monkeypatch.setattr(xml, "MAX_XML_ELEMENTS", 200_000)
    deep = tmp_path / "deep_domain.xml"
    deep.write_text("<negotiation_template><utility_space>" + "<objective index='0'>" * 150 + "</objective>" * 150
                    + "</utility_space></negotiation_template>")
    assert "nests elements more than 100 levels deep" in refused(deep, [ALPHA])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_genius_file_is_read_only_up_to_the_cap(tmp_path, device):
    """/dev/zero says size 0 and never ends: reading it whole ran until memory was exhausted."""
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist on this system")
    code = ("import sys\nfrom bargaining.cli import main\n"
            f"sys.exit(main(['import-genius', {device!r}, {str(ALPHA)!r}, '-o', {str(tmp_path / 'out.yaml')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
                          env={"PYTHONPATH": str(Path(__file__).parents[1]), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {device}: ") and ("MB" in done.stderr or "not well-formed" in done.stderr)
