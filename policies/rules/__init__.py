"""The genai-platform CrossGuard rules, one module per service."""

from __future__ import annotations

from pulumi_policy import Policy

from . import (
    apigateway,
    cloudtrail,
    ec2,
    ecr,
    eks,
    guardduty,
    iam,
    integrity,
    kms,
    kubernetes,
    lambda_,
    logs,
    s3,
    secretsmanager,
    sns,
    tags,
    wafv2,
)

MODULES = (
    s3,
    kms,
    iam,
    ec2,
    eks,
    ecr,
    apigateway,
    wafv2,
    lambda_,
    secretsmanager,
    guardduty,
    cloudtrail,
    logs,
    sns,
    kubernetes,
    tags,
    integrity,
)


def all_policies() -> list[Policy]:
    return [p for module in MODULES for p in module.policies()]
