"""One non-compliant case per rule: the compliant stack with one field changed, and the rule that fires."""

from __future__ import annotations

from typing import NamedTuple

from tests.policies.fixtures import (
    AWS_PROVIDER,
    DIGEST,
    ECR,
    KEY_ARN,
    PREPARE_READ,
    ROLE_ARN,
    Mutation,
    Plan,
    del_input,
    doc,
    drop_all,
    drop_resource,
    find,
    set_input,
)

B = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
FN = "aws:lambda/function:Function"
DEP = "kubernetes:apps/v1:Deployment"
NG = "aws:eks/nodeGroup:NodeGroup"
SPEC = ("spec", "template", "spec")
C0 = (*SPEC, "containers", 0)


ADMIN_ROLE = "arn:aws:iam::123456789012:role/kms-key-admin"
ROOT_KMS = {
    "Sid": "Root",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "kms:*",
    "Resource": "*",
}


class Case(NamedTuple):
    rule: str
    what: str
    mutate: Mutation
    on: tuple[str, str | None] | None = None  # (type, name) the violation lands on, if not the changed one
    also: frozenset[str] = frozenset()  # rules that must fire too (an admin policy is also a wildcard one)


def _provider(path: str, value: object) -> Mutation:
    def mutate(plan: Plan) -> str:
        provider = find(plan, "pulumi:providers:aws")
        provider["inputs"][path] = value
        return str(provider["urn"])

    return mutate


def _untag_provider(plan: Plan) -> str:
    import json

    provider = find(plan, "pulumi:providers:aws")
    provider["inputs"]["defaultTags"] = json.dumps({"tags": {"Project": "genai-platform"}})
    # Every taggable resource now lacks tags; report the first, the test checks the rule only.
    return str(find(plan, "aws:kms/key:Key")["urn"])


def _chain(plan: Plan, *mutations: Mutation) -> str:
    targets = [m(plan) for m in mutations]
    return targets[0]


def _add_instance(plan: Plan) -> str:
    from tests.policies.fixtures import resource

    instance = resource(
        "aws:ec2/instance:Instance",
        "bastion",
        {
            "ami": "ami-1",
            "instanceType": "t3.micro",
            "metadataOptions": {"httpTokens": "required"},
            "rootBlockDevice": {"encrypted": False},
        },
    )
    plan["resources"].append(instance)
    return str(instance["urn"])


def _drop_trail(plan: Plan) -> str:
    drop_all("aws:cloudtrail/trail:Trail")(plan)
    return str(next(r["urn"] for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"))


CASES: list[Case] = [
    # S3
    Case(
        "aws-s3-bucket-encryption",
        "drop the data bucket's SSE configuration",
        drop_resource(SSE, "data-sse", B, "bucket"),
    ),
    Case(
        "aws-s3-bucket-encryption",
        "data bucket with SSE-S3 instead of KMS",
        set_input(SSE, "data-sse", ("rules", 0, "applyServerSideEncryptionByDefault"), {"sseAlgorithm": "AES256"}),
        on=("aws:s3/bucket:Bucket", "data"),
    ),
    Case(
        "aws-s3-bucket-versioning",
        "versioning suspended",
        set_input(
            "aws:s3/bucketVersioning:BucketVersioning",
            "data-versioning",
            ("versioningConfiguration", "status"),
            "Suspended",
        ),
        on=("aws:s3/bucket:Bucket", "data"),
    ),
    Case(
        "aws-s3-bucket-public-access-block",
        "a public access block flag off",
        set_input("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-pab", ("blockPublicPolicy",), False),
        on=("aws:s3/bucket:Bucket", "data"),
    ),
    Case(
        "aws-s3-bucket-public-access-block",
        "no public access block",
        drop_resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-pab", B, "bucket"),
    ),
    Case(
        "aws-s3-bucket-ownership-enforced",
        "ObjectWriter ownership",
        set_input(
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "data-ownership",
            ("rule", "objectOwnership"),
            "ObjectWriter",
        ),
        on=("aws:s3/bucket:Bucket", "data"),
    ),
    Case(
        "aws-s3-bucket-logging",
        "no access logging on the data bucket",
        drop_resource("aws:s3/bucketLogging:BucketLogging", "data-logging", B, "bucket"),
    ),
    Case(
        "aws-s3-bucket-tls-only",
        "bucket policy without the TLS deny",
        set_input(
            "aws:s3/bucketPolicy:BucketPolicy",
            "data-policy",
            ("policy",),
            doc({"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"}),
        ),
        on=("aws:s3/bucket:Bucket", "data"),
    ),
    Case(
        "aws-s3-bucket-classification",
        "data bucket without DataClassification",
        del_input(B, "data", ("tags", "DataClassification")),
    ),
    Case(
        "aws-s3-bucket-classification",
        "data bucket with an unknown classification",
        set_input(B, "data", ("tags", "DataClassification"), "top-secret"),
    ),
    Case(
        "aws-s3-bucket-policy-no-public-principal",
        "bucket policy allows '*'",
        set_input(
            "aws:s3/bucketPolicy:BucketPolicy",
            "logs-policy",
            ("policy",),
            doc(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"},
            ),
        ),
        on=("aws:s3/bucketPolicy:BucketPolicy", "logs-policy"),
    ),
    # KMS
    Case(
        "aws-kms-key-rotation", "rotation off", set_input("aws:kms/key:Key", "data-key", ("enableKeyRotation",), False)
    ),
    Case(
        "aws-kms-key-policy-no-public-admin",
        "kms:* to '*'",
        set_input(
            "aws:kms/key:Key",
            "data-key",
            ("policy",),
            doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}),
        ),
    ),
    Case(
        "aws-kms-key-policy-admin-separation",
        "the admin role also decrypts",
        set_input(
            "aws:kms/key:Key",
            "data-key",
            ("policy",),
            doc(
                ROOT_KMS,
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ADMIN_ROLE},
                    "Action": ["kms:Put*", "kms:ScheduleKeyDeletion", "kms:Decrypt"],
                    "Resource": "*",
                },
            ),
        ),
    ),
    Case(
        "aws-kms-key-policy-admin-separation",
        "kms:* to a named role",
        set_input(
            "aws:kms/key:Key",
            "data-key",
            ("policy",),
            doc({"Effect": "Allow", "Principal": {"AWS": [ADMIN_ROLE]}, "Action": "kms:*", "Resource": "*"}),
        ),
    ),
    Case(
        "aws-kms-key-policy-admin-separation",
        "administration and use in separate statements",
        set_input(
            "aws:kms/key:Key",
            "data-key",
            ("policy",),
            doc(
                {"Effect": "Allow", "Principal": {"AWS": ADMIN_ROLE}, "Action": "kms:PutKeyPolicy", "Resource": "*"},
                {"Effect": "Allow", "Principal": {"AWS": ADMIN_ROLE}, "Action": "kms:Decrypt", "Resource": "*"},
            ),
        ),
    ),
    Case(
        "aws-kms-key-policy-named-admins",
        "the key is tagged prod while the account root administers it",
        set_input("aws:kms/key:Key", "data-key", ("tags",), {"Environment": "prod"}),
    ),
    # sqs
    Case(
        "aws-sqs-event-source-dead-letter",
        "the scan queue loses its dead-letter queue",
        del_input("aws:sqs/queue:Queue", "scan", ("redrivePolicy",)),
    ),
    Case(
        "aws-sqs-s3-notification-cmk",
        "the scan queue uses the AWS managed key",
        set_input("aws:sqs/queue:Queue", "scan", ("kmsMasterKeyId",), "alias/aws/sqs"),
    ),
    Case(
        "aws-sqs-s3-notification-cmk",
        "the scan queue uses SSE-SQS",
        del_input("aws:sqs/queue:Queue", "scan", ("kmsMasterKeyId",)),
    ),
    # integrity
    Case(
        "genai-prepare-reads-only-scanned-data",
        "prepare reads raw without the scan_status condition",
        set_input(
            "aws:iam/rolePolicy:RolePolicy",
            "prepare-read",
            ("policy",),
            doc({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::raw/*"}),
        ),
    ),
    Case(
        "genai-prepare-reads-only-scanned-data",
        "prepare reads flagged objects too",
        set_input(
            "aws:iam/rolePolicy:RolePolicy",
            "prepare-read",
            ("policy",),
            doc(
                {
                    **PREPARE_READ,
                    "Condition": {"StringEquals": {"s3:ExistingObjectTag/scan_status": ["clean", "flagged"]}},
                }
            ),
        ),
    ),
    Case(
        "genai-model-server-verifies-provenance",
        "a GPU model server without the verify-model init container",
        set_input(DEP, None, (*C0, "resources", "limits"), {"cpu": "1", "memory": "1Gi", "nvidia.com/gpu": "1"}),
    ),
    # IAM
    Case(
        "aws-iam-policy-no-wildcard-action",
        "Action '*' on one bucket",
        set_input(
            "aws:iam/rolePolicy:RolePolicy",
            "serve-kms",
            ("policy",),
            doc({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::data"}),
        ),
    ),
    Case(
        "aws-iam-policy-no-wildcard-resource-data",
        "s3:GetObject on '*' (role inline policy)",
        set_input(
            "aws:iam/role:Role",
            "serve-role",
            ("inlinePolicies", 0, "policy"),
            doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}),
        ),
    ),
    Case(
        "aws-iam-policy-no-passrole-wildcard",
        "iam:PassRole on '*'",
        set_input(
            "aws:iam/policy:Policy",
            "deploy-policy",
            ("policy",),
            doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
        ),
    ),
    Case(
        "aws-iam-role-trust-no-wildcard-principal",
        "trust '*'",
        set_input(
            "aws:iam/role:Role",
            "serve-role",
            ("assumeRolePolicy",),
            doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        ),
    ),
    Case(
        "aws-iam-no-inline-admin",
        "inline Action '*' on Resource '*'",
        set_input(
            "aws:iam/rolePolicy:RolePolicy",
            "serve-kms",
            ("policy",),
            doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        ),
        also=frozenset(
            {
                "aws-iam-policy-no-wildcard-action",
                "aws-iam-policy-no-wildcard-resource-data",
                "aws-iam-policy-no-passrole-wildcard",
            }
        ),
    ),
    Case(
        "aws-iam-no-inline-admin",
        "inline NotAction on Resource '*' in a role's inlinePolicies",
        set_input(
            "aws:iam/role:Role",
            "serve-role",
            ("inlinePolicies", 0, "policy"),
            doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        ),
        also=frozenset({"aws-iam-policy-no-wildcard-action", "aws-iam-policy-no-wildcard-resource-data"}),
    ),
    Case(
        "aws-iam-policy-no-wildcard-action",
        "managed policy with NotAction on one role",
        set_input(
            "aws:iam/policy:Policy",
            "deploy-policy",
            ("policy",),
            doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": ROLE_ARN}),
        ),
    ),
    Case(
        "aws-iam-no-admin-managed-policy",
        "AdministratorAccess attached",
        set_input(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "serve-ssm",
            ("policyArn",),
            "arn:aws:iam::aws:policy/AdministratorAccess",
        ),
    ),
    # EC2 / VPC
    Case(
        "aws-ec2-launch-template-imdsv2",
        "IMDSv1 allowed",
        set_input("aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", ("metadataOptions", "httpTokens"), "optional"),
    ),
    Case(
        "aws-ec2-launch-template-ebs-encrypted",
        "unencrypted volume",
        set_input(
            "aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", ("blockDeviceMappings", 0, "ebs", "encrypted"), "false"
        ),
    ),
    Case("aws-ec2-instance-ebs-encrypted", "instance without encrypted root volume (new resource)", _add_instance),
    Case(
        "aws-ec2-security-group-no-public-ingress",
        "inline ingress from the world on 22",
        set_input("aws:ec2/securityGroup:SecurityGroup", "app-sg", ("ingress", 0, "cidrBlocks"), ["0.0.0.0/0"]),
    ),
    Case(
        "aws-ec2-security-group-no-public-ingress",
        "SecurityGroupRule from ::/0",
        set_input("aws:ec2/securityGroupRule:SecurityGroupRule", "app-from-lb", ("ipv6CidrBlocks",), ["::/0"]),
    ),
    Case(
        "aws-ec2-security-group-no-public-ingress",
        "vpc ingress rule from the world on a non-LB group",
        set_input(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-internal", ("cidrIpv4",), "0.0.0.0/0"
        ),
    ),
    Case(
        "aws-ec2-security-group-no-public-ingress",
        "LB group open on 80",
        set_input("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "lb-https", ("fromPort",), 80.0),
    ),
    Case(
        "aws-ec2-security-group-no-public-ingress",
        "the LB becomes internal (443 no longer allowed)",
        set_input("aws:lb/loadBalancer:LoadBalancer", "public-lb", ("internal",), True),
        on=("aws:ec2/securityGroup:SecurityGroup", "lb-sg"),
    ),
    Case(
        "aws-ec2-vpc-flow-logs",
        "no flow log",
        drop_resource("aws:ec2/flowLog:FlowLog", None, "aws:ec2/vpc:Vpc", "vpcId"),
    ),
    Case(
        "aws-ec2-vpc-default-security-group-managed",
        "no DefaultSecurityGroup for the VPC",
        drop_resource("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", None, "aws:ec2/vpc:Vpc", "vpcId"),
    ),
    Case(
        "aws-lb-waf",
        "no WAF association for the public load balancer",
        drop_resource(
            "aws:wafv2/webAclAssociation:WebAclAssociation", "acl-lb", "aws:lb/loadBalancer:LoadBalancer", "resourceArn"
        ),
    ),
    Case(
        "aws-redshift-cluster-require-ssl",
        "parameter group without require_ssl",
        set_input(
            "aws:redshift/parameterGroup:ParameterGroup", "warehouse-params", ("parameters", 0, "value"), "false"
        ),
        on=("aws:redshift/cluster:Cluster", "warehouse"),
    ),
    Case(
        "aws-redshift-cluster-audit-logging",
        "no audit logging",
        drop_resource("aws:redshift/logging:Logging", None, "aws:redshift/cluster:Cluster", "clusterIdentifier"),
    ),
    Case(
        "aws-ec2-default-security-group-closed",
        "default SG with ingress",
        set_input(
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
            None,
            ("ingress",),
            [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "self": True}],
        ),
    ),
    Case("aws-provider-region-allowed", "provider in a disallowed region", _provider("region", "ap-southeast-2")),
    # EKS
    Case(
        "aws-eks-cluster-endpoint-private",
        "public endpoint open to the world",
        set_input("aws:eks/cluster:Cluster", None, ("vpcConfig", "endpointPublicAccess"), True),
    ),
    Case(
        "aws-eks-cluster-endpoint-private",
        "endpointPublicAccess unset (AWS default is public)",
        del_input("aws:eks/cluster:Cluster", None, ("vpcConfig", "endpointPublicAccess")),
    ),
    Case(
        "aws-eks-cluster-secrets-encryption",
        "no secrets encryption",
        del_input("aws:eks/cluster:Cluster", None, ("encryptionConfig",)),
    ),
    Case(
        "aws-eks-cluster-control-plane-logging",
        "scheduler logs off",
        set_input(
            "aws:eks/cluster:Cluster",
            None,
            ("enabledClusterLogTypes",),
            ["api", "audit", "authenticator", "controllerManager"],
        ),
    ),
    Case("aws-eks-nodegroup-gpu-taint", "GPU nodes without taint", del_input(NG, "gpu-nodes", ("taints",))),
    Case(
        "aws-eks-nodegroup-no-ssh",
        "SSH enabled",
        set_input(NG, "system-nodes", ("remoteAccess",), {"ec2SshKey": "ops"}),
    ),
    Case(
        "aws-eks-nodegroup-gpu-family-allowed",
        "p3 GPU family",
        set_input(NG, "gpu-nodes", ("instanceTypes",), ["p3.2xlarge"]),
    ),
    # ECR
    Case(
        "aws-ecr-repository-scan-on-push",
        "no scan on push",
        set_input("aws:ecr/repository:Repository", None, ("imageScanningConfiguration", "scanOnPush"), False),
    ),
    Case(
        "aws-ecr-repository-immutable-tags",
        "mutable tags",
        set_input("aws:ecr/repository:Repository", None, ("imageTagMutability",), "MUTABLE"),
    ),
    Case(
        "aws-ecr-repository-kms",
        "AES256",
        set_input("aws:ecr/repository:Repository", None, ("encryptionConfigurations",), [{"encryptionType": "AES256"}]),
    ),
    # API Gateway
    Case(
        "aws-apigateway-stage-waf",
        "no WAF association",
        drop_resource(
            "aws:wafv2/webAclAssociation:WebAclAssociation", "acl-stage", "aws:apigateway/stage:Stage", "resourceArn"
        ),
    ),
    Case(
        "aws-apigateway-stage-access-logs",
        "no access logs",
        del_input("aws:apigateway/stage:Stage", None, ("accessLogSettings",)),
    ),
    Case(
        "aws-apigateway-stage-caching-disabled",
        "stage cache cluster",
        set_input("aws:apigateway/stage:Stage", None, ("cacheClusterEnabled",), True),
    ),
    Case(
        "aws-apigateway-stage-caching-disabled",
        "method caching",
        set_input("aws:apigateway/methodSettings:MethodSettings", None, ("settings", "cachingEnabled"), True),
    ),
    Case(
        "aws-apigateway-stage-data-trace-disabled",
        "data trace",
        set_input("aws:apigateway/methodSettings:MethodSettings", None, ("settings", "dataTraceEnabled"), True),
    ),
    Case(
        "aws-apigateway-method-authorization",
        "authorization NONE",
        set_input("aws:apigateway/method:Method", None, ("authorization",), "NONE"),
    ),
    # WAF
    Case(
        "aws-wafv2-web-acl-managed-rules",
        "no KnownBadInputs group",
        set_input(
            "aws:wafv2/webAcl:WebAcl", None, ("rules", 1, "statement"), {"geoMatchStatement": {"countryCodes": ["KP"]}}
        ),
    ),
    Case(
        "aws-wafv2-web-acl-rate-limit", "no rate-based rule", del_input("aws:wafv2/webAcl:WebAcl", None, ("rules", 2))
    ),
    Case(
        "aws-wafv2-web-acl-logging",
        "no WAF logging",
        drop_resource(
            "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
            None,
            "aws:wafv2/webAcl:WebAcl",
            "resourceArn",
        ),
    ),
    # Lambda
    Case(
        "aws-lambda-function-no-plaintext-secrets",
        "literal password",
        set_input(FN, None, ("environment", "variables", "DB_PASSWORD"), "hunter2!"),
    ),
    Case(
        "aws-lambda-function-no-plaintext-secrets",
        "token-like value under an innocent name",
        set_input(FN, None, ("environment", "variables", "UPSTREAM"), "sk-proj-4f9X2kQ7bL0pZ8mN3vR6tY1wE5"),
    ),
    Case(
        "aws-lambda-function-no-plaintext-secrets",
        "high-entropy value",
        set_input(FN, None, ("environment", "variables", "HEADER"), "q8Z3kP0vX7mB2nR5tL9wC4yH6jD1fG"),
    ),
    Case(
        "aws-lambda-function-no-plaintext-secrets",
        "credentials in a URL",
        set_input(FN, None, ("environment", "variables", "BACKEND_URL"), "https://svc:pa55w0rd@backend.internal/v1"),
    ),
    Case(
        "aws-lambda-function-no-plaintext-secrets",
        "signed URL",
        set_input(FN, None, ("environment", "variables", "WEBHOOK"), "https://hooks.example.com/x?token=abc"),
    ),
    Case(
        "aws-lambda-function-tracing",
        "PassThrough tracing",
        set_input(FN, None, ("tracingConfig", "mode"), "PassThrough"),
    ),
    Case("aws-lambda-function-runtime", "python3.8", set_input(FN, None, ("runtime",), "python3.8")),
    Case(
        "aws-lambda-permission-source-arn",
        "no sourceArn",
        del_input("aws:lambda/permission:Permission", None, ("sourceArn",)),
    ),
    Case(
        "aws-lambda-function-reserved-concurrency",
        "no reserved concurrency",
        del_input(FN, None, ("reservedConcurrentExecutions",)),
    ),
    # Secrets Manager
    Case(
        "aws-secretsmanager-secret-cmk",
        "AWS-managed key",
        del_input("aws:secretsmanager/secret:Secret", None, ("kmsKeyId",)),
    ),
    Case(
        "aws-secretsmanager-secret-rotation",
        "no rotation",
        drop_resource(
            "aws:secretsmanager/secretRotation:SecretRotation", None, "aws:secretsmanager/secret:Secret", "secretId"
        ),
    ),
    # GuardDuty
    Case("aws-guardduty-detector-enabled", "no detector", drop_all("aws:guardduty/detector:Detector")),
    Case(
        "aws-guardduty-detector-features",
        "EKS audit logs disabled",
        set_input("aws:guardduty/detectorFeature:DetectorFeature", "gd-eks_audit_logs", ("status",), "DISABLED"),
        on=("aws:guardduty/detector:Detector", None),
    ),
    Case(
        "aws-guardduty-detector-features",
        "runtime monitoring without EKS addon management",
        del_input(
            "aws:guardduty/detectorFeature:DetectorFeature", "gd-runtime_monitoring", ("additionalConfigurations",)
        ),
        on=("aws:guardduty/detector:Detector", None),
    ),
    # CloudTrail
    Case("aws-cloudtrail-trail-present", "no trail", _drop_trail),
    Case(
        "aws-cloudtrail-trail-multi-region",
        "single region",
        set_input("aws:cloudtrail/trail:Trail", None, ("isMultiRegionTrail",), False),
    ),
    Case(
        "aws-cloudtrail-trail-log-validation",
        "no validation",
        set_input("aws:cloudtrail/trail:Trail", None, ("enableLogFileValidation",), False),
    ),
    Case("aws-cloudtrail-trail-kms", "no KMS", del_input("aws:cloudtrail/trail:Trail", None, ("kmsKeyId",))),
    # Logs, SNS
    Case("aws-logs-log-group-kms", "no KMS", del_input("aws:cloudwatch/logGroup:LogGroup", None, ("kmsKeyId",))),
    Case(
        "aws-logs-log-group-retention",
        "7 days",
        set_input("aws:cloudwatch/logGroup:LogGroup", None, ("retentionInDays",), 7.0),
    ),
    Case(
        "aws-logs-log-group-retention",
        "never expires",
        del_input("aws:cloudwatch/logGroup:LogGroup", None, ("retentionInDays",)),
    ),
    Case("aws-sns-topic-kms", "no KMS", del_input("aws:sns/topic:Topic", None, ("kmsMasterKeyId",))),
    Case(
        "aws-sns-topic-policy-no-public",
        "anyone may publish",
        set_input(
            "aws:sns/topicPolicy:TopicPolicy",
            None,
            ("policy",),
            doc({"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "arn:topic"}),
        ),
    ),
    Case(
        "aws-secretsmanager-secret-policy-no-public",
        "anyone may read the secret",
        set_input(
            "aws:secretsmanager/secretPolicy:SecretPolicy",
            None,
            ("policy",),
            doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "secretsmanager:GetSecretValue",
                    "Resource": "*",
                }
            ),
        ),
    ),
    Case(
        "aws-ecr-repository-policy-no-public",
        "anyone may pull",
        set_input(
            "aws:ecr/repositoryPolicy:RepositoryPolicy",
            None,
            ("policy",),
            doc({"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}),
        ),
    ),
    # Kubernetes
    Case(
        "k8s-namespace-pod-security-enforce",
        "privileged level",
        set_input(
            "kubernetes:core/v1:Namespace",
            "inference-ns",
            ("metadata", "labels", "pod-security.kubernetes.io/enforce"),
            "privileged",
        ),
    ),
    Case(
        "k8s-namespace-default-deny",
        "no default-deny policy",
        drop_resource(
            "kubernetes:networking.k8s.io/v1:NetworkPolicy", None, "kubernetes:core/v1:Namespace", "metadata"
        ),
    ),
    Case(
        "k8s-namespace-default-deny",
        "the policy allows all ingress",
        set_input("kubernetes:networking.k8s.io/v1:NetworkPolicy", None, ("spec", "ingress"), [{}]),
        on=("kubernetes:core/v1:Namespace", "inference-ns"),
    ),
    Case(
        "k8s-pod-run-as-non-root",
        "Deployment runAsNonRoot removed",
        lambda plan: _chain(
            plan,
            del_input(DEP, None, (*SPEC, "securityContext", "runAsNonRoot")),
            del_input(DEP, None, (*C0, "securityContext", "runAsNonRoot")),
        ),
    ),
    Case(
        "k8s-pod-run-as-non-root",
        "CronJob runs as uid 0",
        set_input(
            "kubernetes:batch/v1:CronJob",
            None,
            ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"),
            0.0,
        ),
    ),
    Case(
        "k8s-pod-no-privileged",
        "privileged DaemonSet",
        set_input("kubernetes:apps/v1:DaemonSet", None, (*C0, "securityContext", "privileged"), True),
    ),
    Case(
        "k8s-pod-no-privileged",
        "hostNetwork Pod",
        set_input("kubernetes:core/v1:Pod", None, ("spec", "hostNetwork"), True),
    ),
    Case(
        "k8s-pod-no-privilege-escalation",
        "escalation allowed in a StatefulSet",
        del_input("kubernetes:apps/v1:StatefulSet", None, (*C0, "securityContext", "allowPrivilegeEscalation")),
    ),
    Case(
        "k8s-pod-resource-limits",
        "Job without memory limit",
        del_input("kubernetes:batch/v1:Job", None, (*C0, "resources", "limits", "memory")),
    ),
    Case("k8s-pod-image-digest", "tag instead of digest", set_input(DEP, None, (*C0, "image"), f"{ECR}/inference:1.0")),
    Case(
        "k8s-pod-image-trusted-registry",
        "Docker Hub image",
        set_input(DEP, None, (*C0, "image"), f"library/python{DIGEST}"),
    ),
    # Tags
    Case("aws-tags-required", "provider defaultTags without Owner/CostCenter/Environment", _untag_provider),
]


__all__ = ["AWS_PROVIDER", "CASES", "KEY_ARN", "Case"]
