"""EC2/VPC: launch templates, security groups, flow logs, the default security group, provider region."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy, PolicyResource

from ._common import (
    CIS_AWS,
    CRITICAL,
    HIGH,
    MEDIUM,
    Meta,
    Res,
    Stack,
    as_list,
    dig,
    insecure,
    resource_rule,
    secure,
    stack_rule,
    truthy,
)

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LB = "aws:lb/loadBalancer:LoadBalancer"
ALB = "aws:alb/loadBalancer:LoadBalancer"
WORLD = {"0.0.0.0/0", "::/0"}


def _imdsv2(res: Res) -> Iterator[str]:
    if dig(res.props, "metadataOptions", "httpTokens") != "required":
        yield f"'{res.name}' does not require IMDSv2 (metadataOptions.httpTokens != 'required')."


def _ebs_encrypted(res: Res) -> Iterator[str]:
    mappings = [m for m in as_list(res.props.get("blockDeviceMappings")) if dig(m, "ebs") is not None]
    if not mappings:
        yield f"Launch template '{res.name}' declares no EBS volume, so encryption is left to the AMI."
    for m in mappings:
        if not truthy(dig(m, "ebs", "encrypted")):
            yield f"Launch template '{res.name}' volume {dig(m, 'deviceName') or '?'} is not encrypted."


def _instance_volumes(res: Res) -> Iterator[str]:
    if not truthy(dig(res.props, "rootBlockDevice", "encrypted")):
        yield f"Instance '{res.name}' root volume is not encrypted."


def _ports(from_port: object, to_port: object) -> tuple[int | float, int | float]:
    def num(v: object, default: int) -> int | float:
        return v if isinstance(v, int | float) and not isinstance(v, bool) else default

    return num(from_port, 0), num(to_port, 65535)


def _port_text(ports: tuple[int | float, int | float]) -> str:
    low, high = ports
    return f"port {low}" if low == high else f"ports {low}-{high}"


def _public_lb_groups(stack: Stack) -> set[str]:
    urns: set[str] = set()
    for lb in stack.of_type(LB, ALB):
        if truthy(lb.props.get("internal")):
            continue
        urns.update(d.urn for d in lb.property_dependencies.get("securityGroups", []) if d.resource_type == SG)
    return urns


def _open_ingress(stack: Stack) -> Iterator[tuple[str | None, str]]:
    public_lb = _public_lb_groups(stack)
    # FSBP EC2.18's "authorized ports": TCP ports any source may reach (the baseline profile: 80, 443).
    authorized = {int(p) for p in as_list(stack.config.get("authorizedPorts")) if isinstance(p, int | float)}

    def allowed(group_urns: set[str], protocol: object, ports: tuple[int | float, int | float]) -> bool:
        tcp = str(protocol) in ("tcp", "6")
        if tcp and ports[0] == ports[1] and ports[0] in authorized:
            return True
        return bool(group_urns) and group_urns <= public_lb and ports == (443, 443) and tcp

    def targets(r: PolicyResource) -> set[str]:
        return {d.urn for d in r.property_dependencies.get("securityGroupId", []) if d.resource_type == SG}

    for sg in stack.of_type(SG):
        for rule in as_list(sg.props.get("ingress")):
            cidrs = set(as_list(dig(rule, "cidrBlocks"))) | set(as_list(dig(rule, "ipv6CidrBlocks")))
            ports = _ports(dig(rule, "fromPort"), dig(rule, "toPort"))
            if cidrs & WORLD and not allowed({sg.urn}, dig(rule, "protocol"), ports):
                yield sg.urn, f"Security group '{sg.name}' allows ingress from the internet on {_port_text(ports)}."
    for rule in stack.of_type(SG_RULE):
        p = rule.props
        cidrs = set(as_list(p.get("cidrBlocks"))) | set(as_list(p.get("ipv6CidrBlocks")))
        ports = _ports(p.get("fromPort"), p.get("toPort"))
        if p.get("type") == "ingress" and cidrs & WORLD and not allowed(targets(rule), p.get("protocol"), ports):
            yield (
                rule.urn,
                f"Security group rule '{rule.name}' allows ingress from the internet on {_port_text(ports)}.",
            )
    for rule in stack.of_type(SG_INGRESS):
        p = rule.props
        cidrs = {p.get("cidrIpv4"), p.get("cidrIpv6")}
        ports = _ports(p.get("fromPort"), p.get("toPort"))
        if cidrs & WORLD and not allowed(targets(rule), p.get("ipProtocol"), ports):
            yield rule.urn, f"Ingress rule '{rule.name}' allows ingress from the internet on {_port_text(ports)}."


def _flow_logs(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for vpc in stack.of_type(VPC):
        if not stack.referencing(vpc, FLOW_LOG, "vpcId"):
            yield vpc.urn, f"VPC '{vpc.name}' has no FlowLog."


def _default_sg(res: Res) -> Iterator[str]:
    if as_list(res.props.get("ingress")) or as_list(res.props.get("egress")):
        yield f"Default security group '{res.name}' has rules; it must allow nothing."


def _region(res: Res) -> Iterator[str]:
    allowed = res.config.strings("allowedRegions")
    region = res.props.get("region")
    if not isinstance(region, str):
        yield f"Provider '{res.name}' sets no region."
    elif region not in allowed:
        yield f"Provider '{res.name}' uses region '{region}', not one of {allowed}."
    for key in ("skipCredentialsValidation", "insecure"):
        if truthy(res.props.get(key)):
            yield f"Provider '{res.name}' sets {key}."


def _instance_public_ip(res: Res) -> Iterator[str]:
    if truthy(res.props.get("associatePublicIpAddress")):
        yield f"Instance '{res.name}' gets a public IPv4 address."


def _subnet_public_ip(res: Res) -> Iterator[str]:
    if truthy(res.props.get("mapPublicIpOnLaunch")):
        yield f"Subnet '{res.name}' gives every instance launched in it a public IP (mapPublicIpOnLaunch)."


def _vpc_default_sg(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for vpc in stack.of_type(VPC):
        if not stack.referencing(vpc, DEFAULT_SG, "vpcId"):
            yield (
                vpc.urn,
                f"VPC '{vpc.name}' keeps AWS's default security group, which allows all traffic between its members "
                "and all outbound traffic.",
            )


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-ec2-instance-no-public-ip",
                "EC2 instances do not get public IPv4 addresses.",
                MEDIUM,
                (),
                "Set associate_public_ip_address=False; reach instances through a load balancer, SSM or a bastion.",
                examples=(
                    secure({"ami": "ami-1", "instanceType": "t3.micro"}),
                    insecure({"ami": "ami-1", "instanceType": "t3.micro", "associatePublicIpAddress": True}),
                ),
            ),
            [INSTANCE],
            _instance_public_ip,
        ),
        resource_rule(
            Meta(
                "aws-ec2-subnet-no-public-ip-on-launch",
                "Subnets do not assign public IPs on launch.",
                MEDIUM,
                (),
                "Set map_public_ip_on_launch=False; give public IPs only to what must be public (load balancers, NAT).",
                examples=(
                    secure({"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24"}),
                    insecure({"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24", "mapPublicIpOnLaunch": True}),
                ),
            ),
            ["aws:ec2/subnet:Subnet"],
            _subnet_public_ip,
        ),
        stack_rule(
            Meta(
                "aws-ec2-vpc-default-security-group-managed",
                "Every new VPC's default security group is taken over and emptied.",
                MEDIUM,
                (f"{CIS_AWS}:5.5",),
                "Add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress or egress rules.",
            ),
            _vpc_default_sg,
        ),
        resource_rule(
            Meta(
                "aws-ec2-launch-template-imdsv2",
                "Launch templates and instances require IMDSv2.",
                HIGH,
                (f"{CIS_AWS}:5.6",),
                "Set metadataOptions.httpTokens='required' (and httpPutResponseHopLimit=2 for pods).",
            ),
            [LAUNCH_TEMPLATE, INSTANCE],
            _imdsv2,
        ),
        resource_rule(
            Meta(
                "aws-ec2-launch-template-ebs-encrypted",
                "Launch template volumes are encrypted.",
                HIGH,
                (f"{CIS_AWS}:2.2.1",),
                "Declare the root volume in blockDeviceMappings with ebs.encrypted=true and a KMS key.",
            ),
            [LAUNCH_TEMPLATE],
            _ebs_encrypted,
        ),
        resource_rule(
            Meta(
                "aws-ec2-instance-ebs-encrypted",
                "Instance root volumes are encrypted.",
                HIGH,
                (f"{CIS_AWS}:2.2.1",),
                "Set rootBlockDevice.encrypted=true.",
            ),
            [INSTANCE],
            _instance_volumes,
        ),
        stack_rule(
            Meta(
                "aws-ec2-security-group-no-public-ingress",
                "No ingress from 0.0.0.0/0 or ::/0, except TCP 443 on an internet-facing load balancer's "
                "security group.",
                CRITICAL,
                (f"{CIS_AWS}:5.3", f"{CIS_AWS}:5.4"),
                "Restrict the source to the VPC CIDR or a security group; only an internet-facing "
                "LoadBalancer's own security group may accept 0.0.0.0/0 on TCP 443.",
                config={
                    "authorizedPorts": {
                        "type": "array",
                        "items": {"type": "integer"},
                        "default": [],
                        "description": "TCP ports open to any source are allowed on (FSBP EC2.18)",
                    }
                },
            ),
            _open_ingress,
        ),
        stack_rule(
            Meta(
                "aws-ec2-vpc-flow-logs",
                "Every VPC has flow logs.",
                MEDIUM,
                (f"{CIS_AWS}:3.7",),
                "Add an aws.ec2.FlowLog with vpcId set to the VPC and trafficType 'ALL'.",
            ),
            _flow_logs,
        ),
        resource_rule(
            Meta(
                "aws-ec2-default-security-group-closed",
                "The default security group has no rules.",
                HIGH,
                (f"{CIS_AWS}:5.5",),
                "Adopt the default security group with aws.ec2.DefaultSecurityGroup and no ingress/egress.",
            ),
            [DEFAULT_SG],
            _default_sg,
        ),
        resource_rule(
            Meta(
                "aws-provider-region-allowed",
                "AWS providers use an allowed region.",
                HIGH,
                (),
                "Set the provider's region to one of the allowedRegions config values.",
                {
                    "allowedRegions": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["eu-west-1", "eu-central-1", "us-east-1"],
                    }
                },
            ),
            ["pulumi:providers:aws"],
            _region,
        ),
    ]
