"""Secrets Manager: customer-managed KMS key and rotation."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import (
    CRITICAL,
    HIGH,
    MEDIUM,
    OWASP_LLM,
    Meta,
    Res,
    Stack,
    dig,
    public_statements,
    resource_rule,
    stack_rule,
)

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"


def _cmk(res: Res) -> Iterator[str]:
    if not res.props.get("kmsKeyId"):
        yield f"Secret '{res.name}' uses the AWS-managed key instead of a customer-managed KMS key."


def _rotation(stack: Stack) -> Iterator[tuple[str | None, str]]:
    max_days = stack.config.number("maxRotationDays", 90)
    for secret in stack.of_type(SECRET):
        rotations = stack.referencing(secret, ROTATION, "secretId")
        if not rotations:
            yield secret.urn, f"Secret '{secret.name}' has no SecretRotation."
            continue
        for rotation in rotations:
            days = dig(rotation.props, "rotationRules", "automaticallyAfterDays")
            expression = dig(rotation.props, "rotationRules", "scheduleExpression")
            if isinstance(days, int | float) and days > max_days:
                yield secret.urn, f"Secret '{secret.name}' rotates every {days:g} days (max {max_days:g})."
            elif days is None and not expression:
                yield secret.urn, f"Secret '{secret.name}' rotation has no rotationRules schedule."


def _public(res: Res) -> Iterator[str]:
    for _ in public_statements(res.props.get("policy")):
        yield f"Secret policy '{res.name}' allows the principal '*' without a condition."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-secretsmanager-secret-cmk",
                "Secrets are encrypted with a customer-managed key.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM02",),
                "Set kmsKeyId to a customer-managed KMS key whose policy names the secret's readers.",
            ),
            [SECRET],
            _cmk,
        ),
        stack_rule(
            Meta(
                "aws-secretsmanager-secret-rotation",
                "Every secret has rotation configured.",
                HIGH,
                (f"{OWASP_LLM}:LLM02",),
                "Add an aws.secretsmanager.SecretRotation with secretId=<secret>, a rotationLambdaArn "
                "and rotationRules.automaticallyAfterDays <= maxRotationDays.",
                {"maxRotationDays": {"type": "number", "default": 90}},
            ),
            _rotation,
        ),
        resource_rule(
            Meta(
                "aws-secretsmanager-secret-policy-no-public",
                "Secret resource policies are not open to everyone.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM02",),
                "Name the principals that may read the secret; never Principal '*' without conditions.",
            ),
            [SECRET, SECRET_POLICY],
            _public,
        ),
    ]
