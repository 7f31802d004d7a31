"""The weekly filter findings report: what the filter found last week, by route, verdict, finding type,
category and deciding tier, for the security team to tune the filter against.

Once a week (EventBridge schedule) the function reads the filter's audit lines of the previous ISO week
(Monday 00:00 UTC to Monday 00:00 UTC) from its log group with `FilterLogEvents`, counts them, and writes
`reports/filter-findings/<ISO year>/W<week>.json` and `.md` to the audit bucket. A week whose report
exists is not written again. The audit lines are already pseudonymised (no prompt, no raw value:
docs/filter-api.md); the report keeps only counts, and prompt HMACs that were blocked more than once
(a campaign repeats its prompt). Source addresses are counted, never listed.

`aggregate` is pure and linear in the number of lines; `handler` does the I/O.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3
from response import RECORD_TAGGING

REPORT_PREFIX = "reports/filter-findings/"
# A quoted term: only the filter's audit lines come back (one per request).
FILTER_PATTERN = '"filter_audit"'
RULES_TIER = "rules"
TIERS = (RULES_TIER, "bedrock", "self-hosted", "fail-closed")
"""The filter's deciding tiers (the audit record's `tier`, docs/filter-api.md)."""
REPEATED_PROMPTS = 20
"""At most this many repeated blocked prompt HMACs in a report."""
STOP_MARGIN_MS = 30_000
"""Stop paging this long before the Lambda timeout, to write what was counted (marked incomplete)."""


@dataclass(frozen=True)
class ReportConfig:
    log_group: str
    audit_bucket: str
    topic_arn: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ReportConfig:
        missing = [k for k in ("LOG_GROUP", "AUDIT_BUCKET", "TOPIC_ARN") if not env.get(k)]
        if missing:
            raise ValueError(f"findings report: missing environment variables {', '.join(missing)}")
        return cls(env["LOG_GROUP"], env["AUDIT_BUCKET"], env["TOPIC_ARN"])


@dataclass
class RouteCounts:
    requests: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    """Findings by type (PII types, injection rules…), summed over requests."""
    categories: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    """Requests by the tier that decided them (`rules`, `bedrock`, `self-hosted`, `fail-closed`). A record
    without `tier` counts as `rules` (written before the filter had tiers), unless it is an error: a request
    rejected before screening was decided by no tier."""
    guard_consulted: int = 0
    """Requests whose record carries the guard tier's summary (a guard tier was configured)."""
    guard_calls: int = 0
    guard_cache_hits: int = 0
    guard_error_requests: int = 0
    """Requests in which the guard tier reported an error (it then failed open or closed)."""
    guard_errors: Counter[str] = field(default_factory=Counter)
    """The guard tier's error codes (`timeout`, `http_503`…), once per request each."""


@dataclass
class Report:
    week: str
    start: str
    end: str
    records: int = 0
    malformed: int = 0
    """Lines that were not a filter audit record (not JSON, or not an object)."""
    complete: bool = True
    """False when the run stopped before reading the whole week (too many lines for one run)."""
    routes: dict[str, RouteCounts] = field(default_factory=dict)
    repeated_blocked_prompts: list[dict[str, Any]] = field(default_factory=list)
    blocked_sources: int = 0
    """Distinct source addresses with a blocked request (the addresses are not reported)."""

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["routes"] = {
            route: {k: dict(sorted(v.items())) if isinstance(v, Counter) else v for k, v in vars(counts).items()}
            for route, counts in sorted(self.routes.items())
        }
        return body


# ---------------------------------------------------------------- pure: week, lines -> report


def previous_week(now: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    """The ISO week before `now`'s: its label (`2026-W48`), start and end (Mondays, 00:00 UTC)."""
    this_monday = dt.datetime.combine(now.date() - dt.timedelta(days=now.weekday()), dt.time(), dt.UTC)
    return week_bounds(this_monday - dt.timedelta(days=7))


def week_bounds(monday: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=7)


def parse_week(label: str) -> tuple[str, dt.datetime, dt.datetime]:
    """`2026-W48` -> that week; a clear error for anything else."""
    try:
        monday = dt.datetime.strptime(label + "-1", "%G-W%V-%u").replace(tzinfo=dt.UTC)
    except ValueError:
        raise ValueError(f"week must look like 2026-W48 (ISO year, week 01-53), got {label!r}") from None
    return week_bounds(monday)


def _counts(value: Any) -> Iterator[tuple[str, int]]:
    if isinstance(value, Mapping):
        for key, count in value.items():
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                yield str(key)[:64], count


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _tiers(counts: RouteCounts, record: Mapping[str, Any], verdict: str) -> None:
    tier = record.get("tier")
    if tier is None:
        if verdict != "error":
            counts.tiers[RULES_TIER] += 1
    else:
        counts.tiers[tier[:16] if isinstance(tier, str) and tier else "unknown"] += 1
    summary = record.get("guard")
    if not isinstance(summary, Mapping):
        return
    counts.guard_consulted += 1
    counts.guard_calls += _count(summary.get("calls"))
    counts.guard_cache_hits += _count(summary.get("cache_hits"))
    errors = summary.get("errors")
    codes = {str(e)[:64] for e in errors if e} if isinstance(errors, list) else set()
    if codes:
        counts.guard_error_requests += 1
        counts.guard_errors.update(codes)


def _audit_record(line: str) -> dict[str, Any] | None:
    """The audit record of a log line: the line itself, or the `message` of a line the Lambda runtime
    wrapped in its own JSON (its JSON log format may wrap stdout)."""
    try:
        record = json.loads(line)
        if isinstance(record, dict) and isinstance(record.get("message"), str) and "event" not in record:
            record = json.loads(record["message"])
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("event") == "filter_audit" else None


def aggregate(lines: Iterable[str], week: str, start: dt.datetime, end: dt.datetime) -> Report:
    """Counts of the audit lines; one pass, memory bounded by the distinct values seen."""
    report = Report(week=week, start=start.isoformat(), end=end.isoformat())
    blocked_prompts: Counter[str] = Counter()
    sources: set[str] = set()
    for line in lines:
        record = _audit_record(line)
        if record is None:
            report.malformed += 1
            continue
        report.records += 1
        route = str(record.get("Route") or "other")[:32]
        counts = report.routes.setdefault(route, RouteCounts())
        counts.requests += 1
        verdict = str(record.get("verdict") or "error")[:16]
        counts.verdicts[verdict] += 1
        for key, count in _counts(record.get("types")):
            counts.types[key] += count
        for key, count in _counts(record.get("categories")):
            counts.categories[key] += count
        if record.get("error"):
            counts.errors[str(record["error"])[:64]] += 1
        _tiers(counts, record, verdict)
        if verdict == "block":
            if isinstance(record.get("prompt_hmac"), str):
                blocked_prompts[record["prompt_hmac"]] += 1
            if isinstance(record.get("source_ip"), str):
                sources.add(record["source_ip"])
    repeated = heapq.nlargest(REPEATED_PROMPTS, ((n, h) for h, n in blocked_prompts.items() if n > 1))
    report.repeated_blocked_prompts = [{"prompt_hmac": h, "count": n} for n, h in repeated]
    report.blocked_sources = len(sources)
    return report


def markdown(report: Report) -> str:
    """A short summary for people; the JSON has everything."""
    lines = [
        f"# Filter findings, week {report.week}",
        "",
        f"{report.start} to {report.end}: {report.records} requests"
        + ("" if report.complete else " (INCOMPLETE: the run stopped before the end of the week)")
        + f", {report.blocked_sources} sources with a blocked request.",
        "",
        "| route | requests | allow | redact | block | error |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for route, c in sorted(report.routes.items()):
        v = c.verdicts
        lines.append(f"| {route} | {c.requests} | {v['allow']} | {v['redact']} | {v['block']} | {v['error']} |")
    lines += _tier_tables(report)
    for route, c in sorted(report.routes.items()):
        if c.types:
            lines += ["", f"## {route}: findings by type", "", "| type | findings |", "|---|---:|"]
            lines += [f"| {t} | {n} |" for t, n in c.types.most_common()]
    if report.repeated_blocked_prompts:
        lines += ["", "## Blocked prompts seen more than once (HMAC)", "", "| prompt_hmac | blocked |", "|---|---:|"]
        lines += [f"| `{p['prompt_hmac'][:16]}…` | {p['count']} |" for p in report.repeated_blocked_prompts]
    return "\n".join(lines) + "\n"


def _tier_tables(report: Report) -> list[str]:
    """Which tier decided each route's requests, and what the guard tier did (consulted, failed)."""
    routes = sorted(report.routes.items())
    tiers = [*TIERS, *sorted({t for _, c in routes for t in c.tiers} - set(TIERS))]
    lines = [
        "",
        "## Deciding tier",
        "",
        f"| route | {' | '.join(tiers)} | guard consulted | guard errors |",
        "|---|" + "---:|" * (len(tiers) + 2),
    ]
    for route, c in routes:
        counts = " | ".join(str(c.tiers[t]) for t in tiers)
        lines.append(f"| {route} | {counts} | {c.guard_consulted} | {c.guard_error_requests} |")
    if any(c.guard_errors for _, c in routes):
        lines += ["", "## Guard tier errors by code", "", "| route | error | requests |", "|---|---|---:|"]
        lines += [f"| {route} | {code} | {n} |" for route, c in routes for code, n in c.guard_errors.most_common()]
    return lines


def report_key(week: str) -> str:
    year, number = week.split("-")
    return f"{REPORT_PREFIX}{year}/{number}"


# ---------------------------------------------------------------- I/O


class ReportAws:
    def __init__(self, config: ReportConfig, session: Any = None) -> None:
        self.config = config
        session = session or boto3.session.Session()
        self.logs = session.client("logs")
        self.s3 = session.client("s3")
        self.sns = session.client("sns")

    def exists(self, key: str) -> bool:
        found = self.s3.list_objects_v2(Bucket=self.config.audit_bucket, Prefix=key, MaxKeys=1)
        return any(o["Key"] == key for o in found.get("Contents", []))

    def lines(self, start: dt.datetime, end: dt.datetime, stop: Callable[[], bool], outcome: Report) -> Iterator[str]:
        """The audit lines of [start, end), page by page; stops early (marking `outcome`) when `stop()`."""
        kwargs: dict[str, Any] = {
            "logGroupName": self.config.log_group,
            "startTime": int(start.timestamp() * 1000),
            "endTime": int(end.timestamp() * 1000) - 1,
            "filterPattern": FILTER_PATTERN,
        }
        while True:
            page = self.logs.filter_log_events(**kwargs)
            for event in page.get("events", []):
                yield event["message"]
            token = page.get("nextToken")
            if not token:
                return
            if stop():
                outcome.complete = False
                return
            kwargs["nextToken"] = token

    def write(self, key: str, report: Report) -> None:
        for suffix, body, content_type in (
            (".json", json.dumps(report.as_json(), sort_keys=True, indent=1), "application/json"),
            (".md", markdown(report), "text/markdown"),
        ):
            self.s3.put_object(
                Bucket=self.config.audit_bucket,
                Key=key + suffix,
                Body=body.encode(),
                ContentType=content_type,
                Tagging=RECORD_TAGGING,
            )

    def notify(self, key: str, report: Report) -> None:
        blocked = sum(c.verdicts["block"] for c in report.routes.values())
        self.sns.publish(
            TopicArn=self.config.topic_arn,
            Subject=f"Filter findings report {report.week}",
            Message=(
                f"{report.records} requests, {blocked} blocked, {report.blocked_sources} blocking sources"
                + ("" if report.complete else " (incomplete)")
                + f"; s3://{self.config.audit_bucket}/{key}.md and .json"
            ),
        )


def run(
    aws: ReportAws, week: tuple[str, dt.datetime, dt.datetime], stop: Callable[[], bool], force: bool = False
) -> tuple[str, Report | None]:
    """Writes the week's report unless it exists (or `force`); returns its key and the report written."""
    label, start, end = week
    key = report_key(label)
    if not force and aws.exists(key + ".json"):
        return key, None
    partial = Report(week=label, start=start.isoformat(), end=end.isoformat())
    report = aggregate(aws.lines(start, end, stop, partial), label, start, end)
    report.complete = partial.complete
    aws.write(key, report)
    aws.notify(key, report)
    return key, report


def handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
    """The scheduled event reports the previous week; `{"week": "2026-W48"}` a given one, `"force": true`
    rewrites an existing report (for instance an incomplete one)."""
    config = ReportConfig.from_env(os.environ)
    requested = event.get("week")
    if requested is not None and not isinstance(requested, str):
        raise ValueError("week must be a string such as 2026-W48")
    week = parse_week(requested) if requested else previous_week(dt.datetime.now(dt.UTC))
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    deadline = time.monotonic() + 14 * 60

    def stop() -> bool:
        if callable(remaining):
            return bool(remaining() < STOP_MARGIN_MS)
        return time.monotonic() > deadline

    key, report = run(ReportAws(config), week, stop, force=event.get("force") is True)
    if report is None:
        return {"week": week[0], "key": key, "written": False}
    return {"week": week[0], "key": key, "written": True, "records": report.records, "complete": report.complete}
