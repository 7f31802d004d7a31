"""ECR: scan on push, immutable tags, KMS encryption."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CRITICAL, HIGH, MEDIUM, OWASP_LLM, Meta, Res, as_list, dig, public_statements, resource_rule

REPOSITORY = "aws:ecr/repository:Repository"
REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"


def _scan(res: Res) -> Iterator[str]:
    if dig(res.props, "imageScanningConfiguration", "scanOnPush") is not True:
        yield f"Repository '{res.name}' does not scan images on push."


def _immutable(res: Res) -> Iterator[str]:
    if res.props.get("imageTagMutability") != "IMMUTABLE":
        yield f"Repository '{res.name}' has mutable tags ({res.props.get('imageTagMutability') or 'MUTABLE'})."


def _kms(res: Res) -> Iterator[str]:
    configs = as_list(res.props.get("encryptionConfigurations"))
    if not any(dig(c, "encryptionType") == "KMS" for c in configs):
        yield f"Repository '{res.name}' is not encrypted with KMS."


def _public(res: Res) -> Iterator[str]:
    for _ in public_statements(res.props.get("policy")):
        yield f"Repository policy '{res.name}' allows the principal '*' without a condition."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-ecr-repository-scan-on-push",
                "ECR repositories scan images on push.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM03",),
                "Set imageScanningConfiguration.scanOnPush=True.",
            ),
            [REPOSITORY],
            _scan,
        ),
        resource_rule(
            Meta(
                "aws-ecr-repository-immutable-tags",
                "ECR repositories have immutable tags.",
                HIGH,
                (f"{OWASP_LLM}:LLM03",),
                "Set imageTagMutability='IMMUTABLE'.",
            ),
            [REPOSITORY],
            _immutable,
        ),
        resource_rule(
            Meta(
                "aws-ecr-repository-kms",
                "ECR repositories are encrypted with KMS.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM03",),
                "Set encryptionConfigurations=[{encryptionType:'KMS', kmsKey:<CMK arn>}].",
            ),
            [REPOSITORY],
            _kms,
        ),
        resource_rule(
            Meta(
                "aws-ecr-repository-policy-no-public",
                "ECR repository policies are not open to everyone.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM03",),
                "Grant pull/push to named roles or accounts; never Principal '*' without conditions.",
            ),
            [REPOSITORY_POLICY],
            _public,
        ),
    ]
