"""pytest plugin: a skipped test fails the run.

HttpCase tests are skipped, not failed, when Chromium or --odoo-http is
missing; for `make test` a test that did not run is a test that did not pass.
"""
import pytest

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped.append(f"{report.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_sep("=", f"{len(_skipped)} test(s) did not run: make test fails", red=True)
        for line in _skipped:
            terminalreporter.write_line(line)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _skipped and session.exitstatus == 0:
        session.exitstatus = 1
