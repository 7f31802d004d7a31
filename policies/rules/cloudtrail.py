"""CloudTrail: a multi-region trail with log-file validation and KMS encryption."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CIS_AWS, HIGH, LOW, MEDIUM, Meta, Res, Stack, insecure, resource_rule, secure, stack_rule

TRAIL = "aws:cloudtrail/trail:Trail"


def _present(stack: Stack) -> Iterator[tuple[str | None, str]]:
    if not stack.of_type(TRAIL):
        yield None, "The stack has no CloudTrail trail."


def _multi_region(res: Res) -> Iterator[str]:
    if res.props.get("isMultiRegionTrail") is not True:
        yield f"Trail '{res.name}' is not multi-region."


def _validation(res: Res) -> Iterator[str]:
    if res.props.get("enableLogFileValidation") is not True:
        yield f"Trail '{res.name}' does not validate log files."


def _kms(res: Res) -> Iterator[str]:
    if not res.props.get("kmsKeyId"):
        yield f"Trail '{res.name}' is not encrypted with a KMS key."


def _cloudwatch(res: Res) -> Iterator[str]:
    if not res.props.get("cloudWatchLogsGroupArn"):
        yield f"Trail '{res.name}' does not deliver to CloudWatch Logs (cloudWatchLogsGroupArn)."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-cloudtrail-trail-cloudwatch-logs",
                "Trails deliver events to CloudWatch Logs (for metric filters and alarms).",
                LOW,
                (),
                "Set cloud_watch_logs_group_arn='<log group arn>:*' and cloud_watch_logs_role_arn.",
                examples=(
                    secure(
                        {
                            "s3BucketName": "trail",
                            "cloudWatchLogsGroupArn": "arn:aws:logs:eu-west-1:1:log-group:trail:*",
                            "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/trail",
                        }
                    ),
                    insecure({"s3BucketName": "trail"}),
                ),
            ),
            [TRAIL],
            _cloudwatch,
        ),
        stack_rule(
            Meta(
                "aws-cloudtrail-trail-present",
                "The stack has a CloudTrail trail.",
                HIGH,
                (f"{CIS_AWS}:3.1",),
                "Add an aws.cloudtrail.Trail.",
            ),
            _present,
        ),
        resource_rule(
            Meta(
                "aws-cloudtrail-trail-multi-region",
                "Trails are multi-region.",
                HIGH,
                (f"{CIS_AWS}:3.1",),
                "Set isMultiRegionTrail=True.",
            ),
            [TRAIL],
            _multi_region,
        ),
        resource_rule(
            Meta(
                "aws-cloudtrail-trail-log-validation",
                "Trails validate log files.",
                MEDIUM,
                (f"{CIS_AWS}:3.2",),
                "Set enableLogFileValidation=True.",
            ),
            [TRAIL],
            _validation,
        ),
        resource_rule(
            Meta(
                "aws-cloudtrail-trail-kms",
                "Trails are encrypted with a KMS key.",
                MEDIUM,
                (f"{CIS_AWS}:3.5",),
                "Set kmsKeyId to a customer-managed KMS key whose policy lets CloudTrail encrypt with it.",
            ),
            [TRAIL],
            _kms,
        ),
    ]
