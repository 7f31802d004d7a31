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
    rule: str = ""  # the rule the mutant targets: it is killed only when this rule fires


def put(*path: str | int, value: Any) -> Op:
    def op(r: Resource, _: Plan) -> None:
        set_path(r["inputs"], path, copy.deepcopy(value))

    return op


def remove(*path: str | int) -> Op:
    """Delete an input as the program would: a removed top-level input also loses its property
    dependency (an input absent *with* a dependency is a computed, unknown value)."""

    def op(r: Resource, _: Plan) -> None:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            del_path(r["inputs"], path)
        if len(path) == 1:
            (r.get("propertyDependencies") or {}).pop(str(path[0]), None)

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
    Row(SSE, "drop a bucket's encryption configuration", DROP, every=True, rule="aws-s3-bucket-encryption"),
    Row(
        SSE,
        "downgrade a data bucket to SSE-S3",
        put("rules", 0, "applyServerSideEncryptionByDefault", value={"sseAlgorithm": "AES256"}),
        every=True,
        rule="aws-s3-bucket-encryption",
    ),
    Row(
        SSE,
        "remove the KMS key id",
        remove("rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"),
        rule="aws-s3-bucket-encryption",
    ),
    Row("aws:s3/bucketVersioning:BucketVersioning", "drop versioning", DROP, rule="aws-s3-bucket-versioning"),
    Row(
        "aws:s3/bucketVersioning:BucketVersioning",
        "suspend versioning",
        put("versioningConfiguration", "status", value="Suspended"),
        rule="aws-s3-bucket-versioning",
    ),
    Row(PAB, "drop the public access block", DROP, rule="aws-s3-bucket-public-access-block"),
    Row(PAB, "blockPublicAcls off", put("blockPublicAcls", value=False), rule="aws-s3-bucket-public-access-block"),
    Row(PAB, "blockPublicPolicy off", put("blockPublicPolicy", value=False), rule="aws-s3-bucket-public-access-block"),
    Row(PAB, "ignorePublicAcls off", put("ignorePublicAcls", value=False), rule="aws-s3-bucket-public-access-block"),
    Row(
        PAB,
        "restrictPublicBuckets off",
        put("restrictPublicBuckets", value=False),
        rule="aws-s3-bucket-public-access-block",
    ),
    Row(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "drop ownership controls",
        DROP,
        rule="aws-s3-bucket-ownership-enforced",
    ),
    Row(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "ObjectWriter ownership",
        put("rule", "objectOwnership", value="ObjectWriter"),
        rule="aws-s3-bucket-ownership-enforced",
    ),
    Row("aws:s3/bucketLogging:BucketLogging", "drop access logging", DROP, rule="aws-s3-bucket-logging"),
    Row(BPOL, "drop the TLS-only bucket policy", DROP, rule="aws-s3-bucket-tls-only"),
    Row(
        BPOL,
        "empty the bucket policy",
        put("policy", value=json.dumps({"Version": "2012-10-17", "Statement": []})),
        rule="aws-s3-bucket-tls-only",
    ),
    Row(
        BPOL,
        "allow anonymous reads",
        add_statement(
            "policy", {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}
        ),
        rule="aws-s3-bucket-policy-no-public-principal",
    ),
    Row(
        BUCKET,
        "drop the DataClassification tag",
        remove("tags", "DataClassification"),
        when=lambda r, p: not access_log_target(r, p),
        rule="aws-s3-bucket-classification",
    ),
    # KMS
    Row(KEY, "disable key rotation", put("enableKeyRotation", value=False), rule="aws-kms-key-rotation"),
    Row(
        KEY,
        "grant kms:* to '*'",
        add_statement("policy", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}),
        rule="aws-kms-key-policy-no-public-admin",
    ),
    # dev's administrator is the account root, which may use keys through IAM policies: prod only.
    Row(
        KEY,
        "the key administrator role may also decrypt (prod)",
        edit_key_administration(_admins_also_decrypt),
        when=prod,
        rule="aws-kms-key-policy-admin-separation",
    ),
    Row(
        KEY,
        "the account root administers the key (prod)",
        edit_key_administration(_root_administers),
        when=prod,
        rule="aws-kms-key-policy-named-admins",
    ),
    # IAM
    Row(RP, "add Action '*'", add_statement("policy", ADMIN), rule="aws-iam-policy-no-wildcard-action"),
    Row(
        RP,
        "add s3:GetObject on '*'",
        add_statement("policy", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        rule="aws-iam-policy-no-wildcard-resource-data",
    ),
    Row(
        RP,
        "add secretsmanager:GetSecretValue on '*'",
        add_statement("policy", {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": "*"}),
        rule="aws-iam-policy-no-wildcard-resource-data",
    ),
    Row(
        RP,
        "add iam:PassRole on '*'",
        add_statement("policy", {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
        rule="aws-iam-policy-no-passrole-wildcard",
    ),
    Row(
        RP,
        "add NotAction",
        add_statement("policy", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::x"}),
        rule="aws-iam-policy-no-wildcard-action",
    ),
    Row(
        RP,
        "add an admin statement",
        add_statement("policy", {"Effect": "Allow", "Action": "*", "Resource": "*"}),
        rule="aws-iam-no-inline-admin",
    ),
    Row(
        ROLE,
        "trust '*'",
        add_statement("assumeRolePolicy", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        rule="aws-iam-role-trust-no-wildcard-principal",
    ),
    Row(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "attach AdministratorAccess",
        put("policyArn", value="arn:aws:iam::aws:policy/AdministratorAccess"),
        rule="aws-iam-no-admin-managed-policy",
    ),
    # EC2 / VPC
    Row(
        LT,
        "IMDSv1 allowed",
        put("metadataOptions", "httpTokens", value="optional"),
        every=True,
        rule="aws-ec2-launch-template-imdsv2",
    ),
    Row(LT, "drop metadata options", remove("metadataOptions"), rule="aws-ec2-launch-template-imdsv2"),
    Row(
        LT,
        "unencrypted root volume",
        put("blockDeviceMappings", 0, "ebs", "encrypted", value="false"),
        every=True,
        rule="aws-ec2-launch-template-ebs-encrypted",
    ),
    Row(LT, "no block device mappings", remove("blockDeviceMappings"), rule="aws-ec2-launch-template-ebs-encrypted"),
    Row(
        SG,
        "inline SSH from the world",
        put("ingress", value=[{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]),
        rule="aws-ec2-security-group-no-public-ingress",
    ),
    Row(
        SG,
        "inline all traffic from ::/0",
        put("ingress", value=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": ["::/0"]}]),
        rule="aws-ec2-security-group-no-public-ingress",
    ),
    Row(
        SGI,
        "ingress rule from 0.0.0.0/0",
        put("cidrIpv4", value="0.0.0.0/0"),
        rule="aws-ec2-security-group-no-public-ingress",
    ),
    Row(SGI, "ingress rule from ::/0", put("cidrIpv6", value="::/0"), rule="aws-ec2-security-group-no-public-ingress"),
    Row("aws:ec2/flowLog:FlowLog", "drop the VPC flow log", DROP, rule="aws-ec2-vpc-flow-logs"),
    Row(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "default SG allows ingress",
        put("ingress", value=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]),
        rule="aws-ec2-default-security-group-closed",
    ),
    Row(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "default SG allows egress",
        put("egress", value=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]),
        rule="aws-ec2-default-security-group-closed",
    ),
    Row(
        PROVIDER,
        "provider in a disallowed region",
        put("region", value="ap-southeast-2"),
        rule="aws-provider-region-allowed",
    ),
    Row(PROVIDER, "defaultTags without Owner", provider_tags("Owner"), rule="aws-tags-required"),
    Row(PROVIDER, "defaultTags without CostCenter", provider_tags("CostCenter"), rule="aws-tags-required"),
    # EKS
    Row(
        CLUSTER,
        "public endpoint opened to the world",
        put("vpcConfig", "publicAccessCidrs", value=["0.0.0.0/0"]),
        when=lambda r, _: r["inputs"].get("vpcConfig", {}).get("endpointPublicAccess") is True,
        rule="aws-eks-cluster-endpoint-private",
    ),
    Row(
        CLUSTER,
        "public endpoint on, open to the world",
        both(
            put("vpcConfig", "endpointPublicAccess", value=True),
            put("vpcConfig", "publicAccessCidrs", value=["0.0.0.0/0"]),
        ),
        rule="aws-eks-cluster-endpoint-private",
    ),
    Row(
        CLUSTER,
        "public endpoint on, restricted CIDR (prod only)",
        both(
            put("vpcConfig", "endpointPublicAccess", value=True),
            put("vpcConfig", "publicAccessCidrs", value=["203.0.113.0/24"]),
        ),
        when=lambda r, p: p.get("stack") == "prod",
        rule="aws-eks-cluster-endpoint-private",
    ),
    Row(
        CLUSTER,
        "endpointPublicAccess unset (AWS default: public)",
        remove("vpcConfig", "endpointPublicAccess"),
        when=lambda r, _: r["inputs"].get("vpcConfig", {}).get("endpointPublicAccess") is False,
        rule="aws-eks-cluster-endpoint-private",
    ),
    Row(CLUSTER, "no secrets encryption", remove("encryptionConfig"), rule="aws-eks-cluster-secrets-encryption"),
    Row(
        CLUSTER,
        "secrets encryption without a key",
        remove("encryptionConfig", "provider"),
        rule="aws-eks-cluster-secrets-encryption",
    ),
    Row(
        CLUSTER,
        "audit logs off",
        put("enabledClusterLogTypes", value=["api", "authenticator", "controllerManager", "scheduler"]),
        rule="aws-eks-cluster-control-plane-logging",
    ),
    Row(
        CLUSTER, "no control-plane logs", remove("enabledClusterLogTypes"), rule="aws-eks-cluster-control-plane-logging"
    ),
    Row(NG, "GPU nodes without taint", put("taints", value=[]), when=gpu, rule="aws-eks-nodegroup-gpu-taint"),
    Row(
        NG,
        "GPU taint PREFER_NO_SCHEDULE",
        put("taints", 0, "effect", value="PREFER_NO_SCHEDULE"),
        when=gpu,
        rule="aws-eks-nodegroup-gpu-taint",
    ),
    Row(NG, "SSH remote access", put("remoteAccess", value={"ec2SshKey": "ops"}), rule="aws-eks-nodegroup-no-ssh"),
    Row(
        NG,
        "disallowed GPU family",
        put("instanceTypes", value=["p3.8xlarge"]),
        when=gpu,
        rule="aws-eks-nodegroup-gpu-family-allowed",
    ),
    # ECR
    Row(
        ECR,
        "no scan on push",
        put("imageScanningConfiguration", "scanOnPush", value=False),
        rule="aws-ecr-repository-scan-on-push",
    ),
    Row(ECR, "mutable tags", put("imageTagMutability", value="MUTABLE"), rule="aws-ecr-repository-immutable-tags"),
    Row(
        ECR,
        "AES256 instead of KMS",
        put("encryptionConfigurations", value=[{"encryptionType": "AES256"}]),
        rule="aws-ecr-repository-kms",
    ),
    # API Gateway / WAF
    Row(
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "drop the WAF association",
        DROP,
        rule="aws-apigateway-stage-waf",
    ),
    Row(STAGE, "no access logs", remove("accessLogSettings"), rule="aws-apigateway-stage-access-logs"),
    Row(
        STAGE,
        "stage cache cluster",
        put("cacheClusterEnabled", value=True),
        rule="aws-apigateway-stage-caching-disabled",
    ),
    Row(
        MS,
        "method caching on",
        put("settings", "cachingEnabled", value=True),
        rule="aws-apigateway-stage-caching-disabled",
    ),
    Row(
        MS,
        "data trace on",
        put("settings", "dataTraceEnabled", value=True),
        rule="aws-apigateway-stage-data-trace-disabled",
    ),
    Row(
        METHOD,
        "authorization NONE",
        put("authorization", value="NONE"),
        every=True,
        rule="aws-apigateway-method-authorization",
    ),
    Row(
        ACL,
        "no managed rule groups",
        filter_waf_rules(lambda rule: "managedRuleGroupStatement" not in rule.get("statement", {})),
        rule="aws-wafv2-web-acl-managed-rules",
    ),
    Row(
        ACL,
        "no rate-based rule",
        filter_waf_rules(lambda rule: "rateBasedStatement" not in rule.get("statement", {})),
        rule="aws-wafv2-web-acl-rate-limit",
    ),
    Row(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "drop WAF logging",
        DROP,
        rule="aws-wafv2-web-acl-logging",
    ),
    # Lambda
    Row(
        FN,
        "GitHub token in an env var",
        put("environment", "variables", "GITHUB", value=OPEN_TOKEN),
        every=True,
        rule="aws-lambda-function-no-plaintext-secrets",
    ),
    Row(
        FN,
        "literal password env var",
        put("environment", "variables", "DB_PASSWORD", value="correct-horse!"),
        rule="aws-lambda-function-no-plaintext-secrets",
    ),
    Row(
        FN,
        "AWS access key env var",
        put("environment", "variables", "AWS_ACCESS_KEY_ID", value="AKIAIOSFODNN7EXAMPLE"),
        rule="aws-lambda-function-no-plaintext-secrets",
    ),
    Row(
        FN,
        "high-entropy value",
        put("environment", "variables", "UPSTREAM_AUTH", value="Zq8vT2mX9kL4pW7nB1cR6yH3jF5gD0sA"),
        rule="aws-lambda-function-no-plaintext-secrets",
    ),
    Row(
        FN, "tracing PassThrough", put("tracingConfig", "mode", value="PassThrough"), rule="aws-lambda-function-tracing"
    ),
    Row(FN, "unsupported runtime", put("runtime", value="python3.9"), rule="aws-lambda-function-runtime"),
    Row(
        FN,
        "no reserved concurrency",
        remove("reservedConcurrentExecutions"),
        rule="aws-lambda-function-reserved-concurrency",
    ),
    Row(
        PERM,
        "invoke permission without sourceArn",
        remove("sourceArn"),
        every=True,
        rule="aws-lambda-permission-source-arn",
    ),
    # Secrets Manager
    Row(SECRET, "AWS-managed key", remove("kmsKeyId"), rule="aws-secretsmanager-secret-cmk"),
    Row(
        "aws:secretsmanager/secretRotation:SecretRotation",
        "drop rotation",
        DROP,
        rule="aws-secretsmanager-secret-rotation",
    ),
    Row(
        "aws:secretsmanager/secretRotation:SecretRotation",
        "rotation without a schedule",
        remove("rotationRules"),
        rule="aws-secretsmanager-secret-rotation",
    ),
    # GuardDuty
    Row("aws:guardduty/detector:Detector", "drop the detector", DROP, rule="aws-guardduty-detector-enabled"),
    Row(
        "aws:guardduty/detector:Detector",
        "disable the detector",
        put("enable", value=False),
        rule="aws-guardduty-detector-enabled",
    ),
    Row(
        FEATURE,
        "disable a feature",
        put("status", value="DISABLED"),
        every=True,
        rule="aws-guardduty-detector-features",
    ),
    Row(FEATURE, "drop a feature", DROP, every=True, rule="aws-guardduty-detector-features"),
    Row(
        FEATURE,
        "runtime monitoring without EKS addon management",
        remove("additionalConfigurations"),
        when=lambda r, _: r["inputs"].get("name") == "RUNTIME_MONITORING",
        rule="aws-guardduty-detector-features",
    ),
    # CloudTrail
    Row(TRAIL, "drop the trail", DROP, rule="aws-cloudtrail-trail-present"),
    Row(TRAIL, "single-region trail", put("isMultiRegionTrail", value=False), rule="aws-cloudtrail-trail-multi-region"),
    Row(
        TRAIL,
        "no log-file validation",
        put("enableLogFileValidation", value=False),
        rule="aws-cloudtrail-trail-log-validation",
    ),
    Row(TRAIL, "no KMS", remove("kmsKeyId"), rule="aws-cloudtrail-trail-kms"),
    # CloudWatch Logs / SNS
    Row(LG, "log group without KMS", remove("kmsKeyId"), every=True, rule="aws-logs-log-group-kms"),
    Row(LG, "7-day retention", put("retentionInDays", value=7), rule="aws-logs-log-group-retention"),
    Row(LG, "never-expiring log group", remove("retentionInDays"), rule="aws-logs-log-group-retention"),
    Row("aws:sns/topic:Topic", "topic without KMS", remove("kmsMasterKeyId"), rule="aws-sns-topic-kms"),
    Row(
        "aws:sns/topicPolicy:TopicPolicy",
        "anyone may publish",
        add_statement("policy", {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}),
        rule="aws-sns-topic-policy-no-public",
    ),
    Row(
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "anyone may read the secret",
        add_statement(
            "policy",
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        ),
        rule="aws-secretsmanager-secret-policy-no-public",
    ),
    Row(
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "anyone may pull",
        add_statement("policy", {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}),
        rule="aws-ecr-repository-policy-no-public",
    ),
    # Kubernetes
    Row(
        NS,
        "namespace enforces privileged",
        put("metadata", "labels", "pod-security.kubernetes.io/enforce", value="privileged"),
        rule="k8s-namespace-pod-security-enforce",
    ),
    Row(
        NS,
        "namespace without PSS enforce label",
        remove("metadata", "labels", "pod-security.kubernetes.io/enforce"),
        rule="k8s-namespace-pod-security-enforce",
    ),
    Row(
        NP, "drop a default-deny NetworkPolicy", DROP, every=True, when=default_deny, rule="k8s-namespace-default-deny"
    ),
    Row(
        NP,
        "default-deny becomes allow-all ingress",
        put("spec", "ingress", value=[{}]),
        when=default_deny,
        rule="k8s-namespace-default-deny",
    ),
    Row(
        DEP,
        "remove runAsNonRoot",
        edit_container(POD, ("securityContext", "runAsNonRoot")),
        rule="k8s-pod-run-as-non-root",
    ),
    Row(DEP, "run as uid 0", edit_container(POD, ("securityContext", "runAsUser"), 0), rule="k8s-pod-run-as-non-root"),
    Row(
        DEP,
        "privileged container",
        edit_container(POD, ("securityContext", "privileged"), True),
        rule="k8s-pod-no-privileged",
    ),
    Row(
        DEP,
        "privilege escalation allowed",
        edit_container(POD, ("securityContext", "allowPrivilegeEscalation"), True),
        rule="k8s-pod-no-privilege-escalation",
    ),
    Row(DEP, "no resource limits", edit_container(POD, ("resources", "limits")), rule="k8s-pod-resource-limits"),
    Row(
        DEP,
        "image by tag",
        edit_container(POD, ("image",), "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:latest"),
        rule="k8s-pod-image-digest",
    ),
    Row(
        DEP,
        "image from Docker Hub",
        edit_container(POD, ("image",), "python@sha256:" + "b" * 64),
        rule="k8s-pod-image-trusted-registry",
    ),
    Row(DEP, "hostNetwork", put(*POD, "hostNetwork", value=True), rule="k8s-pod-no-privileged"),
    Row(
        DS,
        "privileged device plugin",
        edit_container(POD, ("securityContext", "privileged"), True),
        rule="k8s-pod-no-privileged",
    ),
    Row(
        DS,
        "device plugin escalation",
        edit_container(POD, ("securityContext", "allowPrivilegeEscalation"), True),
        rule="k8s-pod-no-privilege-escalation",
    ),
    Row(
        DS, "device plugin without limits", edit_container(POD, ("resources", "limits")), rule="k8s-pod-resource-limits"
    ),
    Row(
        DS,
        "device plugin by tag",
        edit_container(POD, ("image",), "nvcr.io/nvidia/k8s-device-plugin:v0.17.1"),
        rule="k8s-pod-image-digest",
    ),
    Row(
        DS,
        "device plugin from an untrusted registry",
        edit_container(POD, ("image",), "ghcr.io/x/device-plugin@sha256:" + "c" * 64),
        rule="k8s-pod-image-trusted-registry",
    ),
    Row(
        DS,
        "device plugin SYS_ADMIN",
        edit_container(POD, ("securityContext", "capabilities", "add"), ["SYS_ADMIN"]),
        rule="k8s-pod-no-privileged",
    ),
]
