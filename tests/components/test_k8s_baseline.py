"""The Kubernetes baseline and workloads, asserted on the recorded inputs (dev and prod)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.k8s_baseline import DEVICE_PLUGIN_NAMESPACE
from tests.components.conftest import ADMIN_ROLE, by_k8s_name, named, output, stack_settings
from tests.conftest import ROOT, Plan, Resource, merged, resources

NAMESPACE = "kubernetes:core/v1:Namespace"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
WORKLOAD_NAMESPACES = ("training", "inference")
ALL_NAMESPACES = (*WORKLOAD_NAMESPACES, DEVICE_PLUGIN_NAMESPACE)
PSS_MODES = ("enforce", "audit", "warn")


def namespace(plan: Plan, name: str) -> Resource:
    (found,) = [n for n in resources(plan, NAMESPACE) if n["inputs"]["metadata"]["name"] == name]
    return found


def network_policy(plan: Plan, ns: str, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = by_k8s_name(plan, NETWORK_POLICY, ns, name)["inputs"]["spec"]
    return spec


def deployment(plan: Plan) -> Resource:
    return by_k8s_name(plan, "kubernetes:apps/v1:Deployment", "inference", "model-server")


def daemon_set(plan: Plan) -> Resource:
    return by_k8s_name(plan, "kubernetes:apps/v1:DaemonSet", DEVICE_PLUGIN_NAMESPACE, "nvidia-device-plugin")


def pod_spec(resource: Resource) -> dict[str, Any]:
    spec: dict[str, Any] = resource["inputs"]["spec"]["template"]["spec"]
    return spec


def container(resource: Resource) -> dict[str, Any]:
    (found,) = pod_spec(resource)["containers"]
    result: dict[str, Any] = found
    return result


def lambda_cidrs(plan: Plan) -> list[str]:
    return [
        s["inputs"]["cidrBlock"]
        for s in resources(plan, "aws:ec2/subnet:Subnet")
        if s["inputs"]["tags"].get("Tier") == "lambda"
    ]


@pytest.fixture(scope="module", params=["dev", "prod"])
def plan(request: pytest.FixtureRequest) -> Plan:
    """The cluster stage with the platform stage it read its inputs from, once per environment."""
    stages: dict[str, Plan] = request.getfixturevalue(f"{request.param}_stages")
    return merged(stages["platform"], stages["cluster"])


@pytest.fixture(scope="module")
def prod_plan(prod_stages: dict[str, Plan]) -> Plan:
    return merged(prod_stages["platform"], prod_stages["cluster"])


@pytest.fixture(scope="module")
def dev_roles_plan(dev_roles_stages: dict[str, Plan]) -> Plan:
    return merged(dev_roles_stages["platform"], dev_roles_stages["cluster"])


# --- the provider ----------------------------------------------------------------------------------


def test_every_kubernetes_resource_uses_the_cluster_provider(plan: Plan) -> None:
    (provider,) = resources(plan, "pulumi:providers:kubernetes")
    k8s_resources = [r for r in plan["resources"] if r["type"].startswith("kubernetes:")]
    assert k8s_resources
    assert {r["provider"] for r in k8s_resources} == {f"{provider['urn']}::{provider['id']}"}


def test_provider_kubeconfig_targets_the_cluster_with_exec_auth(plan: Plan) -> None:
    (provider,) = resources(plan, "pulumi:providers:kubernetes")
    config = json.loads(provider["inputs"]["kubeconfig"])
    (cluster,) = resources(plan, "aws:eks/cluster:Cluster")
    assert config["clusters"][0]["cluster"]["server"] == cluster["outputs"]["endpoint"]
    assert config["users"][0]["user"]["exec"]["args"][:2] == ["eks", "get-token"]
    assert provider["inputs"]["enableServerSideApply"] == "true"


def test_provider_assumes_the_named_admin_role(dev_roles_plan: Plan) -> None:
    (provider,) = resources(dev_roles_plan, "pulumi:providers:kubernetes")
    args = json.loads(provider["inputs"]["kubeconfig"])["users"][0]["user"]["exec"]["args"]
    assert args[args.index("--role-arn") + 1] == ADMIN_ROLE


# --- namespaces and Pod Security Standards ---------------------------------------------------------


@pytest.mark.parametrize("ns", WORKLOAD_NAMESPACES)
def test_workload_namespaces_restricted(plan: Plan, ns: str) -> None:
    labels = namespace(plan, ns)["inputs"]["metadata"]["labels"]
    for mode in PSS_MODES:
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def test_device_plugin_namespace_privileged(plan: Plan) -> None:
    labels = namespace(plan, DEVICE_PLUGIN_NAMESPACE)["inputs"]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "privileged"


# --- network policies ------------------------------------------------------------------------------


@pytest.mark.parametrize("ns", ALL_NAMESPACES)
def test_default_deny_ingress_and_egress(plan: Plan, ns: str) -> None:
    assert network_policy(plan, ns, "default-deny-all") == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize("ns", WORKLOAD_NAMESPACES)
def test_dns_allowed_to_kube_system_only(plan: Plan, ns: str) -> None:
    spec = network_policy(plan, ns, "allow-dns")
    assert spec["policyTypes"] == ["Egress"]
    (rule,) = spec["egress"]
    assert rule["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ]
    assert sorted((p["protocol"], p["port"]) for p in rule["ports"]) == [("TCP", 53), ("UDP", 53)]


@pytest.mark.parametrize("ns", WORKLOAD_NAMESPACES)
def test_https_egress_to_vpc_endpoints_and_s3_only(plan: Plan, ns: str) -> None:
    spec = network_policy(plan, ns, "allow-https-to-aws-endpoints")
    (rule,) = spec["egress"]
    assert rule["ports"] == [{"port": 443, "protocol": "TCP"}]
    cidrs = {peer["ipBlock"]["cidr"] for peer in rule["to"]}
    s3 = named(plan, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3")
    assert cidrs == {stack_settings(plan).network.vpc_cidr, *s3["outputs"]["cidrBlocks"]}
    assert "0.0.0.0/0" not in cidrs


@pytest.mark.parametrize("ns", WORKLOAD_NAMESPACES)
def test_pod_identity_agent_reachable(plan: Plan, ns: str) -> None:
    (rule,) = network_policy(plan, ns, "allow-pod-identity-agent")["egress"]
    assert rule == {"ports": [{"port": 80, "protocol": "TCP"}], "to": [{"ipBlock": {"cidr": "169.254.170.23/32"}}]}


def test_device_plugin_namespace_has_no_allows(plan: Plan) -> None:
    policies = [
        p for p in resources(plan, NETWORK_POLICY) if p["inputs"]["metadata"]["namespace"] == DEVICE_PLUGIN_NAMESPACE
    ]
    assert sorted(p["inputs"]["metadata"]["name"] for p in policies) == ["default-deny-all", "quarantine"]


def test_inference_ingress_only_from_lambda_subnets_on_the_service_port(plan: Plan) -> None:
    spec = network_policy(plan, "inference", "allow-model-server-from-filter")
    assert spec["podSelector"] == {
        "matchLabels": {"app.kubernetes.io/name": "model-server"},
        "matchExpressions": [{"key": "quarantine", "operator": "NotIn", "values": ["true"]}],
    }
    (rule,) = spec["ingress"]
    assert sorted(p["ipBlock"]["cidr"] for p in rule["from"]) == sorted(lambda_cidrs(plan))
    assert rule["ports"] == [{"port": stack_settings(plan).kubernetes.inference_port, "protocol": "TCP"}]


def test_training_admits_no_ingress(plan: Plan) -> None:
    for p in resources(plan, NETWORK_POLICY):
        if p["inputs"]["metadata"]["namespace"] == "training":
            assert not p["inputs"]["spec"].get("ingress")


# --- quotas ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("ns", WORKLOAD_NAMESPACES)
def test_resource_quota_from_settings(plan: Plan, ns: str) -> None:
    hard = by_k8s_name(plan, "kubernetes:core/v1:ResourceQuota", ns, "quota")["inputs"]["spec"]["hard"]
    k = stack_settings(plan).kubernetes
    assert hard["requests.nvidia.com/gpu"] == str(k.gpu_quota[ns])
    assert hard["requests.cpu"] == hard["limits.cpu"] == str(k.cpu_quota[ns])
    assert hard["requests.memory"] == hard["limits.memory"] == f"{k.memory_quota_gi[ns]}Gi"


@pytest.mark.parametrize("ns", ALL_NAMESPACES)
def test_limit_range_defaults_container_limits(plan: Plan, ns: str) -> None:
    spec = by_k8s_name(plan, "kubernetes:core/v1:LimitRange", ns, "container-defaults")["inputs"]["spec"]
    (limit,) = spec["limits"]
    assert limit["type"] == "Container"
    assert set(limit["default"]) == {"cpu", "memory"} and set(limit["defaultRequest"]) == {"cpu", "memory"}


# --- service accounts and pod identity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ns", "service_account", "stage"),
    [
        ("training", "trainer", "train"),
        ("inference", "model-server", "serve"),
        ("training", "ingest", "ingest"),
        ("training", "prepare", "prepare"),
    ],
)
def test_service_account_bound_to_its_pipeline_role(plan: Plan, ns: str, service_account: str, stage: str) -> None:
    sa = by_k8s_name(plan, "kubernetes:core/v1:ServiceAccount", ns, service_account)
    assert sa["inputs"]["automountServiceAccountToken"] is False
    (association,) = [
        a
        for a in resources(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a["inputs"]["namespace"] == ns and a["inputs"]["serviceAccount"] == service_account
    ]
    role = named(plan, "aws:iam/role:Role", f"{plan['stack']}-{stage}-role")
    assert association["inputs"]["serviceAccount"] == service_account
    assert association["inputs"]["roleArn"] == output(role, "arn")
    assert association["inputs"]["clusterName"] == f"genai-{plan['stack']}-cluster"


# --- the device plugin ------------------------------------------------------------------------------


def test_device_plugin_image_pinned_from_settings(plan: Plan) -> None:
    image = container(daemon_set(plan))["image"]
    assert image == stack_settings(plan).kubernetes.device_plugin_image
    assert "@sha256:" in image


def test_device_plugin_runs_only_on_gpu_nodes(plan: Plan) -> None:
    spec = pod_spec(daemon_set(plan))
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in spec["tolerations"]


def test_device_plugin_locked_down_apart_from_host_socket(plan: Plan) -> None:
    spec = pod_spec(daemon_set(plan))
    context = container(daemon_set(plan))["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["privileged"] is False
    assert not {"hostNetwork", "hostPID", "hostIPC"} & set(spec)
    assert [v["hostPath"]["path"] for v in spec["volumes"]] == ["/var/lib/kubelet/device-plugins"]


# --- the inference workload ----------------------------------------------------------------------------


def test_inference_image_from_platform_ecr_pinned_by_digest(plan: Plan) -> None:
    repo = named(plan, "aws:ecr/repository:Repository", "-ecr-inference-repo")
    digest = stack_settings(plan).kubernetes.inference_image_digest
    assert container(deployment(plan))["image"] == f"{repo['outputs']['repositoryUrl']}@{digest}"


def test_inference_pod_non_root_with_seccomp(plan: Plan) -> None:
    context = pod_spec(deployment(plan))["securityContext"]
    assert context["runAsNonRoot"] is True and context["runAsUser"] > 0
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}


def test_inference_container_restricted(plan: Plan) -> None:
    context = container(deployment(plan))["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["runAsNonRoot"] is True


def test_inference_requests_and_limits_one_gpu(plan: Plan) -> None:
    resources_ = container(deployment(plan))["resources"]
    for kind in ("requests", "limits"):
        assert resources_[kind]["nvidia.com/gpu"] == "1"
        assert {"cpu", "memory"} <= set(resources_[kind])


def test_inference_tolerates_gpu_taint_and_selects_gpu_nodes(plan: Plan) -> None:
    spec = pod_spec(deployment(plan))
    assert spec["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert spec["serviceAccountName"] == "model-server"
    assert spec["automountServiceAccountToken"] is False


def test_inference_replicas_from_settings(plan: Plan) -> None:
    k = stack_settings(plan).kubernetes
    assert deployment(plan)["inputs"]["spec"]["replicas"] == (k.inference_replicas if k.model_ready else 0)


def test_no_signed_model_means_no_pod_and_no_wait(plan: Plan) -> None:
    """review N2: with no model the init container can only crash-loop; dev declares none yet (modelReady
    false), so nothing is scheduled and neither resource is awaited; prod declares it and waits."""
    k = stack_settings(plan).kubernetes
    service = by_k8s_name(plan, "kubernetes:core/v1:Service", "inference", "model-server")["inputs"]
    skip = service["metadata"]["annotations"].get("pulumi.com/skipAwait")
    # the model server's name only (dev's guard classifier has its own: tests/components/test_guard_tier.py)
    records = [r for r in resources(plan, "aws:route53/record:Record") if r["name"].endswith("-model-dns-cname")]
    if k.model_ready:
        assert skip is None and len(records) == 1
    else:
        assert deployment(plan)["inputs"]["spec"]["replicas"] == 0
        assert skip == "true" and records == []
    assert {"dev": False, "prod": True}[plan["stack"]] == k.model_ready


def test_gpu_rollout_replaces_one_replica_at_a_time(plan: Plan) -> None:
    """review N7: every GPU is taken and no autoscaler adds one, so a surge pod would stay Pending."""
    strategy = deployment(plan)["inputs"]["spec"]["strategy"]
    assert strategy == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}


def test_inference_service_internal_nlb_for_lambda_subnets(plan: Plan) -> None:
    service = by_k8s_name(plan, "kubernetes:core/v1:Service", "inference", "model-server")["inputs"]
    annotations = service["metadata"]["annotations"]
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] == "true"
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-type"] == "nlb"
    assert service["spec"]["externalTrafficPolicy"] == "Local"
    lambda_ids = sorted(
        s["id"] for s in resources(plan, "aws:ec2/subnet:Subnet") if s["inputs"]["tags"].get("Tier") == "lambda"
    )
    assert sorted(annotations["service.beta.kubernetes.io/aws-load-balancer-subnets"].split(",")) == lambda_ids
    assert sorted(service["spec"]["loadBalancerSourceRanges"]) == sorted(lambda_cidrs(plan))
    assert service["spec"]["ports"][0]["port"] == stack_settings(plan).kubernetes.inference_port


# --- the policy pack -----------------------------------------------------------------------------------

COMPUTE_TYPES = ("aws:ec2/", "aws:eks/", "aws:ecr/", "kubernetes:", "aws:vpc/")
CLUSTER_POLICY_CONFIG = ROOT / "policies" / "config" / "cluster.json"


@pytest.mark.slow
def test_policy_pack_passes_compute_with_the_platform_config(prod_plan: Plan) -> None:
    """The cluster stage's config exempts only the device plugin (docs/compute.md explains why)."""
    from infra.policy.runner import evaluate_plan

    config = json.loads(CLUSTER_POLICY_CONFIG.read_text(encoding="utf-8"))
    result = evaluate_plan(prod_plan, ROOT / "policies", policy_config=config)
    by_urn = {r["urn"]: r for r in prod_plan["resources"]}
    ours = [
        v for v in result["violations"] if v.get("urn") in by_urn and by_urn[v["urn"]]["type"].startswith(COMPUTE_TYPES)
    ]
    assert ours == [], [v["message"] for v in ours]
