"""Each check on small synthetic plans: one that passes and one that fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.contracts import checks
from infra.contracts.iam import PolicyIndex, Principal, Request, Tri, conditions_hold, evaluate
from infra.contracts.intents import EACH, K8S_DEPLOYMENT, POD_ROLE, Call, Intent, Ref
from infra.contracts.model import ACCOUNT_SCOPE, ENVIRONMENT_SCOPE, Deployment, StagePlan, Violation

ACCOUNT = "123456789012"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
SLR = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


def res(
    type_: str, name: str, inputs: dict[str, Any] | None = None, *, arn: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:t::p::{type_}::{name}",
        "type": type_,
        "name": name,
        "custom": True,
        "inputs": inputs or {},
        "outputs": {"arn": arn} if arn else {},
        "dependencies": extra.pop("dependencies", []),
        "propertyDependencies": extra.pop("propertyDependencies", {}),
        **extra,
    }


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:t::p::{type_}::{name}"


def deploy(
    *resources: dict[str, Any], env: str = "dev", scope: str = ENVIRONMENT_SCOPE, config: dict[str, Any] | None = None
) -> Deployment:
    plan = {
        "stack": env,
        "config": {"genai-platform:environment": env, "aws:region": "eu-west-1", **(config or {})},
        "resources": list(resources),
    }
    return Deployment([StagePlan("platform", scope, plan)])


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def ids(violations: list[Violation]) -> list[str]:
    return [v.resource for v in violations]


# --- principals exist ------------------------------------------------------------------------------

SLR_STATEMENT = {"Effect": "Allow", "Principal": {"AWS": SLR}, "Action": "kms:Decrypt", "Resource": "*"}


def test_service_linked_role_must_be_created_in_some_stage() -> None:
    key = res("aws:kms/key:Key", "k", {"policy": doc(SLR_STATEMENT)}, arn="arn:aws:kms:eu-west-1:1:key/k")
    assert ids(checks.check_principals_exist(deploy(key))) == ["k"]
    slr = res("aws:iam/serviceLinkedRole:ServiceLinkedRole", "asg", {"awsServiceName": "autoscaling.amazonaws.com"})
    assert checks.check_principals_exist(deploy(key, slr)) == []


def test_named_role_must_be_created_or_configured() -> None:
    other = f"arn:aws:iam::{ACCOUNT}:role/ghost"
    statement = {"Effect": "Allow", "Principal": {"AWS": other}, "Action": "s3:GetObject", "Resource": "*"}
    policy = res("aws:s3/bucketPolicy:BucketPolicy", "bp", {"bucket": "b", "policy": doc(statement)})
    assert ids(checks.check_principals_exist(deploy(policy))) == ["bp"]
    role = res("aws:iam/role:Role", "ghost", {}, arn=other)
    assert checks.check_principals_exist(deploy(policy, role)) == []
    assert checks.check_principals_exist(deploy(policy, config={"genai-platform:x": {"roleArn": other}})) == []


def test_principal_arn_condition_pattern_must_match_something() -> None:
    statement = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "secretsmanager:*",
        "Resource": "*",
        "Condition": {"StringNotLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/reader-*"]}},
    }
    policy = res("aws:secretsmanager/secretPolicy:SecretPolicy", "sp", {"policy": doc(statement)})
    assert ids(checks.check_principals_exist(deploy(policy))) == ["sp"]
    role = res("aws:iam/role:Role", "r", {}, arn=f"arn:aws:iam::{ACCOUNT}:role/reader-1a2b")
    assert checks.check_principals_exist(deploy(policy, role)) == []


# --- the evaluator ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "context", "expected"),
    [
        ({"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": ["aws:kms"]}}, {}, Tri.TRUE),
        ({"StringNotEquals": {"s3:x-amz-server-side-encryption": ["aws:kms"]}}, {}, Tri.TRUE),
        ({"StringEquals": {"s3:RequestObjectTag/c": ["internal"]}}, {}, Tri.FALSE),
        ({"StringEqualsIfExists": {"s3:RequestObjectTag/c": ["internal"]}}, {}, Tri.TRUE),
        ({"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["c"]}}, {}, Tri.TRUE),
        (
            {"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["c"]}},
            {"s3:RequestObjectTagKeys": ["c", "x"]},
            Tri.FALSE,
        ),
        ({"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["c"]}}, {}, Tri.FALSE),
        ({"Null": {"s3:x-amz-server-side-encryption": ["true"]}}, {}, Tri.TRUE),
        ({"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": ["arn:aws:cloudtrail:*"]}}, {}, Tri.FALSE),
        ({"Bool": {"kms:GrantIsForAWSResource": ["true"]}}, {"kms:GrantIsForAWSResource": "true"}, Tri.TRUE),
        ({"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}, {}, Tri.UNKNOWN),
    ],
)
def test_conditions(conditions: dict[str, dict[str, list[str]]], context: dict[str, Any], expected: Tri) -> None:
    assert conditions_hold(conditions, context).value is expected


ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/writer"
BUCKET_ARN = "arn:aws:s3:::data"
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/k"
TAGGED_WRITE = {
    "Effect": "Allow",
    "Action": "s3:PutObject",
    "Resource": f"{BUCKET_ARN}/*",
    "Condition": {"StringEquals": {"s3:RequestObjectTag/data_classification": ["internal"]}},
}
PLAIN_WRITE = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{BUCKET_ARN}/*"}
PLAIN_READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"}
KMS_VIA_S3 = {
    "Effect": "Allow",
    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
    "Resource": KEY_ARN,
    "Condition": {"StringEquals": {"kms:ViaService": ["s3.eu-west-1.amazonaws.com"]}},
}
DELEGATE = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}


def writer(*statements: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        res("aws:iam/role:Role", "writer", {}, arn=ROLE_ARN),
        res("aws:iam/rolePolicy:RolePolicy", "writer-access", {"role": "writer", "policy": doc(*statements)}),
        res("aws:s3/bucket:Bucket", "data", {"bucket": "data"}, arn=BUCKET_ARN),
        res("aws:kms/key:Key", "data-key", {"policy": doc(DELEGATE)}, arn=KEY_ARN),
    ]


MULTIPART = Intent(
    "multipart",
    "the writer completes a multipart upload of a tagged object",
    "test",
    Ref("writer"),
    (
        Call(
            "s3:PutObject",
            (Ref("data"), "/o"),
            {"s3:RequestObjectTag/data_classification": "internal"},
            api="CreateMultipartUpload",
        ),
        Call("kms:GenerateDataKey", Ref("data-key"), {"kms:ViaService": "s3.{region}.amazonaws.com"}),
        Call("s3:PutObject", (Ref("data"), "/o"), api="UploadPart"),
        Call("s3:PutObject", (Ref("data"), "/o"), api="CompleteMultipartUpload"),
    ),
)


def test_multipart_fails_when_the_write_requires_request_tags() -> None:
    violations = checks.check_intents(deploy(*writer(TAGGED_WRITE, KMS_VIA_S3)), [MULTIPART])
    assert ids(violations) == ["multipart"]
    assert "UploadPart" in violations[0].message and "CompleteMultipartUpload" in violations[0].message
    assert "CreateMultipartUpload" not in violations[0].message


def test_multipart_passes_when_parts_are_authorised_without_tags() -> None:
    assert checks.check_intents(deploy(*writer(PLAIN_WRITE, KMS_VIA_S3)), [MULTIPART]) == []


def test_bucket_policy_deny_on_missing_sse_header_blocks_upload_part() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:PutObject",
        "Resource": f"{BUCKET_ARN}/*",
        "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": ["aws:kms"]}},
    }
    policy = res("aws:s3/bucketPolicy:BucketPolicy", "data-policy", {"bucket": "data", "policy": doc(deny)})
    violations = checks.check_intents(deploy(*writer(PLAIN_WRITE, KMS_VIA_S3), policy), [MULTIPART])
    assert "explicitly denied by data-policy" in violations[0].message


def test_kms_needs_key_policy_delegation_and_identity() -> None:
    request = Request(Principal.aws(ROLE_ARN), "kms:Decrypt", KEY_ARN, {"kms:ViaService": "s3.eu-west-1.amazonaws.com"})
    assert evaluate(PolicyIndex(deploy(*writer(KMS_VIA_S3))), request).allowed
    no_delegation = [
        r if r["name"] != "data-key" else res("aws:kms/key:Key", "data-key", {"policy": doc()}, arn=KEY_ARN)
        for r in writer(KMS_VIA_S3)
    ]
    decision = evaluate(PolicyIndex(deploy(*no_delegation)), request)
    assert not decision.allowed and "key policy" in decision.reason


GATED_READ = {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": f"{BUCKET_ARN}/*",
    "Condition": {"StringEquals": {"s3:ExistingObjectTag/scan_status": "clean"}},
}
UNSCANNED_READ = Intent(
    "reads-unscanned",
    "the writer cannot read an object the scanner flagged",
    "test",
    Ref("writer"),
    (Call("s3:GetObject", (Ref("data"), "/o"), {"s3:ExistingObjectTag/scan_status": "flagged"}),),
    denied=True,
)


def test_a_denied_intent_passes_when_every_call_is_refused() -> None:
    assert checks.check_intents(deploy(*writer(GATED_READ)), [UNSCANNED_READ]) == []


def test_a_denied_intent_fails_when_a_call_is_allowed() -> None:
    ungated = {**GATED_READ, "Condition": {}}
    (violation,) = checks.check_intents(deploy(*writer(ungated)), [UNSCANNED_READ])
    assert violation.resource == "reads-unscanned"
    assert "s3:GetObject on arn:aws:s3:::data/o: allowed, allowed by writer-access" in violation.message


def test_a_denied_intent_fails_when_it_cannot_be_resolved() -> None:
    assert ids(checks.check_intents(deploy(), [UNSCANNED_READ])) == ["reads-unscanned"]


POD_READ = Intent(
    "pod-reads",
    "the reader pods read an object",
    "test",
    Ref(EACH, POD_ROLE),
    (Call("s3:GetObject", (Ref("data"), "/o")),),
    each=K8S_DEPLOYMENT,
    each_name="reader-{env}",
)


def workload(name: str, service_account: str | None, namespace: str = "apps") -> dict[str, Any]:
    pod = {"serviceAccountName": service_account} if service_account else {}
    return res(
        K8S_DEPLOYMENT,
        name,
        {"metadata": {"name": name, "namespace": namespace}, "spec": {"template": {"spec": pod}}},
    )


def association(namespace: str, service_account: str, role_arn: str) -> dict[str, Any]:
    return res(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        f"assoc-{service_account}",
        {"namespace": namespace, "serviceAccount": service_account, "roleArn": role_arn},
    )


def test_an_intent_of_pods_runs_as_their_service_accounts_role() -> None:
    plan = deploy(*writer(PLAIN_READ), workload("reader-dev", "writer-sa"), association("apps", "writer-sa", ROLE_ARN))
    assert checks.check_intents(plan, [POD_READ]) == []
    other = deploy(
        *writer(PLAIN_READ),
        workload("reader-dev", "writer-sa"),
        res("aws:iam/role:Role", "nobody", {}, arn=f"arn:aws:iam::{ACCOUNT}:role/nobody"),
        association("apps", "writer-sa", f"arn:aws:iam::{ACCOUNT}:role/nobody"),
    )
    (violation,) = checks.check_intents(other, [POD_READ])
    assert violation.resource == "pod-reads:reader-dev"


def test_an_intent_of_pods_without_an_association_does_not_resolve() -> None:
    plan = deploy(*writer(PLAIN_READ), workload("reader-dev", None), association("apps", "writer-sa", ROLE_ARN))
    (violation,) = checks.check_intents(plan, [POD_READ])
    assert "runs as service account apps/default, which has 0 Pod Identity associations" in violation.message


def test_each_name_selects_one_resource_and_none_is_no_instance() -> None:
    plan = deploy(*writer(), workload("other-dev", "writer-sa"), association("apps", "writer-sa", ROLE_ARN))
    assert checks.check_intents(plan, [POD_READ]) == []


TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t"
CLOUDTRAIL_KEY = Intent(
    "cloudtrail-key",
    "CloudTrail uses the key",
    "test",
    "service:cloudtrail.amazonaws.com",
    (
        Call(
            "kms:GenerateDataKey",
            Ref("trail-key"),
            {"aws:SourceArn": TRAIL_ARN, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN},
        ),
        Call("kms:DescribeKey", Ref("trail-key"), {"aws:SourceArn": TRAIL_ARN}),
    ),
)
_CT = {"Service": "cloudtrail.amazonaws.com"}
_CONTEXT_CONDITION = {
    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*"}
}


def test_cloudtrail_describe_key_under_encryption_context_fails() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": _CT,
        "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": _CONTEXT_CONDITION,
    }
    key = res("aws:kms/key:Key", "trail-key", {"policy": doc(statement)}, arn=KEY_ARN)
    violations = checks.check_intents(deploy(key), [CLOUDTRAIL_KEY])
    assert "kms:DescribeKey" in violations[0].message and "kms:GenerateDataKey " not in violations[0].message
    assert ids(checks.check_policies_valid(deploy(key))) == ["trail-key"]


def test_cloudtrail_describe_key_in_its_own_statement_passes() -> None:
    use = {
        "Effect": "Allow",
        "Principal": _CT,
        "Action": "kms:GenerateDataKey*",
        "Resource": "*",
        "Condition": _CONTEXT_CONDITION,
    }
    describe = {"Effect": "Allow", "Principal": _CT, "Action": "kms:DescribeKey", "Resource": "*"}
    key = res("aws:kms/key:Key", "trail-key", {"policy": doc(use, describe)}, arn=KEY_ARN)
    assert checks.check_intents(deploy(key), [CLOUDTRAIL_KEY]) == []
    assert checks.check_policies_valid(deploy(key)) == []


def test_policy_valid_flags_unknown_actions() -> None:
    bad = res(
        "aws:iam/rolePolicy:RolePolicy",
        "p",
        {"role": "r", "policy": doc({"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"})},
    )
    assert "UNKNOWN_ACTION" in checks.check_policies_valid(deploy(bad))[0].message


# --- trust covers workload -------------------------------------------------------------------------


def _function_with_trust(service: str) -> list[dict[str, Any]]:
    trust = doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
    arn = f"arn:aws:iam::{ACCOUNT}:role/fn"
    return [
        res("aws:iam/role:Role", "fn-role", {"assumeRolePolicy": trust}, arn=arn),
        res("aws:lambda/function:Function", "fn", {"role": arn}),
    ]


def test_trust_covers_workload() -> None:
    assert checks.check_trust_covers_workload(deploy(*_function_with_trust("lambda.amazonaws.com"))) == []
    assert ids(checks.check_trust_covers_workload(deploy(*_function_with_trust("ec2.amazonaws.com")))) == ["fn"]


# --- dead KMS permissions --------------------------------------------------------------------------


def _grant_on_key(key_statement: dict[str, Any]) -> Deployment:
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/cluster"
    grant = {"Effect": "Allow", "Action": ["kms:CreateGrant", "kms:Decrypt"], "Resource": KEY_ARN}
    return deploy(
        res("aws:iam/role:Role", "cluster", {}, arn=role_arn),
        res("aws:iam/rolePolicy:RolePolicy", "cluster-key", {"role": "cluster", "policy": doc(grant)}),
        res("aws:kms/key:Key", "k", {"policy": doc(key_statement)}, arn=KEY_ARN),
    )


def test_kms_grant_dead_under_use_only_delegation() -> None:
    use_only = {
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": ["kms:Decrypt", "kms:Encrypt"],
        "Resource": "*",
    }
    violations = checks.check_kms_grants_effective(_grant_on_key(use_only))
    assert ids(violations) == ["cluster-key"] and "kms:CreateGrant" in violations[0].message
    assert "kms:Decrypt" not in violations[0].message
    assert checks.check_kms_grants_effective(_grant_on_key(DELEGATE)) == []


# --- singletons ------------------------------------------------------------------------------------


def test_singleton_in_environment_stage_is_flagged() -> None:
    detector = res("aws:guardduty/detector:Detector", "gd", {"enable": True})
    assert ids(checks.check_singletons(deploy(detector))) == ["gd"]
    assert checks.check_singletons(deploy(detector, scope=ACCOUNT_SCOPE)) == []


def test_singleton_in_two_stages_is_flagged() -> None:
    detector = res("aws:guardduty/detector:Detector", "gd", {"enable": True})
    plan = {"stack": "dev", "config": {"genai-platform:environment": "dev"}, "resources": [detector]}
    twice = Deployment([StagePlan("account", ACCOUNT_SCOPE, plan), StagePlan("account-2", ACCOUNT_SCOPE, plan)])
    assert len(checks.check_singletons(twice)) == 1
    roles = [
        res("aws:iam/serviceLinkedRole:ServiceLinkedRole", n, {"awsServiceName": s})
        for n, s in (("a", "autoscaling.amazonaws.com"), ("b", "eks.amazonaws.com"))
    ]
    assert checks.check_singletons(deploy(*roles, scope=ACCOUNT_SCOPE)) == []


# --- lifecycle -------------------------------------------------------------------------------------


def test_reserved_names() -> None:
    fixed = res(
        "aws:signer/signingProfile:SigningProfile",
        "sp",
        {"name": "genai_prod_filter", "platformId": "AWSLambda-SHA384-ECDSA"},
    )
    prefixed = res("aws:signer/signingProfile:SigningProfile", "sp", {"namePrefix": "genai_prod_filter_"})
    assert ids(checks.check_reserved_names(deploy(fixed, env="prod"))) == ["sp"]
    assert checks.check_reserved_names(deploy(prefixed, env="prod")) == []
    secret = res("aws:secretsmanager/secret:Secret", "s", {"name": "genai-dev/x", "recoveryWindowInDays": 7})
    immediate = res("aws:secretsmanager/secret:Secret", "s", {"name": "genai-dev/x", "recoveryWindowInDays": 0})
    assert ids(checks.check_reserved_names(deploy(secret))) == ["s"]
    assert checks.check_reserved_names(deploy(immediate)) == []
    kept = res("aws:secretsmanager/secret:Secret", "s", {"name": "genai-prod/x"}, protect=True, retainOnDelete=True)
    assert checks.check_reserved_names(deploy(kept, env="prod")) == []


def test_data_on_destroy() -> None:
    repo = res("aws:ecr/repository:Repository", "r", {"name": "x", "forceDelete": False})
    assert ids(checks.check_data_on_destroy(deploy(repo))) == ["r"]
    assert checks.check_data_on_destroy(deploy(res("aws:ecr/repository:Repository", "r", {"forceDelete": True}))) == []
    protected = res("aws:ecr/repository:Repository", "r", {"forceDelete": True}, protect=True)
    assert ids(checks.check_data_on_destroy(deploy(protected))) == ["r"]
    key = res("aws:kms/key:Key", "k", {})
    assert ids(checks.check_data_on_destroy(deploy(key, env="prod"))) == ["k"]
    kept = res("aws:kms/key:Key", "k", {}, protect=True, retainOnDelete=True)
    assert checks.check_data_on_destroy(deploy(kept, env="prod")) == []


def test_object_waits_for_bucket_versioning_and_encryption() -> None:
    bucket_urn = urn("aws:s3/bucket:Bucket", "b")
    bucket = res("aws:s3/bucket:Bucket", "b", {"bucket": "b-1"})
    versioning = res(
        "aws:s3/bucketVersioning:BucketVersioning",
        "v",
        {"bucket": "b-1"},
        propertyDependencies={"bucket": [bucket_urn]},
    )
    encryption = res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "e",
        {"bucket": "b-1"},
        propertyDependencies={"bucket": [bucket_urn]},
    )
    early = res(
        "aws:s3/bucketObjectv2:BucketObjectv2",
        "o",
        {"bucket": "b-1"},
        dependencies=[bucket_urn],
        propertyDependencies={"bucket": [bucket_urn]},
    )
    violations = checks.check_object_waits_for_bucket(deploy(bucket, versioning, encryption, early))
    assert ids(violations) == ["o"] and "versioning" in violations[0].message and "encryption" in violations[0].message
    waits = dict(early, dependencies=[bucket_urn, versioning["urn"], encryption["urn"]])
    assert checks.check_object_waits_for_bucket(deploy(bucket, versioning, encryption, waits)) == []


def test_registry_records_are_complete() -> None:
    assert len({c.id for c in checks.CHECKS}) == len(checks.CHECKS)
    for check in checks.CHECKS:
        assert check.title and check.source and check.passes and check.fails


def test_cli_lists_checks_and_rejects_unknown_stack(capsys: pytest.CaptureFixture[str]) -> None:
    from infra.cli import main

    assert main(["contracts", "--list"]) == 0
    assert "intended-access" in capsys.readouterr().out
    assert main(["contracts", "--stack", "nope"]) == 2
    err = capsys.readouterr().err
    assert "Pulumi.nope.yaml" in err and "Traceback" not in err


# --- log groups' keys admit CloudWatch Logs --------------------------------------------------------

LOGS = {"Service": "logs.eu-west-1.amazonaws.com"}
GROUP_ARN = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/f"


def _logs_statement(group_arn: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": LOGS,
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": group_arn}},
    }


def test_log_group_key_must_admit_logs_for_that_group() -> None:
    group = res("aws:cloudwatch/logGroup:LogGroup", "g", {"name": "/aws/lambda/f", "kmsKeyId": KEY_ARN})
    other = _logs_statement(f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/other")
    wrong = res("aws:kms/key:Key", "k", {"policy": doc(other)}, arn=KEY_ARN)
    violations = checks.check_log_group_keys(deploy(group, wrong))
    assert ids(violations) == ["g"] and "kms:GenerateDataKey" in violations[0].message
    right = res("aws:kms/key:Key", "k", {"policy": doc(other, _logs_statement(GROUP_ARN))}, arn=KEY_ARN)
    assert checks.check_log_group_keys(deploy(group, right)) == []
    foreign = res("aws:cloudwatch/logGroup:LogGroup", "g", {"name": "/x", "kmsKeyId": "arn:aws:kms:eu-west-1:1:key/z"})
    assert "not a key created by a stage" in checks.check_log_group_keys(deploy(foreign, right))[0].message


# --- GPU rollouts --------------------------------------------------------------------------------


def _gpu_deployment(strategy: dict[str, Any] | None) -> dict[str, Any]:
    container = {"name": "model", "resources": {"limits": {"nvidia.com/gpu": "1"}}}
    spec: dict[str, Any] = {"replicas": 1, "template": {"spec": {"containers": [container]}}}
    if strategy is not None:
        spec["strategy"] = strategy
    return res("kubernetes:apps/v1:Deployment", "model", {"spec": spec})


def test_gpu_deployment_must_not_surge_without_an_autoscaler() -> None:
    assert ids(checks.check_gpu_rollout(deploy(_gpu_deployment(None)))) == ["model"]
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}
    assert ids(checks.check_gpu_rollout(deploy(_gpu_deployment(rolling)))) == ["model"]
    no_surge = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    assert checks.check_gpu_rollout(deploy(_gpu_deployment(no_surge))) == []
    assert checks.check_gpu_rollout(deploy(_gpu_deployment({"type": "Recreate"}))) == []
    autoscaler = res("kubernetes:helm.sh/v3:Release", "karpenter", {"chart": "karpenter"})
    assert checks.check_gpu_rollout(deploy(_gpu_deployment(None), autoscaler)) == []
    cpu = res("kubernetes:apps/v1:Deployment", "web", {"spec": {"template": {"spec": {"containers": [{"name": "w"}]}}}})
    assert checks.check_gpu_rollout(deploy(cpu)) == []


def test_dns_record_must_not_target_a_skip_awaited_service() -> None:
    service_urn = urn("kubernetes:core/v1:Service", "svc")
    annotations = {"pulumi.com/skipAwait": "true"}
    skipped = res("kubernetes:core/v1:Service", "svc", {"metadata": {"annotations": annotations}})
    awaited = res("kubernetes:core/v1:Service", "svc", {"metadata": {"annotations": {}}})
    record = res(
        "aws:route53/record:Record",
        "cname",
        {"type": "CNAME", "records": ["lb.example"]},
        propertyDependencies={"records": [service_urn]},
    )
    assert ids(checks.check_dns_target_awaited(deploy(skipped, record))) == ["cname"]
    assert checks.check_dns_target_awaited(deploy(awaited, record)) == []


def test_inspector_enabler_creates_its_service_linked_role() -> None:
    inspector = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2"
    )
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "ecr:BatchGetImage",
        "Resource": "*",
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": [inspector]}},
    }
    policy = res("aws:ecr/repositoryPolicy:RepositoryPolicy", "rp", {"policy": doc(deny)})
    assert ids(checks.check_principals_exist(deploy(policy))) == ["rp"]
    enabler = res("aws:inspector2/enabler:Enabler", "ecr", {"resourceTypes": ["ECR"]})
    assert checks.check_principals_exist(deploy(policy, enabler)) == []


def test_reserved_names_cover_tables_guardrails_and_security_groups() -> None:
    """review H3: each collides on a replacement (create before delete)."""
    table = res("aws:dynamodb/table:Table", "t", {"name": "genai-dev-lineage"})
    guardrail = res("aws:bedrock/guardrail:Guardrail", "g", {"name": "genai-dev-filter"})
    group = res("aws:ec2/securityGroup:SecurityGroup", "sg", {"name": "genai-dev-filter-lambda"})
    assert ids(checks.check_reserved_names(deploy(table, guardrail, group))) == ["t", "g", "sg"]
    prefixed = res("aws:ec2/securityGroup:SecurityGroup", "sg", {"namePrefix": "genai-dev-filter-lambda-"})
    autonamed = res("aws:dynamodb/table:Table", "t", {})
    assert checks.check_reserved_names(deploy(prefixed, autonamed)) == []
