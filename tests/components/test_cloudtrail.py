"""CloudTrail: the audit trail's destinations, event selectors and CIS metric filters with alarms."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.cloudtrail import CIS_METRIC_FILTERS, CIS_NAMESPACE
from tests.conftest import Plan, Resource, policy, resources, statements


def env(plan: Plan) -> str:
    return str(plan["stack"])


def settings_of(plan: Plan) -> Any:
    from stacks.settings import settings_from_config

    return settings_from_config(plan["config"], env(plan))


def trail(plan: Plan) -> dict[str, Any]:
    (found,) = resources(plan, "aws:cloudtrail/trail:Trail")
    inputs: dict[str, Any] = found["inputs"]
    return inputs


def named(plan: Plan, type_: str, suffix: str) -> Resource:
    (found,) = [r for r in resources(plan, type_) if r["name"] == f"genai-{env(plan)}-{suffix}"]
    return found


def log_group(plan: Plan) -> Resource:
    return named(plan, "aws:cloudwatch/logGroup:LogGroup", "audit-trail-logs-group")


def test_trail_name_is_the_one_the_audit_bucket_admits(plan: Plan) -> None:
    assert trail(plan)["name"] == f"genai-{env(plan)}-trail"
    bucket_policy = named(plan, "aws:s3/bucketPolicy:BucketPolicy", "datalake-audit-policy")
    (write,) = [s for s in statements(policy(bucket_policy)) if s["Sid"] == "CloudTrailWrite"]
    (trail_resource,) = resources(plan, "aws:cloudtrail/trail:Trail")
    assert write["Condition"]["StringEquals"]["aws:SourceArn"] == trail_resource["outputs"]["arn"]


def test_trail_is_multi_region_with_validation_and_global_events(plan: Plan) -> None:
    assert trail(plan)["isMultiRegionTrail"] is True
    assert trail(plan)["enableLogFileValidation"] is True
    assert trail(plan)["includeGlobalServiceEvents"] is True


def test_trail_uses_the_audit_key_and_bucket(plan: Plan) -> None:
    key = named(plan, "aws:kms/key:Key", "datalake-audit-key")
    bucket = named(plan, "aws:s3/bucket:Bucket", "datalake-audit-bucket")
    assert trail(plan)["kmsKeyId"] == key["outputs"]["arn"]
    assert trail(plan)["s3BucketName"] == bucket["inputs"].get("bucket", bucket["outputs"].get("bucket"))
    assert trail(plan)["s3KeyPrefix"] == "cloudtrail"


def test_trail_delivers_to_its_log_group_through_a_role(plan: Plan) -> None:
    assert trail(plan)["cloudWatchLogsGroupArn"] == f"{log_group(plan)['outputs']['arn']}:*"
    role = named(plan, "aws:iam/role:Role", "audit-trail-delivery-role")
    assert trail(plan)["cloudWatchLogsRoleArn"] == role["outputs"]["arn"]
    (trust,) = statements(policy(role, "assumeRolePolicy"))
    assert trust["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    grant = policy(named(plan, "aws:iam/rolePolicy:RolePolicy", "audit-trail-delivery"))
    (statement,) = statements(grant)
    assert "logs:PutLogEvents" in statement["Action"]
    assert log_group(plan)["outputs"]["arn"] in statement["Resource"]


def test_trail_log_group_is_encrypted_and_kept_for_the_audit_period(plan: Plan) -> None:
    inputs = log_group(plan)["inputs"]
    assert inputs["name"] == f"/genai/{env(plan)}/cloudtrail"
    assert inputs["kmsKeyId"].startswith("arn:aws:kms:")
    assert inputs["retentionInDays"] == settings_of(plan).audit_log_retention_days


def selectors(plan: Plan) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for selector in trail(plan)["advancedEventSelectors"]:
        out[selector["name"]] = {f["field"]: f for f in selector["fieldSelectors"]}
    return out


def test_management_events_are_recorded(plan: Plan) -> None:
    assert selectors(plan)["Management events"]["eventCategory"]["equals"] == ["Management"]


def test_s3_data_events_cover_the_data_lake_buckets(plan: Plan) -> None:
    s3 = selectors(plan)["Data-lake object access"]
    assert s3["resources.type"]["equals"] == ["AWS::S3::Object"]
    buckets = {
        purpose: named(plan, "aws:s3/bucket:Bucket", f"datalake-{purpose}-bucket")["outputs"]["arn"]
        for purpose in ("raw", "curated", "models", "audit")
    }
    prefixes = set(s3["resources.ARN"]["startsWiths"])
    assert prefixes == {f"{buckets[p]}/" for p in ("raw", "curated", "models")}


def test_lambda_data_events_cover_the_filter(plan: Plan) -> None:
    function = named(plan, "aws:lambda/function:Function", "filter-function")
    lambda_events = selectors(plan)["Filter function invocations"]
    assert lambda_events["resources.type"]["equals"] == ["AWS::Lambda::Function"]
    assert lambda_events["resources.ARN"]["equals"] == [function["outputs"]["arn"]]


def test_lineage_table_writes_are_recorded(plan: Plan) -> None:
    table = named(plan, "aws:dynamodb/table:Table", "ingest-scanner-lineage")
    writes = selectors(plan)["Lineage table writes"]
    assert writes["resources.type"]["equals"] == ["AWS::DynamoDB::Table"]
    assert writes["readOnly"]["equals"] == ["false"]
    (prefix,) = writes["resources.ARN"]["startsWiths"]
    assert table["outputs"]["arn"].startswith(prefix) and prefix.endswith("-ingest-scanner-lineage-")


@pytest.mark.parametrize("key", sorted(CIS_METRIC_FILTERS))
def test_cis_metric_filter_on_the_trail_log_group(plan: Plan, key: str) -> None:
    metric, pattern = CIS_METRIC_FILTERS[key]
    metric_filter = named(plan, "aws:cloudwatch/logMetricFilter:LogMetricFilter", f"audit-trail-{key}")["inputs"]
    assert metric_filter["logGroupName"] == log_group(plan)["inputs"]["name"]
    assert metric_filter["pattern"] == pattern
    assert metric_filter["metricTransformation"] == {"name": metric, "namespace": CIS_NAMESPACE, "value": "1"}


@pytest.mark.parametrize("key", sorted(CIS_METRIC_FILTERS))
def test_cis_alarm_notifies_the_topic(plan: Plan, key: str) -> None:
    metric, _ = CIS_METRIC_FILTERS[key]
    (topic,) = resources(plan, "aws:sns/topic:Topic")
    alarm = named(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", f"audit-trail-{key}-alarm")["inputs"]
    assert (alarm["namespace"], alarm["metricName"]) == (CIS_NAMESPACE, metric)
    assert alarm["threshold"] == 1
    assert alarm["alarmActions"] == alarm["okActions"] == [topic["outputs"]["arn"]]


@pytest.mark.parametrize(
    ("key", "needles"),
    [
        ("unauthorized-api-calls", ["*UnauthorizedOperation", "AccessDenied*"]),
        ("root-usage", ['$.userIdentity.type = "Root"']),
        ("iam-policy-changes", ["PutRolePolicy", "AttachRolePolicy", "CreatePolicyVersion"]),
        ("cloudtrail-changes", ["StopLogging", "DeleteTrail", "UpdateTrail"]),
        ("kms-key-disable-or-deletion", ["DisableKey", "ScheduleKeyDeletion"]),
        ("security-group-changes", ["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress"]),
    ],
)
def test_cis_patterns_cover_the_benchmark_events(key: str, needles: list[str]) -> None:
    _, pattern = CIS_METRIC_FILTERS[key]
    assert all(needle in pattern for needle in needles)
    assert pattern.count("(") == pattern.count(")")


def test_cloudtrail_describes_the_audit_key_in_a_statement_of_its_own(plan: Plan) -> None:
    """DescribeKey carries no encryption context, so under the `aws:cloudtrail:arn` context condition it
    would never be allowed and CreateTrail fails (InsufficientEncryptionPolicyException). AWS documents a
    separate statement ("Enable CloudTrail to describe KMS key properties")."""
    key = named(plan, "aws:kms/key:Key", "datalake-audit-key")
    cloudtrail = [s for s in statements(policy(key)) if s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}]
    (describe,) = [s for s in cloudtrail if "kms:DescribeKey" in s["Action"]]
    assert describe["Action"] == ["kms:DescribeKey"]
    assert "kms:EncryptionContext:aws:cloudtrail:arn" not in json.dumps(describe.get("Condition", {}))
    (trail_resource,) = resources(plan, "aws:cloudtrail/trail:Trail")
    assert describe["Condition"] == {"StringEquals": {"aws:SourceArn": trail_resource["outputs"]["arn"]}}
    (encrypt,) = [s for s in cloudtrail if "kms:GenerateDataKey*" in s["Action"]]
    assert "kms:DescribeKey" not in encrypt["Action"]
    assert "kms:EncryptionContext:aws:cloudtrail:arn" in encrypt["Condition"]["StringLike"]
