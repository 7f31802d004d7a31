"""Hand-built plan documents in the docs/plan-format.md shape, modelled on the dev stack."""

from __future__ import annotations

import copy
import json
from typing import Any

STACK = "dev"
PROJECT = "genai-platform"
ACCOUNT = "111122223333"
PROVIDER = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::aws"


def urn(chain: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{chain}::{name}"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _res(chain: str, name: str, inputs: dict[str, Any], parent: str | None = None, **extra: Any) -> dict[str, Any]:
    rtype = chain.rsplit("$", 1)[-1]
    return {
        "urn": urn(chain, name),
        "type": rtype,
        "name": name,
        "custom": not rtype.startswith("genai:"),
        "id": f"{name}-id",
        "parent": parent,
        "provider": None if rtype.startswith("genai:") else f"{PROVIDER}::p-1",
        "protect": False,
        "retainOnDelete": False,
        "dependencies": [],
        "propertyDependencies": {},
        "inputs": inputs,
        "outputs": {"arn": f"arn:aws:test:::{name}"},
        **extra,
    }


TAGS = {"Project": PROJECT, "Environment": STACK, "ManagedBy": "pulumi"}
DL = "genai:data:DataLake"
SEC = "genai:security:Security"
CMP = "genai:compute:Compute"
EDGE = "genai:edge:Edge"


def dev_plan() -> dict[str, Any]:
    resources: list[dict[str, Any]] = [
        _res("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}", {}),
        _res(DL, "datalake", {}),
        _res(SEC, "security", {}),
        _res(CMP, "compute", {}),
        _res(EDGE, "edge", {}),
        _res(
            f"{DL}$aws:kms/key:Key",
            "datalake-key",
            {
                "description": "data lake",
                "enableKeyRotation": True,
                "deletionWindowInDays": 7,
                "tags": TAGS,
                "policy": _doc(
                    {
                        "Sid": "Admin",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                        "Action": ["kms:Describe*", "kms:Put*"],
                        "Resource": "*",
                    }
                ),
            },
        ),
    ]
    for name in ("raw", "curated", "models", "audit", "access-logs"):
        chain = f"{DL}$aws:s3/bucket:Bucket"
        bucket = f"genai-dev-{name}"
        resources += [
            _res(
                chain, f"datalake-{name}", {"bucket": bucket, "forceDestroy": True, "tags": {**TAGS, "Purpose": name}}
            ),
            _res(
                f"{DL}$aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                f"datalake-{name}-pab",
                {
                    "bucket": bucket,
                    "blockPublicAcls": True,
                    "blockPublicPolicy": True,
                    "ignorePublicAcls": True,
                    "restrictPublicBuckets": True,
                },
            ),
            _res(
                f"{DL}$aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                f"datalake-{name}-sse",
                {
                    "bucket": bucket,
                    "rules": [
                        {
                            "applyServerSideEncryptionByDefault": (
                                {"sseAlgorithm": "AES256"}
                                if name == "access-logs"
                                else {
                                    "sseAlgorithm": "aws:kms",
                                    "kmsMasterKeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234",
                                }
                            ),
                            "bucketKeyEnabled": True,
                        }
                    ],
                },
            ),
            _res(
                f"{DL}$aws:s3/bucketVersioning:BucketVersioning",
                f"datalake-{name}-versioning",
                {
                    "bucket": bucket,
                    "versioningConfiguration": {"status": "Enabled"},
                },
            ),
            _res(
                f"{DL}$aws:s3/bucketPolicy:BucketPolicy",
                f"datalake-{name}-policy",
                {
                    "bucket": bucket,
                    "policy": _doc(
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ),
                },
            ),
        ]
    trust_lambda = _doc(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    resources += [
        _res(
            f"{SEC}$aws:iam/role:Role",
            "ingest-role",
            {
                "assumeRolePolicy": trust_lambda,
                "tags": TAGS,
                "inlinePolicies": [
                    {
                        "name": "read-raw",
                        "policy": _doc(
                            {
                                "Effect": "Allow",
                                "Action": ["s3:GetObject", "s3:ListBucket"],
                                "Resource": ["arn:aws:s3:::genai-dev-raw", "arn:aws:s3:::genai-dev-raw/*"],
                            }
                        ),
                    }
                ],
            },
        ),
        _res(
            f"{SEC}$aws:iam/role:Role",
            "training-role",
            {
                "assumeRolePolicy": _doc(
                    {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ),
                "tags": TAGS,
            },
        ),
        _res(
            f"{SEC}$aws:iam/rolePolicy:RolePolicy",
            "training-curated-read",
            {
                "role": "training-role",
                "policy": _doc(
                    {
                        "Sid": "ReadCurated",
                        "Effect": "Allow",
                        "Action": ["s3:GetObject"],
                        "Resource": "arn:aws:s3:::genai-dev-curated/*",
                    },
                    {
                        "Sid": "WriteModels",
                        "Effect": "Allow",
                        "Action": ["s3:PutObject"],
                        "Resource": "arn:aws:s3:::genai-dev-models/*",
                    },
                ),
            },
        ),
        _res(
            f"{CMP}$aws:ec2/securityGroup:SecurityGroup",
            "inference-sg",
            {
                "description": "inference pods",
                "vpcId": "vpc-1",
                "tags": TAGS,
                "ingress": [{"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "cidrBlocks": ["10.40.0.0/16"]}],
                "egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}],
            },
        ),
        _res(
            f"{CMP}$aws:eks/cluster:Cluster",
            "cluster",
            {
                "name": "genai-dev",
                "version": "1.33",
                "roleArn": f"arn:aws:iam::{ACCOUNT}:role/eks",
                "vpcConfig": {
                    "endpointPrivateAccess": True,
                    "endpointPublicAccess": True,
                    "publicAccessCidrs": ["203.0.113.0/24"],
                    "subnetIds": ["subnet-1", "subnet-2"],
                },
                "encryptionConfig": {
                    "provider": {"keyArn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/eks"},
                    "resources": ["secrets"],
                },
                "enabledClusterLogTypes": ["api", "audit", "authenticator"],
            },
        ),
        _res(
            f"{SEC}$aws:cloudtrail/trail:Trail",
            "trail",
            {
                "name": "genai-dev",
                "s3BucketName": "genai-dev-audit",
                "enableLogging": True,
                "enableLogFileValidation": True,
                "isMultiRegionTrail": True,
                "kmsKeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/audit",
            },
        ),
        _res(
            f"{SEC}$aws:guardduty/detector:Detector",
            "detector",
            {"enable": True, "findingPublishingFrequency": "FIFTEEN_MINUTES"},
        ),
    ]
    for feature in (
        "S3_DATA_EVENTS",
        "EKS_AUDIT_LOGS",
        "RUNTIME_MONITORING",
        "LAMBDA_NETWORK_LOGS",
        "EBS_MALWARE_PROTECTION",
    ):
        resources.append(
            _res(
                f"{SEC}$aws:guardduty/detectorFeature:DetectorFeature",
                f"gd-{feature.lower()}",
                {
                    "detectorId": "det-1",
                    "name": feature,
                    "status": "ENABLED",
                },
            )
        )
    resources += [
        _res(
            f"{EDGE}$aws:wafv2/webAcl:WebAcl",
            "waf",
            {
                "scope": "REGIONAL",
                "defaultAction": {"allow": {}},
                "rules": [
                    {
                        "name": "common",
                        "priority": 1,
                        "overrideAction": {"none": {}},
                        "statement": {
                            "managedRuleGroupStatement": {"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}
                        },
                    },
                    {
                        "name": "rate",
                        "priority": 2,
                        "action": {"block": {}},
                        "statement": {"rateBasedStatement": {"limit": 1000, "aggregateKeyType": "IP"}},
                    },
                ],
            },
        ),
        _res(
            f"{EDGE}$aws:wafv2/webAclAssociation:WebAclAssociation",
            "waf-assoc",
            {"resourceArn": "arn:stage", "webAclArn": "arn:waf"},
        ),
        _res(
            f"{EDGE}$aws:apigateway/method:Method",
            "screen-post",
            {
                "httpMethod": "POST",
                "authorization": "AWS_IAM",
                "restApi": "api-1",
                "resourceId": "r-1",
            },
        ),
        _res(
            f"{EDGE}$aws:apigateway/methodSettings:MethodSettings",
            "settings",
            {
                "restApi": "api-1",
                "stageName": "v1",
                "methodPath": "*/*",
                "settings": {"dataTraceEnabled": False, "loggingLevel": "INFO", "metricsEnabled": True},
            },
        ),
        _res(
            f"{EDGE}$aws:lambda/function:Function",
            "filter",
            {
                "runtime": "python3.12",
                "handler": "genai_filter.handler",
                "tracingConfig": {"mode": "Active"},
                "environment": {"variables": {"LOG_LEVEL": "INFO", "BACKEND_TOKEN": "[secret]"}},
            },
            secretPaths=["environment.variables.BACKEND_TOKEN"],
        ),
        _res(
            f"{SEC}$aws:secretsmanager/secret:Secret",
            "backend-token",
            {"name": "genai-dev/backend-token", "kmsKeyId": "alias/genai-dev"},
        ),
        _res(
            f"{SEC}$aws:secretsmanager/secretRotation:SecretRotation",
            "backend-token-rotation",
            {
                "secretId": "genai-dev/backend-token",
                "rotationRules": {"automaticallyAfterDays": 30},
            },
        ),
        _res(
            f"{EDGE}$aws:cloudwatch/logGroup:LogGroup",
            "filter-logs",
            {
                "name": "/aws/lambda/genai-dev-filter",
                "retentionInDays": 30,
                "kmsKeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/logs",
            },
        ),
    ]
    resources.sort(key=lambda r: r["urn"])
    return {
        "schemaVersion": 1,
        "tool": "genai-platform preview",
        "project": PROJECT,
        "stack": STACK,
        "program": "infra",
        "config": {"aws:region": "eu-west-1", "genai-platform:environment": STACK},
        "summary": {"resources": len(resources)},
        "resources": resources,
        "policy": {"violations": []},
    }


def find(plan: dict[str, Any], name: str) -> dict[str, Any]:
    for r in plan["resources"]:
        if r["name"] == name:
            return r  # type: ignore[no-any-return]
    raise KeyError(name)


def widen_and_open(plan: dict[str, Any]) -> dict[str, Any]:
    """The mutation of the acceptance criterion: widen a role policy and open a security group."""
    head = copy.deepcopy(plan)
    policy = find(head, "training-curated-read")["inputs"]
    doc = json.loads(policy["policy"])
    doc["Statement"][0]["Action"] = ["s3:*"]
    doc["Statement"][0]["Resource"] = "*"
    policy["policy"] = json.dumps(doc)
    find(head, "inference-sg")["inputs"]["ingress"].append(
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}
    )
    return head
