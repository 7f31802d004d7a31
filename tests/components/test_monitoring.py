"""Edge alarms and the dashboard: every alarm notifies the alert topic on ALARM and on OK."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.monitoring import (
    BLOCK_RATE_MIN_REQUESTS,
    FILTER_BLOCKED_METRIC,
    FILTER_NAMESPACE,
    FILTER_REQUESTS_METRIC,
    FILTER_ROUTE_DIMENSION,
)
from tests.conftest import Plan, Resource, resources

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def env(plan: Plan) -> str:
    return str(plan["stack"])


def settings_of(plan: Plan) -> Any:
    from stacks.settings import settings_from_config

    return settings_from_config(plan["config"], env(plan))


def alarm(plan: Plan, key: str) -> dict[str, Any]:
    (found,) = [r for r in resources(plan, ALARM) if r["inputs"]["name"] == f"genai-{env(plan)}-{key}"]
    inputs: dict[str, Any] = found["inputs"]
    return inputs


def topic_arn(plan: Plan) -> str:
    (topic,) = resources(plan, "aws:sns/topic:Topic")
    arn: str = topic["outputs"]["arn"]
    return arn


def test_every_alarm_notifies_the_topic_on_alarm_and_ok(plan: Plan) -> None:
    alarms = resources(plan, ALARM)
    assert len(alarms) >= 13
    for found in alarms:
        assert found["inputs"]["alarmActions"] == [topic_arn(plan)], found["name"]
        assert found["inputs"]["okActions"] == [topic_arn(plan)], found["name"]


@pytest.mark.parametrize("route", ["/v1/chat", "/v1/screen"])
def test_block_rate_is_blocked_over_requests_alarming_on_a_rise_and_a_fall(plan: Plan, route: str) -> None:
    """A sudden drop in blocking is what a bypass or a regression looks like: it must alarm too."""
    inputs = alarm(plan, f"filter-block-rate-{route.strip('/').replace('/', '-')}")
    assert inputs["comparisonOperator"] == "LessThanLowerOrGreaterThanUpperThreshold"
    queries = {q["id"]: q for q in inputs["metricQueries"]}
    assert inputs["thresholdMetricId"] == "band"
    band = settings_of(plan).monitoring.block_rate_band_width
    assert queries["band"]["expression"] == f"ANOMALY_DETECTION_BAND(rate, {band:g})"
    assert queries["rate"]["expression"] == f"IF(requests >= {BLOCK_RATE_MIN_REQUESTS}, 100 * blocked / requests)"
    assert queries["rate"]["returnData"] is True
    for query_id, name in (("blocked", FILTER_BLOCKED_METRIC), ("requests", FILTER_REQUESTS_METRIC)):
        metric = queries[query_id]["metric"]
        assert (metric["namespace"], metric["metricName"], metric["stat"]) == (FILTER_NAMESPACE, name, "Sum")
        assert metric["dimensions"] == {FILTER_ROUTE_DIMENSION: route}
        assert queries[query_id]["returnData"] is False


def test_filter_metric_names_match_the_filter_emf_record() -> None:
    from genai_filter import audit

    record = audit.build(
        namespace=FILTER_NAMESPACE,
        request_id="r",
        route="/v1/chat",
        method="POST",
        status=403,
        verdict="block",
        findings=[],
        latency_ms=1.0,
        prompt_hmac=None,
    )
    (directive,) = record["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == FILTER_NAMESPACE
    assert directive["Dimensions"] == [[FILTER_ROUTE_DIMENSION]]
    assert FILTER_BLOCKED_METRIC in {m["Name"] for m in directive["Metrics"]}
    assert record[FILTER_BLOCKED_METRIC] == 1


def test_filter_metrics_namespace_is_what_the_function_is_told(plan: Plan) -> None:
    (function,) = [f for f in resources(plan, "aws:lambda/function:Function") if f["name"].endswith("filter-function")]
    assert function["inputs"]["environment"]["variables"]["FILTER_METRICS_NAMESPACE"] == FILTER_NAMESPACE


def test_api_5xx_alarm(plan: Plan) -> None:
    inputs = alarm(plan, "api-5xx")
    assert (inputs["namespace"], inputs["metricName"]) == ("AWS/ApiGateway", "5XXError")
    assert inputs["dimensions"] == {"ApiName": f"genai-{env(plan)}-api", "Stage": settings_of(plan).api.stage_name}
    assert inputs["threshold"] == settings_of(plan).monitoring.api_5xx_threshold


def test_api_p99_latency_alarm(plan: Plan) -> None:
    inputs = alarm(plan, "api-p99-latency")
    assert (inputs["metricName"], inputs["extendedStatistic"]) == ("Latency", "p99")
    assert inputs["threshold"] == settings_of(plan).monitoring.api_p99_latency_ms


@pytest.mark.parametrize(("key", "metric"), [("filter-errors", "Errors"), ("filter-throttles", "Throttles")])
def test_lambda_alarms(plan: Plan, key: str, metric: str) -> None:
    inputs = alarm(plan, key)
    assert (inputs["namespace"], inputs["metricName"]) == ("AWS/Lambda", metric)
    assert inputs["dimensions"] == {"FunctionName": f"genai-{env(plan)}-filter"}


def test_waf_blocked_spike_alarm(plan: Plan) -> None:
    inputs = alarm(plan, "waf-blocked-spike")
    assert (inputs["namespace"], inputs["metricName"]) == ("AWS/WAFV2", "BlockedRequests")
    assert inputs["dimensions"] == {"WebACL": f"genai-{env(plan)}", "Region": "eu-west-1", "Rule": "ALL"}
    assert inputs["threshold"] == settings_of(plan).monitoring.waf_blocked_threshold


def dashboard(plan: Plan) -> Resource:
    (found,) = [
        d for d in resources(plan, "aws:cloudwatch/dashboard:Dashboard") if d["name"].endswith("-edge-alarms-dashboard")
    ]
    return found


def test_dashboard_shows_every_alarmed_metric(plan: Plan) -> None:
    bodies = [json.loads(d["inputs"]["dashboardBody"]) for d in resources(plan, "aws:cloudwatch/dashboard:Dashboard")]
    shown = {
        (row[0], row[1]) for body in bodies for widget in body["widgets"] for row in widget["properties"]["metrics"]
    }
    for found in resources(plan, ALARM):
        inputs = found["inputs"]
        if inputs.get("namespace", "").startswith("AWS/"):
            assert (inputs["namespace"], inputs["metricName"]) in shown, found["name"]
    assert (FILTER_NAMESPACE, FILTER_BLOCKED_METRIC) in shown
