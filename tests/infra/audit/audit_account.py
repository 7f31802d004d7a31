"""Builds a compliant dev account with boto3 (against moto, in-process or over HTTP)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any, ClassVar

from botocore.exceptions import ClientError

REGION = "eu-west-1"
ENV = "dev"
TAGS = {"Project": "genai-platform", "Environment": ENV, "ManagedBy": "pulumi"}
FEATURES = ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION")
BUCKETS = ("raw", "curated", "models", "audit", "access-logs")
# One CMK per owner, aliased as the stacks alias them (infra/audit/checks.py KEY_OWNERS).
KEYS = (
    "datalake-raw",
    "datalake-curated",
    "datalake-models",
    "datalake-audit",
    "edge-secrets",
    "edge-logs",
    "eks-secrets",
    "eks-logs",
    "operations",
)

Client = Callable[[str], Any]
BOOTSTRAP = json.dumps({"bootstrap": "rotate-immediately"})  # as components.secrets.BOOTSTRAP_VALUE


def unfinished_rotation(client: Client, name: str) -> str:
    """A platform secret whose first rotation never finished: the bootstrap value is still AWSCURRENT."""
    sm = client("secretsmanager")
    arn = str(sm.create_secret(Name=name, SecretString=BOOTSTRAP, Tags=_tag_list())["ARN"])
    # moto records the rotation, stages an AWSPENDING version, then fails to invoke the absent function
    with contextlib.suppress(ClientError):
        sm.rotate_secret(
            SecretId=arn,
            RotationLambdaARN=f"arn:aws:lambda:{REGION}:123456789012:function:rotate",
            RotationRules={"AutomaticallyAfterDays": 30},
        )
    return arn


def _tag_list(extra: dict[str, str] | None = None) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in {**TAGS, **(extra or {})}.items()]


def tls_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def build(client: Client) -> dict[str, Any]:
    """Create every resource the audit checks, compliant; return ids the failure cases need."""
    ids: dict[str, Any] = {}
    kms = client("kms")
    keys: dict[str, str] = {}
    for name in KEYS:
        meta = kms.create_key(Description=name, Tags=[{"TagKey": k, "TagValue": v} for k, v in TAGS.items()])[
            "KeyMetadata"
        ]
        kms.enable_key_rotation(KeyId=meta["KeyId"])
        kms.create_alias(AliasName=f"alias/genai-{ENV}-{name}", TargetKeyId=meta["KeyId"])
        keys[name] = meta["Arn"]
    ids["keys"] = keys
    ids["key"] = keys["eks-secrets"]

    s3 = client("s3")
    for name in BUCKETS:
        bucket = f"genai-{ENV}-{name}-0a1b2c"
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": _tag_list({"Purpose": name})})
        default = (
            {"SSEAlgorithm": "AES256"}
            if name == "access-logs"
            else {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[f"datalake-{name}"]}
        )
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
            },
        )
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_policy(Bucket=bucket, Policy=tls_policy(bucket))
        ids[name] = bucket
    # An unrelated bucket in the same account is not audited.
    s3.create_bucket(Bucket="someone-elses-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})

    gd = client("guardduty")
    ids["detector"] = gd.create_detector(
        Enable=True,
        FindingPublishingFrequency="FIFTEEN_MINUTES",
        Features=[{"Name": f, "Status": "ENABLED"} for f in FEATURES],
    )["DetectorId"]

    ct = client("cloudtrail")
    ct.create_trail(
        Name=f"genai-{ENV}-trail",
        S3BucketName=ids["audit"],
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=keys["datalake-audit"],
        TagsList=_tag_list(),
    )
    ct.start_logging(Name=f"genai-{ENV}-trail")

    api = client("apigateway")
    rest = api.create_rest_api(name=f"genai-{ENV}-api", tags=TAGS)
    root = api.get_resources(restApiId=rest["id"])["items"][0]["id"]
    screen = api.create_resource(restApiId=rest["id"], parentId=root, pathPart="screen")
    api.put_method(restApiId=rest["id"], resourceId=screen["id"], httpMethod="POST", authorizationType="AWS_IAM")
    api.put_integration(restApiId=rest["id"], resourceId=screen["id"], httpMethod="POST", type="MOCK")
    api.create_deployment(restApiId=rest["id"], stageName="v1")
    ids["api"], ids["screen"], ids["root"] = rest["id"], screen["id"], root
    waf = client("wafv2")
    acl = waf.create_web_acl(
        Name=f"genai-{ENV}-waf",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[],
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "waf"},
    )
    ids["stage_arn"] = f"arn:aws:apigateway:{REGION}::/restapis/{rest['id']}/stages/v1"
    waf.associate_web_acl(WebACLArn=acl["Summary"]["ARN"], ResourceArn=ids["stage_arn"])

    sm = client("secretsmanager")
    secret = sm.create_secret(
        Name=f"genai-{ENV}/backend-token", SecretString=BOOTSTRAP, KmsKeyId=keys["edge-secrets"], Tags=_tag_list()
    )
    # without a rotation function moto rotates by itself: a new AWSCURRENT version, LastRotatedDate set
    sm.rotate_secret(SecretId=secret["ARN"], RotationRules={"AutomaticallyAfterDays": 30})
    # then the rotation function is configured (moto fails to invoke it) and its AWSPENDING is cleared,
    # as a finished rotation leaves it
    function = f"arn:aws:lambda:{REGION}:123456789012:function:rotate"
    with contextlib.suppress(ClientError):
        sm.rotate_secret(
            SecretId=secret["ARN"], RotationLambdaARN=function, RotationRules={"AutomaticallyAfterDays": 30}
        )
    for version, stages in sm.describe_secret(SecretId=secret["ARN"])["VersionIdsToStages"].items():
        if "AWSPENDING" in stages:
            sm.update_secret_version_stage(
                SecretId=secret["ARN"], VersionStage="AWSPENDING", RemoveFromVersionId=version
            )
    assert sm.describe_secret(SecretId=secret["ARN"])["RotationEnabled"] is True
    ids["secret"] = secret["ARN"]
    sm.create_secret(Name="other-team/secret", SecretString="y")  # not ours: no rotation, not audited

    eks = client("eks")
    eks.create_cluster(
        name=f"genai-{ENV}",
        roleArn="arn:aws:iam::123456789012:role/eks",
        tags=TAGS,
        resourcesVpcConfig={
            "subnetIds": ["subnet-1"],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": keys["eks-secrets"]}}],
    )

    logs = client("logs")
    for name, key in (
        (f"/genai/{ENV}/pipeline", "operations"),
        (f"/aws/lambda/genai-{ENV}-filter", "edge-logs"),
        (f"/aws/eks/genai-{ENV}/cluster", "eks-logs"),
    ):
        logs.create_log_group(logGroupName=name, kmsKeyId=keys[key])
    logs.create_log_group(logGroupName="/aws/lambda/unrelated")  # not ours
    ids.update(build_containment(client))
    return ids


def build_containment(client: Client) -> dict[str, Any]:
    """The response function wired to its GuardDuty rule, and the isolation group without rules."""
    import io
    import zipfile

    role = client("iam").create_role(RoleName=f"genai-{ENV}-response", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("response.py", "def handler(event, context):\n    return {}\n")
    function = client("lambda").create_function(
        FunctionName=f"genai-{ENV}-response",
        Runtime="python3.12",
        Role=role,
        Handler="response.handler",
        Code={"ZipFile": package.getvalue()},
        Environment={"Variables": {"DRY_RUN": "true"}},
    )["FunctionArn"]
    events = client("events")
    rule = events.put_rule(Name=f"genai-{ENV}-guardduty-containment", EventPattern='{"source": ["aws.guardduty"]}')
    events.put_targets(Rule=f"genai-{ENV}-guardduty-containment", Targets=[{"Id": "response", "Arn": function}])
    client("lambda").add_permission(
        FunctionName=f"genai-{ENV}-response",
        StatementId="events",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=rule["RuleArn"],
    )
    findings = f"genai-{ENV}-securityhub-findings"
    events.put_rule(Name=findings, EventPattern='{"source": ["aws.securityhub"]}')
    topic = f"arn:aws:sns:{REGION}:123456789012:genai-{ENV}-security-alerts"
    events.put_targets(Rule=findings, Targets=[{"Id": "alert-topic", "Arn": topic}])
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName=f"genai-{ENV}-isolation", Description="isolation", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    return {"response_function": function, "isolation_group": group}


# moto servers started by the tests: Security Hub and Access Analyzer calls to them get the fakes.
MOTO_SERVERS: set[str] = set()


class FakeSecurityHub:
    """moto has no GetEnabledStandards; the standards a compliant account has enabled."""

    standards: ClassVar[list[dict[str, str]]] = []

    def get_enabled_standards(self) -> dict[str, Any]:
        return {"StandardsSubscriptions": list(type(self).standards)}


class FakeAccessAnalyzer:
    """moto has no IAM Access Analyzer."""

    analyzers: ClassVar[list[dict[str, str]]] = []

    def list_analyzers(self, type: str) -> dict[str, Any]:
        return {"analyzers": [a for a in FakeAccessAnalyzer.analyzers if a.get("type") == type]}


def compliant_security_hub() -> None:
    FakeSecurityHub.standards = [
        {"StandardsArn": f"arn:aws:securityhub:{REGION}::{path}", "StandardsStatus": "READY"}
        for path in (
            "standards/aws-foundational-security-best-practices/v/1.0.0",
            "standards/cis-aws-foundations-benchmark/v/3.0.0",
        )
    ]
    FakeAccessAnalyzer.analyzers = [{"name": f"genai-{ENV}-account", "type": "ACCOUNT", "status": "ACTIVE"}]
