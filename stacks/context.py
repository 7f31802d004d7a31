"""What every part of the platform's composition shares: settings, provider, account facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pulumi
import pulumi_aws as aws

from components.kms import EncryptionKey, EncryptionKeyArgs, ServiceUse
from stacks.settings import PlatformSettings


@dataclass(frozen=True)
class PlatformContext:
    settings: PlatformSettings
    provider: aws.Provider
    account_id: pulumi.Output[str]
    partition: pulumi.Output[str]
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    """The deploy's date (UTC): time-based renewals, such as re-signing the filter package, key on it."""
    keys: list[EncryptionKey] = field(default_factory=list)
    """The keys made by `encryption_key`, sealed by `seal_keys` once every log group exists."""

    @property
    def region(self) -> str:
        return self.settings.region

    @property
    def prefix(self) -> str:
        """The prefix of every physical name and of every component's name: `genai-<env>`."""
        return self.settings.name_prefix

    @property
    def bucket_name_prefix(self) -> str:
        """Every bucket is auto-named from a logical name `genai-<env>-…`, so its name starts with this."""
        return f"{self.prefix}-"

    def opts(self) -> pulumi.ResourceOptions:
        """Options for a top-level component: the explicit, tag-defaulting provider."""
        return pulumi.ResourceOptions(provider=self.provider)

    @property
    def key_administrators(self) -> tuple[str, ...]:
        """The roles that administer every CMK: `kms.keyAdministratorRoleArns` plus the deploy role (KMS
        refuses a key policy that locks out its caller). Empty list: the account root, which covers the
        deploy role through its IAM policies."""
        roles = self.settings.kms.key_administrator_role_arns
        deployer = self.settings.deploy.role_arn
        return (*roles, deployer) if roles and deployer and deployer not in roles else roles

    def encryption_key(self, name: str, description: str, services: Sequence[ServiceUse] = ()) -> EncryptionKey:
        """A top-level CMK `genai-<env>-<name>` with the environment's deletion window and key administrators;
        it admits CloudWatch Logs for every log group created on it (`seal_keys` writes its policy)."""
        key = EncryptionKey(
            f"{self.prefix}-{name}",
            EncryptionKeyArgs(
                description=description,
                account_id=self.account_id,
                partition=self.partition,
                deletion_window_days=self.settings.key_deletion_window_days,
                administrators=self.key_administrators,
                services=services,
                logs_region=self.region,
            ),
            opts=self.opts(),
        )
        self.keys.append(key)
        return key

    def seal_keys(self) -> None:
        """Write every context key's policy: call once the composition has created all log groups."""
        for key in self.keys:
            key.seal()

    def service(self, name: str) -> str:
        """The regional endpoint name of an AWS service, as kms:ViaService expects it."""
        return f"{name}.{self.region}.amazonaws.com"


def create_context(settings: PlatformSettings) -> PlatformContext:
    provider = aws.Provider(
        f"aws-{settings.environment}",
        region=settings.region,
        default_tags={"tags": settings.base_tags()},
    )
    invoke = pulumi.InvokeOptions(provider=provider)
    identity = aws.get_caller_identity_output(opts=invoke)
    partition = aws.get_partition_output(opts=invoke)
    return PlatformContext(settings, provider, identity.account_id, partition.partition)
