"""The source block list: Logs Insights counts in, a WAF IP set and a table of expiries out (moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import blocklist
import boto3
import pytest
from botocore.stub import Stubber

REGION = "eu-west-1"
NOW = 1_796_000_000


def config(**overrides: Any) -> blocklist.BlocklistConfig:
    values: dict[str, Any] = {
        "log_group": "/aws/lambda/genai-dev-filter",
        "table": "genai-dev-blocked-sources",
        "ip_set_name": "genai-dev-blocked-sources",
        "ip_set_id": "x",
        "audit_bucket": "genai-dev-audit",
        "topic_arn": "arn:aws:sns:eu-west-1:123456789012:genai-dev-security-alerts",
        "threshold": 50,
        "window_minutes": 15,
        "block_minutes": 60,
    }
    return blocklist.BlocklistConfig(**{**values, **overrides})


def test_only_sources_at_the_threshold_are_added_and_bad_addresses_ignored() -> None:
    change = blocklist.plan_blocklist(
        {"203.0.113.7": 50, "198.51.100.1": 49, "not-an-ip": 900, "2001:db8::1": 70}, [], NOW, config()
    )
    assert [e.cidr for e in change.added] == ["203.0.113.7/32"]
    assert all(e.expires_at == NOW + 3600 for e in change.added)
    assert change.live == ["203.0.113.7/32"]


def test_entries_expire_by_themselves_and_can_be_released() -> None:
    entries = [
        blocklist.Entry("203.0.113.7/32", NOW - 4000, NOW, 80),
        blocklist.Entry("203.0.113.8/32", NOW - 100, NOW + 3500, 80),
        blocklist.Entry("203.0.113.9/32", NOW - 100, NOW + 3500, 80),
    ]
    change = blocklist.plan_blocklist({}, entries, NOW, config(), release=["203.0.113.9"])
    assert [e.cidr for e in change.expired] == ["203.0.113.7/32", "203.0.113.9/32"]
    assert change.live == ["203.0.113.8/32"]


def test_a_source_still_bursting_is_extended_not_duplicated() -> None:
    entry = blocklist.Entry("203.0.113.7/32", NOW - 600, NOW + 100, 80)
    change = blocklist.plan_blocklist({"203.0.113.7": 60}, [entry], NOW, config())
    (extended,) = change.added
    assert (extended.added_at, extended.expires_at) == (NOW - 600, NOW + 3600)
    assert change.live == ["203.0.113.7/32"]
    assert blocklist.plan_blocklist({"203.0.113.7": 60}, [extended], NOW, config()).added == []


def test_config_names_every_missing_or_bad_variable() -> None:
    with pytest.raises(ValueError, match=r"missing LOG_GROUP.*not a whole number: THRESHOLD"):
        blocklist.BlocklistConfig.from_env({"THRESHOLD": "many", "WINDOW_MINUTES": "5", "BLOCK_MINUTES": "5"})


def test_the_query_counts_blocked_prompts_per_source_in_the_window() -> None:
    client = blocklist.BlocklistAws.__new__(blocklist.BlocklistAws)
    client.config = config()
    client.logs = boto3.client("logs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client.logs) as stub:
        stub.add_response(
            "start_query",
            {"queryId": "q1"},
            {
                "logGroupName": "/aws/lambda/genai-dev-filter",
                "startTime": NOW - 900,
                "endTime": NOW,
                "queryString": blocklist.QUERY,
            },
        )
        stub.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q1"})
        rows = [
            [{"field": "source_ip", "value": "203.0.113.7"}, {"field": "blocked", "value": "75"}],
            [{"field": "blocked", "value": "3"}],
        ]
        stub.add_response("get_query_results", {"status": "Complete", "results": rows}, {"queryId": "q1"})
        assert client.blocked_counts(NOW, sleep=lambda _: None) == {"203.0.113.7": 75}
    assert 'verdict = "block"' in blocklist.QUERY
    assert "by source_ip" in blocklist.QUERY


@pytest.fixture
def aws(mocked_aws: None) -> Iterator[dict[str, Any]]:
    session = boto3.session.Session(region_name=REGION)
    session.client("dynamodb").create_table(
        TableName="genai-dev-blocked-sources",
        KeySchema=[{"AttributeName": "cidr", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "cidr", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    waf = session.client("wafv2")
    ip_set = waf.create_ip_set(
        Name="genai-dev-blocked-sources", Scope="REGIONAL", IPAddressVersion="IPV4", Addresses=[]
    )["Summary"]
    session.client("s3").create_bucket(
        Bucket="genai-dev-audit", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    topic = session.client("sns").create_topic(Name="genai-dev-security-alerts")["TopicArn"]
    cfg = config(ip_set_id=ip_set["Id"], topic_arn=topic)
    yield {"config": cfg, "client": blocklist.BlocklistAws(cfg, session), "waf": waf, "s3": session.client("s3")}


def addresses(env: dict[str, Any]) -> list[str]:
    found = env["waf"].get_ip_set(Name="genai-dev-blocked-sources", Scope="REGIONAL", Id=env["config"].ip_set_id)
    return sorted(found["IPSet"]["Addresses"])


def run(env: dict[str, Any], counts: dict[str, int], now: int) -> blocklist.Change:
    client = env["client"]
    client.blocked_counts = lambda _now: counts
    return blocklist.run(env["config"], client, now)


def test_a_burst_blocks_the_source_until_it_expires_and_both_are_recorded(aws: dict[str, Any]) -> None:
    run(aws, {"203.0.113.7": 120, "198.51.100.1": 2}, NOW)
    assert addresses(aws) == ["203.0.113.7/32"]
    run(aws, {}, NOW + 1800)
    assert addresses(aws) == ["203.0.113.7/32"]
    change = run(aws, {}, NOW + 3600)
    assert [e.cidr for e in change.expired] == ["203.0.113.7/32"]
    assert addresses(aws) == []
    assert aws["client"].entries() == []
    keys = [o["Key"] for o in aws["s3"].list_objects_v2(Bucket="genai-dev-audit")["Contents"]]
    assert len(keys) == 2
    assert all(k.startswith("response/blocklist/") for k in keys)
    first = json.loads(aws["s3"].get_object(Bucket="genai-dev-audit", Key=sorted(keys)[0])["Body"].read())
    assert first["added"][0]["cidr"] == "203.0.113.7/32"
    assert first["added"][0]["blocked"] == 120
