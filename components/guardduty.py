"""GuardDuty: one detector with the platform's protection plans, and high-severity findings to the alert topic."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# Protection plans the platform relies on. RUNTIME_MONITORING (with EKS add-on management) covers EKS
# runtime; EKS_RUNTIME_MONITORING is the older feature AWS refuses alongside it.
FEATURES = ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION")
RUNTIME_ADDITIONAL = ("EKS_ADDON_MANAGEMENT",)
PUBLISHING_FREQUENCY = "FIFTEEN_MINUTES"


def findings_pattern(min_severity: float) -> dict[str, object]:
    """The EventBridge pattern for GuardDuty findings at or above a severity."""
    threshold: float | int = int(min_severity) if float(min_severity).is_integer() else min_severity
    return {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", threshold]}]},
    }


@dataclass
class ThreatDetectionArgs:
    name_prefix: str
    min_severity: float
    topic_arn: pulumi.Input[str]


class ThreatDetection(pulumi.ComponentResource):
    """An enabled detector publishing every 15 minutes with S3 data events, EKS audit logs, EKS runtime
    monitoring (agent managed as an EKS add-on), Lambda network logs and EBS malware protection; an
    EventBridge rule sends findings at or above the configured severity to the alert topic.

    GuardDuty allows one detector per account and region: an account that already has one must import it.
    """

    detector: aws.guardduty.Detector

    def __init__(self, name: str, args: ThreatDetectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:ThreatDetection", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.detector = aws.guardduty.Detector(
            f"{name}-detector", enable=True, finding_publishing_frequency=PUBLISHING_FREQUENCY, opts=child
        )
        for feature in FEATURES:
            aws.guardduty.DetectorFeature(
                f"{name}-{feature.lower().replace('_', '-')}",
                detector_id=self.detector.id,
                name=feature,
                status="ENABLED",
                additional_configurations=(
                    [{"name": extra, "status": "ENABLED"} for extra in RUNTIME_ADDITIONAL]
                    if feature == "RUNTIME_MONITORING"
                    else None
                ),
                opts=child,
            )
        rule = aws.cloudwatch.EventRule(
            f"{name}-findings",
            name=f"{args.name_prefix}-guardduty-findings",
            description=f"GuardDuty findings with severity >= {args.min_severity:g}",
            event_pattern=json.dumps(findings_pattern(args.min_severity), sort_keys=True),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-findings-to-topic", rule=rule.name, target_id="alert-topic", arn=args.topic_arn, opts=child
        )
        self.register_outputs({"detectorId": self.detector.id})
