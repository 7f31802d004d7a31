"""Automated containment and the filter feedback loop, all from the one response package (lambdas/response):
the containment function (its isolation security group, its EKS access entry, the EventBridge rule on
high-severity GuardDuty findings), the WAF source block list, and the weekly filter findings report."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket
from components.eks_cluster import cluster_api_client_group
from components.grants import Grant, topic_publish, xray_write
from components.guardduty import findings_pattern
from components.k8s_baseline import CONTAINMENT_GROUP
from components.kms import EncryptionKey
from components.lambda_base import (
    FunctionBasics,
    PackagedFunction,
    execution_role,
    function_basics,
    packaged_function,
    vpc_access,
)
from components.lambda_package import LambdaPackage

# The finding resources the function contains (lambdas/response `plan`); others only alert.
CONTAINED_RESOURCE_TYPES = ("EKSCluster", "Instance", "AccessKey", "S3Bucket")
AUDIT_PREFIX = "response/"
REPORT_PREFIX = "reports/filter-findings/"
"""Where the weekly filter findings report goes in the audit bucket (lambdas/response/report.py)."""


def response_function_name(name_prefix: str) -> str:
    return f"{name_prefix}-response"


def response_role(name_prefix: str, account_id: pulumi.Input[str], opts: pulumi.ResourceOptions) -> aws.iam.Role:
    """The containment function's execution role, prefix-named. Created before the network: the S3
    endpoint's policy names it by ARN (`components.grants.s3_endpoint_grants`)."""
    return execution_role(
        f"{name_prefix}-response-role",
        function_name=response_function_name(name_prefix),
        description="Execution role of the GuardDuty containment function",
        account_id=account_id,
        opts=opts,
    )


def containment_pattern(min_severity: float) -> dict[str, object]:
    pattern = findings_pattern(min_severity)
    detail = dict(pattern["detail"])  # type: ignore[call-overload]
    detail["resource"] = {"resourceType": list(CONTAINED_RESOURCE_TYPES)}
    return {**pattern, "detail": detail}


@dataclass
class ResponsePackageArgs:
    """What every function of the response package shares: the package, the filter's log group the
    feedback loop reads, the audit bucket they record in, the alert topic they notify."""

    name_prefix: str
    package: LambdaPackage
    filter_log_group_name: str
    audit_bucket: SecureBucket
    topic_arn: pulumi.Input[str]
    topic_key: EncryptionKey
    logs_key: EncryptionKey
    log_retention_days: int
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    region: str
    reserved_concurrency: int = 0

    def filter_log_group_arns(self) -> list[pulumi.Output[str]]:
        """The filter's log group, and its streams."""
        arn = pulumi.Output.format(
            "arn:{0}:logs:{1}:{2}:log-group:{3}",
            self.partition,
            self.region,
            self.account_id,
            self.filter_log_group_name,
        )
        return [arn, pulumi.Output.concat(arn, ":*")]


@dataclass(frozen=True)
class PackageFunction:
    """One function of the response package: the parts that differ."""

    suffix: str
    """Its name is `<name_prefix>-<suffix>` (and so is its schedule's)."""
    purpose: str
    """For its role's description: `Execution role of <purpose>`."""
    description: str
    handler: str
    timeout: int
    audit_prefix: str
    """The only prefix it writes in the audit bucket."""
    schedule: str | None = None


def package_function(
    parent: pulumi.Resource,
    name: str,
    common: ResponsePackageArgs,
    spec: PackageFunction,
    environment: Mapping[str, pulumi.Input[str]],
    grants: Sequence[Grant],
    *,
    role: aws.iam.Role | None = None,
    vpc_config: aws.lambda_.FunctionVpcConfigArgsDict | None = None,
    depends_on: Sequence[pulumi.Resource] = (),
) -> tuple[FunctionBasics, aws.lambda_.Function]:
    """A function of the response package with a prefix-named role (`role`, or a new one) that may write
    its logs and traces and its audit prefix, and publish to the alert topic, plus `grants`; invoked
    by `spec.schedule` when it has one."""
    function_name = f"{common.name_prefix}-{spec.suffix}"
    basics = function_basics(
        name,
        function_name=function_name,
        description=f"Execution role of {spec.purpose}",
        account_id=common.account_id,
        logs_key=common.logs_key,
        log_retention_days=common.log_retention_days,
        parent=parent,
        role=role,
    )
    shared = [
        basics.log_group.grant_write(),
        xray_write(),
        *common.audit_bucket.grant_write(prefix=spec.audit_prefix),
        topic_publish(common.topic_arn),
    ]
    function = packaged_function(
        name,
        PackagedFunction(
            function_name=function_name,
            description=spec.description,
            handler=spec.handler,
            package=common.package,
            timeout=spec.timeout,
            reserved_concurrency=common.reserved_concurrency,
            vpc_config=vpc_config,
            depends_on=list(depends_on),
            environment={"AUDIT_BUCKET": common.audit_bucket.name, "TOPIC_ARN": common.topic_arn, **environment},
        ),
        basics,
        [*shared, *grants],
        parent,
    )
    if spec.schedule:
        schedule(parent, name, function, function_name, spec.schedule)
    return basics, function


@dataclass
class ResponseFunctionArgs:
    common: ResponsePackageArgs
    role: aws.iam.Role
    """From `response_role`."""
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
    volume_key: EncryptionKey
    """The node volumes' CMK: snapshots of those volumes are encrypted with it."""
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
        common = args.common
        function_name = response_function_name(common.name_prefix)
        self.role = args.role
        self.isolation_group = aws.ec2.SecurityGroup(
            f"{name}-isolation",
            name_prefix=f"{common.name_prefix}-isolation-",
            description="Isolation: no ingress, no egress (automated containment)",
            vpc_id=args.vpc_id,
            ingress=[],
            egress=[],
            revoke_rules_on_delete=True,
            tags={"Name": f"{common.name_prefix}-isolation"},
            opts=child,
        )
        depends: list[pulumi.Resource] = []
        vpc_config: aws.lambda_.FunctionVpcConfigArgsDict | None = None
        if args.subnet_ids:
            self.security_group = cluster_api_client_group(
                name,
                name_prefix=f"{function_name}-lambda",
                description="Response Lambda: HTTPS out (AWS APIs through NAT or endpoints, the cluster API)",
                egress_description="AWS APIs (IAM has no VPC endpoint) and the cluster API",
                ingress_name=f"{name}-cluster-api",
                ingress_description="The response function calls the cluster API",
                vpc_id=args.vpc_id,
                cluster_security_group_id=args.cluster_security_group_id,
                parent=self,
            )
            depends.append(vpc_access(name, self.role, common.partition, self))
            vpc_config = {"subnet_ids": args.subnet_ids, "security_group_ids": [self.security_group.id]}
        self.access_entry = aws.eks.AccessEntry(
            f"{name}-access-entry",
            cluster_name=args.cluster_name,
            principal_arn=self.role.arn,
            kubernetes_groups=[CONTAINMENT_GROUP],
            type="STANDARD",
            opts=child,
        )
        # Role names, as the function compares them; its own is generated (prefix-named).
        protected = pulumi.Output.from_input(self.role.name).apply(
            lambda own: ",".join(sorted({own, *args.protected_roles}))
        )
        basics, self.function = package_function(
            self,
            name,
            common,
            PackageFunction(
                suffix="response",
                purpose="the GuardDuty containment function",
                description="Contains high-severity GuardDuty findings about the platform's resources",
                handler="response.handler",
                timeout=60,
                audit_prefix=AUDIT_PREFIX,
            ),
            {
                "NAME_PREFIX": common.name_prefix,
                "CLUSTER_NAME": args.cluster_name,
                "VPC_ID": args.vpc_id,
                "ISOLATION_GROUP_ID": self.isolation_group.id,
                "LAKE_BUCKETS": pulumi.Output.all(*[b.name for b in args.lake_buckets.values()]).apply(
                    lambda names: ",".join(sorted(names))
                ),
                "MIN_SEVERITY": f"{args.min_severity:g}",
                "DRY_RUN": "true" if args.dry_run else "false",
                "PROTECTED_ROLES": protected,
            },
            self._grants(args),
            role=args.role,
            vpc_config=vpc_config,
            depends_on=depends,
        )
        self.log_group = basics.log_group
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-findings",
            name=f"{common.name_prefix}-guardduty-containment",
            description=f"GuardDuty findings with severity >= {args.min_severity:g} about contained resource types",
            event_pattern=json.dumps(containment_pattern(args.min_severity), sort_keys=True),
            opts=child,
        )
        invoke_from_rule(
            self,
            self.function,
            self.rule,
            names=(f"{name}-invoke", f"{name}-target"),
            target_id="response-function",
            retry_policy={"maximum_retry_attempts": 4, "maximum_event_age_in_seconds": 3600},
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
        common = args.common
        p, acct, region = common.partition, common.account_id, common.region
        ec2 = pulumi.Output.format("arn:{0}:ec2:{1}:{2}", p, region, acct)
        vpc_arn = pulumi.Output.format("arn:{0}:ec2:{1}:{2}:vpc/{3}", p, region, acct, args.vpc_id)
        lake = [b.arn for b in args.lake_buckets.values()]
        return [
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
            # Snapshots of the node volumes are encrypted with their CMK (EBS user guide, encryption requirements).
            *args.volume_key.grant_ebs_use(region),
            Grant(
                sid="TagNewSnapshots",
                actions=["ec2:CreateTags"],
                resources=[pulumi.Output.format("arn:{0}:ec2:{1}::snapshot/*", p, region)],
                condition={"StringEquals": {"ec2:CreateAction": "CreateSnapshot"}},
            ),
            Grant(
                sid="RevokePlatformRoleSessions",
                actions=["iam:GetRolePolicy", "iam:PutRolePolicy"],
                resources=[pulumi.Output.format("arn:{0}:iam::{1}:role/{2}-*", p, acct, common.name_prefix)],
            ),
            # It could otherwise write itself any permission.
            Grant(sid="NeverItsOwnRole", effect="Deny", actions=["iam:*"], resources=[self.role.arn]),
            # IAM has no condition on an inline policy's content: a compromised function could grant `*` to
            # a privileged role. Their sessions are revoked by an operator instead (docs/detection-response.md).
            Grant(
                sid="NeverPrivilegedRoles",
                effect="Deny",
                actions=["iam:PutRolePolicy", "iam:DeleteRolePolicy"],
                resources=[
                    pulumi.Output.format("arn:{0}:iam::{1}:role/{2}-{3}", p, acct, common.name_prefix, pattern)
                    for pattern in PRIVILEGED_ROLE_PATTERNS
                ],
            ),
            Grant(
                sid="DenyExfiltratingPrincipals", actions=["s3:GetBucketPolicy", "s3:PutBucketPolicy"], resources=lake
            ),
            common.topic_key.grant_encrypt_decrypt(via_services=[f"sns.{region}.amazonaws.com"]),
        ]


PRIVILEGED_ROLE_PATTERNS = (
    "deploy",
    "deploy-*",
    "key-admin",
    "key-admin-*",
    "cluster-deploy-runner-*",
    "filter",
    "filter-*",
)
"""Roles under the environment's prefix the response function must never write a policy on (review H1):
the deploy and key-admin roles (docs/deploy.md), the runner and the internet-facing filter."""


@dataclass
class SourceBlocklistArgs:
    common: ResponsePackageArgs
    ip_set_arn: pulumi.Input[str]
    ip_set_name: pulumi.Input[str]
    ip_set_id: pulumi.Input[str]
    threshold: int
    window_minutes: int
    block_minutes: int
    deletion_protection: bool
    """Off only where the environment is torn down and rebuilt (dev)."""
    schedule: str = "rate(5 minutes)"


class SourceBlocklist(pulumi.ComponentResource):
    """The filter feedback loop: a scheduled function that puts sources with a burst of blocked prompts
    on the web ACL's `blocked-sources` IP set for a while (lambdas/response/blocklist.py), a DynamoDB
    table of their expiries (the topic's CMK, TTL as a backstop, point-in-time recovery), and a role
    that may query the filter's log group, update that one IP set, use that table, write
    `response/blocklist/` in the audit bucket and publish to the alert topic."""

    function: aws.lambda_.Function
    table: aws.dynamodb.Table

    def __init__(self, name: str, args: SourceBlocklistArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:operations:SourceBlocklist", name, None, opts)
        common = args.common
        self.table = aws.dynamodb.Table(
            f"{name}-table",
            billing_mode="PAY_PER_REQUEST",
            hash_key="cidr",
            attributes=[{"name": "cidr", "type": "S"}],
            ttl={"attribute_name": "ttl", "enabled": True},
            server_side_encryption={"enabled": True, "kms_key_arn": common.topic_key.arn},
            point_in_time_recovery={"enabled": True},
            deletion_protection_enabled=args.deletion_protection,
            opts=pulumi.ResourceOptions(parent=self),
        )
        grants = [
            Grant(sid="QueryFilterAuditLines", actions=["logs:StartQuery"], resources=common.filter_log_group_arns()),
            # GetQueryResults has no resource-level permissions.
            Grant(sid="ReadQueryResults", actions=["logs:GetQueryResults"], resources=["*"]),
            Grant(
                sid="BlockTable",
                actions=["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                resources=[self.table.arn],
            ),
            common.topic_key.grant_encrypt_decrypt(
                via_services=[f"dynamodb.{common.region}.amazonaws.com", f"sns.{common.region}.amazonaws.com"]
            ),
            Grant(
                sid="BlockedSourcesIpSet", actions=["wafv2:GetIPSet", "wafv2:UpdateIPSet"], resources=[args.ip_set_arn]
            ),
        ]
        _, self.function = package_function(
            self,
            name,
            common,
            PackageFunction(
                suffix="source-blocklist",
                purpose="the filter feedback loop (WAF source block list)",
                description="Blocks sources with a burst of blocked prompts on the WAF for a while",
                handler="blocklist.handler",
                timeout=120,
                schedule=args.schedule,
                audit_prefix=f"{AUDIT_PREFIX}blocklist/",
            ),
            {
                "LOG_GROUP": common.filter_log_group_name,
                "TABLE": self.table.name,
                "IP_SET_NAME": args.ip_set_name,
                "IP_SET_ID": args.ip_set_id,
                "THRESHOLD": str(args.threshold),
                "WINDOW_MINUTES": str(args.window_minutes),
                "BLOCK_MINUTES": str(args.block_minutes),
            },
            grants,
        )
        self.register_outputs({"arn": self.function.arn, "table": self.table.name})


class FindingsReport(pulumi.ComponentResource):
    """The weekly filter findings report (lambdas/response/report.py): once a week, a function reads the
    filter's audit lines of the previous ISO week from its log group (`logs:FilterLogEvents`), counts
    them by route, verdict, finding type and category, and writes `reports/filter-findings/<year>/
    W<week>.json` and `.md` to the audit bucket, once per week. Its role may read that log group, read
    and write that prefix, and publish to the alert topic."""

    function: aws.lambda_.Function

    def __init__(
        self,
        name: str,
        common: ResponsePackageArgs,
        schedule_expression: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("genai:operations:FindingsReport", name, None, opts)
        grants = [
            Grant(
                sid="ReadFilterAuditLines", actions=["logs:FilterLogEvents"], resources=common.filter_log_group_arns()
            ),
            # Has this week's report been written already? (ListBucket on the prefix, GetObject on it.)
            *common.audit_bucket.grant_read("internal", prefix=REPORT_PREFIX),
            common.topic_key.grant_encrypt_decrypt(via_services=[f"sns.{common.region}.amazonaws.com"]),
        ]
        _, self.function = package_function(
            self,
            name,
            common,
            PackageFunction(
                suffix="findings-report",
                purpose="the weekly filter findings report",
                description="Writes the weekly report of the filter's findings to the audit bucket",
                handler="report.handler",
                # A week of audit lines is paged through; the function stops in time and says so.
                timeout=900,
                schedule=schedule_expression,
                audit_prefix=REPORT_PREFIX,
            ),
            {"LOG_GROUP": common.filter_log_group_name},
            grants,
        )
        self.register_outputs({"arn": self.function.arn})


def invoke_from_rule(
    parent: pulumi.Resource,
    function: aws.lambda_.Function,
    rule: aws.cloudwatch.EventRule,
    *,
    names: tuple[str, str],
    target_id: str,
    retry_policy: aws.cloudwatch.EventTargetRetryPolicyArgsDict | None = None,
) -> None:
    """`rule` invokes `function`: the permission for that rule alone (`names[0]`), then the target (`names[1]`)."""
    permission = aws.lambda_.Permission(
        names[0],
        action="lambda:InvokeFunction",
        function=function.name,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.cloudwatch.EventTarget(
        names[1],
        rule=rule.name,
        target_id=target_id,
        arn=function.arn,
        retry_policy=retry_policy,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[permission]),
    )


def schedule(
    parent: pulumi.Resource, name: str, function: aws.lambda_.Function, rule_name: str, expression: str
) -> aws.cloudwatch.EventRule:
    """An EventBridge schedule invoking `function`, and the permission for that rule alone."""
    rule = aws.cloudwatch.EventRule(
        f"{name}-schedule",
        name=rule_name,
        description=f"Runs {rule_name}",
        schedule_expression=expression,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    invoke_from_rule(
        parent, function, rule, names=(f"{name}-scheduled-invoke", f"{name}-scheduled-target"), target_id="function"
    )
    return rule
