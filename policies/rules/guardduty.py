"""GuardDuty: an enabled detector with the required features (DetectorFeature resources)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, OWASP_LLM, Meta, Stack, as_list, dig, stack_rule

DETECTOR = "aws:guardduty/detector:Detector"
FEATURE = "aws:guardduty/detectorFeature:DetectorFeature"


def _detector(stack: Stack) -> Iterator[tuple[str | None, str]]:
    detectors = stack.of_type(DETECTOR)
    if not detectors:
        yield None, "The stack has no GuardDuty detector."
    for d in detectors:
        if d.props.get("enable") is False:
            yield d.urn, f"GuardDuty detector '{d.name}' is disabled."


def _features(stack: Stack) -> Iterator[tuple[str | None, str]]:
    required = stack.config.strings("requiredFeatures")
    addons = stack.config.strings("runtimeMonitoringAdditionalConfigurations")
    for d in stack.of_type(DETECTOR):
        features = {str(f.props.get("name")): f for f in stack.referencing(d, FEATURE, "detectorId")}
        for name in required:
            f = features.get(name)
            if f is None or f.props.get("status") != "ENABLED":
                yield d.urn, f"GuardDuty detector '{d.name}' does not enable feature {name}."
        if "RUNTIME_MONITORING" in features and "EKS_RUNTIME_MONITORING" in features:
            yield (
                d.urn,
                (
                    f"GuardDuty detector '{d.name}' sets both RUNTIME_MONITORING and EKS_RUNTIME_MONITORING, "
                    "which AWS rejects."
                ),
            )
        runtime = features.get("RUNTIME_MONITORING")
        if runtime is not None and "RUNTIME_MONITORING" in required:
            enabled = {
                str(dig(c, "name"))
                for c in as_list(runtime.props.get("additionalConfigurations"))
                if dig(c, "status") == "ENABLED"
            }
            for addon in addons:
                if addon not in enabled:
                    yield d.urn, f"GuardDuty RUNTIME_MONITORING on '{d.name}' does not enable {addon}."


def policies() -> list[Policy]:
    return [
        stack_rule(
            Meta(
                "aws-guardduty-detector-enabled",
                "The stack has an enabled GuardDuty detector.",
                HIGH,
                (f"{OWASP_LLM}:LLM10",),
                "Add an aws.guardduty.Detector with enable=True.",
            ),
            _detector,
        ),
        stack_rule(
            Meta(
                "aws-guardduty-detector-features",
                "GuardDuty detectors enable the required features.",
                HIGH,
                (f"{OWASP_LLM}:LLM10",),
                "Add an aws.guardduty.DetectorFeature (status 'ENABLED') per required feature; for "
                "RUNTIME_MONITORING add the EKS_ADDON_MANAGEMENT additional configuration and do not also "
                "set EKS_RUNTIME_MONITORING.",
                {
                    "requiredFeatures": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": [
                            "S3_DATA_EVENTS",
                            "EKS_AUDIT_LOGS",
                            "RUNTIME_MONITORING",
                            "LAMBDA_NETWORK_LOGS",
                            "EBS_MALWARE_PROTECTION",
                        ],
                    },
                    "runtimeMonitoringAdditionalConfigurations": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["EKS_ADDON_MANAGEMENT"],
                    },
                },
            ),
            _features,
        ),
    ]
