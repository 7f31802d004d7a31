"""GuardDuty: the account's detector with the platform's protection plans, and findings to each environment's topic."""

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


class ThreatDetector(pulumi.ComponentResource):
    """The account's GuardDuty detector (one per account and region, so it lives in the account stage):
    enabled, publishing every 15 minutes, with S3 data events, EKS audit logs, EKS runtime monitoring
    (agent managed as an EKS add-on), Lambda network logs and EBS malware protection.

    `import_id` adopts a detector the account already has instead of creating a second one (refused).
    """

    detector: aws.guardduty.Detector

    def __init__(self, name: str, import_id: str | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:ThreatDetector", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.detector = aws.guardduty.Detector(
            f"{name}-detector",
            enable=True,
            finding_publishing_frequency=PUBLISHING_FREQUENCY,
            # An import fails when inputs differ from the existing detector; once it is in the state
            # (remove guardDutyDetectorId then), every property is managed again.
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=import_id,
                ignore_changes=["findingPublishingFrequency", "tags"] if import_id else None,
                # One detector serves every environment in the account: a destroy or a replacement
                # would switch detection off for all of them.
                protect=True,
                retain_on_delete=True,
            ),
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
        self.register_outputs({"detectorId": self.detector.id})


@dataclass
class ThreatDetectionArgs:
    name_prefix: str
    min_severity: float
    topic_arn: pulumi.Input[str]
    detector_id: pulumi.Input[str]
    """The account stage's detector (read through its stack reference)."""


class ThreatDetection(pulumi.ComponentResource):
    """One environment's view of the account's GuardDuty detector: an EventRule sends findings at or
    above the configured severity to the environment's alert topic. The detector itself is the
    account stage's `ThreatDetector`.
    """

    def __init__(self, name: str, args: ThreatDetectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:ThreatDetection", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
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
        self.register_outputs({"detectorId": args.detector_id})
