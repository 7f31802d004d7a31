"""Private ECR repositories for the platform's training and inference images."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document
from components.kms import EncryptionKey

PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")
PUSH_ACTIONS = (
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:BatchCheckLayerAvailability",
)


def lifecycle_policy(keep_image_count: int, untagged_expiry_days: int) -> str:
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "Expire untagged images",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": untagged_expiry_days,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"Keep the newest {keep_image_count} images",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": keep_image_count,
                    },
                    "action": {"type": "expire"},
                },
            ]
        },
        sort_keys=True,
    )


def inspector_role_arn(repository_arn: str) -> str:
    """Amazon Inspector's service-linked role in the repository's account (ECR enhanced scanning reads
    images with it; ECR user guide, image-scanning-enhanced-iam)."""
    _, partition, _, _, account, _ = repository_arn.split(":", 5)
    return f"arn:{partition}:iam::{account}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2"


def repository_grants(
    pull_role_arns: Sequence[pulumi.Input[str]],
    push_role_arns: Sequence[pulumi.Input[str]],
    scanner_role_arns: Sequence[pulumi.Input[str]] = (),
) -> list[Grant]:
    """Allow pulls to the node (and CI) roles, pushes to CI only; deny image access to anyone else.

    The denies are what make the list exclusive: an Allow alone would not stop other principals of
    the account whose IAM policies grant ECR access. Repository management is not denied, so the
    deploying role can still update this policy.
    """
    pullers = [*pull_role_arns, *push_role_arns]
    grants = [
        Grant(sid="PullByPlatformRoles", actions=PULL_ACTIONS, principals={"AWS": pullers}),
        Grant(
            sid="DenyPullByOthers",
            effect="Deny",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            principals={"AWS": ["*"]},
            # Scanners read layers too; whether a repository Deny stops Inspector's role is undocumented (R2).
            condition={"ArnNotEquals": {"aws:PrincipalArn": [*pullers, *scanner_role_arns]}},
        ),
    ]
    if push_role_arns:
        grants.append(Grant(sid="PushByCi", actions=PUSH_ACTIONS, principals={"AWS": list(push_role_arns)}))
        grants.append(
            Grant(
                sid="DenyPushByOthers",
                effect="Deny",
                actions=[a for a in PUSH_ACTIONS if a != "ecr:BatchCheckLayerAvailability"],
                principals={"AWS": ["*"]},
                condition={"ArnNotEquals": {"aws:PrincipalArn": list(push_role_arns)}},
            )
        )
    else:
        grants.append(
            Grant(
                sid="DenyPush",
                effect="Deny",
                actions=[a for a in PUSH_ACTIONS if a != "ecr:BatchCheckLayerAvailability"],
                principals={"AWS": ["*"]},
            )
        )
    return grants


@dataclass
class ImageRepositoryArgs:
    repository_name: str
    """For example `genai-prod/inference`."""
    key: EncryptionKey
    pull_role_arns: Sequence[pulumi.Input[str]]
    """The node roles."""
    push_role_arns: Sequence[pulumi.Input[str]] = ()
    """The CI role, if configured; without one nobody may push."""
    keep_image_count: int = 30
    untagged_expiry_days: int = 7
    force_delete: bool = False
    """Destroy deletes the repository even while it holds images; for environments that keep no images."""
    classification: str = "internal"
    tags: dict[str, str] = field(default_factory=dict)


class ImageRepository(pulumi.ComponentResource):
    """An ECR repository: scan on push, immutable tags, CMK encryption, a lifecycle policy, and a
    repository policy that admits only the platform's node roles (pull) and CI role (push)."""

    repository: aws.ecr.Repository
    arn: pulumi.Output[str]
    url: pulumi.Output[str]

    def __init__(self, name: str, args: ImageRepositoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:supplychain:ImageRepository", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.repository = aws.ecr.Repository(
            f"{name}-repo",
            name=args.repository_name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.key.arn}],
            force_delete=args.force_delete,
            tags={**args.tags, "DataClassification": args.classification},
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=self.repository.name,
            policy=lifecycle_policy(args.keep_image_count, args.untagged_expiry_days),
            opts=child,
        )
        aws.ecr.RepositoryPolicy(
            f"{name}-policy",
            repository=self.repository.name,
            policy=policy_document(
                repository_grants(
                    args.pull_role_arns, args.push_role_arns, [self.repository.arn.apply(inspector_role_arn)]
                )
            ),
            opts=child,
        )
        self.arn = self.repository.arn
        self.url = self.repository.repository_url
        self.register_outputs({"arn": self.arn, "url": self.url})
