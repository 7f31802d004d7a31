"""Network controls, asserted on the inputs the VPC's resources were registered with (dev and prod)."""

from __future__ import annotations

import ipaddress
import itertools

import pytest

from components.network import INTERFACE_ENDPOINT_SERVICES, plan_subnets
from tests.components.conftest import all_named, named, output, stack_settings
from tests.conftest import Plan, Resource, policy, resources, statements

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
    arn = service[0]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
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
