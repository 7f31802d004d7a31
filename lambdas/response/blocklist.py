"""The filter feedback loop: sources that send a sustained burst of blocked prompts go on a WAF IP set
for a while, and come off it by themselves.

Every run (EventBridge schedule): count blocked prompts per source IP in the filter's audit lines over
the window (Logs Insights), add each source at or over the threshold to the block table with an
expiry, drop the expired entries, and make the WAF IP set equal to the live entries. The table, not
the IP set, holds the expiries: an IP set description has 256 characters, far too few for the
timestamps of many sources, and the table's TTL also removes what a missed run would leave behind.
Each addition and expiry is recorded in the audit bucket (`response/blocklist/`) and notified.
`plan_blocklist` is pure; `handler` does the I/O.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3
from response import RECORD_TAGGING

QUERY = (
    'filter event = "filter_audit" and verdict = "block" and ispresent(source_ip)'
    " | stats count(*) as blocked by source_ip"
    " | sort blocked desc"
    " | limit 1000"
)
QUERY_TIMEOUT_SECONDS = 60
RECORD_PREFIX = "response/blocklist/"
# Lambda and the WAF IP set take at most this many addresses (WAF allows 10,000 per set).
MAX_ENTRIES = 10_000
TTL_GRACE_SECONDS = 86_400


@dataclass(frozen=True)
class BlocklistConfig:
    log_group: str
    table: str
    ip_set_name: str
    ip_set_id: str
    audit_bucket: str
    topic_arn: str
    threshold: int
    window_minutes: int
    block_minutes: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BlocklistConfig:
        keys = ("LOG_GROUP", "TABLE", "IP_SET_NAME", "IP_SET_ID", "AUDIT_BUCKET", "TOPIC_ARN")
        numbers = ("THRESHOLD", "WINDOW_MINUTES", "BLOCK_MINUTES")
        missing = [k for k in (*keys, *numbers) if not env.get(k)]
        bad = [k for k in numbers if env.get(k) and not env[k].isdigit()]
        if missing or bad:
            raise ValueError(
                "source block list: "
                + "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"not a whole number: {', '.join(bad)}" if bad else "",
                    )
                    if part
                )
            )
        return cls(
            log_group=env["LOG_GROUP"],
            table=env["TABLE"],
            ip_set_name=env["IP_SET_NAME"],
            ip_set_id=env["IP_SET_ID"],
            audit_bucket=env["AUDIT_BUCKET"],
            topic_arn=env["TOPIC_ARN"],
            threshold=int(env["THRESHOLD"]),
            window_minutes=int(env["WINDOW_MINUTES"]),
            block_minutes=int(env["BLOCK_MINUTES"]),
        )


@dataclass(frozen=True)
class Entry:
    cidr: str
    added_at: int
    expires_at: int
    blocked: int


@dataclass
class Change:
    at: int
    added: list[Entry] = field(default_factory=list)
    expired: list[Entry] = field(default_factory=list)
    live: list[str] = field(default_factory=list)


def as_cidr(source: str) -> str | None:
    """The IP set form (`/32`) of an IPv4 source address, or None for anything else (the regional
    REST API is reached over IPv4, and the IP set is an IPV4 set)."""
    try:
        address = ipaddress.IPv4Address(source.strip())
    except ValueError:
        return None
    return f"{address}/32"


def plan_blocklist(
    counts: Mapping[str, int], entries: Sequence[Entry], now: int, config: BlocklistConfig, release: Sequence[str] = ()
) -> Change:
    """What changes: sources over the threshold are added (or extended), expired or released entries dropped."""
    change = Change(at=now)
    current = {e.cidr: e for e in entries}
    released = {c for c in (as_cidr(r.split("/")[0]) for r in release) if c}
    for cidr, entry in sorted(current.items()):
        if entry.expires_at <= now or cidr in released:
            change.expired.append(entry)
            del current[cidr]
    for source, blocked in sorted(counts.items()):
        found = as_cidr(source)
        if found is None or blocked < config.threshold or found in released:
            continue
        cidr = found
        expires = now + config.block_minutes * 60
        if cidr in current and current[cidr].expires_at >= expires:
            continue
        entry = Entry(cidr, current[cidr].added_at if cidr in current else now, expires, blocked)
        current[cidr] = entry
        change.added.append(entry)
    live = sorted(current, key=lambda c: -current[c].expires_at)[:MAX_ENTRIES]
    change.live = sorted(live)
    return change


class BlocklistAws:
    def __init__(self, config: BlocklistConfig, session: Any = None) -> None:
        self.config = config
        session = session or boto3.session.Session()
        self.logs = session.client("logs")
        self.table = session.resource("dynamodb").Table(config.table)
        self.waf = session.client("wafv2")
        self.s3 = session.client("s3")
        self.sns = session.client("sns")

    def blocked_counts(self, now: int, sleep: Callable[[float], None] = time.sleep) -> dict[str, int]:
        start = now - self.config.window_minutes * 60
        query = self.logs.start_query(
            logGroupName=self.config.log_group, startTime=start, endTime=now, queryString=QUERY
        )["queryId"]
        deadline = time.monotonic() + QUERY_TIMEOUT_SECONDS
        while True:
            result = self.logs.get_query_results(queryId=query)
            if result["status"] in ("Complete", "Failed", "Cancelled", "Timeout"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"Logs Insights query {query} did not finish in {QUERY_TIMEOUT_SECONDS} s")
            sleep(1)
        if result["status"] != "Complete":
            raise RuntimeError(f"Logs Insights query {query} ended {result['status']}")
        counts: dict[str, int] = {}
        for row in result["results"]:
            fields = {f["field"]: f["value"] for f in row}
            if "source_ip" in fields and fields.get("blocked", "").isdigit():
                counts[fields["source_ip"]] = int(fields["blocked"])
        return counts

    def entries(self) -> list[Entry]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = self.table.scan(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [Entry(str(i["cidr"]), int(i["added_at"]), int(i["expires_at"]), int(i["blocked"])) for i in items]

    def apply(self, change: Change) -> None:
        for entry in change.added:
            # The table's TTL is a backstop a day after the expiry, so a run still sees and records it.
            self.table.put_item(Item={**asdict(entry), "ttl": entry.expires_at + TTL_GRACE_SECONDS})
        for entry in change.expired:
            self.table.delete_item(Key={"cidr": entry.cidr})
        ip_set = self.waf.get_ip_set(Name=self.config.ip_set_name, Scope="REGIONAL", Id=self.config.ip_set_id)
        if sorted(ip_set["IPSet"]["Addresses"]) != change.live:
            self.waf.update_ip_set(
                Name=self.config.ip_set_name,
                Scope="REGIONAL",
                Id=self.config.ip_set_id,
                Addresses=change.live,
                LockToken=ip_set["LockToken"],
                Description=ip_set["IPSet"].get("Description") or "Sources blocked by the filter feedback loop",
            )

    def record(self, change: Change) -> str:
        stamp = dt.datetime.fromtimestamp(change.at, dt.UTC).strftime("%Y/%m/%d/%H%M%S")
        key = f"{RECORD_PREFIX}{stamp}.json"
        self.s3.put_object(
            Bucket=self.config.audit_bucket,
            Key=key,
            Body=json.dumps(asdict(change), sort_keys=True).encode(),
            ContentType="application/json",
            Tagging=RECORD_TAGGING,
        )
        lines = [f"+ {e.cidr} ({e.blocked} blocked prompts) until {_iso(e.expires_at)}" for e in change.added]
        lines += [f"- {e.cidr} (blocked since {_iso(e.added_at)})" for e in change.expired]
        self.sns.publish(
            TopicArn=self.config.topic_arn,
            Subject="Filter feedback: WAF source block list changed",
            Message="\n".join(
                [*lines, f"{len(change.live)} sources blocked; record s3://{self.config.audit_bucket}/{key}"]
            ),
        )
        return key


def _iso(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(config: BlocklistConfig, aws: BlocklistAws, now: int, release: Sequence[str] = ()) -> Change:
    change = plan_blocklist(aws.blocked_counts(now), aws.entries(), now, config, release)
    aws.apply(change)
    if change.added or change.expired:
        aws.record(change)
    return change


def handler(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    config = BlocklistConfig.from_env(os.environ)
    release = event.get("release") or []
    if not isinstance(release, list) or not all(isinstance(r, str) for r in release):
        raise ValueError("release must be a list of IPv4 addresses or /32 CIDRs")
    change = run(config, BlocklistAws(config), int(time.time()), release)
    return {
        "added": [e.cidr for e in change.added],
        "expired": [e.cidr for e in change.expired],
        "live": len(change.live),
    }
