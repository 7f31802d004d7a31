"""Automated containment of high-severity GuardDuty findings about the platform's own resources.

`plan` is pure: a finding and the configuration in, a list of `Action`s out (or none, when the finding
is not about this platform). `handler` runs each action through `Aws` / `Kubernetes` (the only I/O),
writes one JSON record per finding to the audit bucket under `response/`, and notifies the alert topic.
Every action is idempotent: it first reads the state it would change and does nothing when the
resource is already contained. With `DRY_RUN` true, actions are planned and recorded but not executed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

QUARANTINE_LABEL = "quarantine"
REVOKE_POLICY_NAME = "genai-response-revoke-older-sessions"
CONTAIN_SID_PREFIX = "GenaiResponseDeny"
SNAPSHOT_FINDING_TAG = "genai:response-finding"
AUDIT_PREFIX = "response/"
# The audit bucket admits tagged writes only with a classification (components/bucket.py grant_write).
RECORD_TAGGING = "data_classification=internal"
TOKEN_PREFIX = "k8s-aws-v1."
TOKEN_TTL_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Config:
    name_prefix: str
    cluster_name: str
    vpc_id: str
    isolation_group_id: str
    lake_buckets: tuple[str, ...]
    audit_bucket: str
    topic_arn: str
    min_severity: float
    dry_run: bool
    protected_roles: tuple[str, ...] = ()
    """Roles never revoked (the response function's own, break-glass roles)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        missing = [k for k in REQUIRED_ENV if not env.get(k)]
        if missing:
            raise ValueError(f"response function: missing environment variables {', '.join(missing)}")
        dry = env.get("DRY_RUN", "true").lower()
        if dry not in ("true", "false"):
            raise ValueError(f"response function: DRY_RUN must be 'true' or 'false', got {dry!r}")
        return cls(
            name_prefix=env["NAME_PREFIX"],
            cluster_name=env["CLUSTER_NAME"],
            vpc_id=env["VPC_ID"],
            isolation_group_id=env["ISOLATION_GROUP_ID"],
            lake_buckets=tuple(b for b in env["LAKE_BUCKETS"].split(",") if b),
            audit_bucket=env["AUDIT_BUCKET"],
            topic_arn=env["TOPIC_ARN"],
            min_severity=float(env.get("MIN_SEVERITY", "7")),
            dry_run=dry == "true",
            protected_roles=tuple(r for r in env.get("PROTECTED_ROLES", "").split(",") if r),
        )


REQUIRED_ENV = (
    "NAME_PREFIX",
    "CLUSTER_NAME",
    "VPC_ID",
    "ISOLATION_GROUP_ID",
    "LAKE_BUCKETS",
    "AUDIT_BUCKET",
    "TOPIC_ARN",
)


@dataclass(frozen=True)
class Action:
    kind: str
    """One of ACTIONS' keys."""
    target: Mapping[str, str]


@dataclass
class Outcome:
    kind: str
    target: Mapping[str, str]
    status: str
    """planned (dry run), done, already (nothing to change), failed."""
    detail: str = ""


@dataclass
class Record:
    finding_id: str
    finding_type: str
    severity: float
    dry_run: bool
    at: str
    outcomes: list[Outcome] = field(default_factory=list)
    ignored: str = ""


# ---------------------------------------------------------------- pure: finding -> actions


def plan(finding: Mapping[str, Any], config: Config) -> tuple[list[Action], str]:
    """The actions a finding calls for, or ([], reason) when it is not the platform's to contain."""
    severity = float(finding.get("severity", 0))
    if severity < config.min_severity:
        return [], f"severity {severity:g} below {config.min_severity:g}"
    resource = finding.get("resource") or {}
    kind = resource.get("resourceType", "")
    finding_type = str(finding.get("type", ""))
    if kind == "EKSCluster":
        return _plan_pod(resource, config)
    if kind == "Instance":
        return _plan_instance(resource, config)
    if kind == "S3Bucket" and finding_type.startswith("Exfiltration:S3/"):
        return _plan_bucket(resource, finding, config)
    if kind == "AccessKey" and finding_type.startswith(CREDENTIAL_FINDING_PREFIXES):
        return _plan_role(resource, config)
    return [], f"{kind or 'no resource'} / {finding_type}: no containment defined"


CREDENTIAL_FINDING_PREFIXES = (
    "UnauthorizedAccess:IAMUser/",
    "CredentialAccess:IAMUser/",
    "Persistence:IAMUser/",
    "PrivilegeEscalation:IAMUser/",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration",
)


def _plan_pod(resource: Mapping[str, Any], config: Config) -> tuple[list[Action], str]:
    cluster = (resource.get("eksClusterDetails") or {}).get("name", "")
    if cluster != config.cluster_name:
        return [], f"cluster {cluster!r} is not the platform's"
    workload = (resource.get("kubernetesDetails") or {}).get("kubernetesWorkloadDetails") or {}
    if workload.get("type", "").lower() not in ("pods", "pod") or not workload.get("name"):
        return [], "EKS finding names no pod"
    target = {"namespace": workload.get("namespace") or "default", "pod": workload["name"]}
    return [Action("quarantine-pod", target), Action("cordon-node", target)], ""


def _plan_instance(resource: Mapping[str, Any], config: Config) -> tuple[list[Action], str]:
    details = resource.get("instanceDetails") or {}
    instance = details.get("instanceId", "")
    vpcs = {eni.get("vpcId") for eni in details.get("networkInterfaces") or []}
    if not instance or config.vpc_id not in vpcs:
        return [], f"instance {instance or '?'} is not in the platform VPC"
    target = {"instance": instance}
    return [Action("isolate-instance", target), Action("snapshot-volumes", target)], ""


def _plan_role(resource: Mapping[str, Any], config: Config) -> tuple[list[Action], str]:
    key = resource.get("accessKeyDetails") or {}
    role = key.get("userName", "")
    if key.get("userType") != "AssumedRole" or not role.startswith(config.name_prefix):
        return [], f"{key.get('userType', '?')} {role!r} is not a platform role"
    if role in config.protected_roles:
        return [], f"role {role!r} is protected from automatic revocation"
    return [Action("revoke-sessions", {"role": role})], ""


def _plan_bucket(resource: Mapping[str, Any], finding: Mapping[str, Any], config: Config) -> tuple[list[Action], str]:
    buckets = [b.get("name", "") for b in resource.get("s3BucketDetails") or []]
    lake = [b for b in buckets if b in config.lake_buckets]
    if not lake:
        return [], f"buckets {buckets} are not in the data lake"
    principal = offending_principal(resource, str(finding.get("accountId", "")), str(finding.get("partition", "aws")))
    if not principal:
        return [], "finding names no principal that a bucket policy can deny"
    return [Action("deny-principal", {"bucket": b, "principal": principal}) for b in lake], ""


def offending_principal(resource: Mapping[str, Any], account_id: str, partition: str) -> str:
    key = resource.get("accessKeyDetails") or {}
    name, kind = key.get("userName", ""), key.get("userType", "")
    if not name or not account_id:
        return ""
    if kind == "AssumedRole":
        return f"arn:{partition}:iam::{account_id}:role/{name}"
    if kind == "IAMUser":
        return f"arn:{partition}:iam::{account_id}:user/{name}"
    return ""


def revoke_policy(cutoff: str) -> dict[str, Any]:
    """The console's "revoke active sessions": deny everything to credentials issued before `cutoff`."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "RevokeOlderSessions",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}},
            }
        ],
    }


def merged_bucket_policy(existing: str | None, bucket: str, principal: str, partition: str) -> str | None:
    """The bucket policy with a deny for `principal` added, or None when the deny is already there."""
    policy: dict[str, Any] = json.loads(existing) if existing else {"Version": "2012-10-17", "Statement": []}
    sid = CONTAIN_SID_PREFIX + hashlib.sha256(principal.encode()).hexdigest()[:16]
    found = policy.get("Statement", [])
    statements: list[dict[str, Any]] = [found] if isinstance(found, dict) else list(found)
    if any(s.get("Sid") == sid for s in statements):
        return None
    statements.append(
        {
            "Sid": sid,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:{partition}:s3:::{bucket}", f"arn:{partition}:s3:::{bucket}/*"],
            "Condition": {"ArnEquals": {"aws:PrincipalArn": principal}},
        }
    )
    policy["Statement"] = statements
    return json.dumps(policy, sort_keys=True)


def record_key(record: Record) -> str:
    day = record.at[:10].replace("-", "/")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in record.finding_id) or "unknown"
    return f"{AUDIT_PREFIX}{day}/{safe}.json"


def summary(record: Record) -> str:
    lines = [
        f"GuardDuty finding {record.finding_id} ({record.finding_type}, severity {record.severity:g})",
        f"Containment {'DRY RUN' if record.dry_run else 'executed'} at {record.at}",
    ]
    lines += [f"- {o.kind} {dict(o.target)}: {o.status} {o.detail}".rstrip() for o in record.outcomes]
    if record.ignored:
        lines.append(f"No containment: {record.ignored}")
    return "\n".join(lines)


# ---------------------------------------------------------------- edges: AWS and Kubernetes


class Aws:
    def __init__(self, config: Config, session: Any = None) -> None:
        self.config = config
        self.session = session or boto3.session.Session()
        self.ec2 = self.session.client("ec2")
        self.iam = self.session.client("iam")
        self.s3 = self.session.client("s3")
        self.sns = self.session.client("sns")

    def isolate_instance(self, target: Mapping[str, str], at: str) -> tuple[str, str]:
        enis = self.ec2.describe_network_interfaces(
            Filters=[{"Name": "attachment.instance-id", "Values": [target["instance"]]}]
        )["NetworkInterfaces"]
        if not enis:
            return "failed", "the instance has no network interfaces"
        moved = []
        for eni in enis:
            groups = [g["GroupId"] for g in eni.get("Groups", [])]
            if groups != [self.config.isolation_group_id]:
                self.ec2.modify_network_interface_attribute(
                    NetworkInterfaceId=eni["NetworkInterfaceId"], Groups=[self.config.isolation_group_id]
                )
                moved.append(f"{eni['NetworkInterfaceId']} (was {','.join(groups)})")
        return ("done", "moved " + "; ".join(moved)) if moved else ("already", "every interface isolated")

    def snapshot_volumes(self, target: Mapping[str, str], finding_id: str) -> tuple[str, str]:
        volumes = self.ec2.describe_volumes(
            Filters=[{"Name": "attachment.instance-id", "Values": [target["instance"]]}]
        )
        taken = {
            s["VolumeId"]
            for s in self.ec2.describe_snapshots(
                OwnerIds=["self"], Filters=[{"Name": f"tag:{SNAPSHOT_FINDING_TAG}", "Values": [finding_id]}]
            )["Snapshots"]
        }
        created = []
        for volume in volumes["Volumes"]:
            if volume["VolumeId"] in taken:
                continue
            snap = self.ec2.create_snapshot(
                VolumeId=volume["VolumeId"],
                Description=f"Evidence for GuardDuty finding {finding_id}",
                TagSpecifications=[
                    {"ResourceType": "snapshot", "Tags": [{"Key": SNAPSHOT_FINDING_TAG, "Value": finding_id}]}
                ],
            )
            created.append(snap["SnapshotId"])
        return ("done", "created " + ",".join(created)) if created else ("already", "every volume snapshotted")

    def revoke_sessions(self, target: Mapping[str, str], at: str, since: str) -> tuple[str, str]:
        role = target["role"]
        try:
            current = self.iam.get_role_policy(RoleName=role, PolicyName=REVOKE_POLICY_NAME)["PolicyDocument"]
            cutoff = current["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
            if cutoff >= since:
                return "already", f"sessions issued before {cutoff} already revoked"
        except self.iam.exceptions.NoSuchEntityException:
            pass
        self.iam.put_role_policy(
            RoleName=role, PolicyName=REVOKE_POLICY_NAME, PolicyDocument=json.dumps(revoke_policy(at))
        )
        return "done", f"sessions issued before {at} denied"

    def deny_principal(self, target: Mapping[str, str], partition: str) -> tuple[str, str]:
        bucket = target["bucket"]
        try:
            existing: str | None = self.s3.get_bucket_policy(Bucket=bucket)["Policy"]
        except self.s3.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") != "NoSuchBucketPolicy":
                raise
            existing = None
        merged = merged_bucket_policy(existing, bucket, target["principal"], partition)
        if merged is None:
            return "already", "deny already in the bucket policy"
        self.s3.put_bucket_policy(Bucket=bucket, Policy=merged)
        return "done", "deny added to the bucket policy"

    def write_record(self, record: Record) -> str:
        key = record_key(record)
        self.s3.put_object(
            Bucket=self.config.audit_bucket,
            Key=key,
            Body=json.dumps(asdict(record), sort_keys=True).encode(),
            ContentType="application/json",
            Tagging=RECORD_TAGGING,
        )
        return key

    def notify(self, record: Record) -> None:
        self.sns.publish(
            TopicArn=self.config.topic_arn,
            Subject=f"Containment: {record.finding_type}"[:100],
            Message=summary(record),
        )


def eks_token(session: Any, cluster: str, region: str) -> str:
    """What `aws eks get-token` prints: a presigned STS GetCallerIdentity URL bound to the cluster name."""
    sts = session.client("sts", region_name=region, endpoint_url=f"https://sts.{region}.amazonaws.com")

    def add_cluster_header(request: Any, **_: Any) -> None:
        request.headers["x-k8s-aws-id"] = cluster

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster_header)
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=TOKEN_TTL_SECONDS, HttpMethod="GET")
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


class Kubernetes:
    """The two calls containment makes to the API server: read a pod, merge-patch a pod or a node."""

    def __init__(self, endpoint: str, token: Callable[[], str], ca_data: str = "") -> None:
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        self.context: ssl.SSLContext | None = None
        if self.endpoint.startswith("https://"):
            self.context = ssl.create_default_context(cadata=base64.b64decode(ca_data).decode() if ca_data else None)

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if not self.endpoint.startswith(("https://", "http://127.0.0.1")):
            raise ValueError(f"refusing a non-TLS API server endpoint {self.endpoint!r}")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.endpoint + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.token()}",
                "Accept": "application/json",
                "Content-Type": "application/merge-patch+json",
            },
        )
        # Scheme checked above: https, or the loopback test server.
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS, context=self.context) as response:  # noqa: S310  # nosec B310
            result: dict[str, Any] = json.loads(response.read() or b"{}")
            return result

    def pod(self, namespace: str, name: str) -> dict[str, Any]:
        return self._call("GET", f"/api/v1/namespaces/{namespace}/pods/{name}")

    def quarantine_pod(self, target: Mapping[str, str]) -> tuple[str, str]:
        pod = self.pod(target["namespace"], target["pod"])
        if (pod.get("metadata", {}).get("labels") or {}).get(QUARANTINE_LABEL) == "true":
            return "already", "pod already labelled"
        self._call(
            "PATCH",
            f"/api/v1/namespaces/{target['namespace']}/pods/{target['pod']}",
            {"metadata": {"labels": {QUARANTINE_LABEL: "true"}}},
        )
        return "done", f"labelled {QUARANTINE_LABEL}=true"

    def cordon_node(self, target: Mapping[str, str]) -> tuple[str, str]:
        node = self.pod(target["namespace"], target["pod"]).get("spec", {}).get("nodeName")
        if not node:
            return "failed", "pod is not scheduled on a node"
        self._call("PATCH", f"/api/v1/nodes/{node}", {"spec": {"unschedulable": True}})
        return "done", f"cordoned node {node}"


# ---------------------------------------------------------------- handler


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def respond(finding: Mapping[str, Any], config: Config, aws: Aws, kube: Callable[[], Kubernetes], at: str) -> Record:
    actions, ignored = plan(finding, config)
    record = Record(
        finding_id=str(finding.get("id", "")),
        finding_type=str(finding.get("type", "")),
        severity=float(finding.get("severity", 0)),
        dry_run=config.dry_run,
        at=at,
        ignored=ignored,
    )
    since = str(finding.get("updatedAt") or finding.get("createdAt") or at)
    partition = str(finding.get("partition", "aws"))
    run: dict[str, Callable[[Mapping[str, str]], tuple[str, str]]] = {
        "quarantine-pod": lambda t: kube().quarantine_pod(t),
        "cordon-node": lambda t: kube().cordon_node(t),
        "isolate-instance": lambda t: aws.isolate_instance(t, at),
        "snapshot-volumes": lambda t: aws.snapshot_volumes(t, record.finding_id),
        "revoke-sessions": lambda t: aws.revoke_sessions(t, at, since),
        "deny-principal": lambda t: aws.deny_principal(t, partition),
    }
    for action in actions:
        if config.dry_run:
            record.outcomes.append(Outcome(action.kind, action.target, "planned"))
            continue
        try:
            status, detail = run[action.kind](action.target)
        except Exception as error:  # one failed action must not stop the others, nor the record
            LOG.exception("containment action %s failed", action.kind)
            status, detail = "failed", f"{type(error).__name__}: {error}"
        record.outcomes.append(Outcome(action.kind, action.target, status, detail))
    return record


def handler(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    config = Config.from_env(os.environ)
    finding = event.get("detail") or {}
    aws = Aws(config)
    clients: list[Kubernetes] = []

    def kube() -> Kubernetes:
        if not clients:
            region = aws.session.region_name
            # Read at run time: a CA bundle in an environment variable looks like a secret to scanners.
            cluster = aws.session.client("eks").describe_cluster(name=config.cluster_name)["cluster"]
            clients.append(
                Kubernetes(
                    cluster["endpoint"],
                    lambda: eks_token(aws.session, config.cluster_name, region),
                    cluster["certificateAuthority"]["data"],
                )
            )
        return clients[0]

    record = respond(finding, config, aws, kube, now())
    LOG.info("containment %s", json.dumps(asdict(record), sort_keys=True))
    if record.outcomes:
        key = aws.write_record(record)
        aws.notify(record)
        return {"record": key, "outcomes": [o.status for o in record.outcomes]}
    return {"ignored": record.ignored}
