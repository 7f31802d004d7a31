"""Mock outputs realistic enough that programs run: ARNs, ids, names and the common invokes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
PARTITION = "aws"
# The identity that runs `pulumi up` in the preview (what `aws.get_caller_identity` answers).
CALLER_ROLE_ARN = f"arn:{PARTITION}:iam::{ACCOUNT_ID}:role/pulumi-deployer"

# type token -> (service, resource path template); `{name}` is the physical name.
_ARN_SHAPES: dict[str, tuple[str, str]] = {
    "aws:iam/role:Role": ("iam", "role/{name}"),
    "aws:iam/policy:Policy": ("iam", "policy/{name}"),
    "aws:iam/user:User": ("iam", "user/{name}"),
    "aws:iam/instanceProfile:InstanceProfile": ("iam", "instance-profile/{name}"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ("iam", "oidc-provider/{name}"),
    "aws:lambda/function:Function": ("lambda", "function:{name}"),
    "aws:lambda/codeSigningConfig:CodeSigningConfig": ("lambda", "code-signing-config:csc-{name}"),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:{name}"),
    "aws:sns/topic:Topic": ("sns", "{name}"),
    "aws:sqs/queue:Queue": ("sqs", "{name}"),
    "aws:secretsmanager/secret:Secret": ("secretsmanager", "secret:{name}-AbCdEf"),
    "aws:eks/cluster:Cluster": ("eks", "cluster/{name}"),
    "aws:eks/nodeGroup:NodeGroup": ("eks", "nodegroup/{name}"),
    "aws:ecr/repository:Repository": ("ecr", "repository/{name}"),
    "aws:cloudtrail/trail:Trail": ("cloudtrail", "trail/{name}"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("cloudwatch", "alarm:{name}"),
    "aws:cloudwatch/eventRule:EventRule": ("events", "rule/{name}"),
    "aws:cognito/userPool:UserPool": ("cognito-idp", "userpool/{region}_{id}"),
    "aws:wafv2/webAcl:WebAcl": ("wafv2", "regional/webacl/{name}/{id}"),
    "aws:wafv2/ipSet:IpSet": ("wafv2", "regional/ipset/{name}/{id}"),
    "aws:dynamodb/table:Table": ("dynamodb", "table/{name}"),
    "aws:guardduty/detector:Detector": ("guardduty", "detector/{id}"),
    "aws:securityhub/account:Account": ("securityhub", "hub/default"),
    "aws:kms/key:Key": ("kms", "key/{id}"),
    "aws:kms/alias:Alias": ("kms", "{name}"),
    "aws:signer/signingProfile:SigningProfile": ("signer", "/signing-profiles/{name}"),
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/{id}"),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/{id}"),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/{id}"),
    "aws:ec2/launchTemplate:LaunchTemplate": ("ec2", "launch-template/{id}"),
}
_GLOBAL_SERVICES = {"iam", "s3", "cloudfront"}


def _digest(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:length]


def _physical_name(name: str, typ: str) -> str:
    """Pulumi auto-names resources `<logical>-<7 hex>`; derive the suffix deterministically."""
    base = name.lower() if typ.startswith("aws:s3/") else name
    return f"{base}-{_digest(typ, name)}"


def _prefixed_name(prefix: object, rid: str) -> str | None:
    """`namePrefix` gets a unique suffix of digits from the provider (a timestamp and a counter)."""
    return f"{prefix}{int(rid, 16) % 10**26:026d}" if isinstance(prefix, str) and prefix else None


class PlatformMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes the way AWS and the providers would."""

    def __init__(
        self,
        region: str,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
        mock_values: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.region = region
        self.stack_outputs = dict(stack_outputs or {})
        """`<project>/<stack>` -> that stack's outputs, answered to `pulumi.StackReference` reads."""
        # `--mock-values FILE`: invoke token -> result fields, over whatever the mocks derive.
        self.mock_values = mock_values or {}

    def stack_reference(self, name: str) -> dict[str, Any]:
        """A StackReference's state: the outputs of `<org>/<project>/<stack>` (any organization)."""
        key = "/".join(name.split("/")[-2:])
        return {"name": name, "outputs": dict(self.stack_outputs.get(key, {})), "secretOutputNames": []}

    def arn(self, service: str, path: str) -> str:
        region = "" if service in _GLOBAL_SERVICES else self.region
        account = "" if service == "s3" else ACCOUNT_ID
        return f"arn:{PARTITION}:{service}:{region}:{account}:{path}"

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        typ, inputs = args.typ, dict(args.inputs)
        if typ == STACK_REFERENCE_TYPE:
            return str(inputs.get("name", args.name)), self.stack_reference(str(inputs.get("name", args.name)))
        if not args.custom and not typ.startswith("pulumi:providers:"):
            return "", {}
        rid = _digest(typ, args.name, length=17)
        state: dict[str, Any] = {**inputs, "id": rid}
        physical = inputs.get("name") or _prefixed_name(inputs.get("namePrefix"), rid) or _physical_name(args.name, typ)
        service_path = _ARN_SHAPES.get(typ)
        if service_path is not None:
            service, path = service_path
            state["arn"] = self.arn(service, path.format(name=physical, id=rid, region=self.region))
        self._specialise(typ, args.name, physical, rid, inputs, state)
        # The id the engine sees is the first element: vpc-…, subnet-…, sg-… for EC2 types.
        return (state["bucket"] if typ == "aws:s3/bucket:Bucket" else str(state["id"])), state

    def _specialise(
        self, typ: str, logical: str, physical: str, rid: str, inputs: dict[str, Any], state: dict[str, Any]
    ) -> None:
        if "name" in inputs or "namePrefix" in inputs or typ in _NAMED_TYPES:
            state.setdefault("name", physical)
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or _physical_name(logical, typ)
            state.update(
                bucket=bucket,
                arn=f"arn:{PARTITION}:s3:::{bucket}",
                bucketDomainName=f"{bucket}.s3.amazonaws.com",
                bucketRegionalDomainName=f"{bucket}.s3.{self.region}.amazonaws.com",
                region=self.region,
            )
        elif typ == "aws:kms/key:Key":
            key_id = f"{rid[:8]}-{rid[8:12]}-4{rid[12:15]}-8{rid[15:17]}0-{_digest(rid, length=12)}"
            state.update(keyId=key_id, arn=self.arn("kms", f"key/{key_id}"))
        elif typ == "aws:lambda/function:Function":
            state["invokeArn"] = (
                f"arn:{PARTITION}:apigateway:{self.region}:lambda:path/2015-03-31/functions/{state['arn']}/invocations"
            )
            state["qualifiedArn"] = f"{state['arn']}:$LATEST"
            state["version"] = "$LATEST"
        elif typ == "aws:apigateway/restApi:RestApi":
            state.update(
                rootResourceId=_digest(rid, "root", length=10),
                executionArn=f"arn:{PARTITION}:execute-api:{self.region}:{ACCOUNT_ID}:{rid[:10]}",
                arn=f"arn:{PARTITION}:apigateway:{self.region}::/restapis/{rid[:10]}",
            )
            state["id"] = rid[:10]
        elif typ == "aws:apigatewayv2/api:Api":
            state.update(
                executionArn=f"arn:{PARTITION}:execute-api:{self.region}:{ACCOUNT_ID}:{rid[:10]}",
                arn=f"arn:{PARTITION}:apigateway:{self.region}::/apis/{rid[:10]}",
                apiEndpoint=f"https://{rid[:10]}.execute-api.{self.region}.amazonaws.com",
            )
            state["id"] = rid[:10]
        elif typ == "aws:apigateway/stage:Stage":
            api = inputs.get("restApi", "api")
            stage = inputs.get("stageName", "stage")
            state.update(
                arn=f"arn:{PARTITION}:apigateway:{self.region}::/restapis/{api}/stages/{stage}",
                executionArn=f"arn:{PARTITION}:execute-api:{self.region}:{ACCOUNT_ID}:{api}/{stage}",
                invokeUrl=f"https://{api}.execute-api.{self.region}.amazonaws.com/{stage}",
            )
        elif typ == "aws:eks/cluster:Cluster":
            issuer = f"https://oidc.eks.{self.region}.amazonaws.com/id/{_digest(rid, length=32).upper()}"
            state.update(
                endpoint=f"https://{_digest(rid, length=32).upper()}.gr7.{self.region}.eks.amazonaws.com",
                certificateAuthority={
                    "data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1PQ0sKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="
                },
                identities=[{"oidcs": [{"issuer": issuer}]}],
                clusterSecurityGroupId=f"sg-{_digest(rid, 'cluster', length=17)}",
                vpcConfig={
                    **(inputs.get("vpcConfig") or {}),
                    "clusterSecurityGroupId": f"sg-{_digest(rid, 'cluster', length=17)}",
                    "vpcId": f"vpc-{_digest(rid, 'vpc', length=17)}",
                },
                version=inputs.get("version", "1.33"),
                status="ACTIVE",
            )
        elif typ == "aws:sqs/queue:Queue":
            state["url"] = f"https://sqs.{self.region}.amazonaws.com/{ACCOUNT_ID}/{physical}"
        elif typ == "aws:ec2/vpc:Vpc":
            state.update(
                id=f"vpc-{rid}",
                defaultSecurityGroupId=f"sg-{_digest(rid, 'default', length=17)}",
                defaultNetworkAclId=f"acl-{rid}",
                defaultRouteTableId=f"rtb-{rid}",
                mainRouteTableId=f"rtb-{rid}",
            )
        elif typ == "aws:ec2/vpcEndpoint:VpcEndpoint":
            state["id"] = f"vpce-{rid}"
            service = str(inputs.get("serviceName", ""))
            if inputs.get("vpcEndpointType") == "Gateway":
                # The service's published prefix list (S3 in eu-west-1, for example).
                state.update(prefixListId=f"pl-{rid[:8]}", cidrBlocks=list(_GATEWAY_CIDRS))
            else:
                state["dnsEntries"] = [
                    {"dnsName": f"vpce-{rid}.{service.rsplit('.', 1)[-1]}.{self.region}.vpce.amazonaws.com"}
                ]
        elif typ.startswith("aws:ec2/") and typ.rsplit(":", maxsplit=1)[-1] in _EC2_PREFIXES:
            state["id"] = f"{_EC2_PREFIXES[typ.rsplit(':', maxsplit=1)[-1]]}-{rid}"
        elif typ == "aws:ec2/launchTemplate:LaunchTemplate":
            state.update(id=f"lt-{rid}", latestVersion=1, defaultVersion=1)
        elif typ == "aws:ecr/repository:Repository":
            state["repositoryUrl"] = f"{ACCOUNT_ID}.dkr.ecr.{self.region}.amazonaws.com/{physical}"
            state["registryId"] = ACCOUNT_ID
        elif typ == "aws:cognito/userPool:UserPool":
            state.update(
                id=f"{self.region}_{rid[:9]}",
                endpoint=f"cognito-idp.{self.region}.amazonaws.com/{self.region}_{rid[:9]}",
            )
        elif typ == "aws:route53/zone:Zone":
            zone_id = "Z" + _digest(rid, "zone", length=20).upper()
            state.update(id=zone_id, zoneId=zone_id, arn=f"arn:{PARTITION}:route53:::hostedzone/{zone_id}")
        elif typ == "aws:route53/record:Record":
            state["fqdn"] = inputs.get("name", physical)
        elif typ == "aws:iam/serviceLinkedRole:ServiceLinkedRole":
            service = str(inputs.get("awsServiceName", "service.amazonaws.com"))
            role = _SERVICE_LINKED_ROLES.get(service, f"AWSServiceRoleFor{service.split('.')[0].title()}")
            state.update(name=role, path=f"/aws-service-role/{service}/")
            state["arn"] = self.arn("iam", f"role/aws-service-role/{service}/{role}")
        elif typ == "aws:guardduty/detector:Detector":
            state["accountId"] = ACCOUNT_ID
        elif typ == "aws:secretsmanager/secretVersion:SecretVersion":
            state["versionId"] = f"{rid[:8]}-0000-4000-8000-{_digest(rid, length=12)}"
        elif typ == "aws:apigateway/apiKey:ApiKey":
            state["value"] = f"mock{_digest(rid, length=36)}"
        elif typ == "aws:s3/bucketObjectv2:BucketObjectv2":
            state["versionId"] = _digest(rid, "version", length=32)
        elif typ == "aws:signer/signingJob:SigningJob":
            bucket = ((inputs.get("destination") or {}).get("s3") or {}).get("bucket", "bucket")
            prefix = ((inputs.get("destination") or {}).get("s3") or {}).get("prefix", "")
            state["jobId"] = f"{rid[:8]}-0000-4000-8000-{_digest(rid, length=12)}"
            state["signedObjects"] = [{"s3s": [{"bucket": bucket, "key": f"{prefix}{state['jobId']}.zip"}]}]
            state["status"] = "Succeeded"
        elif typ == "aws:bedrock/guardrail:Guardrail":
            guardrail_id = _digest(rid, "guardrail", length=12)
            arn = self.arn("bedrock", f"guardrail/{guardrail_id}")
            state.update(guardrailId=guardrail_id, guardrailArn=arn, version="DRAFT", status="READY")
            state["id"] = f"{guardrail_id},DRAFT"
        elif typ == "aws:bedrock/guardrailVersion:GuardrailVersion":
            state["version"] = "1"
            state["id"] = f"{inputs.get('guardrailArn', '')},1"
        elif typ == "aws:signer/signingProfile:SigningProfile":
            state.update(version="v1", versionArn=f"{state['arn']}/{_digest(rid, 'version', length=10)}")
        elif typ.startswith("kubernetes:") and isinstance(inputs.get("metadata"), dict):
            metadata = dict(inputs["metadata"])
            metadata.setdefault("name", physical)
            state["metadata"] = metadata
            if typ == "kubernetes:core/v1:Service" and (inputs.get("spec") or {}).get("type") == "LoadBalancer":
                internal = metadata.get("annotations", {}).get("service.beta.kubernetes.io/aws-load-balancer-internal")
                prefix = "internal-" if internal == "true" else ""
                host = f"{prefix}a{_digest(rid, length=31)}-{_digest(rid, 'lb', length=16)}.elb.{self.region}.amazonaws.com"
                state["status"] = {"loadBalancer": {"ingress": [{"hostname": host}]}}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        from infra.preview.invokes import generic_result

        specific, failures = self._call(args)
        result = {**generic_result(args.token, dict(args.args), self.region), **specific}
        return {**result, **self.mock_values.get(args.token, {})}, failures

    def _call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        token, a = args.token, args.args
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": CALLER_ROLE_ARN,
                "userId": "AROAEXAMPLEDEPLOYER:pulumi",
                "id": ACCOUNT_ID,
            }, []
        if token == "aws:index/getRegion:getRegion":
            return {
                "name": self.region,
                "region": self.region,
                "id": self.region,
                "description": self.region,
                "endpoint": f"ec2.{self.region}.amazonaws.com",
            }, []
        if token == "aws:index/getPartition:getPartition":
            return {
                "partition": PARTITION,
                "dnsSuffix": "amazonaws.com",
                "id": PARTITION,
                "reverseDnsPrefix": "com.amazonaws",
            }, []
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            letters = "abcdef"
            return {
                "names": [f"{self.region}{x}" for x in letters],
                "zoneIds": [f"{_zone_id_prefix(self.region)}-az{i + 1}" for i in range(6)],
                "id": self.region,
                "state": "available",
                "groupNames": [self.region],
            }, []
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = _policy_document(a)
            return {"json": document, "minifiedJson": document, "id": _digest(document, length=10)}, []
        if token == "aws:ec2/getAmi:getAmi":
            return {"id": "ami-0123456789abcdef0", "imageId": "ami-0123456789abcdef0", "name": "mock-ami"}, []
        if token == "aws:ssm/getParameter:getParameter":
            return {
                "value": "ami-0123456789abcdef0",
                "name": a.get("name", ""),
                "id": a.get("name", ""),
                "type": "String",
            }, []
        if token == "aws:eks/getAddonVersion:getAddonVersion":
            return {"version": "v1.0.0-eksbuild.1", "addonName": a.get("addonName"), "id": a.get("addonName")}, []
        if token in ("aws:ecr/getAuthorizationToken:getAuthorizationToken", "aws:ecr/getCredentials:getCredentials"):
            from infra.preview.invokes import ecr_authorization

            return ecr_authorization(self.region), []
        return {}, []


_NAMED_TYPES = {
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:lambda/function:Function",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:sns/topic:Topic",
    "aws:secretsmanager/secret:Secret",
    "aws:eks/cluster:Cluster",
    "aws:ecr/repository:Repository",
    "aws:cloudtrail/trail:Trail",
    "aws:wafv2/webAcl:WebAcl",
    "aws:apigateway/restApi:RestApi",
    "aws:cognito/userPool:UserPool",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:dynamodb/table:Table",
    "aws:bedrock/guardrail:Guardrail",
}
_SERVICE_LINKED_ROLES = {"autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling"}
_GATEWAY_CIDRS = ("3.5.64.0/21", "3.5.72.0/23", "52.92.0.0/17", "52.218.0.0/17")
_EC2_PREFIXES = {
    "Subnet": "subnet",
    "SecurityGroup": "sg",
    "InternetGateway": "igw",
    "NatGateway": "nat",
    "Eip": "eipalloc",
    "RouteTable": "rtb",
    "VpcEndpoint": "vpce",
    "FlowLog": "fl",
    "DefaultSecurityGroup": "sg",
}


def _zone_id_prefix(region: str) -> str:
    """AWS's short form of a region in zone ids: eu-west-1 -> euw1, us-east-1 -> use1, ap-southeast-2 -> apse2."""
    parts = region.split("-")
    if len(parts) != 3:
        return region
    area, direction, number = parts
    short = {"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}.get(direction, direction[:1])
    return f"{area}{short}{number}"


def _policy_document(args: dict[str, Any]) -> str:
    """`aws.iam.get_policy_document` rendered to JSON the way the provider does."""
    statements = []
    for s in args.get("statements") or []:
        out: dict[str, Any] = {"Effect": s.get("effect", "Allow")}
        for key, field in (
            ("sid", "Sid"),
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            if s.get(key):
                out[field] = s[key]
        for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if s.get(key):
                out[field] = {p["type"]: p["identifiers"] for p in s[key]}
        for cond in s.get("conditions") or []:
            out.setdefault("Condition", {}).setdefault(cond["test"], {})[cond["variable"]] = cond["values"]
        statements.append(out)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
