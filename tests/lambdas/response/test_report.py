"""The weekly filter findings report: pure counts, then the week's audit lines from CloudWatch Logs to
the audit bucket, once per week (moto)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import report

REGION = "eu-west-1"
LOG_GROUP = "/aws/lambda/genai-dev-filter"
BUCKET = "genai-dev-audit"
# Monday 2026-11-23 is the first day of ISO week 2026-W48.
WEEK = report.parse_week("2026-W48")


def line(route: str = "/v1/screen", verdict: str = "allow", **extra: Any) -> str:
    record = {"event": "filter_audit", "Route": route, "verdict": verdict, "status": 200, **extra}
    return json.dumps(record)


def test_weeks_are_iso_weeks_and_the_previous_one_is_reported() -> None:
    label, start, end = WEEK
    assert (label, start.isoformat(), end.isoformat()) == (
        "2026-W48",
        "2026-11-23T00:00:00+00:00",
        "2026-11-30T00:00:00+00:00",
    )
    # Any moment of the next week reports W48, also its first second and its last.
    assert report.previous_week(dt.datetime(2026, 11, 30, 0, 0, 0, tzinfo=dt.UTC))[0] == "2026-W48"
    assert report.previous_week(dt.datetime(2026, 12, 6, 23, 59, 59, tzinfo=dt.UTC))[0] == "2026-W48"
    assert report.previous_week(dt.datetime(2027, 1, 4, 6, 0, tzinfo=dt.UTC))[0] == "2026-W53"
    assert report.report_key("2026-W48") == "reports/filter-findings/2026/W48"
    with pytest.raises(ValueError, match=r"week must look like 2026-W48 .* got '48'"):
        report.parse_week("48")


def test_counts_by_route_verdict_type_and_category() -> None:
    lines = [
        line(verdict="redact", types={"EMAIL_ADDRESS": 2, "US_SSN": 1}, categories={"pii": 3}),
        line(verdict="block", types={"instruction_override": 1}, categories={"injection": 1}, prompt_hmac="a" * 64),
        line(route="/v1/chat", verdict="block", prompt_hmac="a" * 64, source_ip="203.0.113.7"),
        line(route="/v1/chat", verdict="block", prompt_hmac="b" * 64, source_ip="203.0.113.7"),
        line(route="other", verdict="error", status=404, error="not_found"),
        "not json",
        json.dumps({"event": "something_else"}),
        json.dumps({"timestamp": "2026-11-24T10:00:00Z", "level": "INFO", "message": line(verdict="allow")}),
        json.dumps({"level": "INFO", "message": "not json either"}),
    ]
    found = report.aggregate(lines, *WEEK)
    assert (found.records, found.malformed) == (6, 3)
    screen = found.routes["/v1/screen"]
    assert screen.requests == 3
    assert dict(screen.verdicts) == {"redact": 1, "block": 1, "allow": 1}
    assert dict(screen.types) == {"EMAIL_ADDRESS": 2, "US_SSN": 1, "instruction_override": 1}
    assert dict(screen.categories) == {"pii": 3, "injection": 1}
    assert dict(found.routes["other"].errors) == {"not_found": 1}
    # Only a prompt blocked more than once is listed; sources are counted, never named.
    assert found.repeated_blocked_prompts == [{"prompt_hmac": "a" * 64, "count": 2}]
    assert found.blocked_sources == 1
    body = json.dumps(found.as_json())
    assert "203.0.113.7" not in body
    summary = report.markdown(found)
    assert "| /v1/chat | 2 | 0 | 0 | 2 | 0 |" in summary and "203.0.113.7" not in summary


def guard(backend: str = "self-hosted", calls: int = 1, cache_hits: int = 0, *errors: str) -> dict[str, Any]:
    """The audit record's `guard` summary (docs/filter-api.md, "Audit record and metrics")."""
    return {"backend": backend, "calls": calls, "cache_hits": cache_hits, "latency_ms": 12.5, "errors": list(errors)}


def test_counts_by_deciding_tier_and_what_the_guard_tier_did() -> None:
    lines = [
        line(tier="rules", guard=guard()),
        line(verdict="block", tier="self-hosted", guard=guard()),
        line(verdict="block", tier="fail-closed", guard=guard("self-hosted", 1, 0, "timeout")),
        line(tier="rules", guard=guard("self-hosted", 2, 0, "http_503", "timeout")),  # failed open
        line(verdict="redact", tier="rules", guard=guard("self-hosted", 0, 1)),
        line(verdict="block"),  # written before the filter had tiers: the rules decided
        line(route="other", verdict="error", status=404, error="not_found"),  # rejected before screening
        line(route="/v1/chat", verdict="block", tier="bedrock", guard=guard("bedrock", 2, 1)),
    ]
    found = report.aggregate(lines, *WEEK)
    screen, chat = found.routes["/v1/screen"], found.routes["/v1/chat"]
    assert dict(screen.tiers) == {"rules": 4, "self-hosted": 1, "fail-closed": 1}
    assert dict(chat.tiers) == {"bedrock": 1}
    assert not found.routes["other"].tiers
    assert (screen.guard_consulted, screen.guard_calls, screen.guard_cache_hits) == (5, 5, 1)
    assert screen.guard_error_requests == 2
    assert dict(screen.guard_errors) == {"timeout": 2, "http_503": 1}
    assert (chat.guard_consulted, chat.guard_calls, chat.guard_cache_hits, chat.guard_error_requests) == (1, 2, 1, 0)
    body = found.as_json()["routes"]["/v1/screen"]
    assert body["tiers"] == {"fail-closed": 1, "rules": 4, "self-hosted": 1}
    assert body["guard_errors"] == {"http_503": 1, "timeout": 2}
    summary = report.markdown(found)
    assert "| route | rules | bedrock | self-hosted | fail-closed | guard consulted | guard errors |" in summary
    assert "| /v1/screen | 4 | 0 | 1 | 1 | 5 | 2 |" in summary
    assert "| /v1/chat | 0 | 1 | 0 | 0 | 1 | 0 |" in summary
    assert "## Guard tier errors by code" in summary
    assert "| /v1/screen | timeout | 2 |" in summary and "| /v1/screen | http_503 | 1 |" in summary


def test_a_week_without_a_guard_tier_reports_rules_only() -> None:
    found = report.aggregate([line(), line(verdict="block", tier="rules")], *WEEK)
    screen = found.routes["/v1/screen"]
    assert dict(screen.tiers) == {"rules": 2} and screen.guard_consulted == 0 and not screen.guard_errors
    summary = report.markdown(found)
    assert "| /v1/screen | 2 | 0 | 0 | 0 | 0 | 0 |" in summary and "Guard tier errors" not in summary


def test_bad_tier_and_guard_values_are_not_counted_as_a_tier_or_an_error() -> None:
    bad_guard = {"calls": "3", "cache_hits": True, "errors": "timeout"}
    found = report.aggregate(
        [line(tier=7, guard=bad_guard), line(tier="x" * 100, guard=["timeout"]), line(tier="", guard=guard("b", -1))],
        *WEEK,
    )
    screen = found.routes["/v1/screen"]
    assert dict(screen.tiers) == {"unknown": 2, "x" * 16: 1}
    assert (screen.guard_consulted, screen.guard_calls, screen.guard_error_requests) == (2, 0, 0)


def test_bad_values_in_a_line_are_skipped_not_counted() -> None:
    found = report.aggregate([line(types={"X": "3", "Y": -1, "Z": True, "W": 2}, categories=["pii"])], *WEEK)
    assert dict(found.routes["/v1/screen"].types) == {"W": 2}
    assert not found.routes["/v1/screen"].categories


def test_the_cost_is_linear_in_the_number_of_lines() -> None:
    def timed(n: int) -> float:
        lines = [line(verdict="block", prompt_hmac=f"{i % 1000:064d}", types={f"T{i % 50}": 1}) for i in range(n)]
        started = time.perf_counter()
        report.aggregate(lines, *WEEK)
        return time.perf_counter() - started

    small, large = min(timed(10_000) for _ in range(3)), min(timed(80_000) for _ in range(3))
    assert large < small * 8 * 2.5, (small, large)


@pytest.fixture
def aws(mocked_aws: None) -> Iterator[dict[str, Any]]:
    session = boto3.session.Session(region_name=REGION)
    logs = session.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName="s")
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    topic = session.client("sns").create_topic(Name="genai-dev-security-alerts")["TopicArn"]
    cfg = report.ReportConfig(LOG_GROUP, BUCKET, topic)
    yield {"client": report.ReportAws(cfg, session), "logs": logs, "s3": s3}


def put(env: dict[str, Any], at: dt.datetime, *messages: str) -> None:
    ms = int(at.timestamp() * 1000)
    env["logs"].put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName="s",
        logEvents=[{"timestamp": ms + i, "message": m} for i, m in enumerate(messages)],
    )


def test_the_weeks_lines_go_to_the_audit_bucket_once(aws: dict[str, Any]) -> None:
    _, start, end = WEEK
    put(aws, start - dt.timedelta(seconds=1), line(verdict="block"))  # the week before
    put(aws, start, line(verdict="block", types={"instruction_override": 1}), "START RequestId: x")
    put(aws, start + dt.timedelta(days=3), line(route="/v1/chat", verdict="allow"))
    put(aws, end, line(verdict="block"))  # the week after
    key, written = report.run(aws["client"], WEEK, stop=lambda: False)
    assert written is not None and written.records == 2 and written.complete
    stored = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=f"{key}.json")["Body"].read())
    assert stored["week"] == "2026-W48"
    assert stored["routes"]["/v1/screen"]["verdicts"] == {"block": 1}
    assert stored["routes"]["/v1/screen"]["types"] == {"instruction_override": 1}
    assert stored["routes"]["/v1/screen"]["tiers"] == {"rules": 1}
    tags = aws["s3"].get_object_tagging(Bucket=BUCKET, Key=f"{key}.md")["TagSet"]
    assert tags == [{"Key": "data_classification", "Value": "internal"}]
    # A second run of the same week writes nothing; `force` rewrites it.
    put(aws, start + dt.timedelta(days=4), line(verdict="block"))
    assert report.run(aws["client"], WEEK, stop=lambda: False) == (key, None)
    versions = aws["s3"].list_objects_v2(Bucket=BUCKET)["Contents"]
    assert sorted(o["Key"] for o in versions) == [f"{key}.json", f"{key}.md"]
    _, again = report.run(aws["client"], WEEK, stop=lambda: False, force=True)
    assert again is not None and again.records == 3


def test_a_run_out_of_time_writes_what_it_counted_marked_incomplete(aws: dict[str, Any]) -> None:
    _, start, _ = WEEK
    for day in range(3):
        put(aws, start + dt.timedelta(days=day), *[line(verdict="block")] * 10)
    client = aws["client"]
    original = client.logs.filter_log_events
    client.logs.filter_log_events = lambda **kw: original(**{**kw, "limit": 10})
    _, written = report.run(client, WEEK, stop=lambda: True)
    assert written is not None and not written.complete and written.records == 10
    assert "INCOMPLETE" in report.markdown(written)


def test_the_handler_refuses_a_bad_week_and_missing_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOG_GROUP", raising=False)
    with pytest.raises(ValueError, match="missing environment variables LOG_GROUP, AUDIT_BUCKET, TOPIC_ARN"):
        report.handler({})
    monkeypatch.setenv("LOG_GROUP", LOG_GROUP)
    monkeypatch.setenv("AUDIT_BUCKET", BUCKET)
    monkeypatch.setenv("TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:t")
    with pytest.raises(ValueError, match="week must be a string"):
        report.handler({"week": 48})
    with pytest.raises(ValueError, match="week must look like"):
        report.handler({"week": "2026-48"})
