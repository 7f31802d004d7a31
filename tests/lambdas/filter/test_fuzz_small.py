"""A small run of `tools/fuzz_filter.py` (`make fuzz` runs 100,000 events): no event may break the handler."""

from __future__ import annotations

from tools import fuzz_filter


def test_two_thousand_fuzzed_events_break_nothing() -> None:
    report = fuzz_filter.run(2000, seed=15)
    figures = report.as_dict()
    assert report.events == 2000
    assert (report.uncaught, report.unencodable, report.malformed, report.status_500) == (0, 0, 0, 0), figures
    assert (report.audit_lines_wrong, report.audit_raw_values) == (0, 0), figures
    # the run reaches every layer: validation errors, screening, the fake backend's good and bad answers
    assert {200, 400, 404, 405, 413, 502} <= set(report.statuses), figures
    assert report.routes["/v1/chat"] > 500 and report.routes["/v1/screen"] > 500


def test_the_run_is_reproducible() -> None:
    first = fuzz_filter.run(150, seed=7).as_dict()
    second = fuzz_filter.run(150, seed=7).as_dict()
    first.pop("seconds"), second.pop("seconds")
    assert first == second
