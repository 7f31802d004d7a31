"""Automated containment: the response function, its isolation security group, its EKS access entry,
and the EventBridge rule that invokes it on high-severity GuardDuty findings (lambdas/response)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket
from components.grants import Grant, policy_document, topic_publish, xray_write
from components.guardduty import findings_pattern
from components.k8s_baseline import CONTAINMENT_GROUP
from components.kms import EncryptionKey
from components.lambda_base import ACTIVE_TRACING, ARCHITECTURE, PYTHON_RUNTIME, function_basics, vpc_access
from components.lambda_package import LambdaPackage

# The finding resources the function contains (lambdas/response `plan`); others only alert.
CONTAINED_RESOURCE_TYPES = ("EKSCluster", "Instance", "AccessKey", "S3Bucket")
AUDIT_PREFIX = "response/"


def response_function_name(name_prefix: str) -> str:
    """Also its role's name, which the S3 endpoint policy names before the role exists."""
    return f"{name_prefix}-response"


def containment_pattern(min_severity: float) -> dict[str, object]:
    pattern = findings_pattern(min_severity)
    detail = dict(pattern["detail"])  # type: ignore[call-overload]
    detail["resource"] = {"resourceType": list(CONTAINED_RESOURCE_TYPES)}
    return {**pattern, "detail": detail}


@dataclass
class ResponseFunctionArgs:
    name_prefix: str
    package: LambdaPackage
    min_severity: float
    dry_run: bool
    cluster_name: pulumi.Input[str]
    cluster_security_group_id: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets with NAT (IAM has no VPC endpoint); empty: not VPC-attached (then the cluster
    API must be reachable publicly from Lambda)."""
    lake_buckets: Mapping[str, SecureBucket]
    """The buckets whose policy may get a deny for an exfiltrating principal."""
    audit_bucket: SecureBucket
    topic_arn: pulumi.Input[str]
    topic_key: EncryptionKey
    logs_key: EncryptionKey
    log_retention_days: int
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    reserved_concurrency: int = 0
    protected_roles: Sequence[str] = ()
    """Role names never revoked automatically (break-glass roles); the function's own is always added."""


class ResponseFunction(pulumi.ComponentResource):
    """Python 3.12 on arm64, X-Ray, JSON logs to its own CMK log group, in the private subnets, with:

    - an isolation security group (no rules at all) that compromised instances are moved to;
    - a role that may move network interfaces of this VPC only to that group, snapshot volumes,
      replace the inline revoke-sessions policy of the platform's roles (`<prefix>-*`, never its own),
      replace the lake buckets' policies, write `response/` in the audit bucket, publish to the alert
      topic; nothing else;
    - an EKS access entry in `CONTAINMENT_GROUP` (the ClusterRole is `ContainmentAccess`), and 443 to
      the cluster's security group;
    - an EventBridge rule on GuardDuty findings at or above the severity about the contained resource
      types, and the permission for that rule alone to invoke it.
    """

    function: aws.lambda_.Function
    role: aws.iam.Role
    isolation_group: aws.ec2.SecurityGroup
    rule: aws.cloudwatch.EventRule

    def __init__(self, name: str, args: ResponseFunctionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:ResponseFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        function_name = response_function_name(args.name_prefix)
        basics = function_basics(
            name,
            function_name=function_name,
            description="Execution role of the GuardDuty containment function",
            account_id=args.account_id,
            logs_key=args.logs_key,
            log_retention_days=args.log_retention_days,
            parent=self,
        )
        self.log_group, self.role = basics.log_group, basics.role
        self.isolation_group = aws.ec2.SecurityGroup(
            f"{name}-isolation",
            name=f"{args.name_prefix}-isolation",
            description="Isolation: no ingress, no egress (automated containment)",
            vpc_id=args.vpc_id,
            ingress=[],
            egress=[],
            revoke_rules_on_delete=True,
            tags={"Name": f"{args.name_prefix}-isolation"},
            opts=child,
        )
        access = aws.iam.RolePolicy(
            f"{name}-access", role=self.role.id, policy=policy_document(self._grants(args)), opts=child
        )
        depends: list[pulumi.Resource] = [access, self.log_group]
        vpc_config: aws.lambda_.FunctionVpcConfigArgsDict | None = None
        if args.subnet_ids:
            self.security_group = aws.ec2.SecurityGroup(
                f"{name}-sg",
                name=f"{function_name}-lambda",
                description="Response Lambda: HTTPS out (AWS APIs through NAT or endpoints, the cluster API)",
                vpc_id=args.vpc_id,
                revoke_rules_on_delete=True,
                tags={"Name": f"{function_name}-lambda"},
                opts=child,
            )
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-egress-https",
                security_group_id=self.security_group.id,
                description="AWS APIs (IAM has no VPC endpoint) and the cluster API",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4="0.0.0.0/0",
                opts=child,
            )
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-cluster-api",
                security_group_id=args.cluster_security_group_id,
                description="The response function calls the cluster API",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                referenced_security_group_id=self.security_group.id,
                opts=child,
            )
            depends.append(vpc_access(name, self.role, args.partition, self))
            vpc_config = {"subnet_ids": args.subnet_ids, "security_group_ids": [self.security_group.id]}
        self.access_entry = aws.eks.AccessEntry(
            f"{name}-access-entry",
            cluster_name=args.cluster_name,
            principal_arn=self.role.arn,
            kubernetes_groups=[CONTAINMENT_GROUP],
            type="STANDARD",
            opts=child,
        )
        protected = sorted({function_name, *args.protected_roles})
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            description="Contains high-severity GuardDuty findings about the platform's resources",
            handler="response.handler",
            code=args.package.archive(),
            source_code_hash=args.package.source_code_hash,
            memory_size=256,
            timeout=60,
            reserved_concurrent_executions=args.reserved_concurrency or None,
            environment={
                "variables": {
                    "NAME_PREFIX": args.name_prefix,
                    "CLUSTER_NAME": args.cluster_name,
                    "VPC_ID": args.vpc_id,
                    "ISOLATION_GROUP_ID": self.isolation_group.id,
                    "LAKE_BUCKETS": pulumi.Output.all(*[b.name for b in args.lake_buckets.values()]).apply(
                        lambda names: ",".join(sorted(names))
                    ),
                    "AUDIT_BUCKET": args.audit_bucket.name,
                    "TOPIC_ARN": args.topic_arn,
                    "MIN_SEVERITY": f"{args.min_severity:g}",
                    "DRY_RUN": "true" if args.dry_run else "false",
                    "PROTECTED_ROLES": ",".join(protected),
                }
            },
            vpc_config=vpc_config,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
            role=self.role.arn,
            runtime=PYTHON_RUNTIME,
            architectures=[ARCHITECTURE],
            tracing_config=ACTIVE_TRACING,
            logging_config=basics.logging_config(),
        )
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-findings",
            name=f"{args.name_prefix}-guardduty-containment",
            description=f"GuardDuty findings with severity >= {args.min_severity:g} about contained resource types",
            event_pattern=json.dumps(containment_pattern(args.min_severity), sort_keys=True),
            opts=child,
        )
        permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-target",
            rule=self.rule.name,
            target_id="response-function",
            arn=self.function.arn,
            retry_policy={"maximum_retry_attempts": 4, "maximum_event_age_in_seconds": 3600},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[permission]),
        )
        self.arn = self.function.arn
        self.register_outputs(
            {
                "arn": self.arn,
                "roleArn": self.role.arn,
                "isolationGroupId": self.isolation_group.id,
                "rule": self.rule.name,
            }
        )

    def _grants(self, args: ResponseFunctionArgs) -> list[Grant]:
        p, acct, region = args.partition, args.account_id, args.region
        ec2 = pulumi.Output.format("arn:{0}:ec2:{1}:{2}", p, region, acct)
        vpc_arn = pulumi.Output.format("arn:{0}:ec2:{1}:{2}:vpc/{3}", p, region, acct, args.vpc_id)
        own_role = pulumi.Output.format("arn:{0}:iam::{1}:role/{2}", p, acct, response_function_name(args.name_prefix))
        lake = [b.arn for b in args.lake_buckets.values()]
        return [
            self.log_group.grant_write(),
            xray_write(),
            Grant(
                sid="FindTheClusterApi",
                actions=["eks:DescribeCluster"],
                resources=[pulumi.Output.format("arn:{0}:eks:{1}:{2}:cluster/{3}", p, region, acct, args.cluster_name)],
            ),
            Grant(
                sid="DescribeForContainment",
                # No resource-level permissions for Describe* in EC2.
                actions=["ec2:DescribeNetworkInterfaces", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
                resources=["*"],
            ),
            Grant(
                sid="IsolateInterfacesInThePlatformVpc",
                actions=["ec2:ModifyNetworkInterfaceAttribute"],
                resources=[pulumi.Output.concat(ec2, ":network-interface/*")],
                condition={"ArnEquals": {"ec2:Vpc": vpc_arn}},
            ),
            Grant(
                sid="OnlyToTheIsolationGroup",
                actions=["ec2:ModifyNetworkInterfaceAttribute"],
                resources=[pulumi.Output.concat(ec2, ":security-group/", self.isolation_group.id)],
            ),
            Grant(
                sid="SnapshotVolumes",
                actions=["ec2:CreateSnapshot"],
                resources=[
                    pulumi.Output.concat(ec2, ":volume/*"),
                    pulumi.Output.format("arn:{0}:ec2:{1}::snapshot/*", p, region),
                ],
            ),
            Grant(
                sid="TagNewSnapshots",
                actions=["ec2:CreateTags"],
                resources=[pulumi.Output.format("arn:{0}:ec2:{1}::snapshot/*", p, region)],
                condition={"StringEquals": {"ec2:CreateAction": "CreateSnapshot"}},
            ),
            Grant(
                sid="RevokePlatformRoleSessions",
                actions=["iam:GetRolePolicy", "iam:PutRolePolicy"],
                resources=[pulumi.Output.format("arn:{0}:iam::{1}:role/{2}-*", p, acct, args.name_prefix)],
            ),
            # It could otherwise write itself any permission.
            Grant(sid="NeverItsOwnRole", effect="Deny", actions=["iam:*"], resources=[own_role]),
            Grant(
                sid="DenyExfiltratingPrincipals", actions=["s3:GetBucketPolicy", "s3:PutBucketPolicy"], resources=lake
            ),
            *args.audit_bucket.grant_write(prefix=AUDIT_PREFIX),
            topic_publish(args.topic_arn),
            args.topic_key.grant_encrypt_decrypt(via_services=[f"sns.{region}.amazonaws.com"]),
        ]


@dataclass
class SourceBlocklistArgs:
    name_prefix: str
    package: LambdaPackage
    """The response package; its `blocklist.handler`."""
    filter_log_group_name: str
    ip_set_arn: pulumi.Input[str]
    ip_set_name: pulumi.Input[str]
    ip_set_id: pulumi.Input[str]
    threshold: int
    window_minutes: int
    block_minutes: int
    deletion_protection: bool
    """Off only where the environment is torn down and rebuilt (dev)."""
    audit_bucket: SecureBucket
    topic_arn: pulumi.Input[str]
    topic_key: EncryptionKey
    """Also encrypts the block table."""
    logs_key: EncryptionKey
    log_retention_days: int
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    reserved_concurrency: int = 0
    schedule: str = "rate(5 minutes)"


class SourceBlocklist(pulumi.ComponentResource):
    """The filter feedback loop: a scheduled function that puts sources with a burst of blocked prompts
    on the web ACL's `blocked-sources` IP set for a while (lambdas/response/blocklist.py), a DynamoDB
    table of their expiries (CMK, TTL as a backstop, point-in-time recovery), and a role that may query
    the filter's log group, update that one IP set, use that table, write `response/blocklist/` in the
    audit bucket and publish to the alert topic."""

    function: aws.lambda_.Function
    table: aws.dynamodb.Table

    def __init__(self, name: str, args: SourceBlocklistArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:SourceBlocklist", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        function_name = f"{args.name_prefix}-source-blocklist"
        basics = function_basics(
            name,
            function_name=function_name,
            description="Execution role of the filter feedback loop (WAF source block list)",
            account_id=args.account_id,
            logs_key=args.logs_key,
            log_retention_days=args.log_retention_days,
            parent=self,
        )
        self.log_group, self.role = basics.log_group, basics.role
        self.table = aws.dynamodb.Table(
            f"{name}-table",
            name=f"{args.name_prefix}-blocked-sources",
            billing_mode="PAY_PER_REQUEST",
            hash_key="cidr",
            attributes=[{"name": "cidr", "type": "S"}],
            ttl={"attribute_name": "ttl", "enabled": True},
            server_side_encryption={"enabled": True, "kms_key_arn": args.topic_key.arn},
            point_in_time_recovery={"enabled": True},
            deletion_protection_enabled=args.deletion_protection,
            opts=child,
        )
        log_group_arn = pulumi.Output.format(
            "arn:{0}:logs:{1}:{2}:log-group:{3}",
            args.partition,
            args.region,
            args.account_id,
            args.filter_log_group_name,
        )
        grants = [
            self.log_group.grant_write(),
            xray_write(),
            Grant(
                sid="QueryFilterAuditLines",
                actions=["logs:StartQuery"],
                resources=[log_group_arn, pulumi.Output.concat(log_group_arn, ":*")],
            ),
            # GetQueryResults has no resource-level permissions.
            Grant(sid="ReadQueryResults", actions=["logs:GetQueryResults"], resources=["*"]),
            Grant(
                sid="BlockTable",
                actions=["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                resources=[self.table.arn],
            ),
            args.topic_key.grant_encrypt_decrypt(
                via_services=[f"dynamodb.{args.region}.amazonaws.com", f"sns.{args.region}.amazonaws.com"]
            ),
            Grant(
                sid="BlockedSourcesIpSet", actions=["wafv2:GetIPSet", "wafv2:UpdateIPSet"], resources=[args.ip_set_arn]
            ),
            *args.audit_bucket.grant_write(prefix=f"{AUDIT_PREFIX}blocklist/"),
            topic_publish(args.topic_arn),
        ]
        access = aws.iam.RolePolicy(f"{name}-access", role=self.role.id, policy=policy_document(grants), opts=child)
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            description="Blocks sources with a burst of blocked prompts on the WAF for a while",
            handler="blocklist.handler",
            code=args.package.archive(),
            source_code_hash=args.package.source_code_hash,
            memory_size=256,
            timeout=120,
            reserved_concurrent_executions=args.reserved_concurrency or None,
            environment={
                "variables": {
                    "LOG_GROUP": args.filter_log_group_name,
                    "TABLE": self.table.name,
                    "IP_SET_NAME": args.ip_set_name,
                    "IP_SET_ID": args.ip_set_id,
                    "AUDIT_BUCKET": args.audit_bucket.name,
                    "TOPIC_ARN": args.topic_arn,
                    "THRESHOLD": str(args.threshold),
                    "WINDOW_MINUTES": str(args.window_minutes),
                    "BLOCK_MINUTES": str(args.block_minutes),
                }
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access, self.log_group]),
            role=self.role.arn,
            runtime=PYTHON_RUNTIME,
            architectures=[ARCHITECTURE],
            tracing_config=ACTIVE_TRACING,
            logging_config=basics.logging_config(),
        )
        schedule(self, name, self.function, f"{args.name_prefix}-source-blocklist", args.schedule)
        self.register_outputs({"arn": self.function.arn, "table": self.table.name})


def schedule(
    parent: pulumi.Resource, name: str, function: aws.lambda_.Function, rule_name: str, expression: str
) -> aws.cloudwatch.EventRule:
    """An EventBridge schedule invoking `function`, and the permission for that rule alone."""
    child = pulumi.ResourceOptions(parent=parent)
    rule = aws.cloudwatch.EventRule(
        f"{name}-schedule", name=rule_name, description=f"Runs {rule_name}", schedule_expression=expression, opts=child
    )
    permission = aws.lambda_.Permission(
        f"{name}-scheduled-invoke",
        action="lambda:InvokeFunction",
        function=function.name,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
        opts=child,
    )
    aws.cloudwatch.EventTarget(
        f"{name}-scheduled-target",
        rule=rule.name,
        target_id="function",
        arn=function.arn,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[permission]),
    )
    return rule
