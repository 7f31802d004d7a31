"""The prompt/response filter Lambda, deployed with least privilege inside the VPC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket
from components.grants import Grant, policy_document, secret_read, xray_write
from components.kms import EncryptionKey
from components.lambda_base import ACTIVE_TRACING, ARCHITECTURE, PYTHON_RUNTIME, function_basics
from components.lambda_package import LambdaPackage

SIGNING_PLATFORM = "AWSLambda-SHA384-ECDSA"
# Lambda checks a signature's expiry at every deployment (not at run time), so a package must be
# re-signed before this many days pass; `signing_period` triggers that well inside the validity.
SIGNATURE_VALIDITY_DAYS = 135
# The AWS managed policy with exactly the ENI actions VPC-attached functions need. Those actions
# (ec2:CreateNetworkInterface, …) require Resource "*", so a managed policy is preferred to an inline
# `*`-resource statement.
VPC_ACCESS_POLICY = "service-role/AWSLambdaVPCAccessExecutionRole"


@dataclass
class FilterFunctionArgs:
    function_name: str
    """The function's explicit name; its log group is `/aws/lambda/<function_name>`."""
    package: LambdaPackage
    environment: Mapping[str, pulumi.Input[str]]
    """Configuration only: names, limits and ARNs; never secret values."""
    secret_arns: Sequence[pulumi.Input[str]]
    """The only secrets the function may read."""
    key: EncryptionKey
    """Encrypts the environment variables and the secrets; decrypt is granted through Lambda and
    Secrets Manager only."""
    logs_key: EncryptionKey
    log_retention_days: int
    memory_mb: int
    timeout_seconds: int
    reserved_concurrency: int
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    vpc_cidr: pulumi.Input[str]
    backend_port: int
    endpoint_security_group_id: pulumi.Input[str]
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    code_signing: bool
    signing_profile_prefix: str = ""
    """Letters, digits and `_` only (AWS Signer's rule); required when `code_signing` is on. A prefix,
    not a name: Signer keeps a canceled profile's name reserved for two years."""
    signing_period: int = 0
    """Which renewal period the package is signed in (days since 0001-01-01 divided by the renewal
    interval). A new period uploads and signs the package again, so a redeploy never carries an
    expired signature."""
    artifact_bucket: SecureBucket | None = None
    """Versioned bucket for the unsigned and signed packages; required when `code_signing` is on."""
    grants: Sequence[Grant] = ()
    """What the guard tier needs besides (ApplyGuardrail on the guardrail, decrypt with its key)."""
    guard_port: int | None = None
    """The self-hosted guard classifier's port: egress to the VPC CIDR on it."""


class FilterFunction(pulumi.ComponentResource):
    """Python 3.12 on arm64 with:

    - active X-Ray tracing, reserved concurrency, timeout and memory from settings;
    - its own CMK-encrypted log group with retention, written as JSON through `loggingConfig`;
    - environment variables encrypted with a CMK (`kmsKeyArn`), holding only names, limits and ARNs;
    - VPC attachment in private subnets with a security group whose only egress is the model backend
      (VPC CIDR on the inference port) and the interface endpoints (443 to the endpoint security group);
    - an execution role that may write its own log group, read its own secrets, decrypt its key only
      through Lambda and Secrets Manager, send X-Ray segments, and manage its ENIs (managed policy);
    - with `code_signing`, an AWS Signer profile and a code-signing config that rejects unsigned code;
      the package is uploaded to the artifact bucket, signed by a Signer job, and the function deploys
      the signed object (so `pulumi up` itself passes the enforced check).
    """

    function: aws.lambda_.Function
    role: aws.iam.Role
    security_group: aws.ec2.SecurityGroup
    arn: pulumi.Output[str]
    name: pulumi.Output[str]
    invoke_arn: pulumi.Output[str]

    def __init__(self, name: str, args: FilterFunctionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:edge:FilterFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        basics = function_basics(
            name,
            function_name=args.function_name,
            description="Execution role of the prompt/response filter",
            account_id=args.account_id,
            logs_key=args.logs_key,
            log_retention_days=args.log_retention_days,
            parent=self,
            classification="confidential",
        )
        self.log_group, self.role = basics.log_group, basics.role
        via = [f"lambda.{args.region}.amazonaws.com", f"secretsmanager.{args.region}.amazonaws.com"]
        access = aws.iam.RolePolicy(
            f"{name}-access",
            role=self.role.id,
            policy=policy_document(
                [
                    self.log_group.grant_write(),
                    secret_read(args.secret_arns),
                    args.key.grant_decrypt(via_services=via),
                    xray_write(),
                    *args.grants,
                ]
            ),
            opts=child,
        )
        vpc_access = aws.iam.RolePolicyAttachment(
            f"{name}-vpc-access",
            role=self.role.name,
            policy_arn=pulumi.Output.format("arn:{0}:iam::aws:policy/{1}", args.partition, VPC_ACCESS_POLICY),
            opts=child,
        )

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=f"{args.function_name}-lambda",
            description="Filter Lambda: egress to the model backend and the VPC endpoints only",
            vpc_id=args.vpc_id,
            revoke_rules_on_delete=True,
            tags={"Name": f"{args.function_name}-lambda"},
            opts=child,
        )
        in_vpc = {"backend": (args.backend_port, "Model backend inside the VPC")}
        if args.guard_port is not None and args.guard_port != args.backend_port:
            in_vpc["guard"] = (args.guard_port, "Guard classifier inside the VPC")
        for target, (port, description) in in_vpc.items():
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-egress-{target}",
                security_group_id=self.security_group.id,
                description=description,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=args.vpc_cidr,
                opts=child,
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-egress-endpoints",
            security_group_id=self.security_group.id,
            description="AWS APIs through the interface VPC endpoints (Secrets Manager, KMS, X-Ray, Logs)",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            referenced_security_group_id=args.endpoint_security_group_id,
            opts=child,
        )

        code_signing_arn: pulumi.Output[str] | None = None
        code: dict[str, pulumi.Input[str]] | None = None
        if args.code_signing:
            if not args.signing_profile_prefix or args.artifact_bucket is None:
                raise ValueError(f"{name}: code signing needs a signing profile prefix and an artifact bucket")
            profile = aws.signer.SigningProfile(
                f"{name}-signing-profile",
                name_prefix=args.signing_profile_prefix,
                platform_id=SIGNING_PLATFORM,
                signature_validity_period={"value": SIGNATURE_VALIDITY_DAYS, "type": "DAYS"},
                opts=child,
            )
            config = aws.lambda_.CodeSigningConfig(
                f"{name}-code-signing",
                description=f"Only code signed by the {args.signing_profile_prefix} profile deploys to {args.function_name}",
                allowed_publishers={"signing_profile_version_arns": [profile.version_arn]},
                policies={"untrusted_artifact_on_deployment": "Enforce"},
                opts=child,
            )
            code_signing_arn = config.arn
            code = self._signed_code(name, args, args.artifact_bucket, profile)

        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=args.function_name,
            description="Prompt/response filter in front of the model backend",
            handler="handler.handler",
            code=None if code else args.package.archive(),
            s3_bucket=code["bucket"] if code else None,
            s3_key=code["key"] if code else None,
            source_code_hash=args.package.source_code_hash,
            memory_size=args.memory_mb,
            timeout=args.timeout_seconds,
            # 0: no reservation (the provider's default, -1); Lambda reads 0 as "always throttle".
            reserved_concurrent_executions=args.reserved_concurrency or None,
            kms_key_arn=args.key.arn,
            environment={"variables": dict(args.environment)},
            vpc_config={"subnet_ids": args.subnet_ids, "security_group_ids": [self.security_group.id]},
            code_signing_config_arn=code_signing_arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access, vpc_access, self.log_group]),
            role=self.role.arn,
            runtime=PYTHON_RUNTIME,
            architectures=[ARCHITECTURE],
            tracing_config=ACTIVE_TRACING,
            logging_config=basics.logging_config(),
        )
        self.arn = self.function.arn
        self.name = self.function.name
        self.invoke_arn = self.function.invoke_arn
        self.register_outputs({"arn": self.arn, "roleArn": self.role.arn, "securityGroupId": self.security_group.id})

    def _signed_code(
        self, name: str, args: FilterFunctionArgs, bucket: SecureBucket, profile: aws.signer.SigningProfile
    ) -> dict[str, pulumi.Input[str]]:
        """Upload the package, sign it with the profile, and return where the signed object is."""
        child = pulumi.ResourceOptions(parent=self)
        unsigned = aws.s3.BucketObjectv2(
            f"{name}-unsigned-package",
            bucket=bucket.name,
            key=f"unsigned/period-{args.signing_period}/{args.package.path.name}",
            source=pulumi.FileAsset(str(args.package.path)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=bucket.write_dependencies),
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
        return {"bucket": signed.apply(lambda loc: loc[0]), "key": signed.apply(lambda loc: loc[1])}


def _signed_location(objects: Sequence[aws.signer.outputs.SigningJobSignedObject] | None) -> tuple[str, str]:
    s3 = objects[0].s3s[0] if objects and objects[0].s3s else None
    if s3 is None or not s3.bucket or not s3.key:
        raise ValueError("the signing job reported no signed object")
    return s3.bucket, s3.key
