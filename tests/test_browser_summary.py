"""The browser tests' skip is loud: a skipped test_browser (Playwright or Chromium missing) ends the summary with a
red "BROWSER TESTS NOT RUN" section naming the reason, not one "s" among the dots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def run_pytest(folder: Path, *args: str, **env: str) -> str:
    """A nested pytest run without the installed plugins (the summary is the project's own hook; Dash's testing plugin
    alone costs a nested run about 2.5 s of start-up).  The timeout only detects a hang."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, timeout=300, check=False, cwd=folder,
                          env={**os.environ, **env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                               "PYTHONPATH": os.pathsep.join([str(TESTS.parent), str(TESTS)])})
    return done.stdout + done.stderr


def test_the_projects_browser_tests_skipped_are_loud(tmp_path):
    """The real test_browser.py through the project's conftest, with no Chromium where it looks."""
    out = run_pytest(TESTS.parent, "tests/test_browser.py", BARGAINING_CHROMIUM=str(tmp_path / "no-chromium"))
    assert "BROWSER TESTS NOT RUN" in out and f"no Chromium at {tmp_path / 'no-chromium'}" in out, out


def test_a_skipped_browser_module_is_loud_in_the_summary(tmp_path):
    (tmp_path / "conftest.py").write_text("from browser_summary import pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_browser.py").write_text(
        "import pytest\n"
        "sync_api = pytest.importorskip('no_such_playwright_here', reason='Playwright for Python is not installed')\n"
        "def test_page():\n    assert True\n")
    (tmp_path / "test_other.py").write_text("def test_fine():\n    assert True\n")
    out = run_pytest(tmp_path, str(tmp_path))
    assert "BROWSER TESTS NOT RUN" in out and "Playwright for Python is not installed" in out, out
    assert "1 passed, 1 skipped" in out


def test_nothing_is_said_when_the_browser_tests_ran_or_were_not_asked_for(tmp_path):
    (tmp_path / "conftest.py").write_text("from browser_summary import pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_browser.py").write_text("def test_page():\n    assert True\n")
    assert "BROWSER TESTS NOT RUN" not in run_pytest(tmp_path, str(tmp_path))
