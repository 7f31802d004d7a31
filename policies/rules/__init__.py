"""The genai-platform CrossGuard rules, one module per service.

Modules are imported by ``all_policies`` (not at package import), so `review` and `audit` can use
the standard-library modules ``_controls`` and ``_predicates`` without the pack's dependencies."""

from __future__ import annotations

import importlib
from typing import Any

MODULES = (
    "s3",
    "kms",
    "iam",
    "ec2",
    "autoscaling",
    "eks",
    "ecr",
    "ecs",
    "elb",
    "cloudfront",
    "apigateway",
    "apigatewayv2",
    "wafv2",
    "lambda_",
    "secretsmanager",
    "guardduty",
    "bedrock",
    "cloudtrail",
    "logs",
    "sns",
    "sqs",
    "rds",
    "dynamodb",
    "efs",
    "kinesis",
    "redshift",
    "sfn",
    "appsync",
    "kubernetes",
    "tags",
    "integrity",
)


def all_policies() -> list[Any]:
    return [p for name in MODULES for p in importlib.import_module(f"{__name__}.{name}").policies()]
