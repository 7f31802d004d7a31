"""A small stack in which every resource complies with every rule, and helpers to change one field.

Tests build non-compliant cases as "this compliant stack with one field changed", as
pulumi/compliance-policies does."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

PROJECT = "genai-platform"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111-2222"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/genai-serve"
DIGEST = "@sha256:" + "a" * 64
ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
TAGS = {"Project": PROJECT, "Environment": "dev", "Owner": "platform-team", "CostCenter": "genai-dev"}

Resource = dict[str, Any]
Plan = dict[str, Any]


def urn(type_: str, name: str, stack: str = "test") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


STACK_URN = f"urn:pulumi:test::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-test"
AWS_PROVIDER = urn("pulumi:providers:aws", "aws")
K8S_PROVIDER = urn("pulumi:providers:kubernetes", "k8s")


def resource(
    type_: str, name: str, inputs: dict[str, Any], deps: dict[str, list[str]] | None = None, provider: str | None = None
) -> Resource:
    if provider is None:
        provider = K8S_PROVIDER if type_.startswith("kubernetes:") else AWS_PROVIDER
    prop_deps = {k: sorted(v) for k, v in (deps or {}).items()}
    return {
        "urn": urn(type_, name),
        "type": type_,
        "name": name,
        "custom": True,
        "parent": STACK_URN,
        "provider": f"{provider}::{name}-provider-id",
        "inputs": inputs,
        "dependencies": sorted({u for v in prop_deps.values() for u in v}),
        "propertyDependencies": prop_deps,
    }


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


PREPARE_READ = {
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:GetObjectVersion"],
    "Resource": "arn:aws:s3:::raw/*",
    "Condition": {"StringEquals": {"s3:ExistingObjectTag/scan_status": "clean"}},
}
TLS_DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _bucket(name: str, classification: str | None, kms: bool) -> list[Resource]:
    bucket_tags = {"DataClassification": classification} if classification else {}
    bucket = resource("aws:s3/bucket:Bucket", name, {"tags": bucket_tags})
    b = {"bucket": [bucket["urn"]]}
    sse = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN} if kms else {"sseAlgorithm": "AES256"}
    return [
        bucket,
        resource(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            f"{name}-sse",
            {"bucket": name, "rules": [{"applyServerSideEncryptionByDefault": sse, "bucketKeyEnabled": True}]},
            b,
        ),
        resource(
            "aws:s3/bucketVersioning:BucketVersioning",
            f"{name}-versioning",
            {"bucket": name, "versioningConfiguration": {"status": "Enabled"}},
            b,
        ),
        resource(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"{name}-pab",
            {
                "bucket": name,
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
            b,
        ),
        resource(
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            f"{name}-ownership",
            {"bucket": name, "rule": {"objectOwnership": "BucketOwnerEnforced"}},
            b,
        ),
        resource("aws:s3/bucketPolicy:BucketPolicy", f"{name}-policy", {"bucket": name, "policy": doc(TLS_DENY)}, b),
    ]


def _container(name: str, image: str) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
        },
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "512Mi"}},
    }


def _pod_spec(name: str, image: str) -> dict[str, Any]:
    return {
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [_container(name, image)],
    }


def _template(name: str, image: str) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": name}}, "spec": _pod_spec(name, image)}


def compliant_resources() -> list[Resource]:
    r: list[Resource] = []
    stack = {
        "urn": STACK_URN,
        "type": "pulumi:pulumi:Stack",
        "name": f"{PROJECT}-test",
        "custom": False,
        "parent": None,
        "provider": None,
        "inputs": {},
        "dependencies": [],
        "propertyDependencies": {},
    }
    r.append(stack)
    r.append(
        {
            **resource(
                "pulumi:providers:aws",
                "aws",
                {"region": REGION, "defaultTags": json.dumps({"tags": TAGS}), "skipCredentialsValidation": "false"},
            ),
            "provider": None,
            "custom": True,
        }
    )
    r.append({**resource("pulumi:providers:kubernetes", "k8s", {"kubeconfig": "[secret]"}), "provider": None})
    key = resource(
        "aws:kms/key:Key",
        "data-key",
        {
            "enableKeyRotation": True,
            "deletionWindowInDays": 30.0,
            "policy": doc(
                {
                    "Sid": "Root",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ),
        },
    )
    r.append(key)
    r += _bucket("data", "confidential", kms=True)
    r += _bucket("models", "internal", kms=True)
    r += _bucket("logs", None, kms=False)
    logs_urn = urn("aws:s3/bucket:Bucket", "logs")
    for name in ("data", "models"):
        r.append(
            resource(
                "aws:s3/bucketLogging:BucketLogging",
                f"{name}-logging",
                {"bucket": name, "targetBucket": "logs", "targetPrefix": f"{name}/"},
                {"bucket": [urn("aws:s3/bucket:Bucket", name)], "targetBucket": [logs_urn]},
            )
        )
    # IAM
    trust = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
    read = doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::data/*"})
    r.append(
        resource(
            "aws:iam/role:Role",
            "serve-role",
            {"assumeRolePolicy": trust, "inlinePolicies": [{"name": "read", "policy": read}]},
        )
    )
    role_urn = urn("aws:iam/role:Role", "serve-role")
    r.append(
        resource(
            "aws:iam/rolePolicy:RolePolicy",
            "serve-kms",
            {"role": "serve-role", "policy": doc({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": KEY_ARN})},
            {"role": [role_urn]},
        )
    )
    prepare_trust = doc(
        {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    r.append(
        resource(
            "aws:iam/role:Role",
            "prepare-role",
            {"assumeRolePolicy": prepare_trust, "tags": {"PipelineStage": "prepare"}},
        )
    )
    r.append(
        resource(
            "aws:iam/rolePolicy:RolePolicy",
            "prepare-read",
            {"role": "prepare-role", "policy": doc(PREPARE_READ)},
            {"role": [urn("aws:iam/role:Role", "prepare-role")]},
        )
    )
    r.append(
        resource(
            "aws:iam/policy:Policy",
            "deploy-policy",
            {
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Action": "iam:PassRole",
                        "Resource": ROLE_ARN,
                        "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
                    },
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
                )
            },
        )
    )
    r.append(
        resource(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "serve-ssm",
            {"role": "serve-role", "policyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
            {"role": [role_urn]},
        )
    )
    # EC2 / VPC
    vpc = resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True})
    v = {"vpcId": [vpc["urn"]]}
    r.append(vpc)
    r.append(
        resource(
            "aws:ec2/flowLog:FlowLog",
            "vpc-flow",
            {"vpcId": "vpc-1", "trafficType": "ALL", "logDestination": "arn:aws:logs:x"},
            v,
        )
    )
    r.append(resource("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "vpc-default", {"vpcId": "vpc-1"}, v))
    r.append(
        resource(
            "aws:ec2/securityGroup:SecurityGroup",
            "app-sg",
            {
                "vpcId": "vpc-1",
                "description": "app",
                "ingress": [{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["10.0.0.0/16"]}],
                "egress": [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["10.0.0.0/16"]}],
            },
            v,
        )
    )
    app_sg = urn("aws:ec2/securityGroup:SecurityGroup", "app-sg")
    r.append(
        resource(
            "aws:ec2/securityGroup:SecurityGroup",
            "lb-sg",
            {
                "vpcId": "vpc-1",
                "description": "public lb",
                "ingress": [
                    {
                        "protocol": "tcp",
                        "fromPort": 443.0,
                        "toPort": 443.0,
                        "cidrBlocks": ["0.0.0.0/0"],
                        "ipv6CidrBlocks": ["::/0"],
                    }
                ],
            },
            v,
        )
    )
    lb_sg = urn("aws:ec2/securityGroup:SecurityGroup", "lb-sg")
    r.append(
        resource(
            "aws:lb/loadBalancer:LoadBalancer",
            "public-lb",
            {
                "internal": False,
                "loadBalancerType": "application",
                "securityGroups": ["sg-lb"],
                "dropInvalidHeaderFields": True,
                "accessLogs": {"enabled": True, "bucket": "logs"},
            },
            {"securityGroups": [lb_sg]},
        )
    )
    r.append(
        resource(
            "aws:wafv2/webAclAssociation:WebAclAssociation",
            "acl-lb",
            {"resourceArn": "arn:aws:elasticloadbalancing:lb", "webAclArn": "arn:acl"},
            {"resourceArn": [urn("aws:lb/loadBalancer:LoadBalancer", "public-lb")]},
        )
    )
    r.append(
        resource(
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "app-from-lb",
            {
                "type": "ingress",
                "protocol": "tcp",
                "fromPort": 8080.0,
                "toPort": 8080.0,
                "securityGroupId": "sg-app",
                "cidrBlocks": ["10.0.0.0/16"],
            },
            {"securityGroupId": [app_sg]},
        )
    )
    r.append(
        resource(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "lb-https",
            {
                "securityGroupId": "sg-lb",
                "ipProtocol": "tcp",
                "fromPort": 443.0,
                "toPort": 443.0,
                "cidrIpv4": "0.0.0.0/0",
            },
            {"securityGroupId": [lb_sg]},
        )
    )
    r.append(
        resource(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "app-internal",
            {
                "securityGroupId": "sg-app",
                "ipProtocol": "tcp",
                "fromPort": 9000.0,
                "toPort": 9000.0,
                "cidrIpv4": "10.0.0.0/16",
            },
            {"securityGroupId": [app_sg]},
        )
    )
    r.append(
        resource(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "gpu-lt",
            {
                "metadataOptions": {
                    "httpTokens": "required",
                    "httpPutResponseHopLimit": 2.0,
                    "httpEndpoint": "enabled",
                },
                "blockDeviceMappings": [
                    {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": KEY_ARN, "volumeSize": 100.0}}
                ],
            },
        )
    )
    # EKS
    r.append(
        resource(
            "aws:eks/cluster:Cluster",
            "cluster",
            {
                "roleArn": ROLE_ARN,
                "vpcConfig": {"endpointPrivateAccess": True, "endpointPublicAccess": False, "subnetIds": ["subnet-1"]},
                "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": KEY_ARN}},
                "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            },
        )
    )
    r.append(
        resource(
            "aws:eks/nodeGroup:NodeGroup",
            "system-nodes",
            {
                "clusterName": "cluster",
                "instanceTypes": ["m6i.large"],
                "amiType": "AL2023_x86_64_STANDARD",
                "scalingConfig": {"desiredSize": 2.0, "maxSize": 3.0, "minSize": 1.0},
            },
        )
    )
    r.append(
        resource(
            "aws:eks/nodeGroup:NodeGroup",
            "gpu-nodes",
            {
                "clusterName": "cluster",
                "instanceTypes": ["g5.xlarge"],
                "amiType": "AL2023_x86_64_NVIDIA",
                "taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}],
                "scalingConfig": {"desiredSize": 1.0, "maxSize": 2.0, "minSize": 0.0},
            },
        )
    )
    # ECR
    r.append(
        resource(
            "aws:ecr/repository:Repository",
            "inference-repo",
            {
                "imageScanningConfiguration": {"scanOnPush": True},
                "imageTagMutability": "IMMUTABLE",
                "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY_ARN}],
            },
        )
    )
    # API Gateway + WAF
    r.append(resource("aws:apigateway/restApi:RestApi", "api", {"name": "api"}))
    api = urn("aws:apigateway/restApi:RestApi", "api")
    r.append(
        resource(
            "aws:apigateway/stage:Stage",
            "api-stage",
            {
                "restApi": "api-id",
                "stageName": "v1",
                "xrayTracingEnabled": True,
                "cacheClusterEnabled": False,
                "accessLogSettings": {"destinationArn": "arn:aws:logs:eu-west-1:1:log-group:api", "format": "{}"},
            },
            {"restApi": [api]},
        )
    )
    stage = urn("aws:apigateway/stage:Stage", "api-stage")
    r.append(
        resource(
            "aws:apigateway/methodSettings:MethodSettings",
            "api-settings",
            {
                "restApi": "api-id",
                "stageName": "v1",
                "methodPath": "*/*",
                "settings": {
                    "metricsEnabled": True,
                    "loggingLevel": "INFO",
                    "dataTraceEnabled": False,
                    "cachingEnabled": False,
                },
            },
            {"restApi": [api], "stageName": [stage]},
        )
    )
    r.append(
        resource(
            "aws:apigateway/method:Method",
            "api-post",
            {"restApi": "api-id", "resourceId": "r", "httpMethod": "POST", "authorization": "AWS_IAM"},
            {"restApi": [api]},
        )
    )
    waf_rules = [
        {
            "name": "common",
            "priority": 1.0,
            "overrideAction": {"none": {}},
            "statement": {"managedRuleGroupStatement": {"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}},
        },
        {
            "name": "bad-inputs",
            "priority": 2.0,
            "overrideAction": {"none": {}},
            "statement": {
                "managedRuleGroupStatement": {"name": "AWSManagedRulesKnownBadInputsRuleSet", "vendorName": "AWS"}
            },
        },
        {
            "name": "rate",
            "priority": 3.0,
            "action": {"block": {}},
            "statement": {"rateBasedStatement": {"limit": 1000.0, "aggregateKeyType": "IP"}},
        },
    ]
    r.append(
        resource(
            "aws:wafv2/webAcl:WebAcl", "acl", {"scope": "REGIONAL", "defaultAction": {"allow": {}}, "rules": waf_rules}
        )
    )
    acl = urn("aws:wafv2/webAcl:WebAcl", "acl")
    r.append(
        resource(
            "aws:wafv2/webAclAssociation:WebAclAssociation",
            "acl-stage",
            {"resourceArn": "arn:aws:apigateway:stage", "webAclArn": "arn:acl"},
            {"resourceArn": [stage], "webAclArn": [acl]},
        )
    )
    r.append(
        resource(
            "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
            "acl-logging",
            {"resourceArn": "arn:acl", "logDestinationConfigs": ["arn:aws:logs:eu-west-1:1:log-group:aws-waf-logs-x"]},
            {"resourceArn": [acl]},
        )
    )
    # Lambda
    r.append(
        resource(
            "aws:lambda/function:Function",
            "filter",
            {
                "runtime": "python3.12",
                "handler": "h.handler",
                "role": ROLE_ARN,
                "reservedConcurrentExecutions": 10.0,
                "tracingConfig": {"mode": "Active"},
                "environment": {
                    "variables": {
                        "API_KEY_SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:genai/api-key-AbCdEf",
                        "TOKEN_SECRET_NAME": "genai/dev/upstream-token",
                        "MODEL_NAME": "llama-3-8b-instruct",
                        "LOG_LEVEL": "INFO",
                        "SECRETS_MANAGER_ENDPOINT": f"https://secretsmanager.{REGION}.amazonaws.com",
                        "DOCS_URL": "https://docs.example.com/Models/V2/Reference/Index.html",
                    }
                },
            },
        )
    )
    r.append(
        resource(
            "aws:lambda/permission:Permission",
            "filter-invoke",
            {
                "action": "lambda:InvokeFunction",
                "function": "filter",
                "principal": "apigateway.amazonaws.com",
                "sourceArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT}:api-id/*/*",
            },
        )
    )
    # Secrets
    r.append(resource("aws:secretsmanager/secret:Secret", "api-key", {"kmsKeyId": KEY_ARN}))
    secret = urn("aws:secretsmanager/secret:Secret", "api-key")
    r.append(
        resource(
            "aws:secretsmanager/secretRotation:SecretRotation",
            "api-key-rotation",
            {
                "secretId": "arn:secret",
                "rotationLambdaArn": "arn:lambda",
                "rotationRules": {"automaticallyAfterDays": 30.0},
            },
            {"secretId": [secret]},
        )
    )
    # GuardDuty
    r.append(resource("aws:guardduty/detector:Detector", "detector", {"enable": True}))
    det = {"detectorId": [urn("aws:guardduty/detector:Detector", "detector")]}
    for feature in ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION"):
        r.append(
            resource(
                "aws:guardduty/detectorFeature:DetectorFeature",
                f"gd-{feature.lower()}",
                {"detectorId": "d", "name": feature, "status": "ENABLED"},
                det,
            )
        )
    r.append(
        resource(
            "aws:guardduty/detectorFeature:DetectorFeature",
            "gd-runtime_monitoring",
            {
                "detectorId": "d",
                "name": "RUNTIME_MONITORING",
                "status": "ENABLED",
                "additionalConfigurations": [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}],
            },
            det,
        )
    )
    # CloudTrail, logs, SNS
    r.append(
        resource(
            "aws:cloudtrail/trail:Trail",
            "trail",
            {
                "s3BucketName": "logs",
                "isMultiRegionTrail": True,
                "enableLogFileValidation": True,
                "kmsKeyId": KEY_ARN,
                "includeGlobalServiceEvents": True,
                "cloudWatchLogsGroupArn": "arn:aws:logs:eu-west-1:1:log-group:trail:*",
                "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/trail",
            },
            {"s3BucketName": [logs_urn]},
        )
    )
    r.append(
        resource(
            "aws:redshift/parameterGroup:ParameterGroup",
            "warehouse-params",
            {"family": "redshift-1.0", "parameters": [{"name": "require_ssl", "value": "true"}]},
        )
    )
    r.append(
        resource(
            "aws:redshift/cluster:Cluster",
            "warehouse",
            {
                "clusterIdentifier": "warehouse",
                "nodeType": "ra3.xlplus",
                "encrypted": True,
                "kmsKeyId": KEY_ARN,
                "clusterParameterGroupName": "warehouse-params-1a2b3c",
            },
            {"clusterParameterGroupName": [urn("aws:redshift/parameterGroup:ParameterGroup", "warehouse-params")]},
        )
    )
    r.append(
        resource(
            "aws:redshift/logging:Logging",
            "warehouse-audit",
            {"clusterIdentifier": "warehouse", "logDestinationType": "cloudwatch", "logExports": ["connectionlog"]},
            {"clusterIdentifier": [urn("aws:redshift/cluster:Cluster", "warehouse")]},
        )
    )
    r.append(resource("aws:cloudwatch/logGroup:LogGroup", "api-logs", {"kmsKeyId": KEY_ARN, "retentionInDays": 365.0}))
    r.append(resource("aws:sns/topic:Topic", "alarms", {"kmsMasterKeyId": KEY_ARN}))
    r.append(
        resource(
            "aws:sns/topicPolicy:TopicPolicy",
            "alarms-policy",
            {
                "arn": "arn:topic",
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "events.amazonaws.com"},
                        "Action": "sns:Publish",
                        "Resource": "arn:topic",
                        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                    }
                ),
            },
        )
    )
    r.append(
        resource(
            "aws:secretsmanager/secretPolicy:SecretPolicy",
            "api-key-policy",
            {
                "secretArn": "arn:secret",
                "policy": doc(
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:PrincipalArn": ROLE_ARN}},
                    }
                ),
            },
        )
    )
    r.append(
        resource(
            "aws:ecr/repositoryPolicy:RepositoryPolicy",
            "inference-repo-policy",
            {
                "repository": "inference",
                "policy": doc({"Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": ["ecr:BatchGetImage"]}),
            },
        )
    )
    # Kubernetes
    r.append(
        resource(
            "kubernetes:core/v1:Namespace",
            "inference-ns",
            {"metadata": {"name": "inference", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}},
        )
    )
    r.append(resource("kubernetes:core/v1:Namespace", "kube-system-ns", {"metadata": {"name": "kube-system"}}))
    r.append(
        resource(
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "inference-deny",
            {
                "metadata": {"name": "default-deny", "namespace": "inference"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
            },
            {"metadata": [urn("kubernetes:core/v1:Namespace", "inference-ns")]},
        )
    )
    image = f"{ECR}/inference{DIGEST}"
    meta = {"namespace": "inference"}
    r.append(
        resource(
            "kubernetes:apps/v1:Deployment",
            "inference",
            {
                "metadata": meta,
                "spec": {
                    "replicas": 2.0,
                    "selector": {"matchLabels": {"app": "inference"}},
                    "template": _template("inference", image),
                },
            },
        )
    )
    r.append(
        resource(
            "kubernetes:apps/v1:DaemonSet",
            "device-plugin",
            {
                "metadata": {"namespace": "kube-system"},
                "spec": {
                    "selector": {"matchLabels": {"app": "dp"}},
                    "template": _template("nvidia-device-plugin", f"nvcr.io/nvidia/k8s-device-plugin{DIGEST}"),
                },
            },
        )
    )
    r.append(
        resource(
            "kubernetes:apps/v1:StatefulSet",
            "vector-db",
            {
                "metadata": meta,
                "spec": {
                    "serviceName": "db",
                    "selector": {"matchLabels": {"app": "db"}},
                    "template": _template("db", f"{ECR}/db{DIGEST}"),
                },
            },
        )
    )
    r.append(
        resource(
            "kubernetes:batch/v1:Job",
            "migrate",
            {"metadata": meta, "spec": {"template": _template("migrate", f"{ECR}/migrate{DIGEST}")}},
        )
    )
    r.append(
        resource(
            "kubernetes:batch/v1:CronJob",
            "reindex",
            {
                "metadata": meta,
                "spec": {
                    "schedule": "0 * * * *",
                    "jobTemplate": {"spec": {"template": _template("reindex", f"{ECR}/reindex{DIGEST}")}},
                },
            },
        )
    )
    r.append(
        resource(
            "kubernetes:core/v1:Pod", "debug", {"metadata": meta, "spec": _pod_spec("debug", f"{ECR}/debug{DIGEST}")}
        )
    )
    r.extend(_scan_queue())
    return r


def _scan_queue() -> list[Resource]:
    """S3 events → a CMK-encrypted queue with a DLQ → a Lambda event source mapping."""
    queue_type = "aws:sqs/queue:Queue"
    dlq_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:scan-dlq"
    queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:scan"
    return [
        resource(queue_type, "scan-dlq", {"kmsMasterKeyId": KEY_ARN}),
        resource(
            queue_type,
            "scan",
            {
                "kmsMasterKeyId": KEY_ARN,
                "redrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}),
            },
        ),
        resource(
            "aws:lambda/eventSourceMapping:EventSourceMapping",
            "scan-events",
            {
                "eventSourceArn": queue_arn,
                "functionName": "scanner",
                "functionResponseTypes": ["ReportBatchItemFailures"],
            },
            {"eventSourceArn": [urn(queue_type, "scan")]},
        ),
        resource(
            "aws:s3/bucketNotification:BucketNotification",
            "scan-notification",
            {"bucket": "raw", "queues": [{"queueArn": queue_arn, "events": ["s3:ObjectCreated:*"]}]},
            {"queues": [urn(queue_type, "scan")]},
        ),
    ]


def compliant_plan() -> Plan:
    return {"schemaVersion": 1, "project": PROJECT, "stack": "test", "config": {}, "resources": compliant_resources()}


# --- one-field changes --------------------------------------------------------------------------

Path = tuple[str | int, ...]


def find(plan: Plan, type_: str, name: str | None = None) -> Resource:
    for r in plan["resources"]:
        if r["type"] == type_ and (name is None or r["name"] == name):
            return r  # type: ignore[no-any-return]
    raise LookupError(f"no {type_} {name or ''} in plan")


def set_path(target: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        target = target[key] if isinstance(key, int) else target.setdefault(key, {})
    target[path[-1]] = value


def del_path(target: Any, path: Path) -> None:
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, dict):
        target.pop(path[-1], None)
    else:
        del target[path[-1]]


def get_path(target: Any, path: Path) -> Any:
    for key in path:
        target = target[key]
    return target


Mutation = Callable[[Plan], str]


def with_change(plan: Plan, mutate: Mutation) -> tuple[Plan, str]:
    """A deep copy of ``plan`` changed by ``mutate``, and the URN ``mutate`` says it targeted."""
    changed = copy.deepcopy(plan)
    return changed, mutate(changed)


def set_input(type_: str, name: str | None, path: Path, value: Any) -> Mutation:
    def mutate(plan: Plan) -> str:
        r = find(plan, type_, name)
        set_path(r["inputs"], path, value)
        return str(r["urn"])

    return mutate


def del_input(type_: str, name: str | None, path: Path) -> Mutation:
    def mutate(plan: Plan) -> str:
        r = find(plan, type_, name)
        del_path(r["inputs"], path)
        return str(r["urn"])

    return mutate


def drop_resource(type_: str, name: str | None, reported_type: str, reported_dep: str) -> Mutation:
    """Remove a resource; the violation is reported on the resource it pointed at through ``reported_dep``."""

    def mutate(plan: Plan) -> str:
        r = find(plan, type_, name)
        plan["resources"].remove(r)
        targets = [
            u
            for u in r["propertyDependencies"].get(reported_dep, [])
            if f"::{reported_type}::" in u or u.split("::")[-2].endswith(reported_type)
        ]
        return targets[0] if targets else STACK_URN

    return mutate


def drop_all(type_: str) -> Mutation:
    def mutate(plan: Plan) -> str:
        plan["resources"] = [r for r in plan["resources"] if r["type"] != type_]
        return STACK_URN

    return mutate
