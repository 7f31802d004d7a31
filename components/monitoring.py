"""Alerting: the encrypted SNS topic every alarm and finding goes to, and the edge's alarms and dashboard."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document
from components.kms import EncryptionKey, ServiceUse

# The filter's Embedded Metric Format record (lambdas/filter/genai_filter/audit.py): namespace from
# FILTER_METRICS_NAMESPACE, one `Route` dimension, counts per request.
FILTER_NAMESPACE = "GenAIPlatform/Filter"
FILTER_BLOCKED_METRIC = "Blocked"
FILTER_REQUESTS_METRIC = "Requests"
FILTER_ROUTE_DIMENSION = "Route"
PERIOD_SECONDS = 300
# Below this many requests in a period the blocked share is noise, not a rate to alarm on.
BLOCK_RATE_MIN_REQUESTS = 20


def publisher_arns(
    partition: pulumi.Input[str], region: str, account_id: pulumi.Input[str], name_prefix: str
) -> dict[str, pulumi.Output[str]]:
    """The EventBridge rules and CloudWatch alarms (by name prefix) that may publish alerts, by service."""
    return {
        "events.amazonaws.com": pulumi.Output.format(
            "arn:{0}:events:{1}:{2}:rule/{3}*", partition, region, account_id, name_prefix
        ),
        "cloudwatch.amazonaws.com": pulumi.Output.format(
            "arn:{0}:cloudwatch:{1}:{2}:alarm:{3}*", partition, region, account_id, name_prefix
        ),
    }


def publisher_key_uses(
    partition: pulumi.Input[str], region: str, account_id: pulumi.Input[str], name_prefix: str, topic_name: str
) -> list[ServiceUse]:
    """Key-policy statements that let EventBridge and CloudWatch alarms publish to one CMK-encrypted topic.

    Both are limited to the topic (SNS's encryption context, `aws:sns:topicArn`). CloudWatch's use is
    also limited to this account's alarms (aws:SourceAccount, aws:SourceArn). EventBridge's is not:
    the KMS requests of an EventBridge delivery to an encrypted topic do not carry those keys, and a
    condition on them would drop every GuardDuty finding without an error (docs/request-path.md).
    """
    actions = ("kms:GenerateDataKey*", "kms:Decrypt")
    topic: dict[str, pulumi.Input[str]] = {
        "kms:EncryptionContext:aws:sns:topicArn": pulumi.Output.format(
            "arn:{0}:sns:{1}:{2}:{3}", partition, region, account_id, topic_name
        )
    }
    alarms = publisher_arns(partition, region, account_id, name_prefix)["cloudwatch.amazonaws.com"]
    return [
        ServiceUse(service="events.amazonaws.com", actions=actions, condition={"StringEquals": topic}),
        ServiceUse(
            "cloudwatch.amazonaws.com",
            actions,
            condition={
                "StringEquals": {**topic, "aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": alarms},
            },
        ),
    ]


@dataclass
class AlertTopicArgs:
    topic_name: str
    key: EncryptionKey
    """A CMK whose policy includes `publisher_key_uses()`."""
    emails: Sequence[str]
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    name_prefix: str
    """Only EventBridge rules and alarms whose names start with this may publish."""


class AlertTopic(pulumi.ComponentResource):
    """An SNS topic encrypted with a CMK; only this account's EventBridge rules and CloudWatch alarms
    (by name prefix) may publish, only over TLS; e-mail subscriptions from settings."""

    topic: aws.sns.Topic
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlertTopicArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:AlertTopic", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(
            f"{name}-topic",
            name=args.topic_name,
            display_name="GenAI platform security alerts",
            kms_master_key_id=args.key.arn,
            opts=child,
        )
        self.arn = self.topic.arn
        publishers = publisher_arns(args.partition, args.region, args.account_id, args.name_prefix)
        statements = [
            Grant(
                sid=f"Publish{service.split('.')[0].title()}",
                actions=["sns:Publish"],
                resources=[self.topic.arn],
                principals={"Service": [service]},
                condition={"StringEquals": {"aws:SourceAccount": args.account_id}, "ArnLike": {"aws:SourceArn": arn}},
            )
            for service, arn in publishers.items()
        ]
        statements.append(
            Grant(
                sid="DenyInsecureTransport",
                effect="Deny",
                actions=["sns:Publish"],
                resources=[self.topic.arn],
                principals={"AWS": ["*"]},
                condition={"Bool": {"aws:SecureTransport": "false"}},
            )
        )
        aws.sns.TopicPolicy(f"{name}-policy", arn=self.topic.arn, policy=policy_document(statements), opts=child)
        for index, email in enumerate(args.emails):
            aws.sns.TopicSubscription(
                f"{name}-email-{index}", topic=self.topic.arn, protocol="email", endpoint=email, opts=child
            )
        self.register_outputs({"arn": self.arn})


@dataclass
class EdgeAlarmsArgs:
    name_prefix: str
    region: str
    topic_arn: pulumi.Input[str]
    function_name: str
    api_name: str
    stage_name: str
    web_acl_name: str
    routes: Sequence[str]
    """Values of the filter metrics' `Route` dimension, such as `/v1/chat`."""
    api_p99_latency_ms: int
    api_5xx_threshold: int
    waf_blocked_threshold: int
    block_rate_band_width: float
    filter_namespace: str = FILTER_NAMESPACE


class EdgeAlarms(pulumi.ComponentResource):
    """CloudWatch alarms on the request path, all notifying the alert topic on ALARM and OK:

    - the filter's blocked share (blocked / requests) per route, against an anomaly-detection band, on a
      rise and on a fall;
    - API Gateway 5xx count and p99 latency; filter Lambda errors and throttles; a WAF blocked-request spike;

    and a dashboard with the same metrics.
    """

    alarms: dict[str, aws.cloudwatch.MetricAlarm]

    def __init__(self, name: str, args: EdgeAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:EdgeAlarms", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self._args = args
        self._base = name
        self.alarms = {}
        api = {"ApiName": args.api_name, "Stage": args.stage_name}
        function = {"FunctionName": args.function_name}
        waf = {"WebACL": args.web_acl_name, "Region": args.region, "Rule": "ALL"}

        for route in args.routes:
            slug = route.strip("/").replace("/", "-")

            def filter_count(query_id: str, metric_name: str, route: str = route) -> dict[str, Any]:
                return {
                    "id": query_id,
                    "return_data": False,
                    "metric": {
                        "namespace": args.filter_namespace,
                        "metric_name": metric_name,
                        "dimensions": {FILTER_ROUTE_DIMENSION: route},
                        "period": PERIOD_SECONDS,
                        "stat": "Sum",
                    },
                }

            self._alarm(
                f"filter-block-rate-{slug}",
                f"Share of blocked requests on {route} outside its expected band: a rise is a campaign, "
                "a fall a bypass or a filter regression",
                comparison_operator="LessThanLowerOrGreaterThanUpperThreshold",
                evaluation_periods=3,
                datapoints_to_alarm=2,
                threshold_metric_id="band",
                metric_queries=[
                    filter_count("blocked", FILTER_BLOCKED_METRIC),
                    filter_count("requests", FILTER_REQUESTS_METRIC),
                    {
                        "id": "rate",
                        "label": f"Blocked share of {route} (%)",
                        # Without falseValue, IF leaves the period out: a handful of requests is no rate.
                        "expression": f"IF(requests >= {BLOCK_RATE_MIN_REQUESTS}, 100 * blocked / requests)",
                        "return_data": True,
                    },
                    {
                        "id": "band",
                        "label": f"Blocked share of {route} (expected band)",
                        "expression": f"ANOMALY_DETECTION_BAND(rate, {args.block_rate_band_width:g})",
                        "return_data": True,
                    },
                ],
            )
        self._alarm(
            "api-5xx",
            "API Gateway 5xx responses",
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions=api,
            statistic="Sum",
            threshold=args.api_5xx_threshold,
            comparison_operator="GreaterThanOrEqualToThreshold",
        )
        self._alarm(
            "api-p99-latency",
            "API Gateway p99 latency",
            namespace="AWS/ApiGateway",
            metric_name="Latency",
            dimensions=api,
            extended_statistic="p99",
            threshold=args.api_p99_latency_ms,
            comparison_operator="GreaterThanThreshold",
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self._alarm(
            "filter-errors",
            "Filter Lambda invocation errors",
            namespace="AWS/Lambda",
            metric_name="Errors",
            dimensions=function,
            statistic="Sum",
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
        )
        self._alarm(
            "filter-throttles",
            "Filter Lambda throttled (reserved concurrency exhausted)",
            namespace="AWS/Lambda",
            metric_name="Throttles",
            dimensions=function,
            statistic="Sum",
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
        )
        self._alarm(
            "waf-blocked-spike",
            "WAF blocked-request spike",
            namespace="AWS/WAFV2",
            metric_name="BlockedRequests",
            dimensions=waf,
            statistic="Sum",
            threshold=args.waf_blocked_threshold,
            comparison_operator="GreaterThanThreshold",
        )

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=f"{args.name_prefix}-edge",
            dashboard_body=json.dumps(_dashboard(args, api, function, waf), sort_keys=True),
            opts=self._child,
        )
        self.register_outputs({"alarms": {k: a.arn for k, a in self.alarms.items()}})

    def _alarm(self, key: str, description: str, **settings: Any) -> None:
        settings.setdefault("evaluation_periods", 1)
        if "metric_queries" not in settings:
            settings.setdefault("period", PERIOD_SECONDS)
        self.alarms[key] = aws.cloudwatch.MetricAlarm(
            f"{self._base}-{key}",
            name=f"{self._args.name_prefix}-{key}",
            alarm_description=description,
            alarm_actions=[self._args.topic_arn],
            ok_actions=[self._args.topic_arn],
            treat_missing_data="notBreaching",
            opts=self._child,
            **settings,
        )


def dashboard_metric(namespace: str, name: str, dims: Mapping[str, str], **options: Any) -> list[Any]:
    """One metric row of a CloudWatch dashboard widget."""
    row: list[Any] = [namespace, name]
    for key, value in dims.items():
        row += [key, value]
    return [*row, options] if options else row


def dashboard_widget(title: str, region: str, metrics: list[list[Any]], x: int, y: int, **props: Any) -> dict[str, Any]:
    """A 12×6 time-series widget at (x, y)."""
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": region,
            "metrics": metrics,
            "period": PERIOD_SECONDS,
            "view": "timeSeries",
            **props,
        },
    }


def _dashboard(
    args: EdgeAlarmsArgs, api: dict[str, str], function: dict[str, str], waf: dict[str, str]
) -> dict[str, Any]:
    metric = dashboard_metric

    def widget(title: str, metrics: list[list[Any]], x: int, y: int, **props: Any) -> dict[str, Any]:
        return dashboard_widget(title, args.region, metrics, x, y, **props)

    filter_metrics = [
        metric(args.filter_namespace, m, {FILTER_ROUTE_DIMENSION: route}, stat="Sum")
        for route in args.routes
        for m in (FILTER_REQUESTS_METRIC, FILTER_BLOCKED_METRIC)
    ]
    return {
        "widgets": [
            widget("Filter requests and blocks per route", filter_metrics, 0, 0),
            widget(
                "API Gateway 4xx/5xx",
                [
                    metric("AWS/ApiGateway", "4XXError", api, stat="Sum"),
                    metric("AWS/ApiGateway", "5XXError", api, stat="Sum"),
                ],
                12,
                0,
            ),
            widget("API Gateway latency p99", [metric("AWS/ApiGateway", "Latency", api, stat="p99")], 0, 6),
            widget(
                "Filter Lambda errors, throttles, concurrency",
                [
                    metric("AWS/Lambda", "Errors", function, stat="Sum"),
                    metric("AWS/Lambda", "Throttles", function, stat="Sum"),
                    metric("AWS/Lambda", "ConcurrentExecutions", function, stat="Maximum"),
                ],
                12,
                6,
            ),
            widget(
                "WAF allowed and blocked requests",
                [
                    metric("AWS/WAFV2", "AllowedRequests", waf, stat="Sum"),
                    metric("AWS/WAFV2", "BlockedRequests", waf, stat="Sum"),
                ],
                0,
                12,
            ),
        ]
    }
