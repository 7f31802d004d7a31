"""The filter's guard tier in the plans: prod's Bedrock guardrail, dev's self-hosted classifier on the cluster."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Plan, Resource, policy, resources, statements

GUARDRAIL = "aws:bedrock/guardrail:Guardrail"
VERSION = "aws:bedrock/guardrailVersion:GuardrailVersion"
FUNCTION = "aws:lambda/function:Function"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


def named(plan: Plan, type_: str, name: str) -> Resource:
    (found,) = [r for r in resources(plan, type_) if r["name"] == name]
    return found


def filter_env(plan: Plan) -> dict[str, Any]:
    env: dict[str, Any] = named(plan, FUNCTION, f"genai-{plan['stack']}-filter-function")["inputs"]["environment"][
        "variables"
    ]
    return env


def filter_statements(plan: Plan) -> list[dict[str, Any]]:
    access = named(plan, "aws:iam/rolePolicy:RolePolicy", f"genai-{plan['stack']}-filter-access")
    return statements(policy(access))


def test_prod_guardrail_has_the_settings_policy_and_its_own_key(prod_plan: Plan) -> None:
    (guardrail,) = resources(prod_plan, GUARDRAIL)
    inputs = guardrail["inputs"]
    assert inputs["contentPolicyConfig"]["filtersConfigs"] == [
        {"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE"}
    ]
    pii = [(c["type"], c["action"]) for c in inputs["sensitiveInformationPolicyConfig"]["piiEntitiesConfigs"]]
    assert ("EMAIL", "ANONYMIZE") in pii and ("US_SOCIAL_SECURITY_NUMBER", "ANONYMIZE") in pii
    assert "topicPolicyConfig" not in inputs  # no denied topics configured
    key = named(prod_plan, "aws:kms/key:Key", "genai-prod-guardrail-key")
    assert inputs["kmsKeyArn"] == key["outputs"]["arn"]
    assert inputs["blockedInputMessaging"] and inputs["blockedOutputsMessaging"]
    (version,) = resources(prod_plan, VERSION)
    assert guardrail["urn"] in version["propertyDependencies"]["guardrailArn"]


def test_prod_filter_points_at_the_published_version(prod_plan: Plan) -> None:
    env = filter_env(prod_plan)
    (guardrail,) = resources(prod_plan, GUARDRAIL)
    assert env["FILTER_GUARD_TIER"] == "bedrock"
    assert env["FILTER_GUARD_ID"] == guardrail["outputs"]["guardrailId"]
    assert env["FILTER_GUARD_VERSION"] == "1"  # the GuardrailVersion's number, never DRAFT
    assert env["FILTER_GUARD_FAIL_MODE"] == "closed"
    assert "FILTER_GUARD_URL" not in env


def test_prod_filter_may_apply_only_that_guardrail_and_decrypt_only_its_key(prod_plan: Plan) -> None:
    (guardrail,) = resources(prod_plan, GUARDRAIL)
    key = named(prod_plan, "aws:kms/key:Key", "genai-prod-guardrail-key")
    found = filter_statements(prod_plan)
    bedrock = [s for s in found if any(str(a).startswith("bedrock:") for a in s["Action"])]
    assert bedrock == [
        {
            "Sid": "ApplyGuardrail",
            "Effect": "Allow",
            "Action": ["bedrock:ApplyGuardrail"],
            "Resource": guardrail["outputs"]["guardrailArn"],
        }
    ]
    assert any(
        s["Resource"] == key["outputs"]["arn"] and s["Action"] == ["kms:Decrypt", "kms:DescribeKey"] for s in found
    )


def test_prod_has_a_bedrock_runtime_endpoint_in_the_filter_subnets_admitting_apply_guardrail_only(
    prod_plan: Plan,
) -> None:
    endpoint = named(prod_plan, ENDPOINT, "genai-prod-network-bedrock-runtime")
    assert endpoint["inputs"]["serviceName"] == "com.amazonaws.eu-west-1.bedrock-runtime"
    assert endpoint["inputs"]["privateDnsEnabled"] is True
    lambda_subnets = {r["urn"] for r in resources(prod_plan, "aws:ec2/subnet:Subnet") if "-lambda-" in r["name"]}
    assert lambda_subnets and set(endpoint["propertyDependencies"]["subnetIds"]) == lambda_subnets
    (statement,) = statements(policy(endpoint))
    assert statement["Action"] == ["bedrock:ApplyGuardrail"]
    assert statement["Resource"].endswith(":123456789012:guardrail/*")
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}


def test_dev_runs_the_classifier_and_has_no_guardrail(dev_plan: Plan) -> None:
    assert resources(dev_plan, GUARDRAIL) == [] and resources(dev_plan, VERSION) == []
    assert not [r for r in resources(dev_plan, ENDPOINT) if "bedrock" in r["name"]]
    env = filter_env(dev_plan)
    assert env["FILTER_GUARD_TIER"] == "self-hosted"
    assert env["FILTER_GUARD_URL"] == "http://prompt-guard.genai-dev.internal:8080"
    assert env["FILTER_GUARD_FAIL_MODE"] == "open"
    assert not [s for s in filter_statements(dev_plan) if "bedrock:ApplyGuardrail" in s["Action"]]
    egress = named(dev_plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "genai-dev-filter-egress-guard")
    assert (egress["inputs"]["fromPort"], egress["inputs"]["cidrIpv4"]) == (8080, "10.40.0.0/16")


def test_dev_classifier_has_the_model_servers_posture_without_a_gpu(dev_stages: dict[str, Plan]) -> None:
    cluster = dev_stages["cluster"]
    guard = named(cluster, "kubernetes:apps/v1:Deployment", "genai-dev-guard-deployment")["inputs"]
    model = named(cluster, "kubernetes:apps/v1:Deployment", "genai-dev-inference-deployment")["inputs"]
    pod, model_pod = guard["spec"]["template"]["spec"], model["spec"]["template"]["spec"]
    assert pod["securityContext"] == model_pod["securityContext"]
    assert pod["automountServiceAccountToken"] is False
    (server,) = pod["containers"]
    assert server["securityContext"] == model_pod["containers"][0]["securityContext"]
    assert server["securityContext"]["readOnlyRootFilesystem"] is True
    assert "nvidia.com/gpu" not in server["resources"]["limits"] and "nodeSelector" not in pod
    assert server["image"].endswith("@sha256:" + "0" * 64)
    assert server["args"][:2] == ["--model-id", "/models"] and server["args"][-2:] == ["--port", "8080"]
    (verify,) = pod["initContainers"]
    assert verify["name"] == "verify-model"
    assert "s3://" in " ".join(verify["args"]) and "/guard/prompt-guard-2/" in " ".join(verify["args"])
    service = named(cluster, "kubernetes:core/v1:Service", "genai-dev-guard-service")["inputs"]
    assert service["spec"]["loadBalancerSourceRanges"] == ["10.40.192.0/22", "10.40.196.0/22"]
    annotations = service["metadata"]["annotations"]
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] == "true"


def test_dev_classifier_is_reachable_only_from_the_filter_subnets(dev_stages: dict[str, Plan]) -> None:
    cluster = dev_stages["cluster"]
    netpol = named(
        cluster,
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "genai-dev-ns-inference-allow-prompt-guard-from-filter",
    )["inputs"]
    assert netpol["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "prompt-guard"}
    (rule,) = netpol["spec"]["ingress"]
    assert [p["ipBlock"]["cidr"] for p in rule["from"]] == ["10.40.192.0/22", "10.40.196.0/22"]
    assert rule["ports"] == [{"port": 8080, "protocol": "TCP"}]
    # review S1: with modelReady false the Service skips its await and has no address: no CNAME yet
    assert not [r for r in cluster["resources"] if r["type"] == "aws:route53/record:Record"]


def test_prod_cluster_has_no_classifier(prod_stages: dict[str, Plan]) -> None:
    assert not [r for r in prod_stages["cluster"]["resources"] if "guard" in r["name"]]


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"tier": "llama"}, 'filter.guard.tier: "llama" is invalid; allowed: none, bedrock, self-hosted'),
        ({"budgetMs": 10}, "filter.guard.budgetMs: 10 is invalid; allowed: 50 to 5000"),
        ({"failMode": "sometimes"}, 'filter.guard.failMode: "sometimes" is invalid; allowed: open, closed'),
        (
            {"bedrock": {"piiEntities": ["SSN"]}},
            'filter.guard.bedrock.piiEntities: "SSN" is invalid; not a Bedrock PII type',
        ),
        (
            {"bedrock": {"promptAttackStrength": "NONE"}},
            'filter.guard.bedrock.promptAttackStrength: "NONE" is invalid',
        ),
        ({"bedrock": {"deniedTopics": [{"name": "x/y", "definition": "d", "examples": []}]}}, "deniedTopics.0.name"),
        (
            {"bedrock": {"deniedTopics": [{"name": "ok", "definition": "d" * 201, "examples": []}]}},
            "1 to 200 characters",
        ),
        ({"classifier": {"imageDigest": "latest"}}, 'filter.guard.classifier.imageDigest: "latest" is invalid'),
    ],
)
def test_guard_settings_errors_name_the_key_and_what_is_allowed(override: dict[str, Any], problem: str) -> None:
    from stacks.settings import SettingsError, settings_from_config

    with pytest.raises(SettingsError) as err:
        settings_from_config({"genai-platform:filter": json.dumps({"guard": override})}, "dev")
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_all_guard_problems_are_reported_at_once() -> None:
    from stacks.settings import SettingsError, settings_from_config

    bad = {"tier": "x", "budgetMs": 0, "failMode": "y"}
    with pytest.raises(SettingsError) as err:
        settings_from_config({"genai-platform:filter": json.dumps({"guard": bad})}, "dev")
    assert sum("filter.guard." in p for p in err.value.problems) == 3


def test_the_guard_budget_must_fit_in_the_function_timeout() -> None:
    from stacks.settings import SettingsError, settings_from_config

    config = {"genai-platform:filter": json.dumps({"timeoutSeconds": 6, "screenBudgetMs": 3000, "guard": {"budgetMs": 3000}})}  # fmt: skip
    with pytest.raises(SettingsError, match=r"filter\.guard\.budgetMs"):
        settings_from_config(config, "dev")


def test_denied_topics_reach_the_guardrail() -> None:
    from components.guardrail import GuardrailArgs, Topic, policy_config

    args = GuardrailArgs(key=None, denied_topics=[Topic("investment-advice", "Advice on investments", ["Buy X?"])])  # type: ignore[arg-type]
    assert policy_config(args)["topic_policy_config"] == {
        "topics_configs": [
            {"name": "investment-advice", "definition": "Advice on investments", "examples": ["Buy X?"], "type": "DENY"}
        ]
    }
