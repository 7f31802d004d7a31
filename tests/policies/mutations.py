"""The mutation table: one security-relevant change per row, applied to the real platform's plans.

A row names a resource type and an operation on one resource of that type (its inputs, or the
resource itself). Each row is applied to the first resource of the type where it changes something,
and to every such resource when ``every`` is set."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from tests.policies.fixtures import del_path, get_path, set_path

Resource = dict[str, Any]
Plan = dict[str, Any]
Op = Callable[[Resource, Plan], None]
DROP = "drop"


class Row(NamedTuple):
    type: str
    what: str
    op: Op | str
    every: bool = False
    when: Callable[[Resource, Plan], bool] | None = None


def put(*path: str | int, value: Any) -> Op:
    def op(r: Resource, _: Plan) -> None:
        set_path(r["inputs"], path, copy.deepcopy(value))

    return op


def remove(*path: str | int) -> Op:
    def op(r: Resource, _: Plan) -> None:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            del_path(r["inputs"], path)

    return op


def add_statement(key: str, statement: dict[str, Any]) -> Op:
    """Append a statement to the JSON policy document in input ``key``."""

    def op(r: Resource, _: Plan) -> None:
        document = r["inputs"].get(key)
        if not isinstance(document, str):
            return
        parsed = json.loads(document)
        statements = parsed.get("Statement")
        parsed["Statement"] = [*(statements if isinstance(statements, list) else [statements]), statement]
        r["inputs"][key] = json.dumps(parsed)

    return op


def edit_container(path: tuple[str, ...], key: tuple[str, ...], value: Any = DROP) -> Op:
    """Change ``key`` in every container of the pod spec at ``path`` (and the pod securityContext)."""

    def op(r: Resource, _: Plan) -> None:
        try:
            spec = get_path(r["inputs"], path)
        except (KeyError, TypeError):
            return
        targets = list(spec.get("containers", []))
        if key[0] == "securityContext" and value is DROP:
            targets.append(spec)
        for target in targets:
            if value is DROP:
                with contextlib.suppress(KeyError, TypeError):
                    del_path(target, key)
            else:
                set_path(target, key, copy.deepcopy(value))

    return op


def both(*ops: Op) -> Op:
    def op(r: Resource, plan: Plan) -> None:
        for each in ops:
            each(r, plan)

    return op


def provider_tags(drop: str) -> Op:
    def op(r: Resource, _: Plan) -> None:
        tags = json.loads(r["inputs"]["defaultTags"])
        tags["tags"].pop(drop, None)
        r["inputs"]["defaultTags"] = json.dumps(tags)

    return op


def filter_waf_rules(keep: Callable[[dict[str, Any]], bool]) -> Op:
    def op(r: Resource, _: Plan) -> None:
        r["inputs"]["rules"] = [rule for rule in r["inputs"].get("rules", []) if keep(rule)]

    return op


def access_log_target(r: Resource, plan: Plan) -> bool:
    return any(
        r["urn"] in (x.get("propertyDependencies") or {}).get("targetBucket", [])
        for x in plan["resources"]
        if x["type"] == "aws:s3/bucketLogging:BucketLogging"
    )


def default_deny(r: Resource, _: Plan) -> bool:
    spec = r["inputs"].get("spec", {})
    return (
        spec.get("podSelector") == {}
        and {"Ingress", "Egress"} <= set(spec.get("policyTypes", []))
        and not spec.get("ingress")
        and not spec.get("egress")
    )


def edit_key_administration(change: Callable[[dict[str, Any]], list[dict[str, Any]]]) -> Op:
    """Replace the key policy's `KeyAdministration` statement with what ``change`` makes of it."""

    def op(r: Resource, _: Plan) -> None:
        document = json.loads(r["inputs"]["policy"])
        statements = []
        for st in document["Statement"]:
            statements.extend(change(copy.deepcopy(st)) if st.get("Sid") == "KeyAdministration" else [st])
        document["Statement"] = statements
        r["inputs"]["policy"] = json.dumps(document)

    return op


def _admins_also_decrypt(st: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        st,
        {
            "Sid": "AdminsDecrypt",
            "Effect": "Allow",
            "Principal": st["Principal"],
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    ]


def _root_administers(st: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**st, "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]


def prod(_: Resource, plan: Plan) -> bool:
    return plan.get("stack") == "prod"


def gpu(r: Resource, _: Plan) -> bool:
    return "NVIDIA" in str(r["inputs"].get("amiType", ""))


S3 = "aws:s3/"
BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BPOL = "aws:s3/bucketPolicy:BucketPolicy"
KEY = "aws:kms/key:Key"
RP = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
SG = "aws:ec2/securityGroup:SecurityGroup"
SGI = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
CLUSTER = "aws:eks/cluster:Cluster"
NG = "aws:eks/nodeGroup:NodeGroup"
ECR = "aws:ecr/repository:Repository"
STAGE = "aws:apigateway/stage:Stage"
MS = "aws:apigateway/methodSettings:MethodSettings"
METHOD = "aws:apigateway/method:Method"
ACL = "aws:wafv2/webAcl:WebAcl"
FN = "aws:lambda/function:Function"
PERM = "aws:lambda/permission:Permission"
SECRET = "aws:secretsmanager/secret:Secret"
FEATURE = "aws:guardduty/detectorFeature:DetectorFeature"
TRAIL = "aws:cloudtrail/trail:Trail"
LG = "aws:cloudwatch/logGroup:LogGroup"
NS = "kubernetes:core/v1:Namespace"
NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
DEP = "kubernetes:apps/v1:Deployment"
DS = "kubernetes:apps/v1:DaemonSet"
POD = ("spec", "template", "spec")
PROVIDER = "pulumi:providers:aws"
OPEN_TOKEN = "ghp_9fK2LmQ8xZ4vB7nR1tY6wE3sD5hJ0aUcPq2"
ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::genai-*"}

ROWS: list[Row] = [
    # S3 (joined resources)
    Row(SSE, "drop a bucket's encryption configuration", DROP, every=True),
    Row(
        SSE,
        "downgrade a data bucket to SSE-S3",
        put("rules", 0, "applyServerSideEncryptionByDefault", value={"sseAlgorithm": "AES256"}),
        every=True,
    ),
    Row(SSE, "remove the KMS key id", remove("rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId")),
    Row("aws:s3/bucketVersioning:BucketVersioning", "drop versioning", DROP),
    Row(
        "aws:s3/bucketVersioning:BucketVersioning",
        "suspend versioning",
        put("versioningConfiguration", "status", value="Suspended"),
    ),
    Row(PAB, "drop the public access block", DROP),
    Row(PAB, "blockPublicAcls off", put("blockPublicAcls", value=False)),
    Row(PAB, "blockPublicPolicy off", put("blockPublicPolicy", value=False)),
    Row(PAB, "ignorePublicAcls off", put("ignorePublicAcls", value=False)),
    Row(PAB, "restrictPublicBuckets off", put("restrictPublicBuckets", value=False)),
    Row("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "drop ownership controls", DROP),
    Row(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "ObjectWriter ownership",
        put("rule", "objectOwnership", value="ObjectWriter"),
    ),
    Row("aws:s3/bucketLogging:BucketLogging", "drop access logging", DROP),
    Row(BPOL, "drop the TLS-only bucket policy", DROP),
    Row(BPOL, "empty the bucket policy", put("policy", value=json.dumps({"Version": "2012-10-17", "Statement": []}))),
    Row(
        BPOL,
        "allow anonymous reads",
        add_statement(
            "policy", {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}
        ),
    ),
    Row(
        BUCKET,
        "drop the DataClassification tag",
        remove("tags", "DataClassification"),
        when=lambda r, p: not access_log_target(r, p),
    ),
    # KMS
    Row(KEY, "disable key rotation", put("enableKeyRotation", value=False)),
    Row(
        KEY,
        "grant kms:* to '*'",
        add_statement("policy", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}),
    ),
    # dev's administrator is the account root, which may use keys through IAM policies: prod only.
    Row(
        KEY,
        "the key administrator role may also decrypt (prod)",
        edit_key_administration(_admins_also_decrypt),
        when=prod,
    ),
    Row(KEY, "the account root administers the key (prod)", edit_key_administration(_root_administers), when=prod),
    # IAM
    Row(RP, "add Action '*'", add_statement("policy", ADMIN)),
    Row(
        RP,
        "add s3:GetObject on '*'",
        add_statement("policy", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
    ),
    Row(
        RP,
        "add secretsmanager:GetSecretValue on '*'",
        add_statement("policy", {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": "*"}),
    ),
    Row(
        RP,
        "add iam:PassRole on '*'",
        add_statement("policy", {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
    ),
    Row(
        RP,
        "add NotAction",
        add_statement("policy", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::x"}),
    ),
    Row(RP, "add an admin statement", add_statement("policy", {"Effect": "Allow", "Action": "*", "Resource": "*"})),
    Row(
        ROLE,
        "trust '*'",
        add_statement("assumeRolePolicy", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
    ),
    Row(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "attach AdministratorAccess",
        put("policyArn", value="arn:aws:iam::aws:policy/AdministratorAccess"),
    ),
    # EC2 / VPC
    Row(LT, "IMDSv1 allowed", put("metadataOptions", "httpTokens", value="optional"), every=True),
    Row(LT, "drop metadata options", remove("metadataOptions")),
    Row(LT, "unencrypted root volume", put("blockDeviceMappings", 0, "ebs", "encrypted", value="false"), every=True),
    Row(LT, "no block device mappings", remove("blockDeviceMappings")),
    Row(
        SG,
        "inline SSH from the world",
        put("ingress", value=[{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]),
    ),
    Row(
        SG,
        "inline all traffic from ::/0",
        put("ingress", value=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": ["::/0"]}]),
    ),
    Row(SGI, "ingress rule from 0.0.0.0/0", put("cidrIpv4", value="0.0.0.0/0")),
    Row(SGI, "ingress rule from ::/0", put("cidrIpv6", value="::/0")),
    Row("aws:ec2/flowLog:FlowLog", "drop the VPC flow log", DROP),
    Row(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "default SG allows ingress",
        put("ingress", value=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]),
    ),
    Row(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "default SG allows egress",
        put("egress", value=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]),
    ),
    Row(PROVIDER, "provider in a disallowed region", put("region", value="ap-southeast-2")),
    Row(PROVIDER, "defaultTags without Owner", provider_tags("Owner")),
    Row(PROVIDER, "defaultTags without CostCenter", provider_tags("CostCenter")),
    # EKS
    Row(
        CLUSTER,
        "public endpoint opened to the world",
        put("vpcConfig", "publicAccessCidrs", value=["0.0.0.0/0"]),
        when=lambda r, _: r["inputs"].get("vpcConfig", {}).get("endpointPublicAccess") is True,
    ),
    Row(
        CLUSTER,
        "public endpoint on, open to the world",
        both(
            put("vpcConfig", "endpointPublicAccess", value=True),
            put("vpcConfig", "publicAccessCidrs", value=["0.0.0.0/0"]),
        ),
    ),
    Row(
        CLUSTER,
        "public endpoint on, restricted CIDR (prod only)",
        both(
            put("vpcConfig", "endpointPublicAccess", value=True),
            put("vpcConfig", "publicAccessCidrs", value=["203.0.113.0/24"]),
        ),
        when=lambda r, p: p.get("stack") == "prod",
    ),
    Row(
        CLUSTER,
        "endpointPublicAccess unset (AWS default: public)",
        remove("vpcConfig", "endpointPublicAccess"),
        when=lambda r, _: r["inputs"].get("vpcConfig", {}).get("endpointPublicAccess") is False,
    ),
    Row(CLUSTER, "no secrets encryption", remove("encryptionConfig")),
    Row(CLUSTER, "secrets encryption without a key", remove("encryptionConfig", "provider")),
    Row(
        CLUSTER,
        "audit logs off",
        put("enabledClusterLogTypes", value=["api", "authenticator", "controllerManager", "scheduler"]),
    ),
    Row(CLUSTER, "no control-plane logs", remove("enabledClusterLogTypes")),
    Row(NG, "GPU nodes without taint", put("taints", value=[]), when=gpu),
    Row(NG, "GPU taint PREFER_NO_SCHEDULE", put("taints", 0, "effect", value="PREFER_NO_SCHEDULE"), when=gpu),
    Row(NG, "SSH remote access", put("remoteAccess", value={"ec2SshKey": "ops"})),
    Row(NG, "disallowed GPU family", put("instanceTypes", value=["p3.8xlarge"]), when=gpu),
    # ECR
    Row(ECR, "no scan on push", put("imageScanningConfiguration", "scanOnPush", value=False)),
    Row(ECR, "mutable tags", put("imageTagMutability", value="MUTABLE")),
    Row(ECR, "AES256 instead of KMS", put("encryptionConfigurations", value=[{"encryptionType": "AES256"}])),
    # API Gateway / WAF
    Row("aws:wafv2/webAclAssociation:WebAclAssociation", "drop the WAF association", DROP),
    Row(STAGE, "no access logs", remove("accessLogSettings")),
    Row(STAGE, "stage cache cluster", put("cacheClusterEnabled", value=True)),
    Row(MS, "method caching on", put("settings", "cachingEnabled", value=True)),
    Row(MS, "data trace on", put("settings", "dataTraceEnabled", value=True)),
    Row(METHOD, "authorization NONE", put("authorization", value="NONE"), every=True),
    Row(
        ACL,
        "no managed rule groups",
        filter_waf_rules(lambda rule: "managedRuleGroupStatement" not in rule.get("statement", {})),
    ),
    Row(
        ACL, "no rate-based rule", filter_waf_rules(lambda rule: "rateBasedStatement" not in rule.get("statement", {}))
    ),
    Row("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "drop WAF logging", DROP),
    # Lambda
    Row(FN, "GitHub token in an env var", put("environment", "variables", "GITHUB", value=OPEN_TOKEN), every=True),
    Row(FN, "literal password env var", put("environment", "variables", "DB_PASSWORD", value="correct-horse!")),
    Row(
        FN, "AWS access key env var", put("environment", "variables", "AWS_ACCESS_KEY_ID", value="AKIAIOSFODNN7EXAMPLE")
    ),
    Row(
        FN,
        "high-entropy value",
        put("environment", "variables", "UPSTREAM_AUTH", value="Zq8vT2mX9kL4pW7nB1cR6yH3jF5gD0sA"),
    ),
    Row(FN, "tracing PassThrough", put("tracingConfig", "mode", value="PassThrough")),
    Row(FN, "unsupported runtime", put("runtime", value="python3.9")),
    Row(FN, "no reserved concurrency", remove("reservedConcurrentExecutions")),
    Row(PERM, "invoke permission without sourceArn", remove("sourceArn"), every=True),
    # Secrets Manager
    Row(SECRET, "AWS-managed key", remove("kmsKeyId")),
    Row("aws:secretsmanager/secretRotation:SecretRotation", "drop rotation", DROP),
    Row("aws:secretsmanager/secretRotation:SecretRotation", "rotation without a schedule", remove("rotationRules")),
    # GuardDuty
    Row("aws:guardduty/detector:Detector", "drop the detector", DROP),
    Row("aws:guardduty/detector:Detector", "disable the detector", put("enable", value=False)),
    Row(FEATURE, "disable a feature", put("status", value="DISABLED"), every=True),
    Row(FEATURE, "drop a feature", DROP, every=True),
    Row(
        FEATURE,
        "runtime monitoring without EKS addon management",
        remove("additionalConfigurations"),
        when=lambda r, _: r["inputs"].get("name") == "RUNTIME_MONITORING",
    ),
    # CloudTrail
    Row(TRAIL, "drop the trail", DROP),
    Row(TRAIL, "single-region trail", put("isMultiRegionTrail", value=False)),
    Row(TRAIL, "no log-file validation", put("enableLogFileValidation", value=False)),
    Row(TRAIL, "no KMS", remove("kmsKeyId")),
    # CloudWatch Logs / SNS
    Row(LG, "log group without KMS", remove("kmsKeyId"), every=True),
    Row(LG, "7-day retention", put("retentionInDays", value=7)),
    Row(LG, "never-expiring log group", remove("retentionInDays")),
    Row("aws:sns/topic:Topic", "topic without KMS", remove("kmsMasterKeyId")),
    Row(
        "aws:sns/topicPolicy:TopicPolicy",
        "anyone may publish",
        add_statement("policy", {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}),
    ),
    Row(
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "anyone may read the secret",
        add_statement(
            "policy",
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        ),
    ),
    Row(
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "anyone may pull",
        add_statement("policy", {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}),
    ),
    # Kubernetes
    Row(
        NS,
        "namespace enforces privileged",
        put("metadata", "labels", "pod-security.kubernetes.io/enforce", value="privileged"),
    ),
    Row(NS, "namespace without PSS enforce label", remove("metadata", "labels", "pod-security.kubernetes.io/enforce")),
    Row(NP, "drop a default-deny NetworkPolicy", DROP, every=True, when=default_deny),
    Row(NP, "default-deny becomes allow-all ingress", put("spec", "ingress", value=[{}]), when=default_deny),
    Row(DEP, "remove runAsNonRoot", edit_container(POD, ("securityContext", "runAsNonRoot"))),
    Row(DEP, "run as uid 0", edit_container(POD, ("securityContext", "runAsUser"), 0)),
    Row(DEP, "privileged container", edit_container(POD, ("securityContext", "privileged"), True)),
    Row(
        DEP, "privilege escalation allowed", edit_container(POD, ("securityContext", "allowPrivilegeEscalation"), True)
    ),
    Row(DEP, "no resource limits", edit_container(POD, ("resources", "limits"))),
    Row(DEP, "image by tag", edit_container(POD, ("image",), "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:latest")),
    Row(DEP, "image from Docker Hub", edit_container(POD, ("image",), "python@sha256:" + "b" * 64)),
    Row(DEP, "hostNetwork", put(*POD, "hostNetwork", value=True)),
    Row(DS, "privileged device plugin", edit_container(POD, ("securityContext", "privileged"), True)),
    Row(DS, "device plugin escalation", edit_container(POD, ("securityContext", "allowPrivilegeEscalation"), True)),
    Row(DS, "device plugin without limits", edit_container(POD, ("resources", "limits"))),
    Row(DS, "device plugin by tag", edit_container(POD, ("image",), "nvcr.io/nvidia/k8s-device-plugin:v0.17.1")),
    Row(
        DS,
        "device plugin from an untrusted registry",
        edit_container(POD, ("image",), "ghcr.io/x/device-plugin@sha256:" + "c" * 64),
    ),
    Row(DS, "device plugin SYS_ADMIN", edit_container(POD, ("securityContext", "capabilities", "add"), ["SYS_ADMIN"])),
]
