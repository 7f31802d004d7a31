"""The platform VPC: private subnets for nodes and Lambdas, NAT-only public subnets, flow logs, endpoints.

Modelled on pulumi/examples `aws-py-hub-and-spoke-network/spoke.py`. Subnet CIDRs are computed here,
at plan time, from the VPC CIDR, so that network policies and security groups can name them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.grants import (
    Grant,
    dynamodb_endpoint_grants,
    guardrail_endpoint_grants,
    policy_document,
    s3_endpoint_grants,
    service_trust,
)
from components.kms import EncryptionKey, EncryptionKeyArgs
from components.log_group import EncryptedLogGroup, LogGroupArgs

# Interface endpoints nodes and functions need to reach AWS without the internet.
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager", "kms", "xray")
MAX_AZS = 6


@dataclass(frozen=True)
class SubnetPlan:
    """CIDRs per tier, one per availability zone, in AZ order."""

    private: tuple[str, ...]
    """Node subnets (and the interface endpoints)."""
    lambdas: tuple[str, ...]
    """Subnets for VPC-attached functions and the internal load balancer in front of inference."""
    public: tuple[str, ...]
    """NAT gateways only."""


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    """Split the VPC into 8 equal blocks: 6 for node subnets, 1 for Lambda subnets, 1 for public ones.

    For a /16 that is /19 node subnets (8190 addresses: VPC CNI gives every pod a VPC address),
    /22 Lambda subnets and /24 public subnets.
    """
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1..{MAX_AZS}, got {az_count}")
    net = ipaddress.IPv4Network(vpc_cidr, strict=True)
    blocks = list(net.subnets(prefixlen_diff=3))
    lambda_blocks = list(blocks[6].subnets(prefixlen_diff=3))
    public_blocks = list(blocks[7].subnets(new_prefix=min(net.prefixlen + 8, 28)))
    return SubnetPlan(
        private=tuple(str(b) for b in blocks[:az_count]),
        lambdas=tuple(str(b) for b in lambda_blocks[:az_count]),
        public=tuple(str(b) for b in public_blocks[:az_count]),
    )


def _pick(index: int) -> Callable[[list[str]], str]:
    return lambda names: names[index]


@dataclass
class VpcArgs:
    cidr: str
    az_count: int
    nat_gateway_per_az: bool
    """One NAT gateway per AZ (prod: no cross-AZ dependency) or a single one (dev: cheap)."""
    flow_log_group_name: str
    """`/aws/vpc/<prefix>/flow-logs`, the name the audit command looks for."""
    flow_log_retention_days: int
    region: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    key_deletion_window_days: int
    key_administrators: Sequence[str]
    """Roles that administer the flow-log CMK; empty: the account root (see `EncryptionKey`)."""
    bucket_name_prefix: str
    """The name prefix of the platform's buckets and tables (`genai-<env>-`): the S3 endpoint admits
    only those buckets (of this account) and the AWS-owned buckets nodes need (see
    `s3_endpoint_grants`), the DynamoDB endpoint only those tables."""
    state_bucket_arns: Sequence[str] = ()
    """Pulumi state buckets the in-VPC deploy runner reads and writes through the S3 endpoint."""
    containment_role_arn: pulumi.Input[str] | None = None
    """The response function's role: the S3 endpoint lets it replace platform bucket policies."""
    cluster_name: str | None = None
    """Tags subnets for the EKS cluster and marks the Lambda subnets for internal load balancers."""
    interface_endpoint_services: Sequence[str] = INTERFACE_ENDPOINT_SERVICES
    guardrail_endpoint: bool = False
    """A bedrock-runtime interface endpoint in the Lambda subnets, next to its only caller (the filter's
    guard tier), whose policy admits only ApplyGuardrail on this account's guardrails."""
    tags: dict[str, str] = field(default_factory=dict)


class Vpc(pulumi.ComponentResource):
    """A VPC whose controls are on by default.

    - private node and Lambda subnets route to the internet only through NAT; public subnets hold NAT;
    - flow logs of ALL traffic to a CMK-encrypted log group with a retention period;
    - the default security group adopted and stripped of every rule;
    - an S3 gateway endpoint whose policy admits only the platform's own buckets (by name prefix and
      account) and the AWS-owned buckets nodes read (ECR layers, AL2023 repositories);
    - a DynamoDB gateway endpoint admitting item reads and writes on the platform's own tables (the
      same name prefix) by this account's principals;
    - private-DNS interface endpoints (ECR api/dkr, STS, Logs, Secrets Manager, KMS, X-Ray) behind a
      security group that admits only the VPC CIDR on TCP 443.
    """

    vpc: aws.ec2.Vpc
    vpc_id: pulumi.Output[str]
    cidr: str
    subnets: SubnetPlan
    private_subnet_ids: list[pulumi.Output[str]]
    lambda_subnet_ids: list[pulumi.Output[str]]
    public_subnet_ids: list[pulumi.Output[str]]
    private_route_table_ids: list[pulumi.Output[str]]
    endpoint_security_group: aws.ec2.SecurityGroup
    s3_endpoint: aws.ec2.VpcEndpoint
    dynamodb_endpoint: aws.ec2.VpcEndpoint
    flow_log_group: EncryptedLogGroup

    def __init__(self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:network:Vpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.cidr = args.cidr
        self.subnets = plan_subnets(args.cidr, args.az_count)
        zones = aws.get_availability_zones_output(state="available", opts=pulumi.InvokeOutputOptions(parent=self))

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**args.tags, "Name": name},
            opts=child,
        )
        self.vpc_id = self.vpc.id
        # Adopting the default security group with no rules removes AWS's allow-all defaults.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": f"{name}-default-do-not-use"},
            opts=child,
        )

        self._flow_logs(name, args)

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags={"Name": f"{name}-igw"}, opts=child)
        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}],
            tags={"Name": f"{name}-public"},
            opts=child,
        )
        cluster_tags = {f"kubernetes.io/cluster/{args.cluster_name}": "shared"} if args.cluster_name else {}
        self.public_subnet_ids, self.private_subnet_ids, self.lambda_subnet_ids = [], [], []
        self.private_route_table_ids = []
        nat_ids: list[pulumi.Output[str]] = []
        for i in range(args.az_count):
            zone = zones.names.apply(_pick(i))
            public = aws.ec2.Subnet(
                f"{name}-public-{i}",
                vpc_id=self.vpc.id,
                cidr_block=self.subnets.public[i],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-public-{i}", "Tier": "public"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{i}-rta", subnet_id=public.id, route_table_id=public_rt.id, opts=child
            )
            self.public_subnet_ids.append(public.id)
            if i == 0 or args.nat_gateway_per_az:
                eip = aws.ec2.Eip(f"{name}-nat-{i}-eip", domain="vpc", tags={"Name": f"{name}-nat-{i}"}, opts=child)
                nat = aws.ec2.NatGateway(
                    f"{name}-nat-{i}",
                    allocation_id=eip.id,
                    subnet_id=public.id,
                    connectivity_type="public",
                    tags={"Name": f"{name}-nat-{i}"},
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
                )
                nat_ids.append(nat.id)
            private_rt = aws.ec2.RouteTable(
                f"{name}-private-rt-{i}",
                vpc_id=self.vpc.id,
                routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat_ids[-1]}],
                tags={"Name": f"{name}-private-{i}"},
                opts=child,
            )
            self.private_route_table_ids.append(private_rt.id)
            for tier, cidr, ids, extra in (
                ("private", self.subnets.private[i], self.private_subnet_ids, cluster_tags),
                (
                    "lambda",
                    self.subnets.lambdas[i],
                    self.lambda_subnet_ids,
                    # The internal load balancer in front of inference lives next to its callers.
                    {**cluster_tags, "kubernetes.io/role/internal-elb": "1"} if args.cluster_name else {},
                ),
            ):
                subnet = aws.ec2.Subnet(
                    f"{name}-{tier}-{i}",
                    vpc_id=self.vpc.id,
                    cidr_block=cidr,
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{name}-{tier}-{i}", "Tier": tier, **extra},
                    opts=child,
                )
                aws.ec2.RouteTableAssociation(
                    f"{name}-{tier}-{i}-rta", subnet_id=subnet.id, route_table_id=private_rt.id, opts=child
                )
                ids.append(subnet.id)

        self._endpoints(name, args)
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "privateSubnetIds": self.private_subnet_ids,
                "lambdaSubnetIds": self.lambda_subnet_ids,
                "publicSubnetIds": self.public_subnet_ids,
                "endpointSecurityGroupId": self.endpoint_security_group.id,
                "flowLogGroup": self.flow_log_group.name,
            }
        )

    def _flow_logs(self, name: str, args: VpcArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        key = EncryptionKey(
            f"{name}-flow-logs",
            EncryptionKeyArgs(
                description=f"VPC flow logs of {name}",
                account_id=args.account_id,
                partition=args.partition,
                deletion_window_days=args.key_deletion_window_days,
                administrators=args.key_administrators,
                logs_region=args.region,
            ),
            opts=child,
        )
        self.flow_log_group = EncryptedLogGroup(
            f"{name}-flow-logs",
            LogGroupArgs(
                log_group_name=args.flow_log_group_name,
                retention_days=args.flow_log_retention_days,
                key=key,
                classification="confidential",
            ),
            opts=child,
        )
        key.seal()
        role = aws.iam.Role(
            f"{name}-flow-logs-role",
            assume_role_policy=service_trust(["vpc-flow-logs.amazonaws.com"], args.account_id),
            description=f"Delivers VPC flow logs of {name} to CloudWatch Logs",
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs-delivery",
            role=role.id,
            policy=policy_document(
                [
                    self.flow_log_group.grant_write(),
                    Grant(
                        sid="DescribeLogGroups",
                        actions=["logs:DescribeLogGroups"],
                        resources=[
                            pulumi.Output.format(
                                "arn:{0}:logs:{1}:{2}:log-group:*", args.partition, args.region, args.account_id
                            )
                        ],
                    ),
                ]
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags={"Name": f"{name}-flow-log"},
            opts=child,
        )

    def _endpoints(self, name: str, args: VpcArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.endpoint_security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            vpc_id=self.vpc.id,
            description="Interface VPC endpoints: HTTPS from inside the VPC only",
            tags={"Name": f"{name}-endpoints"},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https-from-vpc",
            security_group_id=self.endpoint_security_group.id,
            description="HTTPS from the VPC CIDR",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.cidr,
            opts=child,
        )

        def gateway(service: str, grants: list[Grant]) -> aws.ec2.VpcEndpoint:
            return aws.ec2.VpcEndpoint(
                f"{name}-{service}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=self.private_route_table_ids,
                policy=policy_document(grants),
                tags={"Name": f"{name}-{service}"},
                opts=child,
            )

        self.s3_endpoint = gateway(
            "s3",
            s3_endpoint_grants(
                args.partition,
                args.region,
                args.account_id,
                args.bucket_name_prefix,
                args.state_bucket_arns,
                args.containment_role_arn,
            ),
        )
        self.dynamodb_endpoint = gateway(
            "dynamodb", dynamodb_endpoint_grants(args.partition, args.region, args.account_id, args.bucket_name_prefix)
        )
        endpoints: list[tuple[str, list[pulumi.Output[str]], pulumi.Output[str] | None]] = [
            (service, self.private_subnet_ids, None) for service in args.interface_endpoint_services
        ]
        if args.guardrail_endpoint:
            guardrails = policy_document(guardrail_endpoint_grants(args.partition, args.region, args.account_id))
            endpoints.append(("bedrock-runtime", self.lambda_subnet_ids, guardrails))
        for service, subnets, endpoint_policy in endpoints:
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=subnets,
                security_group_ids=[self.endpoint_security_group.id],
                policy=endpoint_policy,
                tags={"Name": f"{name}-{service}"},
                opts=child,
            )
