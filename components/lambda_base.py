"""What every platform function shares: runtime, tracing, JSON logs to its own encrypted log group,
an execution role that only Lambda in this account may assume, and for VPC-attached or signed
functions the ENI policy, an endpoint-only security group and the AWS Signer chain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket
from components.grants import Grant, policy_document, service_trust
from components.kms import EncryptionKey
from components.lambda_package import LambdaPackage
from components.log_group import EncryptedLogGroup, LogGroupArgs

PYTHON_RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
ACTIVE_TRACING: aws.lambda_.FunctionTracingConfigArgsDict = {"mode": "Active"}


@dataclass
class FunctionBasics:
    log_group: EncryptedLogGroup
    role: aws.iam.Role

    def logging_config(self) -> aws.lambda_.FunctionLoggingConfigArgsDict:
        """JSON logs to the function's own log group."""
        return {
            "log_format": "JSON",
            "log_group": self.log_group.name,
            "application_log_level": "INFO",
            "system_log_level": "WARN",
        }


def execution_role(
    name: str, *, function_name: str, description: str, account_id: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> aws.iam.Role:
    """An execution role only Lambda in this account may assume, named `<function_name>-<unique suffix>`:
    a destroyed environment leaves no name behind, and a replacement never collides with the old role."""
    return aws.iam.Role(
        name,
        name_prefix=f"{function_name}-",
        assume_role_policy=service_trust(["lambda.amazonaws.com"], account_id),
        description=description,
        max_session_duration=3600,
        opts=opts,
    )


def function_basics(
    name: str,
    *,
    function_name: str,
    description: str,
    account_id: pulumi.Input[str],
    logs_key: EncryptionKey,
    log_retention_days: int,
    parent: pulumi.Resource,
    classification: str = "internal",
    role: aws.iam.Role | None = None,
) -> FunctionBasics:
    """The log group `/aws/lambda/<function_name>` and the execution role, both children of `parent`.
    Without `role`, a prefix-named role from `execution_role`; pass one created earlier when a resource
    policy must name the role before the function exists (the filter's secrets)."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = EncryptedLogGroup(
        f"{name}-logs",
        LogGroupArgs(
            log_group_name=f"/aws/lambda/{function_name}",
            retention_days=log_retention_days,
            key=logs_key,
            classification=classification,
        ),
        opts=child,
    )
    if role is None:
        role = execution_role(
            f"{name}-role", function_name=function_name, description=description, account_id=account_id, opts=child
        )
    return FunctionBasics(log_group, role)


@dataclass
class PackagedFunction:
    """One function of a shared package: what differs between the functions built from it."""

    function_name: str
    description: str
    handler: str
    package: LambdaPackage
    environment: Mapping[str, pulumi.Input[str]]
    timeout: int
    reserved_concurrency: int = 0
    memory_size: int = 256
    vpc_config: aws.lambda_.FunctionVpcConfigArgsDict | None = None
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


def packaged_function(
    name: str, spec: PackagedFunction, basics: FunctionBasics, grants: Sequence[Grant], parent: pulumi.Resource
) -> aws.lambda_.Function:
    """The role's inline policy from `grants` and the function (Python on arm64, X-Ray, JSON logs to its
    own group), created after that policy and the log group."""
    access = aws.iam.RolePolicy(
        f"{name}-access",
        role=basics.role.id,
        policy=policy_document(grants),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return aws.lambda_.Function(
        f"{name}-function",
        name=spec.function_name,
        description=spec.description,
        handler=spec.handler,
        code=spec.package.archive(),
        source_code_hash=spec.package.source_code_hash,
        memory_size=spec.memory_size,
        timeout=spec.timeout,
        reserved_concurrent_executions=spec.reserved_concurrency or None,
        environment={"variables": dict(spec.environment)},
        vpc_config=spec.vpc_config,
        role=basics.role.arn,
        runtime=PYTHON_RUNTIME,
        architectures=[ARCHITECTURE],
        tracing_config=ACTIVE_TRACING,
        logging_config=basics.logging_config(),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[access, basics.log_group, *spec.depends_on]),
    )


SIGNING_PLATFORM = "AWSLambda-SHA384-ECDSA"
# Lambda checks a signature's expiry at every deployment (not at run time), so a package must be
# re-signed before this many days pass; `CodeSigning.period` triggers that well inside the validity.
SIGNATURE_VALIDITY_DAYS = 135
# The AWS managed policy with exactly the ENI actions VPC-attached functions need. Those actions
# (ec2:CreateNetworkInterface, …) require Resource "*", so a managed policy is preferred to an inline
# `*`-resource statement.
VPC_ACCESS_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole"


def vpc_access(
    name: str, role: aws.iam.Role, partition: pulumi.Input[str], parent: pulumi.Resource
) -> aws.iam.RolePolicyAttachment:
    """The managed ENI policy a VPC-attached function's role needs (`<name>-vpc-access`)."""
    return aws.iam.RolePolicyAttachment(
        f"{name}-vpc-access",
        role=role.name,
        policy_arn=pulumi.Output.format("arn:{0}:iam::aws:policy/{1}", partition, VPC_ACCESS_POLICY),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def endpoint_only_security_group(
    name: str,
    *,
    function_name: str,
    description: str,
    vpc_id: pulumi.Input[str],
    endpoint_security_group_id: pulumi.Input[str],
    endpoint_rule_description: str,
    parent: pulumi.Resource,
) -> aws.ec2.SecurityGroup:
    """A function's security group (`<name>-sg`) with one egress rule: 443 to the interface VPC
    endpoints. Callers add the few other destinations the function needs."""
    child = pulumi.ResourceOptions(parent=parent)
    group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        name_prefix=f"{function_name}-lambda-",
        description=description,
        vpc_id=vpc_id,
        revoke_rules_on_delete=True,
        tags={"Name": f"{function_name}-lambda"},
        opts=child,
    )
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-egress-endpoints",
        security_group_id=group.id,
        description=endpoint_rule_description,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        referenced_security_group_id=endpoint_security_group_id,
        opts=child,
    )
    return group


@dataclass(frozen=True)
class CodeSigning:
    """Deploy only code signed by the function's own AWS Signer profile."""

    profile_prefix: str
    """Letters, digits and `_` only (AWS Signer's rule). A prefix, not a name: Signer keeps a
    canceled profile's name reserved for two years."""
    period: int
    """Which renewal period the package is signed in (days since 0001-01-01 divided by the renewal
    interval). A new period uploads and signs the package again, so a redeploy never carries an
    expired signature."""
    bucket: SecureBucket
    """Versioned bucket for the unsigned and signed packages."""


@dataclass(frozen=True)
class SignedCode:
    """Where a function's signed package is, and the code-signing config that admits only it."""

    config_arn: pulumi.Output[str]
    bucket: pulumi.Output[str]
    key: pulumi.Output[str]


def signed_code(
    name: str,
    *,
    function_name: str,
    package: LambdaPackage,
    bucket: SecureBucket,
    profile_prefix: str,
    period: int,
    parent: pulumi.Resource,
) -> SignedCode:
    """An AWS Signer profile (`profile_prefix`: letters, digits, `_`; a prefix because Signer keeps a
    canceled name two years), a code-signing config that rejects anything else, and the package
    uploaded to `bucket` under `unsigned/period-<period>/` and signed by a Signer job. A new `period`
    re-signs the package, so a redeploy never carries an expired signature."""
    child = pulumi.ResourceOptions(parent=parent)
    profile = aws.signer.SigningProfile(
        f"{name}-signing-profile",
        name_prefix=profile_prefix,
        platform_id=SIGNING_PLATFORM,
        signature_validity_period={"value": SIGNATURE_VALIDITY_DAYS, "type": "DAYS"},
        opts=child,
    )
    config = aws.lambda_.CodeSigningConfig(
        f"{name}-code-signing",
        description=f"Only code signed by the {profile_prefix} profile deploys to {function_name}",
        allowed_publishers={"signing_profile_version_arns": [profile.version_arn]},
        policies={"untrusted_artifact_on_deployment": "Enforce"},
        opts=child,
    )
    unsigned = aws.s3.BucketObjectv2(
        f"{name}-unsigned-package",
        bucket=bucket.name,
        key=f"unsigned/period-{period}/{package.path.name}",
        source=pulumi.FileAsset(str(package.path)),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=bucket.write_dependencies),
    )
    job = aws.signer.SigningJob(
        f"{name}-signing-job",
        profile_name=profile.name,
        source={"s3": {"bucket": bucket.name, "key": unsigned.key, "version": unsigned.version_id}},
        destination={"s3": {"bucket": bucket.name, "prefix": "signed/"}},
        ignore_signing_job_failure=False,
        opts=child,
    )
    signed = job.signed_objects.apply(_signed_location)
    return SignedCode(config.arn, signed.apply(lambda loc: loc[0]), signed.apply(lambda loc: loc[1]))


def _signed_location(objects: Sequence[aws.signer.outputs.SigningJobSignedObject] | None) -> tuple[str, str]:
    s3 = objects[0].s3s[0] if objects and objects[0].s3s else None
    if s3 is None or not s3.bucket or not s3.key:
        raise ValueError("the signing job reported no signed object")
    return s3.bucket, s3.key


def vpc_function(
    name: str,
    *,
    basics: FunctionBasics,
    function_name: str,
    description: str,
    handler: str,
    package: LambdaPackage,
    memory_mb: int,
    timeout_seconds: int,
    reserved_concurrency: int,
    key: EncryptionKey,
    environment: Mapping[str, pulumi.Input[str]],
    subnet_ids: Sequence[pulumi.Input[str]],
    security_group: aws.ec2.SecurityGroup,
    depends_on: Sequence[pulumi.Resource],
    code_signing: CodeSigning | None,
    parent: pulumi.Resource,
) -> aws.lambda_.Function:
    """A VPC-attached function (`<name>-function`) with the platform's posture: its environment
    encrypted with `key`, tracing, JSON logs to its own group, and with `code_signing` the package
    signed through `signed_code` and deployed from the signed object."""
    signed = None
    if code_signing is not None:
        if not code_signing.profile_prefix:
            raise ValueError(f"{name}: code signing needs a signing profile prefix")
        signed = signed_code(
            name,
            function_name=function_name,
            package=package,
            bucket=code_signing.bucket,
            profile_prefix=code_signing.profile_prefix,
            period=code_signing.period,
            parent=parent,
        )
    return aws.lambda_.Function(
        f"{name}-function",
        name=function_name,
        description=description,
        handler=handler,
        code=None if signed else package.archive(),
        s3_bucket=signed.bucket if signed else None,
        s3_key=signed.key if signed else None,
        source_code_hash=package.source_code_hash,
        memory_size=memory_mb,
        timeout=timeout_seconds,
        # 0: no reservation (the provider's default, -1); Lambda reads 0 as "always throttle".
        reserved_concurrent_executions=reserved_concurrency or None,
        kms_key_arn=key.arn,
        environment={"variables": dict(environment)},
        vpc_config={"subnet_ids": subnet_ids, "security_group_ids": [security_group.id]},
        code_signing_config_arn=signed.config_arn if signed else None,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
        role=basics.role.arn,
        runtime=PYTHON_RUNTIME,
        architectures=[ARCHITECTURE],
        tracing_config=ACTIVE_TRACING,
        logging_config=basics.logging_config(),
    )
