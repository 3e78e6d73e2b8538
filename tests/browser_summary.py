"""A loud line in the test summary when the browser tests were skipped (Playwright or Chromium missing).

A skip is otherwise one "s" among hundreds of dots: the report would go unchecked in a real browser while
the run looks green.  Deselecting them on purpose (``-m 'not browser'``) says nothing.
"""

from __future__ import annotations

from typing import Any


def _skipped_browser_reports(terminalreporter: Any) -> list[Any]:
    found = []
    for report in terminalreporter.stats.get("skipped", []):
        where = str(getattr(report, "nodeid", "") or getattr(report, "fspath", ""))
        if "test_browser" in where:
            found.append(report)
    return found


def _reason(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "skipped")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    skipped = _skipped_browser_reports(terminalreporter)
    if not skipped:
        return
    reasons = sorted({_reason(r) for r in skipped})
    terminalreporter.section("BROWSER TESTS NOT RUN", sep="!", red=True, bold=True)
    for reason in reasons:
        terminalreporter.line(f"{len(skipped)} browser test(s) skipped: {reason}", red=True, bold=True)
    terminalreporter.line("the report was not checked in a real browser; install what is named above "
                          "(pip install -e '.[test]' brings Playwright; Chromium: apt-get install chromium)", red=True)
