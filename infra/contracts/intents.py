"""The platform's access intents: who must be able to call what, as the real sequence of API calls.

Each intent is a named record: an access the platform needs, or (`denied=True`) one it forbids. Names are logical resource names with `{env}`; `Ref(name, attr)` is
the value of that resource in the plan (its ARN by default, or an input or output such as
`kmsKeyId`); strings may use `{env}`, `{region}` and `{account}`. `each=` repeats an intent for every
resource of a type (`Ref(EACH)` is that resource; `each_name` narrows it to one logical name, and
`Ref(EACH, POD_ROLE)` is the role a Deployment's pods run as).

A request's context lists what the request really carries. Keys it does not list are absent, as in
AWS: `UploadPart` carries no tagging header, `DescribeKey` no encryption context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

EACH = "{each}"
POD_ROLE = "{podRole}"
"""`Ref(<Deployment>, POD_ROLE)`: the IAM role its pods run as (its service account's Pod Identity association)."""
K8S_DEPLOYMENT = "kubernetes:apps/v1:Deployment"
DEPLOYER = "deployer"
# Pseudo-action: Kubernetes API access as cluster admin, granted by an EKS access entry (not IAM).
EKS_CLUSTER_ADMIN = "eks:ClusterAdmin"


@dataclass(frozen=True)
class Ref:
    name: str
    attr: str = "arn"


Part = str | Ref
Value = Part | tuple[Part, ...]
"""A string, a plan value, or their concatenation."""
ContextValue = Value | list[str]
"""A context value; a list is a multi-valued key (`s3:RequestObjectTagKeys`)."""


@dataclass(frozen=True)
class Call:
    action: str
    resource: Value
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    api: str = ""
    """The API operation this authorisation belongs to, when it is not the action's own name."""


@dataclass(frozen=True)
class Intent:
    id: str
    title: str
    source: str
    principal: Value
    """A role (`Ref`), `service:<principal>`, or `DEPLOYER` (the identity that runs `pulumi up`)."""
    calls: tuple[Call, ...]
    each: str = ""
    each_name: str = ""
    """With `each`: only the resource of that type with this logical name (`{env}`), when the plan has it."""
    denied: bool = False
    """Every call must be refused: an access the platform forbids (the promotion gate, who signs)."""


def _s3_via(bucket_key: str) -> dict[str, ContextValue]:
    return {"kms:ViaService": "s3.{region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": Ref(bucket_key)}


def _multipart_write(stage: str, bucket: str) -> Intent:
    obj = (Ref(f"genai-{{env}}-datalake-{bucket}-bucket"), "/datasets/2026/part-0000.parquet")
    key = Ref(f"genai-{{env}}-datalake-{bucket}-key")
    kms_context: dict[str, ContextValue] = {
        "kms:ViaService": "s3.{region}.amazonaws.com",
        "kms:EncryptionContext:aws:s3:arn": Ref(f"genai-{{env}}-datalake-{bucket}-bucket"),
    }
    return Intent(
        id=f"{stage}-multipart-write-{bucket}",
        title=f"The {stage} stage completes a multipart upload of a tagged object to the {bucket} bucket",
        source="20 build 2 (item 1)",
        principal=Ref(f"genai-{{env}}-{stage}-role"),
        calls=(
            Call(
                "s3:PutObject",
                obj,
                {
                    "s3:RequestObjectTag/data_classification": "internal",
                    "s3:RequestObjectTagKeys": ["data_classification"],
                    "s3:x-amz-server-side-encryption": "aws:kms",
                    "s3:x-amz-server-side-encryption-aws-kms-key-id": key,
                },
                api="CreateMultipartUpload",
            ),
            Call("kms:GenerateDataKey", key, kms_context, api="CreateMultipartUpload"),
            Call("s3:PutObject", obj, api="UploadPart"),
            Call("kms:Decrypt", key, kms_context, api="UploadPart"),
            Call("s3:PutObject", obj, api="CompleteMultipartUpload"),
        ),
    )


TRAIL = "genai-{env}-audit-trail-trail"
AUDIT_BUCKET = "genai-{env}-datalake-audit-bucket"
_TRAIL_CONTEXT: dict[str, ContextValue] = {"aws:SourceArn": Ref(TRAIL), "aws:SourceAccount": "{account}"}
_TRAIL_OBJECT = (
    Ref(AUDIT_BUCKET),
    "/",
    Ref(TRAIL, "s3KeyPrefix"),
    "/AWSLogs/{account}/CloudTrail/{region}/2026/01/01/x.json.gz",
)
_BACKEND_SECRET = "genai-{env}-backend-credentials-secret"
_PSEUDONYM_SECRET = "genai-{env}-pseudonymisation-key-secret"


def _read_secret(secret: str, api: str = "GetSecretValue") -> tuple[Call, Call]:
    return (
        Call("secretsmanager:GetSecretValue", Ref(secret), api=api),
        Call(
            "kms:Decrypt",
            Ref(secret, "kmsKeyId"),
            {"kms:ViaService": "secretsmanager.{region}.amazonaws.com", "kms:EncryptionContext:SecretARN": Ref(secret)},
            api=api,
        ),
    )


def _pull(node: str, repo: str) -> Intent:
    repository = Ref(f"genai-{{env}}-ecr-{repo}-repo")
    return Intent(
        id=f"{node}-nodes-pull-{repo}",
        title=f"The {node} nodes pull {repo} images",
        source="13 build 3b",
        principal=Ref(f"genai-{{env}}-ng-{node}-role"),
        calls=(
            Call("ecr:GetAuthorizationToken", "*"),
            Call("ecr:BatchCheckLayerAvailability", repository),
            Call("ecr:BatchGetImage", repository),
            Call("ecr:GetDownloadUrlForLayer", repository),
        ),
    )


_NODE_VOLUME_KEY = "genai-{env}-node-volumes-key"
_VIA_EC2: dict[str, ContextValue] = {"kms:ViaService": "ec2.{region}.amazonaws.com"}

# --- data and model integrity (issue 17) ----------------------------------------------------------

RAW_BUCKET = "genai-{env}-datalake-raw-bucket"
RAW_KEY = "genai-{env}-datalake-raw-key"
QUARANTINE_BUCKET = "genai-{env}-quarantine-bucket"
QUARANTINE_KEY = "genai-{env}-quarantine-key"
SCANNER = "genai-{env}-ingest-scanner-role"
SCAN_QUEUE = "genai-{env}-ingest-scanner-queue"
LINEAGE_TABLE = "genai-{env}-ingest-scanner-lineage"
SIGNING_KEY = "genai-{env}-model-signing-key"
_RAW_OBJECT = (Ref(RAW_BUCKET), "/uploads/report.md")
_QUARANTINED = (Ref(QUARANTINE_BUCKET), "/raw-bucket/v1/uploads/report.md")
_S3_SENDS: dict[str, ContextValue] = {"aws:SourceArn": Ref(RAW_BUCKET), "aws:SourceAccount": "{account}"}
# What SQS sends KMS when it encrypts for S3: the queue's ARN as encryption context, and no source keys
# (review S4: SQS Developer Guide, "Key management"; AWS CDK's SqsDestination sets no condition).
_SQS_ENCRYPTS_FOR_S3: dict[str, ContextValue] = {"kms:EncryptionContext:aws:sqs:arn": Ref(SCAN_QUEUE)}


def _read_object(obj: Value, bucket: str, key: str, tags: Mapping[str, str]) -> tuple[Call, Call]:
    return (
        Call("s3:GetObject", obj, {f"s3:ExistingObjectTag/{k}": v for k, v in tags.items()}),
        Call("kms:Decrypt", Ref(key), _s3_via(bucket), api="GetObject"),
    )


INGEST_KEY = "genai-{env}-ingest-key"
# Stage → the bucket whose versions it writes and records in the lineage table (stacks/ingest.py).
_LINEAGE_WRITERS = {"prepare": "curated", "train": "models"}
_LINEAGE_BUCKETS = ("raw", "curated", "models")


def _lineage_key(bucket: str) -> tuple[Part, ...]:
    return ("s3://", Ref(f"genai-{{env}}-datalake-{bucket}-bucket", "bucket"), "/datasets/part-0000.jsonl")


def _put_lineage(bucket: str) -> tuple[Call, ...]:
    """A write-once PutItem of one version's record (partition key `s3://bucket/key`), through the CMK."""
    via: dict[str, ContextValue] = {"kms:ViaService": "dynamodb.{region}.amazonaws.com"}
    return (
        Call("dynamodb:PutItem", Ref(LINEAGE_TABLE), {"dynamodb:LeadingKeys": _lineage_key(bucket)}),
        Call("kms:GenerateDataKey", Ref(INGEST_KEY), via, api="PutItem"),
    )


def _lineage_intents() -> tuple[Intent, ...]:
    """Derived lineage (17 build 3): each stage reads its inputs' records and writes those of its own
    bucket, once; it cannot write another bucket's, and nobody updates or deletes a record."""
    intents: list[Intent] = []
    for stage, bucket in _LINEAGE_WRITERS.items():
        role = Ref(f"genai-{{env}}-{stage}-role")
        intents.append(
            Intent(
                id=f"{stage}-records-{bucket}-lineage",
                title=f"The {stage} stage reads its inputs' lineage records and records a {bucket} version once",
                source="17 build 3",
                principal=role,
                calls=(
                    Call("dynamodb:GetItem", Ref(LINEAGE_TABLE)),
                    Call(
                        "kms:Decrypt",
                        Ref(INGEST_KEY),
                        {"kms:ViaService": "dynamodb.{region}.amazonaws.com"},
                        api="GetItem",
                    ),
                    *_put_lineage(bucket),
                ),
            )
        )
        intents.extend(
            Intent(
                id=f"{stage}-cannot-record-{other}-lineage",
                title=f"The {stage} stage cannot write the lineage record of a {other} version",
                source="17 build 3",
                principal=role,
                calls=_put_lineage(other)[:1],
                denied=True,
            )
            for other in _LINEAGE_BUCKETS
            if other != bucket
        )
        intents.append(_cannot_rewrite_lineage(stage, role))
    return tuple(intents)


def _cannot_rewrite_lineage(who: str, principal: Value) -> Intent:
    return Intent(
        id=f"{who}-cannot-rewrite-lineage",
        title=f"The {who} role can neither update nor delete a lineage record",
        source="17 build 3",
        principal=principal,
        calls=(Call("dynamodb:UpdateItem", Ref(LINEAGE_TABLE)), Call("dynamodb:DeleteItem", Ref(LINEAGE_TABLE))),
        denied=True,
    )


def _sign(principal: Value, action: str, intent_id: str, title: str, *, denied: bool = False) -> Intent:
    return Intent(
        id=intent_id,
        title=title,
        source="17 build 4",
        principal=principal,
        calls=(Call(action, Ref(SIGNING_KEY)),),
        denied=denied,
    )


INTEGRITY_INTENTS: tuple[Intent, ...] = (
    Intent(
        id="s3-notifies-scan-queue",
        title="S3 sends the raw bucket's object-created events to the encrypted scan queue",
        source="17 build 1",
        principal="service:s3.amazonaws.com",
        calls=(
            Call("sqs:SendMessage", Ref(SCAN_QUEUE), _S3_SENDS),
            Call("kms:GenerateDataKey", Ref(SCAN_QUEUE, "kmsMasterKeyId"), _SQS_ENCRYPTS_FOR_S3, api="SendMessage"),
            Call(
                "kms:Decrypt",
                Ref(SCAN_QUEUE, "kmsMasterKeyId"),
                _SQS_ENCRYPTS_FOR_S3,
                api="PutBucketNotification (test)",
            ),
        ),
    ),
    Intent(
        id="scanner-consumes-queue",
        title="Lambda polls the scan queue with the scanner's role and decrypts its messages",
        source="17 build 1",
        principal=Ref(SCANNER),
        calls=(
            Call("sqs:ReceiveMessage", Ref(SCAN_QUEUE)),
            Call(
                "kms:Decrypt",
                Ref(SCAN_QUEUE, "kmsMasterKeyId"),
                {"kms:ViaService": "sqs.{region}.amazonaws.com"},
                api="ReceiveMessage",
            ),
            Call("sqs:DeleteMessage", Ref(SCAN_QUEUE)),
            Call("sqs:ChangeMessageVisibility", Ref(SCAN_QUEUE)),
            Call("sqs:GetQueueAttributes", Ref(SCAN_QUEUE)),
        ),
    ),
    Intent(
        id="scanner-reads-and-tags-raw",
        title="The scanner reads an untagged raw object version and its tags, and tags it with the verdict",
        source="17 build 1",
        principal=Ref(SCANNER),
        calls=(
            Call("s3:GetObjectVersionTagging", _RAW_OBJECT),
            Call("s3:GetObjectVersion", _RAW_OBJECT),
            Call("kms:Decrypt", Ref(RAW_KEY), _s3_via(RAW_BUCKET), api="GetObject"),
            Call(
                "s3:PutObjectVersionTagging",
                _RAW_OBJECT,
                {
                    "s3:RequestObjectTag/data_classification": "confidential",
                    "s3:RequestObjectTagKeys": ["data_classification", "scan_status", "scanner_version", "source"],
                },
            ),
        ),
    ),
    Intent(
        id="scanner-quarantines",
        title="The scanner copies a flagged version into the quarantine bucket with its verdict tags",
        source="17 build 1",
        principal=Ref(SCANNER),
        calls=(
            Call("s3:GetObjectVersion", _RAW_OBJECT, api="CopyObject (source)"),
            Call(
                "s3:PutObject",
                _QUARANTINED,
                {
                    "s3:RequestObjectTag/data_classification": "restricted",
                    "s3:RequestObjectTagKeys": ["data_classification", "scan_status"],
                },
                api="CopyObject",
            ),
            Call(
                "s3:PutObjectTagging",
                _QUARANTINED,
                {
                    "s3:RequestObjectTag/data_classification": "restricted",
                    "s3:RequestObjectTagKeys": ["data_classification", "scan_status"],
                },
                api="CopyObject",
            ),
            Call("kms:GenerateDataKey", Ref(QUARANTINE_KEY), _s3_via(QUARANTINE_BUCKET), api="CopyObject"),
        ),
    ),
    Intent(
        id="scanner-writes-lineage",
        title="The scanner reads and writes once the lineage record of a version",
        source="17 build 3",
        principal=Ref(SCANNER),
        calls=(Call("dynamodb:GetItem", Ref(LINEAGE_TABLE)), Call("dynamodb:PutItem", Ref(LINEAGE_TABLE))),
    ),
    _cannot_rewrite_lineage("scanner", Ref(SCANNER)),
    Intent(
        id="security-team-reads-quarantine",
        title="The security team's role reads a quarantined version",
        source="17 build 1",
        principal=Ref("genai-{env}-audit-reader-role"),
        calls=_read_object(
            _QUARANTINED,
            QUARANTINE_BUCKET,
            QUARANTINE_KEY,
            {"data_classification": "restricted", "scan_status": "flagged"},
        ),
    ),
    *(
        Intent(
            id=f"{who}-cannot-read-quarantine",
            title=f"The {who} role cannot read a quarantined version, whatever its IAM policies say",
            source="17 build 1",
            principal=principal,
            calls=(
                Call(
                    "s3:GetObject",
                    _QUARANTINED,
                    {
                        "s3:ExistingObjectTag/data_classification": "internal",
                        "s3:ExistingObjectTag/scan_status": "flagged",
                    },
                ),
            ),
            denied=True,
        )
        for who, principal in (
            ("deploy", DEPLOYER),
            ("scanner", Ref(SCANNER)),
            ("prepare", Ref("genai-{env}-prepare-role")),
        )
    ),
    Intent(
        id="prepare-reads-clean-raw",
        title="The prepare stage reads a raw object the scanner passed",
        source="17 build 2",
        principal=Ref("genai-{env}-prepare-role"),
        calls=_read_object(
            _RAW_OBJECT, RAW_BUCKET, RAW_KEY, {"data_classification": "confidential", "scan_status": "clean"}
        ),
    ),
    *(
        Intent(
            id=f"prepare-cannot-read-{status}-raw",
            title=f"The prepare stage cannot read a raw object that is {status}",
            source="17 build 2",
            principal=Ref("genai-{env}-prepare-role"),
            calls=(Call("s3:GetObject", _RAW_OBJECT, tags), Call("s3:GetObjectVersion", _RAW_OBJECT, tags)),
            denied=True,
        )
        for status, tags in (
            ("unscanned", {"s3:ExistingObjectTag/data_classification": "internal"}),
            (
                "flagged",
                {"s3:ExistingObjectTag/data_classification": "internal", "s3:ExistingObjectTag/scan_status": "flagged"},
            ),
            (
                "quarantined",
                {
                    "s3:ExistingObjectTag/data_classification": "internal",
                    "s3:ExistingObjectTag/scan_status": "quarantined",
                },
            ),
        )
    ),
    *_lineage_intents(),
    _sign(Ref("genai-{env}-train-role"), "kms:Sign", "train-signs-manifests", "The train role signs a model manifest"),
    _sign(
        Ref("genai-{env}-serve-role"), "kms:Verify", "serve-verifies-manifests", "The serve role verifies a manifest"
    ),
    *(
        _sign(
            principal, "kms:Sign", f"{who}-cannot-sign-manifests", f"The {who} role cannot sign a manifest", denied=True
        )
        for who, principal in (
            ("serve", Ref("genai-{env}-serve-role")),
            ("prepare", Ref("genai-{env}-prepare-role")),
            ("scanner", Ref(SCANNER)),
            ("deploy", DEPLOYER),
        )
    ),
)


# --- the self-hosted guard classifier's own identity (issue 16 build 3b) -----------------------------

GUARD_DEPLOYMENT = "genai-{env}-guard-deployment"
MODELS_BUCKET = "genai-{env}-datalake-models-bucket"
MODELS_KEY = "genai-{env}-datalake-models-key"
GUARD_WEIGHTS_PREFIX = "guard/prompt-guard-2/"
"""`filter.guard.classifier.modelPrefix` as dev sets it (the default)."""


def _classifier(intent_id: str, title: str, calls: tuple[Call, ...], *, denied: bool = False) -> Intent:
    """An intent of whatever role the classifier's pods run as; it applies where the classifier is deployed
    (filter.guard.tier = self-hosted)."""
    return Intent(
        id=intent_id,
        title=title,
        source="16 build 3b",
        principal=Ref(EACH, POD_ROLE),
        calls=calls,
        each=K8S_DEPLOYMENT,
        each_name=GUARD_DEPLOYMENT,
        denied=denied,
    )


GUARD_CLASSIFIER_INTENTS: tuple[Intent, ...] = (
    _classifier(
        "guard-classifier-reads-weights",
        "The guard classifier's pods list and read its weights and verify their signed manifest",
        (
            Call("s3:ListBucket", Ref(MODELS_BUCKET), {"s3:prefix": GUARD_WEIGHTS_PREFIX}, api="ListObjectsV2"),
            *_read_object(
                (Ref(MODELS_BUCKET), f"/{GUARD_WEIGHTS_PREFIX}model.safetensors"),
                MODELS_BUCKET,
                MODELS_KEY,
                {"data_classification": "internal"},
            ),
            Call("kms:Verify", Ref(SIGNING_KEY)),
        ),
    ),
    _classifier(
        "guard-classifier-cannot-read-backend-secret",
        "The guard classifier cannot read the backend credentials secret",
        _read_secret(_BACKEND_SECRET),
        denied=True,
    ),
    _classifier(
        "guard-classifier-cannot-read-model-server-weights",
        "The guard classifier cannot list or read the model server's weights",
        (
            Call("s3:ListBucket", Ref(MODELS_BUCKET), {"s3:prefix": "serving/current/"}, api="ListObjectsV2"),
            Call(
                "s3:GetObject",
                (Ref(MODELS_BUCKET), "/serving/current/model.safetensors"),
                {"s3:ExistingObjectTag/data_classification": "internal"},
            ),
        ),
        denied=True,
    ),
    _classifier(
        "guard-classifier-cannot-sign-manifests",
        "The guard classifier cannot sign a model manifest",
        (Call("kms:Sign", Ref(SIGNING_KEY)),),
        denied=True,
    ),
)


INTENTS: tuple[Intent, ...] = (
    Intent(
        id="serve-reads-backend-secret",
        title="The model server reads the backend credentials secret",
        source="13 defect 11",
        principal=Ref("genai-{env}-serve-role"),
        calls=_read_secret(_BACKEND_SECRET),
    ),
    Intent(
        id="filter-reads-secrets",
        title="The filter function reads its two secrets",
        source="13 build 3b",
        principal=Ref("genai-{env}-filter-role"),
        calls=_read_secret(_BACKEND_SECRET) + _read_secret(_PSEUDONYM_SECRET),
    ),
    Intent(
        id="filter-applies-guardrail",
        title="The filter's guard tier applies the Bedrock guardrail (and decrypts it with the guardrail's key)",
        source="16 build 3a",
        principal=Ref("genai-{env}-filter-role"),
        calls=(
            Call("bedrock:ApplyGuardrail", Ref(EACH, "guardrailArn")),
            Call(
                "kms:Decrypt",
                Ref(EACH, "kmsKeyArn"),
                {"kms:ViaService": "bedrock.{region}.amazonaws.com"},
                api="ApplyGuardrail",
            ),
        ),
        each="aws:bedrock/guardrail:Guardrail",
    ),
    Intent(
        id="rotation-rotates-secrets",
        title="The rotation function writes new versions of both secrets",
        source="13 build 3b",
        principal=Ref("genai-{env}-rotation-role"),
        calls=tuple(
            call
            for secret in (_BACKEND_SECRET, _PSEUDONYM_SECRET)
            for call in (
                *_read_secret(secret),
                Call("secretsmanager:PutSecretValue", Ref(secret)),
                Call(
                    "kms:GenerateDataKey",
                    Ref(secret, "kmsKeyId"),
                    {
                        "kms:ViaService": "secretsmanager.{region}.amazonaws.com",
                        "kms:EncryptionContext:SecretARN": Ref(secret),
                    },
                    api="PutSecretValue",
                ),
                Call("secretsmanager:UpdateSecretVersionStage", Ref(secret)),
            )
        ),
    ),
    Intent(
        id="secretsmanager-invokes-rotation",
        title="Secrets Manager invokes the rotation function for the backend credentials",
        source="13 build 3b",
        principal="service:secretsmanager.amazonaws.com",
        calls=(
            Call(
                "lambda:InvokeFunction",
                Ref("genai-{env}-rotation-function"),
                {"aws:SourceArn": Ref(_BACKEND_SECRET), "aws:SourceAccount": "{account}"},
            ),
        ),
    ),
    Intent(
        id="apigateway-invokes-filter",
        title="API Gateway invokes the filter for POST /v1/screen",
        source="13 build 3b",
        principal="service:apigateway.amazonaws.com",
        calls=(
            Call(
                "lambda:InvokeFunction",
                Ref("genai-{env}-filter-function"),
                {
                    "aws:SourceArn": (
                        Ref("genai-{env}-api-api", "executionArn"),
                        "/",
                        Ref("genai-{env}-api-stage", "stageName"),
                        "/POST/v1/screen",
                    ),
                    "aws:SourceAccount": "{account}",
                },
            ),
        ),
    ),
    Intent(
        id="cloudtrail-writes-audit-bucket",
        title="CloudTrail checks the bucket ACL, writes log files and uses the audit key",
        source="13 defect 6",
        principal="service:cloudtrail.amazonaws.com",
        calls=(
            Call("s3:GetBucketAcl", Ref(AUDIT_BUCKET), _TRAIL_CONTEXT),
            Call(
                "s3:PutObject",
                _TRAIL_OBJECT,
                {
                    **_TRAIL_CONTEXT,
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "s3:x-amz-server-side-encryption": "aws:kms",
                    "s3:x-amz-server-side-encryption-aws-kms-key-id": Ref(TRAIL, "kmsKeyId"),
                },
            ),
            Call(
                "kms:GenerateDataKey",
                Ref(TRAIL, "kmsKeyId"),
                {**_TRAIL_CONTEXT, "kms:EncryptionContext:aws:cloudtrail:arn": Ref(TRAIL)},
            ),
            Call("kms:DescribeKey", Ref(TRAIL, "kmsKeyId"), _TRAIL_CONTEXT, api="CreateTrail/UpdateTrail"),
        ),
    ),
    Intent(
        id="cloudtrail-delivers-to-log-group",
        title="CloudTrail's delivery role writes the trail's log group",
        source="13 build 3b",
        principal=Ref(TRAIL, "cloudWatchLogsRoleArn"),
        calls=(
            Call(
                "logs:CreateLogStream",
                (Ref("genai-{env}-audit-trail-logs-group"), ":log-stream:{account}_CloudTrail_{region}"),
            ),
            Call(
                "logs:PutLogEvents",
                (Ref("genai-{env}-audit-trail-logs-group"), ":log-stream:{account}_CloudTrail_{region}"),
            ),
        ),
    ),
    Intent(
        id="audit-reader-reads-cloudtrail-objects",
        title="The audit reader reads the (untagged) log files CloudTrail writes",
        source="20 build 2 (item 2)",
        principal=Ref("genai-{env}-audit-reader-role"),
        calls=(
            Call("s3:ListBucket", Ref(AUDIT_BUCKET), {"s3:prefix": (Ref(TRAIL, "s3KeyPrefix"), "/AWSLogs/")}),
            Call("s3:GetObject", _TRAIL_OBJECT),
            Call(
                "kms:Decrypt",
                Ref(TRAIL, "kmsKeyId"),
                {"kms:ViaService": "s3.{region}.amazonaws.com", "kms:EncryptionContext:aws:cloudtrail:arn": Ref(TRAIL)},
                api="GetObject",
            ),
        ),
    ),
    Intent(
        id="serve-reads-models",
        title="The model server reads a model artefact tagged internal",
        source="13 build 3b",
        principal=Ref("genai-{env}-serve-role"),
        calls=(
            Call(
                "s3:GetObject",
                (Ref("genai-{env}-datalake-models-bucket"), "/models/llm/model.safetensors"),
                {"s3:ExistingObjectTag/data_classification": "internal"},
            ),
            Call(
                "kms:Decrypt",
                Ref("genai-{env}-datalake-models-key"),
                _s3_via("genai-{env}-datalake-models-bucket"),
                api="GetObject",
            ),
        ),
    ),
    _multipart_write("ingest", "raw"),
    _multipart_write("prepare", "curated"),
    _multipart_write("train", "models"),
    # The ingest and prepare stages run as pods (EKS Pod Identity, docs/data-access.md): their trust is
    # checked per association by `trust-covers-workload`; no Glue job exists to trust.
    Intent(
        id="auditor-assumes-audit-reader",
        title="A person of the account, signed in with MFA, assumes the audit reader role",
        source="20 build 2",
        principal="arn:aws:iam::{account}:root",
        calls=(Call("sts:AssumeRole", Ref("genai-{env}-audit-reader-role"), {"aws:MultiFactorAuthPresent": "true"}),),
    ),
    *(_pull(node, repo) for node in ("system", "gpu") for repo in ("inference", "training")),
    Intent(
        id="events-publish-alerts",
        title="EventBridge publishes GuardDuty findings to the encrypted alert topic",
        source="13 build 3b",
        principal="service:events.amazonaws.com",
        calls=(
            Call(
                "sns:Publish",
                Ref("genai-{env}-alerts-topic"),
                {"aws:SourceArn": Ref("genai-{env}-guardduty-findings"), "aws:SourceAccount": "{account}"},
            ),
            Call(
                "kms:GenerateDataKey",
                Ref("genai-{env}-alerts-topic", "kmsMasterKeyId"),
                # SNS asks KMS on the publisher's behalf, with the topic as encryption context.
                {"kms:EncryptionContext:aws:sns:topicArn": Ref("genai-{env}-alerts-topic")},
                api="Publish",
            ),
        ),
    ),
    Intent(
        id="s3-delivers-access-logs",
        title="S3 server access logging delivers a log object (no SSE header: the target bucket's default applies)",
        source="13 build 3b",
        principal="service:logging.s3.amazonaws.com",
        each="aws:s3/bucketLogging:BucketLogging",
        calls=(
            Call(
                "s3:PutObject",
                ("arn:aws:s3:::", Ref(EACH, "targetBucket"), "/", Ref(EACH, "targetPrefix"), "2026-01-01-00-00-00-0"),
                {"aws:SourceArn": ("arn:aws:s3:::", Ref(EACH, "bucket")), "aws:SourceAccount": "{account}"},
            ),
        ),
    ),
    Intent(
        id="response-snapshots-node-volumes",
        title="The response function snapshots a node volume encrypted with the node-volume key",
        source="18 follow-up (item 3)",
        principal=Ref("genai-{env}-response-role"),
        calls=(
            Call("ec2:CreateSnapshot", "arn:aws:ec2:{region}:{account}:volume/vol-0123456789abcdef0"),
            Call("ec2:CreateSnapshot", "arn:aws:ec2:{region}::snapshot/*"),
            # EBS's documented needs for a CMK-encrypted volume (EBS user guide, encryption requirements).
            Call("kms:CreateGrant", Ref(_NODE_VOLUME_KEY), {**_VIA_EC2, "kms:GrantIsForAWSResource": "true"}),
            Call("kms:DescribeKey", Ref(_NODE_VOLUME_KEY), _VIA_EC2),
            Call("kms:Decrypt", Ref(_NODE_VOLUME_KEY), _VIA_EC2),
            Call("kms:GenerateDataKeyWithoutPlaintext", Ref(_NODE_VOLUME_KEY), _VIA_EC2),
            Call("kms:ReEncryptFrom", Ref(_NODE_VOLUME_KEY), _VIA_EC2),
            Call("kms:ReEncryptTo", Ref(_NODE_VOLUME_KEY), _VIA_EC2),
        ),
    ),
    Intent(
        id="response-revokes-workload-sessions",
        title="The response function revokes a workload role's older sessions (its inline deny policy)",
        source="18 build 2; review 2026-12-06-second H1",
        principal=Ref("genai-{env}-response-role"),
        calls=(
            Call("iam:GetRolePolicy", Ref("genai-{env}-train-role")),
            Call("iam:PutRolePolicy", Ref("genai-{env}-train-role")),
        ),
    ),
    Intent(
        id="response-cannot-rewrite-privileged-roles",
        title="The response function cannot write an inline policy on the deploy, key-admin, runner or filter role",
        source="review 2026-12-06-second H1",
        principal=Ref("genai-{env}-response-role"),
        calls=(
            Call("iam:PutRolePolicy", "arn:aws:iam::{account}:role/genai-{env}-deploy"),
            Call("iam:PutRolePolicy", "arn:aws:iam::{account}:role/genai-{env}-key-admin"),
            Call("iam:PutRolePolicy", Ref("genai-{env}-runner-role")),
            Call("iam:PutRolePolicy", Ref("genai-{env}-filter-role")),
        ),
        denied=True,
    ),
    Intent(
        id="deployer-administers-keys",
        title="The deploy role administers every key (KMS refuses a policy that locks its caller out)",
        source="13 build 3b (defect 10)",
        principal=DEPLOYER,
        each="aws:kms/key:Key",
        calls=(
            Call("kms:PutKeyPolicy", Ref(EACH), api="CreateKey/PutKeyPolicy"),
            Call("kms:DescribeKey", Ref(EACH)),
            Call("kms:ScheduleKeyDeletion", Ref(EACH), api="pulumi destroy"),
        ),
    ),
    Intent(
        id="key-administrators-cannot-grant-themselves-use",
        title="A key administrator cannot give itself use of a key with a grant (only AWS services may, for a resource)",
        source="review 2026-12-06-second H2",
        principal=DEPLOYER,
        each="aws:kms/key:Key",
        calls=(Call("kms:CreateGrant", Ref(EACH), {"kms:GrantIsForAWSResource": "false"}),),
        denied=True,
    ),
    Intent(
        id="deployer-administers-cluster",
        title="The deploy role is a cluster admin through an access entry",
        source="13 defect 1",
        principal=DEPLOYER,
        each="aws:eks/cluster:Cluster",
        calls=(Call(EKS_CLUSTER_ADMIN, Ref(EACH)),),
    ),
    *INTEGRITY_INTENTS,
    *GUARD_CLASSIFIER_INTENTS,
)
