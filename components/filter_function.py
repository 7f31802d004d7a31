"""The prompt/response filter Lambda, deployed with least privilege inside the VPC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.grants import Grant, policy_document, secret_read, xray_write
from components.kms import EncryptionKey
from components.lambda_base import CodeSigning, endpoint_only_security_group, function_basics, vpc_access, vpc_function
from components.lambda_package import LambdaPackage


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
    code_signing: CodeSigning | None = None
    """The package's AWS Signer chain (prod); None deploys the zip as built."""
    grants: Sequence[Grant] = ()
    """What the guard tier needs besides (ApplyGuardrail on the guardrail, decrypt with its key)."""
    guard_port: int | None = None
    """The self-hosted guard classifier's port: egress to the VPC CIDR on it."""
    role: aws.iam.Role | None = None
    """The execution role, when its ARN is needed before the function (the secrets' resource policies
    name it): from `lambda_base.execution_role`. Default: one created here, also prefix-named."""


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
            role=args.role,
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
        vpc_attachment = vpc_access(name, self.role, args.partition, self)
        self.security_group = endpoint_only_security_group(
            name,
            function_name=args.function_name,
            description="Filter Lambda: egress to the model backend and the VPC endpoints only",
            vpc_id=args.vpc_id,
            endpoint_security_group_id=args.endpoint_security_group_id,
            endpoint_rule_description="AWS APIs through the interface VPC endpoints (Secrets Manager, KMS, X-Ray, Logs)",
            parent=self,
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

        self.function = vpc_function(
            name,
            basics=basics,
            function_name=args.function_name,
            description="Prompt/response filter in front of the model backend",
            handler="handler.handler",
            package=args.package,
            memory_mb=args.memory_mb,
            timeout_seconds=args.timeout_seconds,
            reserved_concurrency=args.reserved_concurrency,
            key=args.key,
            environment=args.environment,
            subnet_ids=args.subnet_ids,
            security_group=self.security_group,
            depends_on=[access, vpc_attachment, self.log_group],
            code_signing=args.code_signing,
            parent=self,
        )
        self.arn = self.function.arn
        self.name = self.function.name
        self.invoke_arn = self.function.invoke_arn
        self.register_outputs({"arn": self.arn, "roleArn": self.role.arn, "securityGroupId": self.security_group.id})
