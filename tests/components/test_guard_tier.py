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
    assert not [r for r in resources(prod_stages["platform"], "aws:iam/role:Role") if "guard" in r["name"]]


def test_dev_classifier_runs_as_its_own_service_account_and_role(dev_stages: dict[str, Plan]) -> None:
    """Issue 16 build 3b: not the model server's identity (which reads every model and the backend secret);
    the access itself is checked by the contract intents `guard-classifier-*`."""
    platform, cluster = dev_stages["platform"], dev_stages["cluster"]
    pod = named(cluster, "kubernetes:apps/v1:Deployment", "genai-dev-guard-deployment")["inputs"]["spec"]["template"]
    assert pod["spec"]["serviceAccountName"] == "prompt-guard"
    account = named(cluster, "kubernetes:core/v1:ServiceAccount", "genai-dev-identity-guard-sa")["inputs"]
    assert account["metadata"] == {"name": "prompt-guard", "namespace": "inference"}
    assert account["automountServiceAccountToken"] is False
    association = named(
        cluster, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "genai-dev-identity-guard-association"
    )["inputs"]
    role = named(platform, "aws:iam/role:Role", "genai-dev-guard-classifier-role")
    assert association["roleArn"] == role["outputs"]["arn"] and association["serviceAccount"] == "prompt-guard"
    assert "name" not in role["inputs"]  # autonamed: no fixed IAM name to collide on replacement
    access = statements(policy(named(platform, "aws:iam/rolePolicy:RolePolicy", "genai-dev-guard-classifier-access")))
    allowed = [s for s in access if s["Effect"] == "Allow"]
    assert sorted(a for s in allowed for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])) == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "s3:GetObject",
        "s3:GetObjectTagging",
        "s3:GetObjectVersion",
        "s3:ListBucket",
    ]
    objects = next(s for s in allowed if "s3:GetObject" in s["Action"])
    assert str(objects["Resource"]).endswith("/guard/prompt-guard-2/*")
    listing = next(s for s in allowed if s["Action"] in ("s3:ListBucket", ["s3:ListBucket"]))
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["guard/prompt-guard-2/*"]}}


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


@pytest.mark.parametrize("prefix", ["serving/", "serving/current/", "serving/current/guard/"])
def test_the_classifier_weights_must_not_nest_with_the_model_servers(prefix: str) -> None:
    """The classifier's role reads its whole prefix: nested prefixes would let it read the model server's weights."""
    from stacks.settings import SettingsError, settings_from_config

    config = {"genai-platform:filter": json.dumps({"guard": {"classifier": {"modelPrefix": prefix}}})}
    with pytest.raises(SettingsError) as err:
        settings_from_config(config, "dev")
    assert (
        f'genai-platform:filter.guard.classifier.modelPrefix: "{prefix}" is invalid; must not contain or lie within '
        "kubernetes.modelPrefix (serving/current/)"
    ) in err.value.problems
    bedrock = {"guard": {"tier": "bedrock", "classifier": {"modelPrefix": prefix}}}
    settings_from_config({"genai-platform:filter": json.dumps(bedrock)}, "dev")  # no classifier, no role


def test_denied_topics_reach_the_guardrail() -> None:
    from components.guardrail import GuardrailArgs, Topic, policy_config

    args = GuardrailArgs(key=None, denied_topics=[Topic("investment-advice", "Advice on investments", ["Buy X?"])])  # type: ignore[arg-type]
    assert policy_config(args)["topic_policy_config"] == {
        "topics_configs": [
            {"name": "investment-advice", "definition": "Advice on investments", "examples": ["Buy X?"], "type": "DENY"}
        ]
    }
