"""The control IDs the review puts in a finding's rule column when its detector names none.

IDs are the policy pack's rule names (one ID per control across pack, review and audit). Risks
that no pack rule can express (a deletion, an alarm removed) get review-only IDs, listed in
``REVIEW_ONLY`` with what they mean; tests/infra/review/test_controls.py checks both sets.
"""

from __future__ import annotations

REVIEW_ONLY: dict[str, str] = {
    "review-data-store-deleted": "a data store, key or log group is deleted, replaced or made destroyable",
    "review-data-store-unprotected": "Pulumi `protect` removed from a data store",
    "review-alarm-removed": "a security alarm is removed or its actions disabled",
    "review-iam-grant-widened": "an identity, resource or endpoint policy grants more than before",
    "review-kms-key-deletion-window": "a KMS key's deletion window is shortened",
}

# (resource type, title prefix) -> control IDs; the first match wins. "*" matches any type.
RISK_CONTROLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("aws:cloudtrail/trail:Trail", "CloudTrail trail deleted", ("aws-cloudtrail-trail-present",)),
    ("aws:cloudtrail/trail:Trail", "CloudTrail logging disabled", ("aws-cloudtrail-trail-present",)),
    ("aws:cloudtrail/trail:Trail", "CloudTrail log file validation", ("aws-cloudtrail-trail-log-validation",)),
    ("aws:cloudtrail/trail:Trail", "CloudTrail no longer multi-region", ("aws-cloudtrail-trail-multi-region",)),
    ("aws:cloudtrail/trail:Trail", "CloudTrail global service events", ("aws-cloudtrail-trail-multi-region",)),
    ("aws:guardduty/detector:Detector", "GuardDuty", ("aws-guardduty-detector-enabled",)),
    ("aws:guardduty/detectorFeature:DetectorFeature", "GuardDuty", ("aws-guardduty-detector-features",)),
    ("aws:secretsmanager/secretRotation:SecretRotation", "Secret rotation", ("aws-secretsmanager-secret-rotation",)),
    ("aws:apigateway/methodSettings:MethodSettings", "API execution logging", ("aws-apigateway-execution-logging",)),
    ("aws:apigateway/methodSettings:MethodSettings", "API detailed metrics", ("aws-apigateway-execution-logging",)),
    ("*", "API key no longer required", ("aws-apigateway-method-authorization",)),
    ("aws:wafv2/webAcl:WebAcl", "WAF default action", ("aws-wafv2-web-acl-managed-rules",)),
    ("aws:cloudwatch/logGroup:LogGroup", "KMS key", ("aws-logs-log-group-kms",)),
    ("aws:sns/topic:Topic", "KMS key", ("aws-sns-topic-kms",)),
    ("aws:secretsmanager/secret:Secret", "KMS key", ("aws-secretsmanager-secret-cmk",)),
    ("aws:cloudtrail/trail:Trail", "KMS key", ("aws-cloudtrail-trail-kms",)),
    ("aws:rds/", "Encryption", ("aws-rds-storage-encrypted",)),
    ("aws:efs/", "Encryption", ("aws-efs-file-system-encrypted",)),
    ("aws:iam/role:Role", "Trust policy", ("aws-iam-role-trust-no-wildcard-principal",)),
    ("*", "Managed policy attached", ("aws-iam-no-admin-managed-policy",)),
    ("*", "Alarm", ("review-alarm-removed",)),
    ("*", "KMS key deletion window", ("review-kms-key-deletion-window",)),
    ("*", "Deletion protection removed", ("review-data-store-unprotected",)),
)
# By category, when no (type, title) entry matches.
CATEGORY_CONTROLS: dict[str, tuple[str, ...]] = {
    "deletion": ("review-data-store-deleted",),
    "iam": ("review-iam-grant-widened",),
    "trust": ("aws-iam-role-trust-no-wildcard-principal",),
}


def risk_controls(rtype: str, category: str, title: str) -> tuple[str, ...]:
    for type_prefix, title_prefix, controls in RISK_CONTROLS:
        if (type_prefix == "*" or rtype.startswith(type_prefix)) and title.startswith(title_prefix):
            return controls
    return CATEGORY_CONTROLS.get(category, ())
