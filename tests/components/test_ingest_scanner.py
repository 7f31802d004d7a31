"""The ingestion scanner as planned: raw bucket notification → encrypted queue (DLQ, alarms) → scanner
Lambda with least privilege → verdict tags, quarantine bucket, lineage table."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

from genai_ingest import config as scanner_config
from genai_ingest.formats import FORMATS

from components import ingest_scanner
from components.lambda_package import build_package
from stacks.ingest import INGEST_SOURCE, SHARED_PACKAGES
from stacks.settings import INGEST_FORMATS
from tests.components.conftest import named, output, stack_settings
from tests.conftest import Plan, Resource, as_list, policy, resources, statements

BASE = "-ingest-scanner"


def scanner(plan: Plan, type_: str, suffix: str) -> Resource:
    return named(plan, type_, f"{BASE}-{suffix}")


def function(plan: Plan) -> Resource:
    return scanner(plan, "aws:lambda/function:Function", "function")


def queue(plan: Plan, suffix: str = "queue") -> Resource:
    return scanner(plan, "aws:sqs/queue:Queue", suffix)


def raw_bucket(plan: Plan) -> Resource:
    return named(plan, "aws:s3/bucket:Bucket", "-datalake-raw-bucket")


def by_sid(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in statements(document)}


def role_statements(plan: Plan) -> list[dict[str, Any]]:
    return statements(policy(scanner(plan, "aws:iam/rolePolicy:RolePolicy", "access")))


def actions(statement: dict[str, Any]) -> set[str]:
    return set(as_list(statement["Action"]))


def test_the_function_has_the_filters_posture(plan: Plan) -> None:
    inputs = function(plan)["inputs"]
    assert inputs["architectures"] == ["arm64"]
    assert inputs["runtime"] == "python3.12"
    assert inputs["tracingConfig"] == {"mode": "Active"}
    assert inputs["handler"] == "ingest_handler.handler"
    assert inputs["vpcConfig"]["subnetIds"]
    assert inputs["kmsKeyArn"] == output(named(plan, "aws:kms/key:Key", "-ingest-key"), "arn")
    assert inputs["loggingConfig"]["logGroup"] == f"/aws/lambda/genai-{plan['stack']}-ingest-scanner"
    signed = plan["stack"] == "prod"
    assert bool(inputs.get("codeSigningConfigArn")) is signed
    assert ("s3Key" in inputs) is signed


def test_the_environment_is_what_the_scanner_reads(plan: Plan) -> None:
    variables = function(plan)["inputs"]["environment"]["variables"]
    s = stack_settings(plan).ingest
    assert variables == {
        scanner_config.ENV_MAX_BYTES: str(s.max_bytes),
        scanner_config.ENV_FORMATS: ",".join(s.formats),
        scanner_config.ENV_QUARANTINE_BUCKET: output(
            named(plan, "aws:s3/bucket:Bucket", "-quarantine-bucket"), "bucket"
        ),
        scanner_config.ENV_LINEAGE_TABLE: output(scanner(plan, "aws:dynamodb/table:Table", "lineage"), "name"),
    }
    assert scanner_config.load(variables).limits.formats == s.formats


def test_every_new_version_is_notified_after_the_queue_policy_exists(plan: Plan) -> None:
    notification = scanner(plan, "aws:s3/bucketNotification:BucketNotification", "notification")
    assert notification["inputs"]["bucket"] == raw_bucket(plan)["outputs"]["bucket"]
    (target,) = notification["inputs"]["queues"]
    assert target["events"] == ["s3:ObjectCreated:*"]
    assert "filterPrefix" not in target and "filterSuffix" not in target
    assert target["queueArn"] == queue(plan)["outputs"]["arn"]
    # S3 validates the destination when the configuration is put: the queue policy must exist.
    assert scanner(plan, "aws:sqs/queuePolicy:QueuePolicy", "queue-policy")["urn"] in notification["dependencies"]


def test_only_s3_for_the_raw_bucket_of_this_account_sends_to_the_queue(plan: Plan) -> None:
    queue_policy = scanner(plan, "aws:sqs/queuePolicy:QueuePolicy", "queue-policy")
    assert queue_policy["inputs"]["queueUrl"] == queue(plan)["outputs"]["url"]
    found = by_sid(policy(queue_policy))
    send = found["S3SendsObjectEvents"]
    assert send["Principal"] == {"Service": "s3.amazonaws.com"}
    assert send["Action"] == ["sqs:SendMessage"]
    assert send["Condition"] == {
        "ArnEquals": {"aws:SourceArn": raw_bucket(plan)["outputs"]["arn"]},
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    }
    assert found["DenyInsecureTransport"]["Effect"] == "Deny"


def test_the_key_admits_s3_only_for_the_raw_bucket(plan: Plan) -> None:
    found = by_sid(policy(named(plan, "aws:kms/key:Key", "-ingest-key")))
    s3 = found["S3NotificationsToTheScanQueue"]
    assert s3["Principal"] == {"Service": "s3.amazonaws.com"}
    assert actions(s3) == {"kms:GenerateDataKey", "kms:Decrypt"}
    # review S4: SQS calls KMS for S3 with the queue's ARN as encryption context; the source keys may be absent
    env = plan["stack"]
    queue_arns = f"arn:aws:sqs:eu-west-1:123456789012:genai-{env}-ingest-*"
    assert s3["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:sqs:arn": queue_arns}}
    assert fnmatch.fnmatchcase(output(queue(plan), "arn"), queue_arns)


def test_queues_are_encrypted_with_the_cmk_and_fail_over_to_the_dlq(plan: Plan) -> None:
    s = stack_settings(plan).ingest
    key_arn = output(named(plan, "aws:kms/key:Key", "-ingest-key"), "arn")
    main, dlq = queue(plan), queue(plan, "dlq")
    for q in (main, dlq):
        assert q["inputs"]["kmsMasterKeyId"] == key_arn
        assert "name" not in q["inputs"] and q["inputs"]["namePrefix"].startswith(f"genai-{plan['stack']}-ingest-")
    redrive = json.loads(main["inputs"]["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": dlq["outputs"]["arn"], "maxReceiveCount": s.max_receive_count}
    assert main["inputs"]["visibilityTimeoutSeconds"] == 6 * s.timeout_seconds
    assert dlq["inputs"]["messageRetentionSeconds"] > main["inputs"]["messageRetentionSeconds"]
    allow = json.loads(
        scanner(plan, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "dlq-sources")["inputs"]["redriveAllowPolicy"]
    )
    assert allow == {"redrivePermission": "byQueue", "sourceQueueArns": [main["outputs"]["arn"]]}


def test_a_message_in_the_dlq_alarms_to_the_alert_topic(plan: Plan) -> None:
    alarm = scanner(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "ingest-dlq-not-empty")["inputs"]
    topic = named(plan, "aws:sns/topic:Topic", "-alerts-topic")["outputs"]["arn"]
    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["dimensions"] == {"QueueName": queue(plan, "dlq")["outputs"]["name"]}
    assert (alarm["comparisonOperator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["alarmActions"] == [topic]
    assert alarm["name"].startswith(f"genai-{plan['stack']}-")  # the topic admits only the stack's alarms
    backlog = scanner(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "ingest-backlog")["inputs"]
    assert backlog["dimensions"] == {"QueueName": queue(plan)["outputs"]["name"]}
    assert backlog["metricName"] == "ApproximateAgeOfOldestMessage"


def test_the_queue_feeds_the_function_with_partial_batch_failures(plan: Plan) -> None:
    s = stack_settings(plan).ingest
    mapping = scanner(plan, "aws:lambda/eventSourceMapping:EventSourceMapping", "events")["inputs"]
    assert mapping["eventSourceArn"] == queue(plan)["outputs"]["arn"]
    assert mapping["functionName"] == function(plan)["outputs"]["arn"]
    assert mapping["batchSize"] == s.batch_size
    assert mapping["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["scalingConfig"] == {"maximumConcurrency": s.max_concurrency}
    reserved = function(plan)["inputs"].get("reservedConcurrentExecutions")
    assert reserved is None or reserved >= s.max_concurrency


def test_the_lineage_table_is_encrypted_recoverable_and_kept_in_prod(plan: Plan) -> None:
    table = scanner(plan, "aws:dynamodb/table:Table", "lineage")
    inputs = table["inputs"]
    assert "name" not in inputs  # review H3: autonamed, a replacement does not collide
    assert (inputs["hashKey"], inputs["rangeKey"]) == ("object", "version")
    assert inputs["serverSideEncryption"] == {
        "enabled": True,
        "kmsKeyArn": output(named(plan, "aws:kms/key:Key", "-ingest-key"), "arn"),
    }
    assert inputs["pointInTimeRecovery"]["enabled"] is True
    prod = plan["stack"] == "prod"
    assert inputs["deletionProtectionEnabled"] is prod
    assert (table["protect"], table["retainOnDelete"]) == (prod, prod)


def test_only_the_security_team_reads_the_quarantine(plan: Plan) -> None:
    bucket = named(plan, "aws:s3/bucket:Bucket", "-quarantine-bucket")
    assert bucket["inputs"]["forceDestroy"] is (plan["stack"] == "dev")
    assert bucket["inputs"]["tags"]["DataClassification"] == "restricted"
    bucket_policy = named(plan, "aws:s3/bucketPolicy:BucketPolicy", "-quarantine-policy")
    deny = by_sid(policy(bucket_policy))["OnlyNamedReaders"]
    security = named(plan, "aws:iam/role:Role", "-audit-reader-role")["outputs"]["arn"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert {"s3:GetObject", "s3:GetObjectVersion"} <= actions(deny)
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [security]}}
    grant = named(plan, "aws:iam/rolePolicy:RolePolicy", "-audit-reader-reads-quarantine")
    reads = by_sid(policy(grant))["ReadClassifiedObjects"]
    assert reads["Resource"] == bucket["outputs"]["arn"] + "/*"


def test_the_role_is_least_privilege(plan: Plan) -> None:
    role = scanner(plan, "aws:iam/role:Role", "role")["inputs"]
    assert "name" not in role and role["namePrefix"] == f"genai-{plan['stack']}-ingest-scanner-"
    found = role_statements(plan)
    every = {a for s in found for a in actions(s)}
    assert not any("Delete" in a and a.startswith(("s3:", "dynamodb:")) for a in every)
    assert not any(a.endswith("*") and not a.startswith("kms:") for a in every)
    tagging = next(s for s in found if "s3:PutObjectVersionTagging" in actions(s))
    assert tagging["Resource"] == raw_bucket(plan)["outputs"]["arn"] + "/*"
    assert tagging["Condition"]["ForAllValues:StringEquals"]["s3:RequestObjectTagKeys"] == [
        "data_classification",
        "dataset",
        "scan_status",
        "scanner_version",
        "source",
    ]
    table = next(s for s in found if any(a.startswith("dynamodb:") for a in actions(s)))
    assert actions(table) == {"dynamodb:GetItem", "dynamodb:PutItem"}
    assert table["Resource"] == scanner(plan, "aws:dynamodb/table:Table", "lineage")["outputs"]["arn"]
    consume = next(s for s in found if any(a.startswith("sqs:") for a in actions(s)))
    assert consume["Resource"] == queue(plan)["outputs"]["arn"]
    assert "sqs:SendMessage" not in actions(consume)
    quarantine = named(plan, "aws:s3/bucket:Bucket", "-quarantine-bucket")["outputs"]["arn"]
    for statement in found:
        if quarantine in json.dumps(statement.get("Resource")):
            assert not actions(statement) & {"s3:GetObject", "s3:GetObjectVersion"}


def test_egress_is_the_endpoints_only(plan: Plan) -> None:
    group = scanner(plan, "aws:ec2/securityGroup:SecurityGroup", "sg")
    rules = [
        r["inputs"]
        for r in resources(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        if r["name"].startswith(f"genai-{plan['stack']}{BASE}-")
    ]
    assert len(rules) == 3
    assert all((r["fromPort"], r["toPort"], r["ipProtocol"]) == (443, 443, "tcp") for r in rules)
    assert not any("cidrIpv4" in r for r in rules)
    gateways = {
        named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", f"-network-{service}")["outputs"]["prefixListId"]
        for service in ("s3", "dynamodb")
    }
    assert {r["prefixListId"] for r in rules if "prefixListId" in r} == gateways
    assert group["inputs"]["vpcId"]


def test_the_dynamodb_endpoint_admits_only_the_platforms_tables(plan: Plan) -> None:
    endpoint = named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "-network-dynamodb")
    (statement,) = statements(policy(endpoint))
    assert statement["Resource"] == f"arn:aws:dynamodb:eu-west-1:123456789012:table/genai-{plan['stack']}-*"
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    assert not any(a.endswith("*") or "Delete" in a for a in actions(statement))


def test_the_package_carries_the_filters_detectors(tmp_path: Path) -> None:
    package = build_package(INGEST_SOURCE, tmp_path, "ingest", include=SHARED_PACKAGES)
    assert "ingest_handler.py" in package.files
    assert "genai_ingest/scan.py" in package.files
    assert "genai_filter/injection.py" in package.files
    assert not any("tests/" in f or f.endswith(".pyc") for f in package.files)


def test_names_and_formats_match_the_scanner() -> None:
    assert INGEST_FORMATS == FORMATS
    assert (ingest_scanner.ENV_MAX_BYTES, ingest_scanner.ENV_FORMATS) == (
        scanner_config.ENV_MAX_BYTES,
        scanner_config.ENV_FORMATS,
    )
    assert (ingest_scanner.ENV_QUARANTINE_BUCKET, ingest_scanner.ENV_LINEAGE_TABLE) == (
        scanner_config.ENV_QUARANTINE_BUCKET,
        scanner_config.ENV_LINEAGE_TABLE,
    )


def test_the_dashboard_shows_the_queues_the_alarms_watch(plan: Plan) -> None:
    board = scanner(plan, "aws:cloudwatch/dashboard:Dashboard", "dashboard")
    assert board["inputs"]["dashboardName"] == f"genai-{plan['stack']}-ingest"
    rows = [row for w in json.loads(board["inputs"]["dashboardBody"])["widgets"] for row in w["properties"]["metrics"]]
    assert ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue(plan, "dlq")["outputs"]["name"]] in [
        r[:4] for r in rows
    ]
    assert ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue(plan)["outputs"]["name"]] in [
        r[:4] for r in rows
    ]


def test_prod_deploys_only_the_signed_scanner(prod_plan: Plan) -> None:
    profile = scanner(prod_plan, "aws:signer/signingProfile:SigningProfile", "signing-profile")
    config = scanner(prod_plan, "aws:lambda/codeSigningConfig:CodeSigningConfig", "code-signing")
    assert profile["inputs"]["namePrefix"] == "genai_prod_ingest_"
    assert config["inputs"]["policies"] == {"untrustedArtifactOnDeployment": "Enforce"}
    assert config["inputs"]["allowedPublishers"]["signingProfileVersionArns"] == [profile["outputs"]["versionArn"]]
    assert function(prod_plan)["inputs"]["codeSigningConfigArn"] == config["outputs"]["arn"]
    job = scanner(prod_plan, "aws:signer/signingJob:SigningJob", "signing-job")
    (signed,) = job["outputs"]["signedObjects"][0]["s3s"]
    assert function(prod_plan)["inputs"]["s3Key"] == signed["key"]
