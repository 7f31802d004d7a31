"""Security Hub in two parts. The account's singletons (account stage): the hub with the FSBP and CIS
v3.0.0 standards, an account IAM Access Analyzer, optionally Amazon Inspector on ECR. Per environment
(platform stage): the EventBridge rule sending findings at or above a severity about that environment's
resources to its alert topic.
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
ACCOUNT_RESOURCE_TYPE = "AwsAccount"
"""ASFF resource type of findings about the account itself (root use, password policy, trails)."""
ALERTED_ELSEWHERE = ("GuardDuty",)
"""ASFF `ProductName`s (set by Security Hub on every finding) whose findings already alert through their own
rule (components/guardduty.py `ThreatDetection`): re-sent by Security Hub, they would alert twice."""


def standards_arn(partition: pulumi.Input[str], region: str, path: str) -> pulumi.Output[str]:
    """Regional standards ARNs have no account: `arn:<partition>:securityhub:<region>::standards/…`."""
    return pulumi.Output.format("arn:{0}:securityhub:{1}::{2}", partition, region, path)


def findings_pattern(
    min_label: str, environment: str, name_prefix: str, *, account_findings: bool = False
) -> dict[str, object]:
    """Imported findings (every integration but GuardDuty's: Access Analyzer, Inspector, controls) at or
    above a severity label, still active and not yet triaged, about one environment's resources: a resource
    whose ARN or id holds `<name_prefix>-` (every physical name does), or that carries the
    environment's `Environment` tag (the provider's default tags). With `account_findings`, also
    findings about the account itself."""
    if min_label not in SEVERITY_LABELS:
        raise ValueError(f"min_label must be one of {', '.join(SEVERITY_LABELS)}, got {min_label!r}")
    labels = list(SEVERITY_LABELS[SEVERITY_LABELS.index(min_label) :])
    ours: list[dict[str, object]] = [
        {"Resources": {"Id": [{"wildcard": f"*{name_prefix}-*"}]}},
        {"Resources": {"Tags": {"Environment": [environment]}}},
    ]
    if account_findings:
        ours.append({"Resources": {"Type": [ACCOUNT_RESOURCE_TYPE]}})
    return {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {
                "ProductName": [{"anything-but": list(ALERTED_ELSEWHERE)}],
                "Severity": {"Label": labels},
                "RecordState": ["ACTIVE"],
                "Workflow": {"Status": ["NEW"]},
                "$or": ours,
            }
        },
    }


ACCOUNT_ANALYZER = "genai-account"
"""The ACCOUNT IAM Access Analyzer the account stage creates when the account has none."""


@dataclass
class SecurityHubArgs:
    partition: pulumi.Input[str]
    region: str
    account_id: pulumi.Input[str]
    analyzer_name: str
    inspector_ecr: bool
    import_hub_id: str | None = None
    """The account id, when Security Hub is already enabled here: the hub is imported (one per region)."""
    import_analyzer: bool = False
    """`analyzer_name` is the account's existing ACCOUNT analyzer (one per region): import it, and keep it
    on destroy (someone else created it)."""


class SecurityHub(pulumi.ComponentResource):
    """The account's Security Hub singletons (account stage):

    - Security Hub without its default standards, consolidated control findings, new controls on;
    - the AWS Foundational Security Best Practices v1.0.0 and CIS AWS Foundations Benchmark v3.0.0
      subscriptions (after the hub: a subscription on a disabled hub fails);
    - an ACCOUNT IAM Access Analyzer (external access to roles, keys, buckets, secrets);
    - with `inspector_ecr`, Amazon Inspector enhanced scanning of the account's ECR images.

    GuardDuty, Access Analyzer and Inspector findings reach Security Hub through its built-in AWS
    service integrations, which are on as soon as both sides are enabled. The controls need AWS Config
    recording the resource types they evaluate (a prerequisite: docs/detection-response.md).
    """

    account: aws.securityhub.Account
    analyzer: aws.accessanalyzer.Analyzer
    standards: dict[str, aws.securityhub.StandardsSubscription]
    hub_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecurityHubArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:account:SecurityHub", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.account = aws.securityhub.Account(
            f"{name}-account",
            enable_default_standards=False,
            auto_enable_controls=True,
            control_finding_generator="SECURITY_CONTROL",
            # One hub serves every environment and other tools in the account: a destroy of this
            # stage must not switch Security Hub off (like the GuardDuty detector).
            opts=pulumi.ResourceOptions(parent=self, import_=args.import_hub_id, protect=True, retain_on_delete=True),
        )
        after_hub = pulumi.ResourceOptions(parent=self, depends_on=[self.account])
        self.standards = {
            key: aws.securityhub.StandardsSubscription(
                f"{name}-{key}", standards_arn=standards_arn(args.partition, args.region, path), opts=after_hub
            )
            for key, path in STANDARDS.items()
        }
        self.analyzer = aws.accessanalyzer.Analyzer(
            f"{name}-access-analyzer",
            analyzer_name=args.analyzer_name,
            type="ACCOUNT",
            opts=pulumi.ResourceOptions(parent=self, import_=args.analyzer_name, retain_on_delete=True)
            if args.import_analyzer
            else child,
        )
        if args.inspector_ecr:
            aws.inspector2.Enabler(
                f"{name}-inspector-ecr", account_ids=[args.account_id], resource_types=["ECR"], opts=child
            )
        self.hub_arn = self.account.arn
        self.register_outputs(
            {
                "hubArn": self.hub_arn,
                "standards": {k: s.standards_arn for k, s in self.standards.items()},
                "analyzer": self.analyzer.arn,
            }
        )


@dataclass
class SecurityFindingsArgs:
    name_prefix: str
    environment: str
    min_severity: str
    """A SEVERITY_LABELS value."""
    topic_arn: pulumi.Input[str]
    """Its policy and key must admit EventBridge rules named `<name_prefix>…` (components/monitoring.py)."""
    account_findings: bool = False


class SecurityFindings(pulumi.ComponentResource):
    """One environment's share of Security Hub (platform stage): an EventBridge rule sending imported
    findings at or above `min_severity` about this environment's resources to its alert topic. The
    hub itself is the account stage's (`SecurityHub`)."""

    rule: aws.cloudwatch.EventRule

    def __init__(self, name: str, args: SecurityFindingsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:SecurityFindings", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        pattern = findings_pattern(
            args.min_severity, args.environment, args.name_prefix, account_findings=args.account_findings
        )
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-findings",
            name=f"{args.name_prefix}-securityhub-findings",
            description=f"Security Hub findings with severity {args.min_severity} or higher about {args.environment}",
            event_pattern=json.dumps(pattern, sort_keys=True),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-findings-to-topic", rule=self.rule.name, target_id="alert-topic", arn=args.topic_arn, opts=child
        )
        self.register_outputs({"rule": self.rule.name})
