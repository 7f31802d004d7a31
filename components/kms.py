"""Customer-managed KMS keys whose key policy separates administrators from users."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import cast

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document

# AWS's default key policy ("Allows key administrators", KMS developer guide, key-policy-default) has
# kms:Create*, which includes CreateGrant: an administrator could grant itself use of any key (review H2).
# Listed explicitly instead; CreateKey is not a key-resource action.
KEY_ADMIN_ACTIONS = (
    "kms:CreateAlias",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
)
KEY_USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
DECRYPT_ACTIONS = ("kms:Decrypt", "kms:DescribeKey")
# What a caller needs to use EBS encryption with a CMK, CreateGrant aside (AWS EBS user guide,
# "Requirements for Amazon EBS encryption").
EBS_USE_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*")
SIGN_ACTIONS = ("kms:Sign", "kms:GetPublicKey", "kms:DescribeKey")
VERIFY_ACTIONS = ("kms:Verify", "kms:GetPublicKey", "kms:DescribeKey")
SIGNING_KEY_SPEC = "ECC_NIST_P256"  # ECDSA_SHA_256 (genai_ingest.provenance)
# What CloudWatch Logs needs on a CMK (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs
# using AWS KMS"), under kms:EncryptionContext:aws:logs:arn = the log group's ARN.
LOGS_KEY_ACTIONS = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")


@dataclass(frozen=True)
class ServiceUse:
    """An AWS service that uses the key on the account's behalf (logs, CloudTrail, SNS, ...)."""

    service: str
    actions: Sequence[str] = KEY_USE_ACTIONS
    condition: dict[str, dict[str, pulumi.Input[str]]] = field(default_factory=dict)
    sid: str | None = None
    """Default: `Service<Name>` from the service principal."""


@dataclass(frozen=True)
class RoleUse:
    """A named role that must be allowed in the key policy itself because no IAM policy of ours can
    grant it (a service-linked role, such as EC2 Auto Scaling's for encrypted EBS volumes)."""

    sid: str
    role_arn: pulumi.Input[str]
    actions: Sequence[str] = KEY_USE_ACTIONS
    condition: dict[str, dict[str, pulumi.Input[str]]] = field(default_factory=dict)


@dataclass
class EncryptionKeyArgs:
    description: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    deletion_window_days: int
    administrators: Sequence[pulumi.Input[str]]
    """Roles that manage (never use) the key; required so that no key forgets the stack's setting.

    Empty: the account root, i.e. whoever IAM policies in the account allow to manage keys. That
    fallback is kept because a key policy naming no working administrator leaves the key
    unmanageable (no rotation, policy or deletion changes without AWS Support). The named roles must
    include the principal that runs Pulumi: KMS rejects a policy that would lock its caller out.
    """
    services: Sequence[ServiceUse] = ()
    alias: str | None = None
    roles: Sequence[RoleUse] = ()
    grants_for_aws_resources: bool = False
    """IAM policies may also allow `kms:CreateGrant`, only for grants to AWS resources
    (`kms:GrantIsForAWSResource`): what EBS needs to snapshot or attach a volume encrypted with it."""
    signing: bool = False
    """An asymmetric SIGN_VERIFY key: used only by the roles named in `roles` (no use through IAM
    policies, so no other principal of the account can sign); AWS does not rotate asymmetric keys."""
    logs_region: str | None = None
    """Admit CloudWatch Logs of this region for exactly the log groups created on this key: each
    `EncryptedLogGroup` registers its name (`admit_log_group`), and the policy is written once the key
    is sealed (`seal`, after the last group; the key's creation waits for it)."""


class EncryptionKey(pulumi.ComponentResource):
    """A symmetric CMK with rotation on.

    Key administrators (the named roles, or the account root when none are named) may manage but
    never use the key. Use is delegated to IAM: principals in this account may use the key only when
    an identity policy allows it, which the grant helpers below produce.
    """

    key: aws.kms.Key
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:security:EncryptionKey", name, None, opts)
        root = pulumi.Output.format("arn:{0}:iam::{1}:root", args.partition, args.account_id)
        admins = list(args.administrators) or [root]
        statements = [
            Grant(sid="KeyAdministration", actions=KEY_ADMIN_ACTIONS, resources=["*"], principals={"AWS": admins}),
            # The services an administrator (the deploy role) creates encrypted resources with make grants on
            # its behalf (Bedrock guardrails, EKS secrets, DynamoDB): only for AWS resources, never for itself.
            Grant(
                sid="AdministratorsGrantOnlyToAwsResources",
                actions=["kms:CreateGrant"],
                resources=["*"],
                principals={"AWS": admins},
                condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
            ),
        ]
        if not args.signing:
            statements.append(
                Grant(
                    sid="KeyUseThroughIamPolicies",
                    actions=KEY_USE_ACTIONS,
                    resources=["*"],
                    principals={"AWS": [root]},
                    condition={"StringEquals": {"kms:CallerAccount": args.account_id}},
                )
            )
        if args.grants_for_aws_resources:
            statements.append(
                Grant(
                    sid="GrantsForAwsResourcesThroughIamPolicies",
                    actions=["kms:CreateGrant"],
                    resources=["*"],
                    principals={"AWS": [root]},
                    condition={
                        "StringEquals": {"kms:CallerAccount": args.account_id},
                        "Bool": {"kms:GrantIsForAWSResource": "true"},
                    },
                )
            )
        statements.extend(
            Grant(
                sid=use.sid or f"Service{use.service.split('.')[0].title().replace('-', '')}",
                actions=use.actions,
                resources=["*"],
                principals={"Service": [use.service]},
                condition=use.condition,
            )
            for use in args.services
        )
        statements.extend(
            Grant(
                sid=use.sid,
                actions=use.actions,
                resources=["*"],
                principals={"AWS": [use.role_arn]},
                condition=use.condition,
            )
            for use in args.roles
        )
        self._log_groups: list[pulumi.Input[str]] | None = None
        self._sealed: asyncio.Future[list[pulumi.Input[str]]] | None = None
        policy = policy_document(statements)
        if args.logs_region:
            self._log_groups = []
            self._sealed = asyncio.get_event_loop().create_future()
            fixed, region = list(statements), args.logs_region
            sealed: pulumi.Input[list[str]] = cast(Awaitable[list[str]], self._sealed)
            policy = pulumi.Output.from_input(sealed).apply(
                lambda groups: policy_document([*fixed, *_logs_grants(region, args, groups)])
            )
        self.key = aws.kms.Key(
            f"{name}-key",
            description=args.description,
            enable_key_rotation=not args.signing,
            rotation_period_in_days=None if args.signing else 365,
            deletion_window_in_days=args.deletion_window_days,
            key_usage="SIGN_VERIFY" if args.signing else "ENCRYPT_DECRYPT",
            customer_master_key_spec=SIGNING_KEY_SPEC if args.signing else "SYMMETRIC_DEFAULT",
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.alias or name}",
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn, "keyId": self.key.key_id})

    @property
    def admits_log_groups(self) -> bool:
        return self._log_groups is not None

    def admit_log_group(self, owner: str, log_group_name: pulumi.Input[str]) -> None:
        """Let CloudWatch Logs use this key for the log group `log_group_name` (a name or an ARN pattern's
        name part). `owner` names the caller in errors."""
        if self._log_groups is None or self._sealed is None:
            raise ValueError(
                f"{owner}: key {self._name} does not admit log groups; create it with logs_region "
                "(PlatformContext.encryption_key does) so its policy lets CloudWatch Logs use it"
            )
        if self._sealed.done():
            raise ValueError(f"{owner}: key {self._name} is already sealed; create its log groups before seal()")
        self._log_groups.append(log_group_name)

    def seal(self) -> None:
        """Write the policy with the log groups admitted so far (the key is created only after this)."""
        if self._sealed is not None and not self._sealed.done():
            self._sealed.set_result(list(self._log_groups or []))

    def grant_decrypt(self, *, via_services: Sequence[str] = ()) -> Grant:
        """Decrypt with this key, optionally only through the named services (kms:ViaService)."""
        return self._grant("Decrypt", DECRYPT_ACTIONS, via_services)

    def grant_encrypt_decrypt(self, *, via_services: Sequence[str] = ()) -> Grant:
        return self._grant("EncryptDecrypt", KEY_USE_ACTIONS, via_services)

    def grant_ebs_use(self, region: str) -> list[Grant]:
        """What a caller of EC2 needs for volumes or snapshots encrypted with this key (CreateSnapshot of
        such a volume, for example): use through EC2 only, and grants only to AWS resources. The key
        must have `grants_for_aws_resources`."""
        via = {"kms:ViaService": f"ec2.{region}.amazonaws.com"}
        return [
            Grant(sid="KmsEbsUse", actions=EBS_USE_ACTIONS, resources=[self.key.arn], condition={"StringEquals": via}),
            Grant(
                sid="KmsEbsGrants",
                actions=["kms:CreateGrant"],
                resources=[self.key.arn],
                condition={"StringEquals": via, "Bool": {"kms:GrantIsForAWSResource": "true"}},
            ),
        ]

    def _grant(self, label: str, actions: Sequence[str], via_services: Sequence[str]) -> Grant:
        condition = {"StringEquals": {"kms:ViaService": list(via_services)}} if via_services else {}
        return Grant(sid=f"Kms{label}", actions=actions, resources=[self.key.arn], condition=condition)


def _logs_grants(region: str, args: EncryptionKeyArgs, groups: Sequence[pulumi.Input[str]]) -> list[Grant]:
    if not groups:
        return []
    arns = [
        pulumi.Output.format("arn:{0}:logs:{1}:{2}:log-group:{3}", args.partition, region, args.account_id, group)
        for group in groups
    ]
    return [
        Grant(
            sid="ServiceLogs",
            actions=LOGS_KEY_ACTIONS,
            resources=["*"],
            principals={"Service": [f"logs.{region}.amazonaws.com"]},
            condition={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": arns}},
        )
    ]
