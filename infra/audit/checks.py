"""The post-deploy baseline: each check reads the account and returns pass, fail or error results.

How platform resources are found (the component authors follow this convention):

* buckets, KMS keys, secrets, CloudTrail trails, EKS clusters and REST APIs by the tags
  ``Project=genai-platform`` and ``Environment=<env>`` (the provider's default tags); trails, clusters
  and APIs also by a name starting with ``genai-<env>``. The access-log bucket carries
  ``Purpose=access-logs``.
* log groups by name prefix: ``/genai/<env>/``, ``/aws/lambda/genai-<env>``, ``/aws/eks/genai-<env>``,
  ``aws-waf-logs-genai-<env>``, ``/aws/vpc/genai-<env>``, ``/aws/apigateway/genai-<env>``.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.audit.api import ApiError, Aws
from policies.rules._predicates import is_tls_deny
from stacks.settings import PROJECT, PlatformSettings

PASS, FAIL, ERROR = "pass", "fail", "error"
REQUIRED_GUARDDUTY_FEATURES = (
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "EBS_MALWARE_PROTECTION",
)
PUBLISHING_FREQUENCY = "FIFTEEN_MINUTES"
ACCESS_LOG_PURPOSE = "access-logs"


def log_group_prefixes(env: str) -> tuple[str, ...]:
    return (
        f"/genai/{env}/",
        f"/aws/lambda/genai-{env}",
        f"/aws/eks/genai-{env}",
        f"aws-waf-logs-genai-{env}",
        f"/aws/vpc/genai-{env}",
        f"/aws/apigateway/genai-{env}",
    )


@dataclass(frozen=True)
class CheckResult:
    check: str
    resource: str
    status: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "resource": self.resource, "status": self.status, "detail": self.detail}


@dataclass
class Audit:
    aws: Aws
    settings: PlatformSettings
    results: list[CheckResult] = field(default_factory=list)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def env(self) -> str:
        return self.settings.environment

    @property
    def prefix(self) -> str:
        return self.settings.name_prefix

    def record(self, check: str, resource: str, ok: bool, detail: str) -> None:
        self.results.append(CheckResult(check, resource, PASS if ok else FAIL, detail))

    def guarded(self, check: str, resource: str, fn: Callable[[], None]) -> None:
        """Run one check; an API error or a surprise becomes an error result, never a crash."""
        try:
            fn()
        except ApiError as err:
            self.results.append(CheckResult(check, resource, ERROR, f"error: {err}"))
        # One broken check must not stop the audit.
        except Exception as err:
            self.results.append(CheckResult(check, resource, ERROR, f"error: unexpected {type(err).__name__}"))

    def platform_tags(self, tags: dict[str, str]) -> bool:
        return tags.get("Project") == PROJECT and tags.get("Environment") == self.env

    def cached(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]


def _tags(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t.get(key)): str(t.get(value)) for t in items or [] if isinstance(t, dict)}


# ---------------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------------


def platform_buckets(a: Audit) -> dict[str, dict[str, str]]:
    def find() -> dict[str, dict[str, str]]:
        found = {}
        for b in a.aws.call("s3", "list_buckets").get("Buckets") or []:
            name = str(b.get("Name"))
            try:
                tags = _tags(a.aws.call("s3", "get_bucket_tagging", Bucket=name).get("TagSet"))
            except ApiError as err:
                if err.kind == "not-found":
                    continue
                raise
            if a.platform_tags(tags):
                found[name] = tags
        return found

    return a.cached("buckets", find)  # type: ignore[no-any-return]


def platform_keys(a: Audit) -> dict[str, dict[str, Any]]:
    """Customer-managed platform keys, by ARN, with their metadata."""

    def find() -> dict[str, dict[str, Any]]:
        found = {}
        for k in a.aws.pages("kms", "list_keys", "Keys", "Marker", "NextMarker"):
            key_id = str(k.get("KeyArn") or k.get("KeyId"))
            meta = a.aws.call("kms", "describe_key", KeyId=key_id).get("KeyMetadata") or {}
            if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") == "PendingDeletion":
                continue
            tags = _tags(a.aws.call("kms", "list_resource_tags", KeyId=key_id).get("Tags"), "TagKey", "TagValue")
            if a.platform_tags(tags):
                found[str(meta.get("Arn"))] = meta
        return found

    return a.cached("keys", find)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class KeyOwner:
    """Which CMK (`alias/genai-<env>-<key>`) encrypts a kind of platform resource.

    `match` is a bucket's `Purpose` tag, a log group name prefix (`{env}` filled in), or `*`.
    `tests/infra/audit/test_audit_keys.py` checks this table against the dev and prod plans.
    """

    kind: str
    match: str
    key: str


KEY_OWNERS = (
    *(KeyOwner("bucket", purpose, f"datalake-{purpose}") for purpose in ("raw", "curated", "models", "audit")),
    KeyOwner("bucket", "artifacts", "artifacts"),
    KeyOwner("bucket", "deploy-sources", "deploy"),
    KeyOwner("bucket", "quarantine", "quarantine"),
    KeyOwner("trail", "*", "datalake-audit"),
    KeyOwner("secret", "*", "edge-secrets"),
    KeyOwner("eks-cluster", "*", "eks-secrets"),
    KeyOwner("log-group", "/aws/eks/genai-{env}", "eks-logs"),
    # The scanner's log group has the scanner's key (docs/integrity.md); the first match wins.
    KeyOwner("log-group", "/aws/lambda/genai-{env}-ingest-scanner", "ingest"),
    KeyOwner("log-group", "/aws/lambda/genai-{env}", "edge-logs"),
    KeyOwner("log-group", "/aws/apigateway/genai-{env}", "edge-logs"),
    KeyOwner("log-group", "aws-waf-logs-genai-{env}", "edge-logs"),
    KeyOwner("log-group", "/aws/vpc/genai-{env}", "network-flow-logs"),
    KeyOwner("log-group", "/genai/{env}/", "operations"),
    KeyOwner("log-group", "/aws/codebuild/genai-{env}", "deploy"),
    KeyOwner("log-group", "API-Gateway-Execution-Logs_", "edge-logs"),
)


def expected_key_alias(env: str, kind: str, subject: str) -> str | None:
    """The alias of the CMK that must encrypt this resource, or None when the table has no owner for it."""
    for owner in KEY_OWNERS:
        match = owner.match.format(env=env)
        if owner.kind == kind and (match in ("*", subject) or (kind == "log-group" and subject.startswith(match))):
            return f"alias/genai-{env}-{owner.key}"
    return None


def record_key(a: Audit, check: str, resource: str, kind: str, subject: str, key_id: str | None) -> None:
    """Pass only when the resource uses its own expected CMK, not merely some platform key."""
    if not key_id:
        a.record(check, resource, False, "not encrypted with a customer-managed KMS key")
        return
    actual = _resolve_key(a, key_id)
    alias = expected_key_alias(a.env, kind, subject)
    if alias is None:
        ok = actual in platform_keys(a)
        a.record(check, resource, ok, f"{'a platform CMK' if ok else 'not a platform CMK'}: {actual or key_id}")
        return
    expected = _resolve_key(a, alias)
    a.record(
        check,
        resource,
        actual is not None and actual == expected,
        f"encrypted with {alias}"
        if actual == expected
        else f"encrypted with {actual or key_id}; expected {alias} ({expected or 'missing'})",
    )


def _named(a: Audit, name: str, tags: dict[str, str]) -> bool:
    return a.platform_tags(tags) or name.startswith(a.prefix)


# ---------------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------------


def _resolve_key(a: Audit, key_id: str) -> str | None:
    try:
        return str(a.aws.call("kms", "describe_key", KeyId=key_id).get("KeyMetadata", {}).get("Arn"))
    except ApiError as err:
        if err.kind == "not-found":
            return None
        raise


def check_bucket_encryption(a: Audit, bucket: str, tags: dict[str, str]) -> None:
    try:
        rules = a.aws.call("s3", "get_bucket_encryption", Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    except ApiError as err:
        if err.kind != "not-found":
            raise
        a.record("s3.encryption", bucket, False, "no default encryption configuration")
        return
    default = (rules[0] if rules else {}).get("ApplyServerSideEncryptionByDefault") or {}
    algorithm, key = default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")
    if tags.get("Purpose") == ACCESS_LOG_PURPOSE:
        # S3 server access logging cannot deliver to SSE-KMS buckets.
        a.record(
            "s3.encryption", bucket, algorithm == "AES256", f"access-log bucket: SSE-S3 expected, found {algorithm}"
        )
        return
    if algorithm not in ("aws:kms", "aws:kms:dsse"):
        a.record("s3.encryption", bucket, False, f"SSE-KMS with a platform CMK expected, found {algorithm}")
        return
    if not key:
        a.record("s3.encryption", bucket, False, "SSE-KMS uses the AWS-managed key aws/s3; a platform CMK is expected")
        return
    record_key(a, "s3.encryption", bucket, "bucket", tags.get("Purpose", ""), str(key))


def check_bucket_public_access_block(a: Audit, bucket: str) -> None:
    try:
        conf = a.aws.call("s3", "get_public_access_block", Bucket=bucket)["PublicAccessBlockConfiguration"]
    except ApiError as err:
        if err.kind != "not-found":
            raise
        a.record("s3.public-access-block", bucket, False, "no public access block")
        return
    off = sorted(
        k
        for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
        if conf.get(k) is not True
    )
    a.record("s3.public-access-block", bucket, not off, "all four settings on" if not off else f"off: {', '.join(off)}")


def check_bucket_versioning(a: Audit, bucket: str) -> None:
    status = a.aws.call("s3", "get_bucket_versioning", Bucket=bucket).get("Status")
    a.record("s3.versioning", bucket, status == "Enabled", f"versioning {status or 'never enabled'}")


def _is_tls_deny(stmt: dict[str, Any]) -> bool:
    return is_tls_deny(stmt)


def check_bucket_tls_only(a: Audit, bucket: str) -> None:
    try:
        text = a.aws.call("s3", "get_bucket_policy", Bucket=bucket)["Policy"]
    except ApiError as err:
        if err.kind != "not-found":
            raise
        a.record("s3.tls-only", bucket, False, "no bucket policy, so no TLS-only deny")
        return
    try:
        statements = json.loads(text).get("Statement") or []
    except (json.JSONDecodeError, AttributeError):
        a.record("s3.tls-only", bucket, False, "bucket policy is not valid JSON")
        return
    statements = statements if isinstance(statements, list) else [statements]
    ok = any(isinstance(s, dict) and _is_tls_deny(s) for s in statements)
    a.record("s3.tls-only", bucket, ok, "denies requests without TLS" if ok else "no Deny on aws:SecureTransport=false")


def audit_buckets(a: Audit) -> None:
    buckets: dict[str, dict[str, str]] = {}

    def discover() -> None:
        buckets.update(platform_buckets(a))
        a.record(
            "s3.buckets",
            "*",
            bool(buckets),
            f"{len(buckets)} platform bucket(s) found"
            if buckets
            else f"no bucket tagged Project={PROJECT}, Environment={a.env}",
        )
        if buckets:
            has_logs = any(t.get("Purpose") == ACCESS_LOG_PURPOSE for t in buckets.values())
            a.record(
                "s3.access-log-bucket",
                "*",
                has_logs,
                "access-log bucket found" if has_logs else f"no platform bucket tagged Purpose={ACCESS_LOG_PURPOSE}",
            )

    a.guarded("s3.buckets", "*", discover)
    for name in sorted(buckets):
        a.guarded("s3.encryption", name, lambda n=name: check_bucket_encryption(a, n, buckets[n]))  # type: ignore[misc]
        a.guarded("s3.public-access-block", name, lambda n=name: check_bucket_public_access_block(a, n))  # type: ignore[misc]
        a.guarded("s3.versioning", name, lambda n=name: check_bucket_versioning(a, n))  # type: ignore[misc]
        a.guarded("s3.tls-only", name, lambda n=name: check_bucket_tls_only(a, n))  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------
# GuardDuty, CloudTrail
# ---------------------------------------------------------------------------------------------------


def audit_guardduty(a: Audit) -> None:
    def run() -> None:
        ids = a.aws.call("guardduty", "list_detectors").get("DetectorIds") or []
        if not ids:
            a.record("guardduty.detector", a.aws.region, False, "no GuardDuty detector in this region")
            for feature in REQUIRED_GUARDDUTY_FEATURES:
                a.record(f"guardduty.feature.{feature}", a.aws.region, False, "no detector")
            return
        detector_id = str(ids[0])
        d = a.aws.call("guardduty", "get_detector", DetectorId=detector_id)
        frequency = d.get("FindingPublishingFrequency")
        ok = d.get("Status") == "ENABLED" and frequency == PUBLISHING_FREQUENCY
        a.record(
            "guardduty.detector",
            detector_id,
            ok,
            f"status {d.get('Status')}, publishing {frequency} (expected ENABLED, {PUBLISHING_FREQUENCY})",
        )
        if "Features" not in d:
            for feature in REQUIRED_GUARDDUTY_FEATURES:
                a.results.append(
                    CheckResult(
                        f"guardduty.feature.{feature}",
                        detector_id,
                        ERROR,
                        "error: not supported by endpoint (detector features not reported)",
                    )
                )
            return
        status = {str(f.get("Name")): f.get("Status") for f in d.get("Features") or [] if isinstance(f, dict)}
        for feature in REQUIRED_GUARDDUTY_FEATURES:
            a.record(
                f"guardduty.feature.{feature}",
                detector_id,
                status.get(feature) == "ENABLED",
                f"{feature} {status.get(feature) or 'not configured'}",
            )

    a.guarded("guardduty.detector", a.aws.region, run)


def audit_cloudtrail(a: Audit) -> None:
    def run() -> None:
        trails = a.aws.call("cloudtrail", "describe_trails", includeShadowTrails=False).get("trailList") or []
        mine = []
        for t in trails:
            arn = str(t.get("TrailARN"))
            tag_list = a.aws.call("cloudtrail", "list_tags", ResourceIdList=[arn]).get("ResourceTagList") or []
            tags = _tags(tag_list[0].get("TagsList")) if tag_list else {}
            if _named(a, str(t.get("Name")), tags):
                mine.append(t)
        a.record(
            "cloudtrail.trail",
            a.aws.region,
            bool(mine),
            f"{len(mine)} platform trail(s)" if mine else "no platform trail found",
        )
        for t in mine:
            name, arn = str(t.get("Name")), str(t.get("TrailARN"))
            a.record(
                "cloudtrail.multi-region",
                name,
                t.get("IsMultiRegionTrail") is True,
                f"multi-region: {t.get('IsMultiRegionTrail')}",
            )
            a.record(
                "cloudtrail.log-file-validation",
                name,
                t.get("LogFileValidationEnabled") is True,
                f"log file validation: {t.get('LogFileValidationEnabled')}",
            )
            a.guarded(
                "cloudtrail.kms",
                name,
                lambda t=t, name=name: record_key(a, "cloudtrail.kms", name, "trail", name, t.get("KmsKeyId")),  # type: ignore[misc]
            )
            a.guarded(
                "cloudtrail.logging",
                name,
                lambda arn=arn, name=name: a.record(  # type: ignore[misc]
                    "cloudtrail.logging",
                    name,
                    a.aws.call("cloudtrail", "get_trail_status", Name=arn).get("IsLogging") is True,
                    "IsLogging",
                ),
            )

    a.guarded("cloudtrail.trail", a.aws.region, run)


# ---------------------------------------------------------------------------------------------------
# API Gateway and WAF
# ---------------------------------------------------------------------------------------------------


def platform_apis(a: Audit) -> list[dict[str, Any]]:
    apis = a.aws.pages("apigateway", "get_rest_apis", "items", "position", "position", limit=500)
    return [x for x in apis if _named(a, str(x.get("name")), _tags(x.get("tags") or {}))]


def audit_api(a: Audit) -> None:
    apis: list[dict[str, Any]] = []

    def discover() -> None:
        apis.extend(platform_apis(a))
        a.record(
            "apigateway.api",
            a.aws.region,
            bool(apis),
            f"{len(apis)} platform REST API(s)" if apis else "no platform REST API found",
        )

    a.guarded("apigateway.api", a.aws.region, discover)
    for api in apis:
        api_id, name = str(api.get("id")), str(api.get("name"))

        def waf(api_id: str = api_id, name: str = name) -> None:
            stages = a.aws.call("apigateway", "get_stages", restApiId=api_id).get("item") or []
            if not stages:
                a.record("waf.api-association", name, False, "the API has no stage")
            for st in stages:
                stage = str(st.get("stageName"))
                arn = f"arn:aws:apigateway:{a.aws.region}::/restapis/{api_id}/stages/{stage}"
                acl = a.aws.call("wafv2", "get_web_acl_for_resource", ResourceArn=arn).get("WebACL")
                a.record(
                    "waf.api-association",
                    f"{name}/{stage}",
                    bool(acl),
                    f"web ACL {acl.get('Name')}" if acl else "no web ACL associated with the stage",
                )

        def auth(api_id: str = api_id, name: str = name) -> None:
            open_methods = []
            count = 0
            for res in a.aws.pages(
                "apigateway", "get_resources", "items", "position", "position", restApiId=api_id, limit=500
            ):
                for method in sorted(res.get("resourceMethods") or {}):
                    count += 1
                    m = a.aws.call(
                        "apigateway", "get_method", restApiId=api_id, resourceId=res["id"], httpMethod=method
                    )
                    if m.get("authorizationType", "NONE") == "NONE":
                        open_methods.append(f"{method} {res.get('path')}")
            a.record(
                "apigateway.authorization",
                name,
                not open_methods,
                f"{count} method(s), all authorized"
                if not open_methods
                else f"no authorization: {', '.join(open_methods)}",
            )

        a.guarded("waf.api-association", name, waf)
        a.guarded("apigateway.authorization", name, auth)


# ---------------------------------------------------------------------------------------------------
# Secrets, EKS, logs, KMS
# ---------------------------------------------------------------------------------------------------


ROTATION_GRACE = timedelta(hours=25)  # a schedule's rotation window is at most 24 hours
PENDING_GRACE = timedelta(hours=1)  # a rotation still running is not yet a dangling AWSPENDING
_RATE = re.compile(r"rate\((\d+) (hours?|days?)\)")


def rotation_interval(rules: dict[str, Any]) -> timedelta | None:
    """The rotation interval of `RotationRules`; None for a cron schedule (its next date is checked instead)."""
    days = rules.get("AutomaticallyAfterDays")
    if isinstance(days, int) and days > 0:
        return timedelta(days=days)
    match = _RATE.fullmatch(str(rules.get("ScheduleExpression") or "").strip())
    if match is None:
        return None
    n = int(match[1])
    return timedelta(hours=n) if match[2].startswith("hour") else timedelta(days=n)


def is_bootstrap_value(value: str) -> bool:
    """The placeholder Pulumi writes as the first version (`components.secrets.BOOTSTRAP_VALUE`)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return isinstance(parsed, dict) and set(parsed) == {"bootstrap"}


def _current_is_bootstrap(a: Audit, arn: str, versions: list[dict[str, Any]]) -> tuple[bool | None, str]:
    """Whether AWSCURRENT still holds the bootstrap placeholder: by value when the audit may read it (the value
    is compared and dropped, never reported), else by history (AWSCURRENT on the only or the oldest version)."""
    try:
        value = a.aws.call("secretsmanager", "get_secret_value", SecretId=arn, VersionStage="AWSCURRENT")
    except ApiError:
        value = {}
    text = value.get("SecretString")
    if isinstance(text, str):
        return is_bootstrap_value(text), "by value"
    current = [v for v in versions if "AWSCURRENT" in (v.get("VersionStages") or [])]
    if not current:
        return True, "no AWSCURRENT version"
    if len(versions) == 1:
        return True, "by history: AWSCURRENT is the only version"
    dates = [v.get("CreatedDate") for v in versions]
    if not all(isinstance(d, datetime) for d in dates):
        return None, "by history: no creation dates"
    oldest = min(d for d in dates if isinstance(d, datetime))
    first = [v for v in versions if v.get("CreatedDate") == oldest]
    if len(first) == 1 and first[0] is current[0]:
        return True, "by history: AWSCURRENT is the first version"
    return False, "by history"


def check_rotation_finished(a: Audit, arn: str, name: str, d: dict[str, Any], now: datetime) -> None:
    """The last rotation finished: AWSCURRENT is not the bootstrap placeholder, no AWSPENDING version is left
    behind, and `LastRotatedDate` is within the schedule."""
    versions = a.aws.pages(
        "secretsmanager", "list_secret_version_ids", "Versions", "NextToken", "NextToken", SecretId=arn,
        IncludeDeprecated=True,
    )  # fmt: skip
    problems: list[str] = []
    bootstrap, how = _current_is_bootstrap(a, arn, versions)
    if bootstrap:
        problems.append(f"AWSCURRENT is still the bootstrap placeholder ({how})")
    for v in versions:
        stages = v.get("VersionStages") or []
        created = v.get("CreatedDate")
        in_progress = isinstance(created, datetime) and now - created <= PENDING_GRACE
        if "AWSPENDING" in stages and "AWSCURRENT" not in stages and not in_progress:
            problems.append(f"AWSPENDING version {v.get('VersionId')} left dangling by an unfinished rotation")
    last = d.get("LastRotatedDate")
    rules = d.get("RotationRules") or {}
    interval = rotation_interval(rules)
    if not isinstance(last, datetime):
        problems.append("never rotated (no LastRotatedDate)")
    elif interval is not None and now - last > interval + ROTATION_GRACE:
        every = f"{interval.days} days" if interval.days else f"{interval.seconds // 3600} hours"
        problems.append(f"last rotated {last:%Y-%m-%d}, more than {every} ago (schedule and rotation window)")
    next_date = d.get("NextRotationDate")
    if interval is None and isinstance(next_date, datetime) and now - next_date > ROTATION_GRACE:
        problems.append(f"rotation overdue since {next_date:%Y-%m-%d}")
    detail = "; ".join(problems) if problems else f"last rotation finished {last:%Y-%m-%d}" if last else "ok"
    a.record("secretsmanager.rotation-finished", name, not problems, detail)


def audit_secrets(a: Audit) -> None:
    secrets: list[dict[str, Any]] = []

    def discover() -> None:
        listed = a.aws.pages("secretsmanager", "list_secrets", "SecretList", "NextToken", "NextToken")
        secrets.extend(s for s in listed if a.platform_tags(_tags(s.get("Tags"))))

    a.guarded("secretsmanager.rotation", "*", discover)
    for s in secrets:
        name = str(s.get("Name"))
        arn = str(s.get("ARN"))
        described: dict[str, Any] = {}

        def rotation(arn: str = arn, name: str = name, described: dict[str, Any] = described) -> None:
            d = a.aws.call("secretsmanager", "describe_secret", SecretId=arn)
            described.update(d)
            days = (d.get("RotationRules") or {}).get("AutomaticallyAfterDays")
            schedule = (d.get("RotationRules") or {}).get("ScheduleExpression")
            ok = d.get("RotationEnabled") is True
            a.record(
                "secretsmanager.rotation",
                name,
                ok,
                f"rotation {'on' if ok else 'off'}" + (f" ({schedule or f'every {days} days'})" if ok else ""),
            )

        a.guarded("secretsmanager.rotation", name, rotation)
        a.guarded(
            "secretsmanager.kms",
            name,
            lambda s=s, name=name: record_key(a, "secretsmanager.kms", name, "secret", name, s.get("KmsKeyId")),  # type: ignore[misc]
        )
        if described:

            def finished(arn: str = arn, name: str = name, d: dict[str, Any] = described) -> None:
                check_rotation_finished(a, arn, name, d, a.now())

            a.guarded("secretsmanager.rotation-finished", name, finished)


def _public_cidr(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def audit_eks(a: Audit) -> None:
    def run() -> None:
        names = a.aws.pages("eks", "list_clusters", "clusters", "nextToken", "nextToken")
        clusters = []
        for n in names:
            c = a.aws.call("eks", "describe_cluster", name=n).get("cluster") or {}
            if _named(a, str(n), _tags(c.get("tags") or {})):
                clusters.append(c)
        a.record(
            "eks.cluster",
            a.aws.region,
            bool(clusters),
            f"{len(clusters)} platform cluster(s)" if clusters else "no platform EKS cluster found",
        )
        allowed = set(a.settings.eks.public_access_cidrs)
        for c in clusters:
            name = str(c.get("name"))
            vpc = c.get("resourcesVpcConfig") or {}
            public = vpc.get("endpointPublicAccess") is True
            cidrs = [str(x) for x in vpc.get("publicAccessCidrs") or []] if public else []
            if not public:
                a.record("eks.endpoint", name, True, "private endpoint only")
            elif any(_public_cidr(x) for x in cidrs):
                a.record("eks.endpoint", name, False, "public endpoint open to 0.0.0.0/0")
            elif a.settings.is_prod:
                a.record("eks.endpoint", name, False, f"public endpoint in prod ({', '.join(cidrs)})")
            else:
                extra = sorted(set(cidrs) - allowed)
                a.record(
                    "eks.endpoint",
                    name,
                    not extra,
                    f"public endpoint limited to {', '.join(cidrs)}"
                    if not extra
                    else f"public endpoint allows CIDRs not in settings: {', '.join(extra)}",
                )
            enc = [e for e in c.get("encryptionConfig") or [] if "secrets" in (e.get("resources") or [])]
            key = (enc[0].get("provider") or {}).get("keyArn") if enc else None
            if key:
                record_key(a, "eks.secrets-encryption", name, "eks-cluster", name, key)
            else:
                a.record("eks.secrets-encryption", name, False, "secrets not envelope-encrypted")

    a.guarded("eks.cluster", a.aws.region, run)


def audit_log_groups(a: Audit) -> None:
    def run() -> None:
        groups: dict[str, dict[str, Any]] = {}
        for prefix in log_group_prefixes(a.env):
            for g in a.aws.pages(
                "logs", "describe_log_groups", "logGroups", "nextToken", "nextToken", logGroupNamePrefix=prefix
            ):
                groups[str(g.get("logGroupName"))] = g
        a.record(
            "logs.groups",
            a.aws.region,
            bool(groups),
            f"{len(groups)} platform log group(s)" if groups else "no platform log group found",
        )
        for name in sorted(groups):
            a.guarded(
                "logs.kms",
                name,
                lambda n=name: record_key(a, "logs.kms", n, "log-group", n, groups[n].get("kmsKeyId")),  # type: ignore[misc]
            )

    a.guarded("logs.groups", a.aws.region, run)


def audit_keys(a: Audit) -> None:
    keys: dict[str, dict[str, Any]] = {}

    def discover() -> None:
        keys.update(platform_keys(a))
        a.record(
            "kms.keys", a.aws.region, bool(keys), f"{len(keys)} platform CMK(s)" if keys else "no platform CMK found"
        )

    a.guarded("kms.keys", a.aws.region, discover)
    for arn in sorted(keys):
        if keys[arn].get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
            continue  # automatic rotation exists only for symmetric keys

        def rotation(arn: str = arn) -> None:
            on = a.aws.call("kms", "get_key_rotation_status", KeyId=arn).get("KeyRotationEnabled") is True
            a.record("kms.rotation", arn, on, "automatic rotation on" if on else "automatic rotation off")

        a.guarded("kms.rotation", arn, rotation)


# Lambda validates a signature's expiry at every deployment, so a replacement after expiry fails.
SIGNATURE_WARNING_DAYS = 30


def audit_code_signing(a: Audit) -> None:
    """The deployed filter's signature is far enough from expiry that a redeploy still passes."""
    if not a.settings.filter.code_signing:
        return
    name = f"{a.prefix}-filter"

    def signature() -> None:
        config = a.aws.call("lambda", "get_function_configuration", FunctionName=name)
        job_arn = str(config.get("SigningJobArn") or "")
        if not job_arn:
            a.record("lambda.signature-expiry", name, False, "the deployed code carries no signing job")
            return
        job = a.aws.call("signer", "describe_signing_job", jobId=job_arn.rsplit("/", 1)[-1])
        expires = job.get("signatureExpiresAt")
        if not isinstance(expires, datetime):
            a.record("lambda.signature-expiry", name, False, "the signing job reports no signature expiry")
            return
        days = (expires - a.now()).days
        a.record(
            "lambda.signature-expiry",
            name,
            days >= SIGNATURE_WARNING_DAYS,
            f"signature expires {expires:%Y-%m-%d} ({days} days)"
            + ("" if days >= SIGNATURE_WARNING_DAYS else "; run the deploy to re-sign the package"),
        )

    a.guarded("lambda.signature-expiry", name, signature)


SECURITY_HUB_STANDARDS = {
    "fsbp": "standards/aws-foundational-security-best-practices/v/1.0.0",
    "cis-v3": "standards/cis-aws-foundations-benchmark/v/3.0.0",
}


def audit_security_hub(a: Audit) -> None:
    """The hub's enabled standards (FSBP and CIS v3.0.0 READY) and an active account Access Analyzer
    (both the account stage's), and this environment's findings rule, enabled, to its alert topic."""

    def standards() -> None:
        found = a.aws.call("securityhub", "get_enabled_standards").get("StandardsSubscriptions") or []
        status = {str(s.get("StandardsArn", "")).split("::", 1)[-1]: s.get("StandardsStatus") for s in found}
        enabled = ", ".join(
            sorted(f"{k.removeprefix('standards/').replace('/v/', ' v')} {v}" for k, v in status.items())
        )
        for key, path in SECURITY_HUB_STANDARDS.items():
            a.record(
                f"securityhub.standard.{key}",
                a.aws.region,
                status.get(path) == "READY",
                f"enabled: {enabled or 'none'}",
            )

    def analyzer() -> None:
        found = a.aws.call("accessanalyzer", "list_analyzers", type="ACCOUNT").get("analyzers") or []
        active = [str(x.get("name")) for x in found if x.get("status") == "ACTIVE"]
        a.record("accessanalyzer.account", a.aws.region, bool(active), f"active account analyzers: {active or 'none'}")

    def findings_rule() -> None:
        name, topic = f"{a.prefix}-securityhub-findings", f":{a.prefix}-security-alerts"
        rule = a.aws.call("events", "describe_rule", Name=name)
        targets = a.aws.call("events", "list_targets_by_rule", Rule=name).get("Targets") or []
        wired = rule.get("State") == "ENABLED" and any(str(t.get("Arn", "")).endswith(topic) for t in targets)
        a.record("securityhub.findings-rule", name, wired, f"state {rule.get('State')}, targets {len(targets)}")

    a.guarded("securityhub.standards", a.aws.region, standards)
    a.guarded("accessanalyzer.account", a.aws.region, analyzer)
    a.guarded("securityhub.findings-rule", a.prefix, findings_rule)


def audit_containment(a: Audit) -> None:
    """The response function, its GuardDuty rule (enabled, targeting it, allowed to invoke it only from
    that rule), its dry-run setting as configured, and an isolation group without rules."""
    function_name, rule_name = f"{a.prefix}-response", f"{a.prefix}-guardduty-containment"

    def function() -> None:
        fn = a.aws.call("lambda", "get_function_configuration", FunctionName=function_name)
        dry = (fn.get("Environment") or {}).get("Variables", {}).get("DRY_RUN")
        expected = "true" if a.settings.response.dry_run else "false"
        a.record("containment.dry-run", function_name, dry == expected, f"DRY_RUN {dry} (expected {expected})")
        rule = a.aws.call("events", "describe_rule", Name=rule_name)
        targets = a.aws.call("events", "list_targets_by_rule", Rule=rule_name).get("Targets") or []
        wired = rule.get("State") == "ENABLED" and any(t.get("Arn") == fn.get("FunctionArn") for t in targets)
        a.record("containment.rule", rule_name, wired, f"state {rule.get('State')}, targets {len(targets)}")
        policy = json.loads(a.aws.call("lambda", "get_policy", FunctionName=function_name).get("Policy") or "{}")
        sources = {
            str(st.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")) for st in policy.get("Statement", [])
        }
        a.record(
            "containment.permission", function_name, sources == {rule.get("Arn")}, f"invocable from {sorted(sources)}"
        )

    def isolation() -> None:
        name = f"{a.prefix}-isolation"
        groups = (
            a.aws.call("ec2", "describe_security_groups", Filters=[{"Name": "group-name", "Values": [name]}]).get(
                "SecurityGroups"
            )
            or []
        )
        empty = bool(groups) and all(not g.get("IpPermissions") and not g.get("IpPermissionsEgress") for g in groups)
        a.record(
            "containment.isolation-group",
            name,
            empty,
            "present, no rules" if empty else f"{len(groups)} found or has rules",
        )

    a.guarded("containment.rule", function_name, function)
    a.guarded("containment.isolation-group", a.prefix, isolation)


SECTIONS: tuple[tuple[str, Callable[[Audit], None]], ...] = (
    ("s3", audit_buckets),
    ("guardduty", audit_guardduty),
    ("cloudtrail", audit_cloudtrail),
    ("api", audit_api),
    ("secrets", audit_secrets),
    ("eks", audit_eks),
    ("logs", audit_log_groups),
    ("kms", audit_keys),
    ("signing", audit_code_signing),
    ("securityhub", audit_security_hub),
    ("containment", audit_containment),
)


def run_audit(
    aws: Aws, settings: PlatformSettings, only: tuple[str, ...] = (), now: Callable[[], datetime] | None = None
) -> list[CheckResult]:
    audit = Audit(aws, settings) if now is None else Audit(aws, settings, now=now)
    for name, section in SECTIONS:
        if not only or name in only:
            section(audit)
    return sorted(audit.results, key=lambda r: (r.check, r.resource))


def iter_failures(results: list[CheckResult]) -> Iterator[CheckResult]:
    return (r for r in results if r.status != PASS)
