"""The containment function as planned: its rule, permission, role, isolation group and cluster access."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.k8s_baseline import CONTAINMENT_GROUP
from tests.components.conftest import named, stack_settings
from tests.conftest import Plan, Resource, policy, resources, statements

FUNCTION = "aws:lambda/function:Function"


def function(plan: Plan) -> Resource:
    return named(plan, FUNCTION, "-response-function")


def role_statements(plan: Plan) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in statements(policy(named(plan, "aws:iam/rolePolicy:RolePolicy", "-response-access")))}


def response_role(plan: Plan) -> Resource:
    return named(plan, "aws:iam/role:Role", "-response-role")


@pytest.mark.parametrize("suffix", ["-response-role", "-blocklist-role", "-findings-report-role"])
def test_the_response_roles_are_prefix_named(plan: Plan, suffix: str) -> None:
    """A fixed IAM name blocks a destroy-then-up and any replacement (EntityAlreadyExists)."""
    role = named(plan, "aws:iam/role:Role", suffix)
    assert "name" not in role["inputs"]
    assert role["inputs"]["namePrefix"].startswith(f"genai-{plan['stack']}-")
    assert role["outputs"]["name"].startswith(role["inputs"]["namePrefix"])


def test_snapshots_of_node_volumes_may_use_the_node_volume_key_through_ec2_only(plan: Plan) -> None:
    key = named(plan, "aws:kms/key:Key", "-node-volumes-key")
    found = role_statements(plan)
    use, grants = found["KmsEbsUse"], found["KmsEbsGrants"]
    assert use["Resource"] == grants["Resource"] == key["outputs"]["arn"]
    assert set(use["Action"]) == {
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:ReEncrypt*",
    }
    assert grants["Action"] == ["kms:CreateGrant"]
    assert grants["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}
    via = {"kms:ViaService": f"ec2.{plan['config']['aws:region']}.amazonaws.com"}
    assert use["Condition"]["StringEquals"] == grants["Condition"]["StringEquals"] == via
    (delegation,) = [s for s in statements(policy(key)) if s["Sid"] == "GrantsForAwsResourcesThroughIamPolicies"]
    assert delegation["Action"] == ["kms:CreateGrant"]
    assert delegation["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_the_weekly_report_reads_the_filter_log_group_and_writes_its_prefix_only(plan: Plan) -> None:
    fn = named(plan, FUNCTION, "-findings-report-function")
    assert fn["inputs"]["handler"] == "report.handler"
    blocklist = named(plan, FUNCTION, "-blocklist-function")
    assert fn["inputs"]["sourceCodeHash"] == blocklist["inputs"]["sourceCodeHash"]  # one package
    assert fn["inputs"]["environment"]["variables"]["LOG_GROUP"] == f"/aws/lambda/genai-{plan['stack']}-filter"
    rule = named(plan, "aws:cloudwatch/eventRule:EventRule", "-findings-report-schedule")
    assert rule["inputs"]["scheduleExpression"] == stack_settings(plan).response.weekly_report_schedule
    found = statements(policy(named(plan, "aws:iam/rolePolicy:RolePolicy", "-findings-report-access")))
    (logs,) = [s for s in found if s["Sid"] == "ReadFilterAuditLines"]
    assert logs["Action"] == ["logs:FilterLogEvents"]
    assert all(f"log-group:/aws/lambda/genai-{plan['stack']}-filter" in r for r in logs["Resource"])
    s3 = [s for s in found if any(a.startswith("s3:") for a in s["Action"])]
    assert s3
    for statement in s3:
        resources_ = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        where = json.dumps(statement.get("Condition", {})) + json.dumps(resources_)
        assert "reports/filter-findings/" in where, statement


def test_the_function_runs_like_the_filter(plan: Plan) -> None:
    inputs = function(plan)["inputs"]
    assert inputs["architectures"] == ["arm64"]
    assert inputs["runtime"] == "python3.12"
    assert inputs["tracingConfig"] == {"mode": "Active"}
    assert inputs["vpcConfig"]["subnetIds"]
    assert inputs["handler"] == "response.handler"


def test_dry_run_follows_the_environment(plan: Plan) -> None:
    variables = function(plan)["inputs"]["environment"]["variables"]
    expected = "true" if stack_settings(plan).response.dry_run else "false"
    assert variables["DRY_RUN"] == expected
    assert variables["DRY_RUN"] == ("true" if plan["stack"] == "dev" else "false")
    (role,) = [r for r in resources(plan, "aws:iam/role:Role") if r["name"].endswith("-response-role")]
    assert role["outputs"]["name"] in variables["PROTECTED_ROLES"].split(",")


def test_rule_invokes_only_on_contained_resource_types_at_the_severity(plan: Plan) -> None:
    rule = named(plan, "aws:cloudwatch/eventRule:EventRule", "-response-findings")
    pattern = json.loads(rule["inputs"]["eventPattern"])
    assert pattern["detail"]["severity"] == [{"numeric": [">=", 7]}]
    assert pattern["detail"]["resource"]["resourceType"] == ["EKSCluster", "Instance", "AccessKey", "S3Bucket"]
    (target,) = [
        t
        for t in resources(plan, "aws:cloudwatch/eventTarget:EventTarget")
        if t["inputs"]["rule"] == rule["inputs"]["name"]
    ]
    assert target["inputs"]["arn"] == function(plan)["outputs"]["arn"]
    permission = named(plan, "aws:lambda/permission:Permission", "-response-invoke")
    assert permission["inputs"]["principal"] == "events.amazonaws.com"
    assert permission["inputs"]["sourceArn"] == rule["outputs"]["arn"]


def test_the_isolation_group_has_no_rules(plan: Plan) -> None:
    group = named(plan, "aws:ec2/securityGroup:SecurityGroup", "-response-isolation")
    assert group["inputs"]["ingress"] == []
    assert group["inputs"]["egress"] == []


def test_interfaces_move_only_within_the_vpc_and_only_to_the_isolation_group(plan: Plan) -> None:
    found = role_statements(plan)
    assert "ec2:Vpc" in json.dumps(found["IsolateInterfacesInThePlatformVpc"]["Condition"])
    group = named(plan, "aws:ec2/securityGroup:SecurityGroup", "-response-isolation")
    assert found["OnlyToTheIsolationGroup"]["Resource"].endswith(":security-group/" + group["id"])


def test_session_revocation_is_limited_to_platform_roles_and_never_its_own(plan: Plan) -> None:
    found = role_statements(plan)
    assert found["RevokePlatformRoleSessions"]["Resource"].endswith(f":role/genai-{plan['stack']}-*")
    assert found["NeverItsOwnRole"]["Effect"] == "Deny"
    assert found["NeverItsOwnRole"]["Resource"] == response_role(plan)["outputs"]["arn"]
    actions = {a for s in found.values() for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert "sts:AssumeRole" not in actions
    assert {a for a in actions if a.endswith("*") and not a.startswith("kms:")} == {"iam:*"}


def test_the_cluster_maps_the_role_to_the_containment_group_only(plan: Plan, request: pytest.FixtureRequest) -> None:
    entry = named(plan, "aws:eks/accessEntry:AccessEntry", "-response-access-entry")
    assert entry["inputs"]["kubernetesGroups"] == [CONTAINMENT_GROUP]
    associations = [
        a
        for a in resources(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
        if a["inputs"]["principalArn"] == entry["inputs"]["principalArn"]
    ]
    assert associations == []
    cluster = request.getfixturevalue(f"{plan['stack']}_stages")["cluster"]  # Kubernetes objects: the cluster stage
    (role,) = [r for r in resources(cluster, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")]
    assert role["inputs"]["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "patch"]},
        {"apiGroups": [""], "resources": ["nodes"], "verbs": ["patch"]},
    ]


def test_the_s3_endpoint_admits_bucket_policy_changes_from_the_response_role_only(plan: Plan) -> None:
    endpoint = named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3")
    (statement,) = [s for s in statements(policy(endpoint)) if s["Sid"] == "ContainmentBucketPolicies"]
    assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"] == response_role(plan)["outputs"]["arn"]
    others = [s for s in statements(policy(endpoint)) if s["Sid"] != "ContainmentBucketPolicies"]
    assert not any("s3:PutBucketPolicy" in json.dumps(s["Action"]) for s in others)


def test_quarantined_pods_are_excluded_from_every_allow(cluster_plan: Plan) -> None:
    policies = resources(cluster_plan, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    for p in policies:
        name, selector = p["inputs"]["metadata"]["name"], p["inputs"]["spec"]["podSelector"]
        if name == "quarantine":
            assert selector == {"matchLabels": {"quarantine": "true"}}
            assert p["inputs"]["spec"]["policyTypes"] == ["Ingress", "Egress"]
            assert not p["inputs"]["spec"].get("ingress") and not p["inputs"]["spec"].get("egress")
        elif name != "default-deny-all":
            assert {"key": "quarantine", "operator": "NotIn", "values": ["true"]} in selector["matchExpressions"], name
    namespaces = {
        p["inputs"]["metadata"]["namespace"] for p in policies if p["inputs"]["metadata"]["name"] == "quarantine"
    }
    assert namespaces == {p["inputs"]["metadata"]["namespace"] for p in policies}


def test_the_web_acl_blocks_the_feedback_loop_ip_set_first(plan: Plan) -> None:
    (acl,) = resources(plan, "aws:wafv2/webAcl:WebAcl")
    ip_set = named(plan, "aws:wafv2/ipSet:IpSet", "-blocked-sources")
    first = min(acl["inputs"]["rules"], key=lambda r: r["priority"])
    assert first["name"] == "blocked-sources"
    assert first["action"] == {"block": {}}
    assert first["statement"] == {"ipSetReferenceStatement": {"arn": ip_set["outputs"]["arn"]}}
    assert ip_set["inputs"]["addresses"] == []


def test_the_block_list_runs_on_a_schedule_with_settings_and_a_narrow_role(plan: Plan) -> None:
    s = stack_settings(plan).response
    fn = named(plan, FUNCTION, "-blocklist-function")
    variables = fn["inputs"]["environment"]["variables"]
    assert (variables["THRESHOLD"], variables["WINDOW_MINUTES"], variables["BLOCK_MINUTES"]) == (
        str(s.source_blocked_threshold),
        str(s.source_window_minutes),
        str(s.source_block_minutes),
    )
    assert variables["LOG_GROUP"] == f"/aws/lambda/genai-{plan['stack']}-filter"
    rule = named(plan, "aws:cloudwatch/eventRule:EventRule", "-blocklist-schedule")
    assert rule["inputs"]["scheduleExpression"] == "rate(5 minutes)"
    found = {
        st["Sid"]: st for st in statements(policy(named(plan, "aws:iam/rolePolicy:RolePolicy", "-blocklist-access")))
    }
    ip_set = named(plan, "aws:wafv2/ipSet:IpSet", "-blocked-sources")
    assert found["BlockedSourcesIpSet"]["Resource"] == ip_set["outputs"]["arn"]
    table = named(plan, "aws:dynamodb/table:Table", "-blocklist-table")
    assert found["BlockTable"]["Resource"] == table["outputs"]["arn"]
    assert table["inputs"]["ttl"] == {"attributeName": "ttl", "enabled": True}
    assert table["inputs"]["serverSideEncryption"]["enabled"] is True
