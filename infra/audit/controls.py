"""Audit check id -> the control id shared with the policy pack and `review` (the pack's rule name).

Checks that discover resources (``*.buckets``, ``*.api``…) decide no control and map to None.
Other helpers add checks to checks.py; tests/infra/review/test_controls.py fails for a check id
that is missing here, so every new check gets a control (or an explicit None).
"""

from __future__ import annotations

AUDIT_CONTROLS: dict[str, str | None] = {
    "s3.buckets": None,
    "s3.access-log-bucket": None,
    "s3.encryption": "aws-s3-bucket-encryption",
    "s3.public-access-block": "aws-s3-bucket-public-access-block",
    "s3.versioning": "aws-s3-bucket-versioning",
    "s3.tls-only": "aws-s3-bucket-tls-only",
    "kms.keys": None,
    "kms.rotation": "aws-kms-key-rotation",
    "cloudtrail.trail": "aws-cloudtrail-trail-present",
    "cloudtrail.logging": "aws-cloudtrail-trail-present",
    "cloudtrail.multi-region": "aws-cloudtrail-trail-multi-region",
    "cloudtrail.log-file-validation": "aws-cloudtrail-trail-log-validation",
    "cloudtrail.kms": "aws-cloudtrail-trail-kms",
    "guardduty.detector": "aws-guardduty-detector-enabled",
    "eks.cluster": None,
    "eks.endpoint": "aws-eks-cluster-endpoint-private",
    "eks.secrets-encryption": "aws-eks-cluster-secrets-encryption",
    "logs.groups": None,
    "logs.kms": "aws-logs-log-group-kms",
    "secretsmanager.rotation": "aws-secretsmanager-secret-rotation",
    "secretsmanager.kms": "aws-secretsmanager-secret-cmk",
    "secretsmanager.rotation-finished": "aws-secretsmanager-secret-rotation",
    "securityhub.standards": None,
    "securityhub.findings-rule": None,
    "accessanalyzer.account": None,
    "containment.rule": None,
    "containment.dry-run": None,
    "containment.isolation-group": None,
    "containment.permission": None,
    "lambda.signature-expiry": None,
    "apigateway.api": None,
    "apigateway.authorization": "aws-apigateway-method-authorization",
    "waf.api-association": "aws-apigateway-stage-waf",
}


def control_of(check: str) -> str | None:
    return AUDIT_CONTROLS.get(check)
