"""Platform-wide required tags, counting the explicit provider's defaultTags.

A type is taggable when pulumi-aws gives it a ``tags`` input. The pack cannot import pulumi-aws (it
runs in its own small virtualenv), so it keeps the list of taggable types the platform uses
(checked against pulumi-aws by tests/policies/test_taggable.py) and also treats any ``aws:``
resource that carries a ``tags`` input as taggable."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import LOW, Meta, Res, resource_rule

TAGGABLE_TYPES = frozenset(
    {
        "aws:apigateway/apiKey:ApiKey",
        "aws:apigateway/restApi:RestApi",
        "aws:apigateway/stage:Stage",
        "aws:apigateway/usagePlan:UsagePlan",
        "aws:bedrock/guardrail:Guardrail",
        "aws:cloudtrail/trail:Trail",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:codebuild/project:Project",
        "aws:cognito/userPool:UserPool",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/eip:Eip",
        "aws:ec2/flowLog:FlowLog",
        "aws:ec2/instance:Instance",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/networkAcl:NetworkAcl",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:ecr/repository:Repository",
        "aws:eks/addon:Addon",
        "aws:eks/accessEntry:AccessEntry",
        "aws:eks/cluster:Cluster",
        "aws:eks/nodeGroup:NodeGroup",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "aws:guardduty/detector:Detector",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:iam/policy:Policy",
        "aws:iam/role:Role",
        "aws:iam/serviceLinkedRole:ServiceLinkedRole",
        "aws:kms/key:Key",
        "aws:lambda/codeSigningConfig:CodeSigningConfig",
        "aws:lambda/function:Function",
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:s3/bucket:Bucket",
        "aws:route53/zone:Zone",
        "aws:s3/bucketObjectv2:BucketObjectv2",
        "aws:secretsmanager/secret:Secret",
        "aws:signer/signingProfile:SigningProfile",
        "aws:sns/topic:Topic",
        "aws:sqs/queue:Queue",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:wafv2/webAcl:WebAcl",
        "aws:wafv2/ipSet:IpSet",
        "aws:dynamodb/table:Table",
        "aws:accessanalyzer/analyzer:Analyzer",
    }
)


def taggable(type_: str, has_tags_input: bool) -> bool:
    return type_ in TAGGABLE_TYPES or (type_.startswith("aws:") and has_tags_input)


def _required(res: Res) -> Iterator[str]:
    if not taggable(res.type, "tags" in res.props):
        return
    tags = res.tags()
    missing = [t for t in res.config.strings("requiredTags") if not tags.get(t)]
    if missing:
        yield f"'{res.name}' ({res.type}) lacks tags {missing} (own tags plus provider defaultTags)."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-tags-required",
                "Taggable AWS resources carry the required tags.",
                LOW,
                (),
                "Set the tags on the explicit provider's defaultTags (preferred) or on the resource.",
                {
                    "requiredTags": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["Project", "Environment", "Owner", "CostCenter"],
                    }
                },
            ),
            [],
            _required,
        ),
    ]
