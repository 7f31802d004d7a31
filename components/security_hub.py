"""Security Hub for the account: the FSBP and CIS v3.0.0 standards, an account IAM Access Analyzer,
optionally Amazon Inspector on ECR, and findings at or above a severity to the alert topic.

Account-level: one hub, one analyzer per account and region. Meant for the account-baseline stage;
every resource here can be imported where the account already has one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

SEVERITY_LABELS = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
STANDARDS = {
    "fsbp": "standards/aws-foundational-security-best-practices/v/1.0.0",
    "cis-v3": "standards/cis-aws-foundations-benchmark/v/3.0.0",
}


def standards_arn(partition: pulumi.Input[str], region: str, path: str) -> pulumi.Output[str]:
    """Regional standards ARNs have no account: `arn:<partition>:securityhub:<region>::standards/…`."""
    return pulumi.Output.format("arn:{0}:securityhub:{1}::{2}", partition, region, path)


def findings_pattern(min_label: str) -> dict[str, object]:
    """Imported findings (every integration: GuardDuty, Access Analyzer, Inspector, controls) at or above
    a severity label, still active and not yet triaged."""
    if min_label not in SEVERITY_LABELS:
        raise ValueError(f"min_label must be one of {', '.join(SEVERITY_LABELS)}, got {min_label!r}")
    labels = list(SEVERITY_LABELS[SEVERITY_LABELS.index(min_label) :])
    return {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {
                "Severity": {"Label": labels},
                "RecordState": ["ACTIVE"],
                "Workflow": {"Status": ["NEW"]},
            }
        },
    }


@dataclass
class SecurityHubArgs:
    name_prefix: str
    partition: pulumi.Input[str]
    region: str
    account_id: pulumi.Input[str]
    min_severity: str
    """A SEVERITY_LABELS value."""
    topic_arn: pulumi.Input[str]
    """Its policy and key must admit EventBridge rules named `<name_prefix>…` (components/monitoring.py)."""
    inspector_ecr: bool


class SecurityHub(pulumi.ComponentResource):
    """- Security Hub without its default standards, consolidated control findings, new controls on;
    - the AWS Foundational Security Best Practices v1.0.0 and CIS AWS Foundations Benchmark v3.0.0
      subscriptions (after the hub: a subscription on a disabled hub fails);
    - an ACCOUNT IAM Access Analyzer (external access to roles, keys, buckets, secrets);
    - with `inspector_ecr`, Amazon Inspector enhanced scanning of the account's ECR images;
    - an EventBridge rule sending imported findings at or above `min_severity` to the alert topic.

    GuardDuty, Access Analyzer and Inspector findings reach Security Hub through its built-in AWS
    service integrations, which are on as soon as both sides are enabled. The controls need AWS Config
    recording the resource types they evaluate (docs/detection-response.md).
    """

    account: aws.securityhub.Account
    analyzer: aws.accessanalyzer.Analyzer
    standards: dict[str, aws.securityhub.StandardsSubscription]

    def __init__(self, name: str, args: SecurityHubArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:SecurityHub", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.account = aws.securityhub.Account(
            f"{name}-account",
            enable_default_standards=False,
            auto_enable_controls=True,
            control_finding_generator="SECURITY_CONTROL",
            opts=child,
        )
        after_hub = pulumi.ResourceOptions(parent=self, depends_on=[self.account])
        self.standards = {
            key: aws.securityhub.StandardsSubscription(
                f"{name}-{key}", standards_arn=standards_arn(args.partition, args.region, path), opts=after_hub
            )
            for key, path in STANDARDS.items()
        }
        self.analyzer = aws.accessanalyzer.Analyzer(
            f"{name}-access-analyzer", analyzer_name=f"{args.name_prefix}-account", type="ACCOUNT", opts=child
        )
        if args.inspector_ecr:
            aws.inspector2.Enabler(
                f"{name}-inspector-ecr", account_ids=[args.account_id], resource_types=["ECR"], opts=child
            )
        rule = aws.cloudwatch.EventRule(
            f"{name}-findings",
            name=f"{args.name_prefix}-securityhub-findings",
            description=f"Security Hub findings with severity {args.min_severity} or higher",
            event_pattern=json.dumps(findings_pattern(args.min_severity), sort_keys=True),
            opts=after_hub,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-findings-to-topic", rule=rule.name, target_id="alert-topic", arn=args.topic_arn, opts=child
        )
        self.register_outputs(
            {"standards": {k: s.standards_arn for k, s in self.standards.items()}, "analyzer": self.analyzer.arn}
        )
