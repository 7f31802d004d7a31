"""The containment function against moto (EC2, IAM, S3, SNS) and a fake Kubernetes API server on loopback."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
import response

REGION = "eu-west-1"
ACCOUNT = "123456789012"
PREFIX = "genai-dev"


def config(**overrides: Any) -> response.Config:
    values: dict[str, Any] = {
        "name_prefix": PREFIX,
        "cluster_name": f"{PREFIX}-eks",
        "vpc_id": "vpc-x",
        "isolation_group_id": "sg-x",
        "lake_buckets": (f"{PREFIX}-raw", f"{PREFIX}-curated"),
        "audit_bucket": f"{PREFIX}-audit",
        "topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:{PREFIX}-security-alerts",
        "min_severity": 7.0,
        "dry_run": False,
        "protected_roles": (f"{PREFIX}-response",),
    }
    values.update(overrides)
    return response.Config(**values)


def finding(kind: str, finding_type: str, resource: dict[str, Any], severity: float = 8.0) -> dict[str, Any]:
    return {
        "id": f"f-{kind.lower()}",
        "type": finding_type,
        "severity": severity,
        "accountId": ACCOUNT,
        "partition": "aws",
        "updatedAt": "2026-12-06T05:00:00.000Z",
        "resource": {"resourceType": kind, **resource},
    }


def pod_finding(cluster: str = f"{PREFIX}-eks") -> dict[str, Any]:
    return finding(
        "EKSCluster",
        "Execution:Runtime/ReverseShell",
        {
            "eksClusterDetails": {"name": cluster},
            "kubernetesDetails": {
                "kubernetesWorkloadDetails": {"name": "inference-0", "namespace": "inference", "type": "pods"}
            },
        },
    )


def role_finding(role: str) -> dict[str, Any]:
    return finding(
        "AccessKey",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        {"accessKeyDetails": {"userName": role, "userType": "AssumedRole", "accessKeyId": "ASIAX"}},
    )


def bucket_finding(bucket: str, role: str = f"{PREFIX}-ingest") -> dict[str, Any]:
    return finding(
        "S3Bucket",
        "Exfiltration:S3/AnomalousBehavior",
        {
            "s3BucketDetails": [{"name": bucket}],
            "accessKeyDetails": {"userName": role, "userType": "AssumedRole"},
        },
    )


# ---------------------------------------------------------------- plan (pure)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (pod_finding(cluster="someone-else"), "not the platform's"),
        ({**pod_finding(), "severity": 5.0}, "below 7"),
        (role_finding("other-team-role"), "not a platform role"),
        (role_finding(f"{PREFIX}-response"), "protected"),
        (bucket_finding("someone-elses-bucket"), "not in the data lake"),
        (finding("Instance", "Backdoor:EC2/C&CActivity.B", {"instanceDetails": {"instanceId": "i-1"}}), "VPC"),
        (finding("Lambda", "Backdoor:Lambda/C&CActivity.B", {}), "no containment defined"),
    ],
)
def test_findings_outside_the_platform_are_left_alone(event: dict[str, Any], reason: str) -> None:
    actions, why = response.plan(event, config())
    assert actions == []
    assert reason in why


def test_a_lake_exfiltration_denies_the_principal_on_each_lake_bucket() -> None:
    event = bucket_finding(f"{PREFIX}-raw")
    event["resource"]["s3BucketDetails"].append({"name": "unrelated"})
    actions, _ = response.plan(event, config())
    assert [(a.kind, dict(a.target)) for a in actions] == [
        ("deny-principal", {"bucket": f"{PREFIX}-raw", "principal": f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-ingest"})
    ]


def test_config_from_env_reports_every_missing_variable() -> None:
    with pytest.raises(ValueError, match="NAME_PREFIX, CLUSTER_NAME") as error:
        response.Config.from_env({"VPC_ID": "vpc-x"})
    assert "ISOLATION_GROUP_ID" in str(error.value)
    with pytest.raises(ValueError, match="DRY_RUN must be"):
        response.Config.from_env(dict.fromkeys(response.REQUIRED_ENV, "x") | {"DRY_RUN": "maybe"})


def test_the_merged_policy_keeps_existing_statements_and_is_idempotent() -> None:
    existing = json.dumps({"Version": "2012-10-17", "Statement": {"Sid": "DenyInsecureTransport", "Effect": "Deny"}})
    merged = response.merged_bucket_policy(existing, "b", "arn:aws:iam::1:role/r", "aws")
    assert merged is not None
    statements = json.loads(merged)["Statement"]
    assert statements[0]["Sid"] == "DenyInsecureTransport"
    assert statements[1]["Condition"] == {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/r"}}
    assert response.merged_bucket_policy(merged, "b", "arn:aws:iam::1:role/r", "aws") is None


# ---------------------------------------------------------------- moto


@pytest.fixture
def aws(mocked_aws: None) -> Iterator[dict[str, Any]]:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    node_sg = ec2.create_security_group(GroupName="nodes", Description="n", VpcId=vpc)["GroupId"]
    isolation = ec2.create_security_group(GroupName="isolation", Description="i", VpcId=vpc)["GroupId"]
    # A node's interfaces carry the node group (the VPC CNI adds secondary ones), not the instance.
    primary = ec2.create_network_interface(SubnetId=subnet, Groups=[node_sg])["NetworkInterface"]
    instance = ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[{"NetworkInterfaceId": primary["NetworkInterfaceId"], "DeviceIndex": 0}],
    )["Instances"][0]["InstanceId"]
    secondary = ec2.create_network_interface(SubnetId=subnet, Groups=[node_sg])["NetworkInterface"]
    ec2.attach_network_interface(NetworkInterfaceId=secondary["NetworkInterfaceId"], InstanceId=instance, DeviceIndex=1)
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (f"{PREFIX}-raw", f"{PREFIX}-audit"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name=f"{PREFIX}-security-alerts")["TopicArn"]
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    iam = boto3.client("iam")
    iam.create_role(RoleName=f"{PREFIX}-ingest", AssumeRolePolicyDocument="{}")
    cfg = config(vpc_id=vpc, isolation_group_id=isolation, topic_arn=topic)
    yield {
        "config": cfg,
        "client": response.Aws(cfg, boto3.session.Session(region_name=REGION)),
        "ec2": ec2,
        "s3": s3,
        "iam": iam,
        "sqs": sqs,
        "queue": queue,
        "instance": instance,
        "vpc": vpc,
    }


def instance_finding(env: dict[str, Any]) -> dict[str, Any]:
    return finding(
        "Instance",
        "Backdoor:EC2/C&CActivity.B",
        {
            "instanceDetails": {
                "instanceId": env["instance"],
                "networkInterfaces": [{"vpcId": env["vpc"]}],
            }
        },
    )


def enis(env: dict[str, Any]) -> list[dict[str, Any]]:
    filters = [{"Name": "attachment.instance-id", "Values": [env["instance"]]}]
    found: list[dict[str, Any]] = env["ec2"].describe_network_interfaces(Filters=filters)["NetworkInterfaces"]
    assert found
    return found


def no_kube() -> response.Kubernetes:
    raise AssertionError("this finding must not reach Kubernetes")


def run(env: dict[str, Any], event: dict[str, Any], **overrides: Any) -> response.Record:
    cfg = config(**{**env["config"].__dict__, **overrides})
    client = response.Aws(cfg, env["client"].session)
    record = response.respond(event, cfg, client, no_kube, "2026-12-06T06:00:00Z")
    client.write_record(record)
    client.notify(record)
    return record


def test_an_instance_is_isolated_and_snapshotted_once(aws: dict[str, Any]) -> None:
    first = run(aws, instance_finding(aws))
    assert [o.status for o in first.outcomes] == ["done", "done"], first.outcomes
    ec2 = aws["ec2"]
    assert [[g["GroupId"] for g in eni["Groups"]] for eni in enis(aws)] == [[aws["config"].isolation_group_id]] * 2
    snapshots = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    tagged = [
        s for s in snapshots if {"Key": response.SNAPSHOT_FINDING_TAG, "Value": "f-instance"} in s.get("Tags", [])
    ]
    assert len(tagged) == 1

    again = run(aws, instance_finding(aws))
    assert [o.status for o in again.outcomes] == ["already", "already"]
    assert len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]) == len(snapshots)


def test_dry_run_plans_and_records_but_changes_nothing(aws: dict[str, Any]) -> None:
    record = run(aws, instance_finding(aws), dry_run=True)
    assert [o.status for o in record.outcomes] == ["planned", "planned"]
    eni = enis(aws)[0]
    assert aws["config"].isolation_group_id not in [g["GroupId"] for g in eni["Groups"]]
    listed = aws["s3"].list_objects_v2(Bucket=aws["config"].audit_bucket, Prefix="response/")["Contents"]
    body = json.loads(aws["s3"].get_object(Bucket=aws["config"].audit_bucket, Key=listed[0]["Key"])["Body"].read())
    assert body["dry_run"] is True
    assert listed[0]["Key"] == "response/2026/12/06/f-instance.json"
    # grant_write admits a tagged put only with the bucket's classification tag key.
    tags = aws["s3"].get_object_tagging(Bucket=aws["config"].audit_bucket, Key=listed[0]["Key"])["TagSet"]
    assert tags == [{"Key": "data_classification", "Value": "internal"}]


def test_a_compromised_role_loses_older_sessions_once(aws: dict[str, Any]) -> None:
    role = f"{PREFIX}-ingest"
    first = run(aws, role_finding(role))
    assert first.outcomes[0].status == "done"
    document = aws["iam"].get_role_policy(RoleName=role, PolicyName=response.REVOKE_POLICY_NAME)["PolicyDocument"]
    statement = document["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Action"] == "*"
    assert statement["Condition"] == {"DateLessThan": {"aws:TokenIssueTime": "2026-12-06T06:00:00Z"}}
    assert run(aws, role_finding(role)).outcomes[0].status == "already"


def test_a_lake_exfiltration_merges_a_deny_into_the_bucket_policy(aws: dict[str, Any]) -> None:
    s3, bucket = aws["s3"], f"{PREFIX}-raw"
    keep = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*"}
    keep |= {"Resource": f"arn:aws:s3:::{bucket}/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [keep]}))
    assert run(aws, bucket_finding(bucket)).outcomes[0].status == "done"
    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert statements[0]["Sid"] == "DenyInsecureTransport"
    assert statements[1]["Condition"]["ArnEquals"]["aws:PrincipalArn"] == f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-ingest"
    assert run(aws, bucket_finding(bucket)).outcomes[0].status == "already"
    assert len(json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]) == 2


def test_a_bucket_without_a_policy_gets_one(aws: dict[str, Any]) -> None:
    assert run(aws, bucket_finding(f"{PREFIX}-raw")).outcomes[0].status == "done"


def test_every_response_notifies_the_alert_topic(aws: dict[str, Any]) -> None:
    run(aws, role_finding(f"{PREFIX}-ingest"))
    messages = aws["sqs"].receive_message(QueueUrl=aws["queue"], MaxNumberOfMessages=10)["Messages"]
    text = json.loads(messages[0]["Body"])["Message"]
    assert "revoke-sessions" in text
    assert "f-accesskey" in text


def test_a_failed_action_is_recorded_and_the_rest_still_run(aws: dict[str, Any]) -> None:
    record = run(aws, role_finding(f"{PREFIX}-missing-role"))
    assert record.outcomes[0].status == "failed"
    assert "NoSuchEntity" in record.outcomes[0].detail


# ---------------------------------------------------------------- fake Kubernetes API


class FakeApiServer(BaseHTTPRequestHandler):
    pods: dict[str, dict[str, Any]]
    calls: list[tuple[str, str, Any, str, str]]

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body: Any) -> None:
        type(self).calls.append(
            (self.command, self.path, body, self.headers.get("Authorization", ""), self.headers.get("Content-Type", ""))
        )

    def do_GET(self) -> None:
        self._record(None)
        pod = type(self).pods.get(self.path)
        self._reply(200, pod) if pod else self._reply(404, {"kind": "Status", "code": 404})

    def do_PATCH(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self._record(body)
        pod = type(self).pods.get(self.path)
        if pod:
            pod["metadata"].setdefault("labels", {}).update(body["metadata"]["labels"])
        self._reply(200, pod or body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def api_server() -> Iterator[tuple[str, type[FakeApiServer]]]:
    handler = type(
        "Handler",
        (FakeApiServer,),
        {
            "pods": {
                "/api/v1/namespaces/inference/pods/inference-0": {
                    "metadata": {"name": "inference-0", "labels": {"app": "inference"}},
                    "spec": {"nodeName": "ip-10-0-1-5.ec2.internal"},
                }
            },
            "calls": [],
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_a_pod_finding_labels_the_pod_and_cordons_its_node(
    api_server: tuple[str, type[FakeApiServer]],
) -> None:
    url, handler = api_server
    kube = response.Kubernetes(url, lambda: "k8s-aws-v1.token")
    record = response.respond(pod_finding(), config(), None, lambda: kube, "2026-12-06T06:00:00Z")  # type: ignore[arg-type]
    assert [o.status for o in record.outcomes] == ["done", "done"], record.outcomes
    patches = [(path, body, ctype) for method, path, body, _, ctype in handler.calls if method == "PATCH"]
    assert patches == [
        (
            "/api/v1/namespaces/inference/pods/inference-0",
            {"metadata": {"labels": {"quarantine": "true"}}},
            "application/merge-patch+json",
        ),
        ("/api/v1/nodes/ip-10-0-1-5.ec2.internal", {"spec": {"unschedulable": True}}, "application/merge-patch+json"),
    ]
    assert {auth for *_, auth, _ in handler.calls} == {"Bearer k8s-aws-v1.token"}

    again = response.respond(pod_finding(), config(), None, lambda: kube, "2026-12-06T06:01:00Z")  # type: ignore[arg-type]
    assert again.outcomes[0].status == "already"
    assert [p for m, p, *_ in handler.calls if m == "PATCH"].count("/api/v1/namespaces/inference/pods/inference-0") == 1


def test_a_missing_pod_is_a_failed_outcome_not_a_crash(api_server: tuple[str, type[FakeApiServer]]) -> None:
    url, _ = api_server
    kube = response.Kubernetes(url, lambda: "t")
    event = pod_finding()
    event["resource"]["kubernetesDetails"]["kubernetesWorkloadDetails"]["name"] = "gone"
    record = response.respond(event, config(), None, lambda: kube, "2026-12-06T06:00:00Z")  # type: ignore[arg-type]
    assert [o.status for o in record.outcomes] == ["failed", "failed"]
    assert "404" in record.outcomes[0].detail


def test_a_plain_http_endpoint_off_loopback_is_refused() -> None:
    kube = response.Kubernetes("http://10.0.0.1", lambda: "t")
    with pytest.raises(ValueError, match="non-TLS"):
        kube.pod("a", "b")


def test_the_eks_token_is_a_presigned_get_caller_identity_bound_to_the_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    token = response.eks_token(boto3.session.Session(region_name=REGION), "genai-dev-eks", REGION)
    assert token.startswith("k8s-aws-v1.")
    assert "=" not in token
    encoded = token.removeprefix("k8s-aws-v1.")
    url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    parsed = urllib.parse.urlparse(url)
    query = urllib.parse.parse_qs(parsed.query)
    assert parsed.netloc == f"sts.{REGION}.amazonaws.com"
    assert query["Action"] == ["GetCallerIdentity"]
    assert query["X-Amz-Expires"] == ["60"]
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"][0].split(";")
