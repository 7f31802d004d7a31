"""Network controls, asserted on the inputs the VPC's resources were registered with (dev and prod)."""

from __future__ import annotations

import fnmatch
import ipaddress
import itertools
from typing import Any

import pytest

from components.grants import S3_ENDPOINT_PLATFORM_ACTIONS, s3_endpoint_grants
from components.network import INTERFACE_ENDPOINT_SERVICES, plan_subnets
from tests.components.conftest import all_named, named, output, stack_settings
from tests.conftest import Plan, Resource, as_list, policy, resources, statements

SUBNET = "aws:ec2/subnet:Subnet"


def subnets(plan: Plan, tier: str) -> list[Resource]:
    return [s for s in resources(plan, SUBNET) if s["inputs"]["tags"].get("Tier") == tier]


def test_az_count_per_environment(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan, azs in ((dev_plan, 2), (prod_plan, 3)):
        for tier in ("private", "lambda", "public"):
            assert len(subnets(plan, tier)) == azs, (plan["stack"], tier)


def test_subnets_spread_over_distinct_zones(plan: Plan) -> None:
    for tier in ("private", "lambda", "public"):
        zones = [s["inputs"]["availabilityZone"] for s in subnets(plan, tier)]
        assert len(set(zones)) == len(zones)


def test_one_nat_in_dev_one_per_az_in_prod(dev_plan: Plan, prod_plan: Plan) -> None:
    assert len(resources(dev_plan, "aws:ec2/natGateway:NatGateway")) == 1
    assert len(resources(prod_plan, "aws:ec2/natGateway:NatGateway")) == 3


def test_nat_gateways_live_in_public_subnets(plan: Plan) -> None:
    public_ids = {s["id"] for s in subnets(plan, "public")}
    for nat in resources(plan, "aws:ec2/natGateway:NatGateway"):
        assert nat["inputs"]["subnetId"] in public_ids


def test_no_subnet_assigns_public_ips(plan: Plan) -> None:
    for subnet in resources(plan, SUBNET):
        assert subnet["inputs"]["mapPublicIpOnLaunch"] is False, subnet["name"]


def test_private_route_tables_reach_internet_only_through_nat(plan: Plan) -> None:
    private = all_named(plan, "aws:ec2/routeTable:RouteTable", "-private-rt-")
    assert private
    for table in private:
        for route in table["inputs"]["routes"]:
            assert "gatewayId" not in route
            assert route["natGatewayId"].startswith("nat-")


def test_private_and_lambda_subnets_use_private_route_tables(plan: Plan) -> None:
    private_tables = {t["id"] for t in all_named(plan, "aws:ec2/routeTable:RouteTable", "-private-rt-")}
    inner = {s["id"] for s in subnets(plan, "private") + subnets(plan, "lambda")}
    associations = resources(plan, "aws:ec2/routeTableAssociation:RouteTableAssociation")
    for assoc in associations:
        if assoc["inputs"]["subnetId"] in inner:
            assert assoc["inputs"]["routeTableId"] in private_tables


def test_subnet_cidrs_do_not_overlap_and_stay_in_vpc(plan: Plan) -> None:
    vpc = ipaddress.ip_network(resources(plan, "aws:ec2/vpc:Vpc")[0]["inputs"]["cidrBlock"])
    nets = [ipaddress.ip_network(s["inputs"]["cidrBlock"]) for s in resources(plan, SUBNET)]
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))


def test_vpc_cidr_and_dns_from_settings(plan: Plan) -> None:
    vpc = resources(plan, "aws:ec2/vpc:Vpc")[0]["inputs"]
    assert vpc["cidrBlock"] == stack_settings(plan).network.vpc_cidr
    assert vpc["enableDnsSupport"] is True and vpc["enableDnsHostnames"] is True


def test_flow_log_captures_all_traffic_of_the_vpc(plan: Plan) -> None:
    vpc = resources(plan, "aws:ec2/vpc:Vpc")[0]
    (flow,) = resources(plan, "aws:ec2/flowLog:FlowLog")
    assert flow["inputs"]["trafficType"] == "ALL"
    assert flow["inputs"]["vpcId"] == vpc["id"]
    assert flow["inputs"]["logDestinationType"] == "cloud-watch-logs"


def test_flow_log_goes_to_the_named_encrypted_log_group(plan: Plan) -> None:
    group = named(plan, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs-group")
    (flow,) = resources(plan, "aws:ec2/flowLog:FlowLog")
    assert group["inputs"]["name"] == f"/aws/vpc/genai-{plan['stack']}/flow-logs"
    assert flow["inputs"]["logDestination"] == output(group, "arn")
    key = named(plan, "aws:kms/key:Key", "network-flow-logs-key")
    assert group["inputs"]["kmsKeyId"] == key["outputs"]["arn"]


def test_flow_log_retention_from_settings(plan: Plan) -> None:
    group = named(plan, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs-group")
    assert group["inputs"]["retentionInDays"] == stack_settings(plan).network.flow_log_retention_days


def test_flow_log_key_lets_logs_use_it_for_that_group_only(plan: Plan) -> None:
    key = named(plan, "aws:kms/key:Key", "network-flow-logs-key")
    service = [s for s in statements(policy(key)) if s.get("Principal", {}).get("Service", "").startswith("logs.")]
    assert len(service) == 1
    (arn,) = service[0]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert arn.endswith(f":log-group:/aws/vpc/genai-{plan['stack']}/flow-logs")


def test_flow_log_role_trusts_only_flow_logs_in_this_account(plan: Plan) -> None:
    role = named(plan, "aws:iam/role:Role", "network-flow-logs-role")
    (trust,) = statements(policy(role, "assumeRolePolicy"))
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]


def test_default_security_group_has_no_rules(plan: Plan) -> None:
    (default,) = resources(plan, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default["inputs"]["ingress"] == [] and default["inputs"]["egress"] == []
    assert default["inputs"]["vpcId"] == resources(plan, "aws:ec2/vpc:Vpc")[0]["id"]


def test_s3_gateway_endpoint_on_private_route_tables(plan: Plan) -> None:
    s3 = named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3")["inputs"]
    assert s3["vpcEndpointType"] == "Gateway"
    assert s3["serviceName"] == f"com.amazonaws.{plan['config']['aws:region']}.s3"
    private_tables = {t["id"] for t in all_named(plan, "aws:ec2/routeTable:RouteTable", "-private-rt-")}
    assert set(s3["routeTableIds"]) == private_tables


# --- the S3 gateway endpoint's policy ----------------------------------------------------------------

ACCOUNT = "123456789012"
FOREIGN = "999988887777"


CONTAINMENT_SID = "ContainmentBucketPolicies"


def s3_endpoint_policy(plan: Plan) -> dict[str, Any]:
    return policy(named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3"))


def endpoint_allows(
    document: dict[str, Any], action: str, resource: str, *, principal: str = ACCOUNT, owner: str = ACCOUNT
) -> bool:
    """Whether some Allow statement of an endpoint policy matches (no statement matching: implicit deny).

    Only the condition operator the policy uses is understood; anything else fails the test."""
    # The caller is a pipeline role; only the response role may change bucket policies (test_response.py).
    context = {
        "aws:PrincipalAccount": principal,
        "s3:ResourceAccount": owner,
        "aws:PrincipalArn": f"arn:aws:iam::{principal}:role/genai-dev-ingest",
    }
    for st in statements(document):
        assert st["Effect"] == "Allow" and set(st.get("Condition", {})) <= {"StringEquals", "ArnEquals"}, st
        if not any(fnmatch.fnmatchcase(action, a) for a in as_list(st["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in as_list(st["Resource"])):
            continue
        conditions = [pair for op in st.get("Condition", {}).values() for pair in op.items()]
        if all(context[key] == value for key, value in conditions):
            return True
    return False


def test_s3_endpoint_policy_statements(plan: Plan) -> None:
    region, stack = plan["config"]["aws:region"], plan["stack"]
    by_sid = {st["Sid"]: st for st in statements(s3_endpoint_policy(plan))}
    assert set(by_sid) == {"PlatformBuckets", "EcrImageLayers", "AmazonLinux2023Repositories", CONTAINMENT_SID}
    assert all(st["Effect"] == "Allow" and st["Principal"] == {"AWS": "*"} for st in by_sid.values())
    own = by_sid["PlatformBuckets"]
    assert own["Resource"] == [f"arn:aws:s3:::genai-{stack}-*", f"arn:aws:s3:::genai-{stack}-*/*"]
    assert own["Action"] == sorted(S3_ENDPOINT_PLATFORM_ACTIONS)
    assert own["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT, "s3:ResourceAccount": ACCOUNT}}
    ecr = by_sid["EcrImageLayers"]
    assert (ecr["Action"], ecr["Resource"]) == (["s3:GetObject"], f"arn:aws:s3:::prod-{region}-starport-layer-bucket/*")
    al2023 = by_sid["AmazonLinux2023Repositories"]
    assert (al2023["Action"], al2023["Resource"]) == (
        ["s3:GetObject"],
        f"arn:aws:s3:::al2023-repos-{region}-de612dc2/*",
    )
    assert "Condition" not in ecr and "Condition" not in al2023


def test_s3_endpoint_never_admits_wildcard_or_destructive_actions(plan: Plan) -> None:
    """Apart from the response role's bucket-policy statement, asserted on its own in test_response.py."""
    actions = [
        a for st in statements(s3_endpoint_policy(plan)) if st["Sid"] != CONTAINMENT_SID for a in as_list(st["Action"])
    ]
    assert not any("*" in a for a in actions)
    assert not any(a.startswith(("s3:Delete", "s3:PutBucket", "s3:PutLifecycle", "s3:Bypass")) for a in actions)


def test_s3_endpoint_admits_every_bucket_of_the_platform(plan: Plan) -> None:
    document = s3_endpoint_policy(plan)
    buckets = [b["outputs"]["arn"] for b in resources(plan, "aws:s3/bucket:Bucket")]
    assert len(buckets) >= 5
    for arn in buckets:
        assert endpoint_allows(document, "s3:ListBucket", arn), arn
        for action in ("s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"):
            assert endpoint_allows(document, action, f"{arn}/data/part-0.parquet"), (action, arn)


def test_s3_endpoint_admits_every_s3_action_the_platform_grants(plan: Plan) -> None:
    """The endpoint must not silently break a grant: every S3 action a role of the stack is allowed passes."""
    granted = {
        action
        for rp in resources(plan, "aws:iam/rolePolicy:RolePolicy")
        for st in statements(policy(rp))
        if st["Effect"] == "Allow"
        for action in as_list(st["Action"])
        if action.startswith("s3:")
    }
    assert granted and granted <= {*S3_ENDPOINT_PLATFORM_ACTIONS, "s3:GetBucketPolicy", "s3:PutBucketPolicy"}


def test_s3_endpoint_admits_ecr_layers_and_al2023_packages(plan: Plan) -> None:
    region, document = plan["config"]["aws:region"], s3_endpoint_policy(plan)
    layer = f"arn:aws:s3:::prod-{region}-starport-layer-bucket/sha256:abc"
    package = f"arn:aws:s3:::al2023-repos-{region}-de612dc2/core/mirrors/latest/x86_64/mirror.list"
    # ECR hands out presigned URLs signed in AWS's own account: no account condition may apply.
    for resource in (layer, package):
        assert endpoint_allows(document, "s3:GetObject", resource, principal=FOREIGN, owner=FOREIGN), resource
        assert not endpoint_allows(document, "s3:PutObject", resource, principal=FOREIGN, owner=FOREIGN), resource


@pytest.mark.parametrize(
    ("what", "action", "resource", "principal", "owner"),
    [
        ("a foreign bucket", "s3:PutObject", "arn:aws:s3:::attacker-exfil/loot.tar", ACCOUNT, FOREIGN),
        (
            "an unrelated bucket of this account",
            "s3:PutObject",
            "arn:aws:s3:::attacker-exfil/loot.tar",
            ACCOUNT,
            ACCOUNT,
        ),
        ("a look-alike name in another account", "s3:PutObject", "arn:aws:s3:::genai-{stack}-x/loot", ACCOUNT, FOREIGN),
        ("our bucket with foreign credentials", "s3:GetObject", "arn:aws:s3:::genai-{stack}-x/data", FOREIGN, ACCOUNT),
        ("the other environment's bucket", "s3:GetObject", "arn:aws:s3:::genai-{other}-x/data", ACCOUNT, ACCOUNT),
        ("a delete on our bucket", "s3:DeleteObject", "arn:aws:s3:::genai-{stack}-x/data", ACCOUNT, ACCOUNT),
        ("a bucket policy change", "s3:PutBucketPolicy", "arn:aws:s3:::genai-{stack}-x", ACCOUNT, ACCOUNT),
        (
            "a write to the ECR layer bucket",
            "s3:PutObject",
            "arn:aws:s3:::prod-{region}-starport-layer-bucket/x",
            ACCOUNT,
            FOREIGN,
        ),
        (
            "another region's layer bucket",
            "s3:GetObject",
            "arn:aws:s3:::prod-ap-east-1-starport-layer-bucket/x",
            ACCOUNT,
            FOREIGN,
        ),
        ("a look-alike AL2023 bucket", "s3:GetObject", "arn:aws:s3:::al2023-repos-{region}-evil/x", ACCOUNT, FOREIGN),
    ],
)
def test_s3_endpoint_denies(plan: Plan, what: str, action: str, resource: str, principal: str, owner: str) -> None:
    other = "prod" if plan["stack"] == "dev" else "dev"
    arn = resource.format(stack=plan["stack"], other=other, region=plan["config"]["aws:region"])
    assert not endpoint_allows(s3_endpoint_policy(plan), action, arn, principal=principal, owner=owner), what


@pytest.mark.parametrize("prefix", ["", "*", "genai-dev", "g-", "Genai-dev-"])
def test_s3_endpoint_grants_need_a_real_bucket_name_prefix(prefix: str) -> None:
    with pytest.raises(ValueError, match="bucket_name_prefix"):
        s3_endpoint_grants("aws", "eu-west-1", ACCOUNT, prefix)


@pytest.mark.parametrize("service", INTERFACE_ENDPOINT_SERVICES)
def test_interface_endpoint_with_private_dns_in_private_subnets(plan: Plan, service: str) -> None:
    endpoint = named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", f"network-{service.replace('.', '-')}")["inputs"]
    assert endpoint["vpcEndpointType"] == "Interface"
    assert endpoint["serviceName"] == f"com.amazonaws.{plan['config']['aws:region']}.{service}"
    assert endpoint["privateDnsEnabled"] is True
    assert set(endpoint["subnetIds"]) == {s["id"] for s in subnets(plan, "private")}
    sg = named(plan, "aws:ec2/securityGroup:SecurityGroup", "network-endpoints-sg")
    assert endpoint["securityGroupIds"] == [sg["id"]]


def test_endpoint_security_group_admits_only_vpc_cidr_on_443(plan: Plan) -> None:
    sg = named(plan, "aws:ec2/securityGroup:SecurityGroup", "network-endpoints-sg")
    assert "ingress" not in sg["inputs"] and "egress" not in sg["inputs"]
    rules = [
        r
        for r in resources(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r["inputs"]["securityGroupId"] == sg["id"]
    ]
    assert len(rules) == 1
    rule = rules[0]["inputs"]
    assert (rule["ipProtocol"], rule["fromPort"], rule["toPort"]) == ("tcp", 443, 443)
    assert rule["cidrIpv4"] == stack_settings(plan).network.vpc_cidr


def test_lambda_subnets_host_internal_load_balancers_only(plan: Plan) -> None:
    for subnet in subnets(plan, "lambda"):
        assert subnet["inputs"]["tags"]["kubernetes.io/role/internal-elb"] == "1"
    for subnet in subnets(plan, "public") + subnets(plan, "private"):
        assert "kubernetes.io/role/elb" not in subnet["inputs"]["tags"]
        assert "kubernetes.io/role/internal-elb" not in subnet["inputs"]["tags"]


@pytest.mark.parametrize(("cidr", "azs"), [("10.40.0.0/16", 2), ("10.50.0.0/16", 3), ("172.16.0.0/20", 6)])
def test_plan_subnets_tiers_are_disjoint(cidr: str, azs: int) -> None:
    tiers = plan_subnets(cidr, azs)
    nets = [ipaddress.ip_network(c) for c in (*tiers.private, *tiers.lambdas, *tiers.public)]
    assert len(nets) == 3 * azs
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))


def test_plan_subnets_rejects_too_many_zones() -> None:
    with pytest.raises(ValueError, match="az_count"):
        plan_subnets("10.40.0.0/16", 7)
