"""A Secrets Manager secret that is CMK-encrypted, fenced by a resource policy and rotated automatically."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document, secret_read
from components.kms import EncryptionKey


def secret_arn_pattern(
    region: str, partition: pulumi.Input[str], account_id: pulumi.Input[str], secret_name: str
) -> pulumi.Output[str]:
    """The ARN of a named secret before it exists: Secrets Manager appends `-` and six random characters."""
    return pulumi.Output.format(
        "arn:{0}:secretsmanager:{1}:{2}:secret:{3}-??????", partition, region, account_id, secret_name
    )


# What Pulumi writes as the first version: not a key. Rotation replaces it as soon as it is configured.
BOOTSTRAP_VALUE = json.dumps({"bootstrap": "rotate-immediately"})

_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[\w-]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[^/]+)/.+$")


def deployer_principal_patterns(caller_arn: str) -> list[str]:
    """`aws:PrincipalArn` patterns that match the principal running Pulumi.

    `aws.get_caller_identity` reports an assumed role as `arn:…:sts::<acct>:assumed-role/<role>/<session>`,
    while `aws:PrincipalArn` carries the role's IAM ARN, which may include a path. Both the path-less and
    the any-path form are admitted; the role name itself stays exact.
    """
    match = _ASSUMED_ROLE.match(caller_arn)
    if match is None:
        return [caller_arn]
    prefix = f"arn:{match['partition']}:iam::{match['account']}:role/"
    return [f"{prefix}{match['role']}", f"{prefix}*/{match['role']}"]


@dataclass
class ManagedSecretArgs:
    secret_name: str
    description: str
    key: EncryptionKey
    readers: Sequence[pulumi.Input[str]]
    """Role ARNs that may read the secret (for example the filter's execution role)."""
    rotator: pulumi.Input[str]
    """The rotation function's role ARN."""
    administrators: pulumi.Input[Sequence[str]]
    """`aws:PrincipalArn` patterns of the deploying principal, so Pulumi can still manage the secret."""
    rotation_function_name: pulumi.Input[str]
    rotation_function_arn: pulumi.Input[str]
    rotation_schedule: str
    account_id: pulumi.Input[str]
    rotation_field: str = "key"
    """The JSON field the rotation function writes the random key to (the secret's `RotationField` tag)."""
    recovery_window_days: int = 30
    classification: str = "restricted"
    tags: dict[str, str] = field(default_factory=dict)


class ManagedSecret(pulumi.ComponentResource):
    """One secret with:

    - a customer-managed KMS key (`kmsKeyId`);
    - a resource policy (`blockPublicPolicy`) that denies every principal but the named readers, the
      rotation role and the deployer — even principals whose identity policies would allow access;
    - automatic rotation by the rotation function on the configured schedule, which only Secrets
      Manager, for this secret, may invoke.

    Pulumi only writes a non-secret placeholder version; the first rotation (run as soon as rotation is
    configured) creates the real key, so no key material ever passes through Pulumi state.
    """

    secret: aws.secretsmanager.Secret
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: ManagedSecretArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:security:ManagedSecret", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=args.secret_name,
            description=args.description,
            kms_key_id=args.key.arn,
            recovery_window_in_days=args.recovery_window_days,
            tags={**args.tags, "DataClassification": args.classification, "RotationField": args.rotation_field},
            opts=child,
        )
        self.arn = self.secret.arn
        self._key = args.key
        # A placeholder, not a key: rotation (immediate on creation) writes the first real value. Later
        # rotations own the value, so Pulumi never sets it again.
        bootstrap = aws.secretsmanager.SecretVersion(
            f"{name}-bootstrap",
            secret_id=self.secret.id,
            secret_string=BOOTSTRAP_VALUE,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secret_string", "version_stages"]),
        )
        allowed = pulumi.Output.all(
            pulumi.Output.all(*args.readers, args.rotator), pulumi.Output.from_input(args.administrators)
        ).apply(lambda parts: sorted({*parts[0], *parts[1]}))
        aws.secretsmanager.SecretPolicy(
            f"{name}-policy",
            secret_arn=self.secret.arn,
            block_public_policy=True,
            policy=policy_document(
                [
                    Grant(
                        sid="DenyAllButNamedRoles",
                        effect="Deny",
                        actions=["secretsmanager:*"],
                        resources=["*"],
                        principals={"AWS": ["*"]},
                        condition={"StringNotLike": {"aws:PrincipalArn": allowed}},
                    ),
                    Grant(
                        sid="DenyWritesButRotation",
                        effect="Deny",
                        actions=["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
                        resources=["*"],
                        principals={"AWS": ["*"]},
                        condition={
                            "StringNotLike": {
                                "aws:PrincipalArn": pulumi.Output.all(
                                    args.rotator, pulumi.Output.from_input(args.administrators)
                                ).apply(lambda parts: sorted({parts[0], *parts[1]}))
                            }
                        },
                    ),
                ]
            ),
            opts=child,
        )
        invoke = aws.lambda_.Permission(
            f"{name}-rotation-invoke",
            action="lambda:InvokeFunction",
            function=args.rotation_function_name,
            principal="secretsmanager.amazonaws.com",
            source_account=args.account_id,
            source_arn=self.secret.arn,
            opts=child,
        )
        self.rotation = aws.secretsmanager.SecretRotation(
            f"{name}-rotation",
            secret_id=self.secret.id,
            rotation_lambda_arn=args.rotation_function_arn,
            rotation_rules={"schedule_expression": args.rotation_schedule},
            rotate_immediately=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[invoke, bootstrap]),
        )
        self.register_outputs({"arn": self.arn, "name": self.secret.name})

    def grant_read(self, region: str) -> list[Grant]:
        """What a reader's identity policy needs: the resource policy only exempts readers from its Deny,
        which grants nothing. GetSecretValue on this secret, and Decrypt on its key through Secrets Manager."""
        return [
            secret_read([self.arn]),
            self._key.grant_decrypt(via_services=[f"secretsmanager.{region}.amazonaws.com"]),
        ]
