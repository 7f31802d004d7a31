"""`preflight --aws`: the same prerequisites checked against the account, with boto3.

Every call that fails for a reason other than a definite answer (no permission, an API the endpoint
does not offer) yields an UNKNOWN item saying what could not be checked, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from stacks.prerequisites import (
    CHECK,
    LAMBDA_CONCURRENCY,
    MISSING,
    OK,
    SIGNED_MODEL_FILES,
    STATE_POLICY_SID,
    UNKNOWN,
    Prerequisite,
    QuotaNeed,
    configured_roles,
    key_fix,
    model_fix,
    models_bucket_pattern,
    placeholder_problem,
    quota_fix,
    quota_needs,
    state_policy_item,
)
from stacks.settings import PROJECT, PlatformSettings

Clients = Callable[[str], Any]
"""service name -> boto3 client (a session's `client`, or a stubbed one in tests)."""


def _error(err: Exception) -> str:
    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip().rstrip(":")
    return str(err)


def _code(err: Exception) -> str:
    return str(err.response.get("Error", {}).get("Code", "")) if isinstance(err, ClientError) else ""


def caller_account(clients: Clients) -> str:
    """The account of the credentials in use (raises on missing credentials: nothing else can be checked)."""
    return str(clients("sts").get_caller_identity()["Account"])


def role_checks(clients: Clients, settings: PlatformSettings, account: str) -> list[Prerequisite]:
    items = []
    for subject, arn in configured_roles(settings).items():
        if placeholder_problem(arn):
            continue  # already reported as a placeholder
        fix = key_fix(subject, "name a role of this account")
        role_account = arn.split(":")[4]
        if role_account != account:
            items.append(
                Prerequisite(
                    MISSING,
                    "role-in-other-account",
                    subject,
                    f"{arn} is in account {role_account}, but the credentials are for account {account}",
                    fix,
                )
            )
            continue
        name = arn.rsplit("/", 1)[-1]
        try:
            clients("iam").get_role(RoleName=name)
        except ClientError as err:
            if _code(err) == "NoSuchEntity":
                items.append(
                    Prerequisite(MISSING, "role-missing", subject, f"{arn}: no such role", f"create the role, or {fix}")
                )
            else:
                items.append(
                    Prerequisite(
                        UNKNOWN,
                        "role-missing",
                        subject,
                        f"could not check {arn} ({_error(err)})",
                        "allow iam:GetRole to the preflight caller",
                    )
                )
            continue
        except BotoCoreError as err:
            items.append(Prerequisite(UNKNOWN, "role-missing", subject, f"could not check {arn} ({err})", "retry"))
            continue
        items.append(Prerequisite(OK, "role-missing", subject, f"{arn} exists", ""))
    return items


# setting -> what the image is, and how it gets into the inference repository.
CLUSTER_IMAGES = {
    "kubernetes.inferenceImageDigest": "the model server image (the images job copies vars.INFERENCE_SOURCE_IMAGE)",
    "kubernetes.modelVerifierImageDigest": "the model verifier image (the images job builds images/model-verifier)",
    "filter.guard.classifier.imageDigest": (
        "the guard classifier image (the images job copies vars.CLASSIFIER_SOURCE_IMAGE, text-embeddings-inference)"
    ),
}


def self_hosted_guard(settings: PlatformSettings) -> bool:
    """Whether the cluster stage runs the guard classifier (its image and weights are then needed)."""
    return settings.filter.guard.tier == "self-hosted"


def image_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """The cluster stage's images must be in the stack's inference repository, by the configured digests."""
    k = settings.kubernetes
    digests = {
        "kubernetes.inferenceImageDigest": k.inference_image_digest,
        "kubernetes.modelVerifierImageDigest": k.model_verifier_image_digest,
    }
    if self_hosted_guard(settings):
        digests["filter.guard.classifier.imageDigest"] = settings.filter.guard.classifier.image_digest
    return [
        _image_check(clients, settings, key, digest)
        for key, digest in digests.items()
        if not placeholder_problem(digest)  # reported offline already
    ]


def _image_check(clients: Clients, settings: PlatformSettings, key: str, digest: str) -> Prerequisite:
    repository = f"{settings.name_prefix}/inference"
    subject = f"{PROJECT}:{key}"
    fix = (
        f"push {CLUSTER_IMAGES[key]} to {repository} after the platform stage created it, "
        f"then pin its digest in {PROJECT}:{key}"
    )
    try:
        clients("ecr").describe_images(repositoryName=repository, imageIds=[{"imageDigest": digest}])
    except ClientError as err:
        code = _code(err)
        if code == "RepositoryNotFoundException":
            problem = f"repository {repository} does not exist yet, so {digest} cannot be in it"
            return Prerequisite(MISSING, "image-missing", subject, problem, fix, stage="cluster")
        if code == "ImageNotFoundException":
            return Prerequisite(
                MISSING, "image-missing", subject, f"{repository} has no image {digest}", fix, stage="cluster"
            )
        return Prerequisite(
            UNKNOWN,
            "image-missing",
            subject,
            f"could not check {repository}@{digest} ({_error(err)})",
            "allow ecr:DescribeImages to the preflight caller",
        )
    except BotoCoreError as err:
        return Prerequisite(UNKNOWN, "image-missing", subject, f"could not check {repository} ({err})", "retry")
    return Prerequisite(OK, "image-missing", subject, f"{repository}@{digest} is present", "")


def model_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """A signed model (manifest and signature) under every prefix a verify-model init container reads:
    `kubernetes.modelPrefix`, and the guard classifier's when the guard tier is self-hosted."""
    k = settings.kubernetes
    prefixes = [(f"{PROJECT}:kubernetes.modelReady", k.model_prefix, model_fix(settings))]
    if self_hosted_guard(settings):
        prefix = settings.filter.guard.classifier.model_prefix
        subject = f"{PROJECT}:filter.guard.classifier.modelPrefix"
        prefixes.append((subject, prefix, model_fix(settings, prefix)))
    pattern = models_bucket_pattern(settings.name_prefix)
    try:
        buckets = [b["Name"] for b in clients("s3").list_buckets().get("Buckets", []) if pattern.match(b["Name"])]
    except (ClientError, BotoCoreError) as err:
        return [
            Prerequisite(UNKNOWN, "signed-model", subject, f"could not list buckets ({_error(err)})", "retry")
            for subject, _, _ in prefixes
        ]
    status = MISSING if k.model_ready else CHECK
    items = []
    for subject, prefix, fix in prefixes:
        if not buckets:
            where = f"s3://{pattern.pattern.strip('^$')}/{prefix}"
            problem = f"no models bucket yet (the platform stage creates it), so no signed model at {where}"
            items.append(Prerequisite(status, "signed-model", subject, problem, fix, stage="cluster"))
        else:
            items.append(_signed_model_check(clients, buckets[0], subject, prefix, fix, model_ready=k.model_ready))
    return items


def _signed_model_check(
    clients: Clients, bucket: str, subject: str, prefix: str, fix: str, *, model_ready: bool
) -> Prerequisite:
    where = f"s3://{bucket}/{prefix}"
    missing = []
    for name in SIGNED_MODEL_FILES:
        try:
            clients("s3").head_object(Bucket=bucket, Key=f"{prefix}{name}")
        except ClientError as err:
            if _code(err) not in ("404", "NoSuchKey", "NotFound"):
                return Prerequisite(UNKNOWN, "signed-model", subject, f"could not check {where} ({_error(err)})", "")
            missing.append(name)
        except BotoCoreError as err:
            return Prerequisite(UNKNOWN, "signed-model", subject, f"could not check {where} ({err})", "retry")
    if missing:
        problem = f"no signed model at {where} ({', '.join(missing)} absent)"
        return Prerequisite(MISSING if model_ready else CHECK, "signed-model", subject, problem, fix, stage="cluster")
    if not model_ready:
        ready = f"set {PROJECT}:kubernetes.modelReady: true to run the model server"
        return Prerequisite(CHECK, "signed-model", subject, f"a signed model is at {where}", ready)
    return Prerequisite(OK, "signed-model", subject, f"a signed model is at {where}", "")


def quota_value(clients: Clients, need: QuotaNeed) -> tuple[float | None, str]:
    """The account's current value of a quota, or None and why it could not be read."""
    reasons = []
    if need.quota == LAMBDA_CONCURRENCY:
        try:
            limit = clients("lambda").get_account_settings()["AccountLimit"]["ConcurrentExecutions"]
            return float(limit), ""
        except (ClientError, BotoCoreError, KeyError) as err:
            reasons.append(f"lambda GetAccountSettings: {_error(err)}")
    try:
        quota = clients("service-quotas").get_service_quota(ServiceCode=need.quota.service, QuotaCode=need.quota.code)
        return float(quota["Quota"]["Value"]), ""
    except (ClientError, BotoCoreError, KeyError) as err:
        reasons.append(f"service-quotas GetServiceQuota: {_error(err)}")
    return None, "; ".join(reasons)


def quota_checks(
    clients: Clients, settings: PlatformSettings, reservations: Mapping[str, int] | None = None
) -> list[Prerequisite]:
    items = []
    for need in quota_needs(settings, reservations):
        subject = f"{need.quota.service} {need.quota.code} ({need.quota.name})"
        value, why_not = quota_value(clients, need)
        if value is None:
            items.append(
                Prerequisite(
                    UNKNOWN,
                    "quota",
                    subject,
                    f"could not check: needs at least {need.required} ({why_not})",
                    f"check it yourself: aws service-quotas get-service-quota --service-code "
                    f"{need.quota.service} --quota-code {need.quota.code} --region {settings.region}",
                )
            )
        elif value < need.required:
            items.append(
                Prerequisite(
                    MISSING,
                    "quota",
                    subject,
                    f"is {value:g}, needs at least {need.required}: {need.why}",
                    quota_fix(need, settings.region),
                )
            )
        else:
            items.append(Prerequisite(OK, "quota", subject, f"is {value:g}, needs {need.required}", ""))
    return items


ACCOUNT_STAGE_FIX = "apply the account stage first: cd stages/account && pulumi up --stack {region} (docs/deploy.md)"


def account_stage_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """The account stage is applied (Security Hub is on: the platform's findings rule relies on it), and
    AWS Config records in the region (Security Hub's controls evaluate through it; not created here)."""
    region = settings.region
    items: list[Prerequisite] = []
    subject = f"Security Hub in {region}"
    try:
        clients("securityhub").describe_hub()
        items.append(Prerequisite(OK, "account-stage-applied", subject, "enabled", ""))
    except ClientError as err:
        missing = _code(err) in ("InvalidAccessException", "ResourceNotFoundException")
        items.append(
            Prerequisite(
                MISSING if missing else UNKNOWN,
                "account-stage-applied",
                subject,
                "not enabled: the account stage has not been applied in this region, so the environment's "
                "findings rule would receive nothing"
                if missing
                else f"could not check ({_error(err)})",
                ACCOUNT_STAGE_FIX.format(region=region) if missing else "allow securityhub:DescribeHub",
            )
        )
    except BotoCoreError as err:
        items.append(Prerequisite(UNKNOWN, "account-stage-applied", subject, f"could not check ({err})", "retry"))
    subject = f"AWS Config recorder in {region}"
    fix = (
        "turn on AWS Config recording in this region (the organisation's landing zone usually owns the "
        "recorder; otherwise aws configservice put-configuration-recorder, put-delivery-channel and "
        "start-configuration-recorder; docs/detection-response.md)"
    )
    try:
        found = clients("config").describe_configuration_recorder_status().get("ConfigurationRecordersStatus", [])
    except (ClientError, BotoCoreError) as err:
        items.append(
            Prerequisite(
                UNKNOWN,
                "config-recording",
                subject,
                f"could not check ({_error(err)})",
                "allow config:DescribeConfigurationRecorderStatus",
            )
        )
        return items
    recording = [str(r.get("name")) for r in found if r.get("recording")]
    if recording:
        items.append(Prerequisite(OK, "config-recording", subject, f"recording ({', '.join(recording)})", ""))
    else:
        items.append(
            Prerequisite(
                MISSING,
                "config-recording",
                subject,
                "no recorder is recording: most Security Hub controls (FSBP, CIS) report no data without it",
                fix,
            )
        )
    return items


def access_analyzer_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """The region's ACCOUNT IAM Access Analyzer (one per region, not raisable): the account stage creates
    `genai-account` unless the account has one, which it must then import (`accessAnalyzerName`)."""
    from components.security_hub import ACCOUNT_ANALYZER

    subject = f"IAM Access Analyzer (ACCOUNT) in {settings.region}"
    try:
        found = clients("accessanalyzer").list_analyzers(type="ACCOUNT").get("analyzers", [])
    except (ClientError, BotoCoreError) as err:
        problem = f"could not check ({_error(err)})"
        return [Prerequisite(UNKNOWN, "access-analyzer", subject, problem, "allow accessanalyzer:ListAnalyzers")]
    names = [str(a.get("name")) for a in found]
    if not names:
        return [
            Prerequisite(OK, "access-analyzer", subject, f"none yet: the account stage creates {ACCOUNT_ANALYZER}", "")
        ]
    if ACCOUNT_ANALYZER in names:
        return [Prerequisite(OK, "access-analyzer", subject, f"{ACCOUNT_ANALYZER} (the account stage's)", "")]
    fix = (
        f"set {PROJECT}:accessAnalyzerName: {names[0]} in stages/account/Pulumi.{settings.region}.yaml so the "
        "account stage imports it (CreateAnalyzer fails on a second one: 1 ACCOUNT analyzer per region, "
        "not adjustable); skip if already set"
    )
    problem = f"the account already has {', '.join(names)}"
    return [Prerequisite(CHECK, "access-analyzer", subject, problem, fix)]


def bedrock_endpoint_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """With the Bedrock guard tier, the region offers the bedrock-runtime interface endpoint in as many
    AZs as the filter's subnets (`network.azCount`); with failMode closed an unreachable guardrail blocks
    every prompt (review R1)."""
    if settings.filter.guard.tier != "bedrock":
        return []
    service = f"com.amazonaws.{settings.region}.bedrock-runtime"
    subject = f"{PROJECT}:filter.guard.tier"
    try:
        found = clients("ec2").describe_vpc_endpoint_services(ServiceNames=[service]).get("ServiceDetails", [])
    except ClientError as err:
        if _code(err) == "InvalidServiceName":
            problem = f"{service} does not exist: Bedrock (guardrails) is not offered in {settings.region}"
            fix = f"set {PROJECT}:filter.guard.tier to self-hosted or none, or deploy in a Bedrock region"
            return [Prerequisite(MISSING, "bedrock-endpoint", subject, problem, fix)]
        problem = f"could not check {service} ({_error(err)})"
        return [Prerequisite(UNKNOWN, "bedrock-endpoint", subject, problem, "allow ec2:DescribeVpcEndpointServices")]
    except BotoCoreError as err:
        return [Prerequisite(UNKNOWN, "bedrock-endpoint", subject, f"could not check {service} ({err})", "retry")]
    zones = sorted({z for d in found for z in d.get("AvailabilityZones", [])})
    wanted = settings.network.az_count
    if len(zones) < wanted:
        problem = (
            f"{service} serves {len(zones)} availability zone(s) ({', '.join(zones) or 'none'}), fewer than "
            f"network.azCount {wanted}: the endpoint cannot have an interface in every filter subnet"
        )
        fix = "check that the filter's subnets are in the endpoint's zones, or lower network.azCount"
        return [Prerequisite(CHECK, "bedrock-endpoint", subject, problem, fix)]
    return [Prerequisite(OK, "bedrock-endpoint", subject, f"{service} serves {', '.join(zones)}", "")]


def state_policy_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """The state bucket's policy carries the per-role statements of `genai-platform state-policy`."""
    if settings.runner.state_bucket_arn is None:
        return []
    bucket = settings.runner.state_bucket_arn.rsplit(":", 1)[-1]
    try:
        policy = clients("s3").get_bucket_policy(Bucket=bucket)["Policy"]
    except ClientError as err:
        if _code(err) == "NoSuchBucketPolicy":
            return [
                state_policy_item(
                    bucket, MISSING, "the bucket has no policy: every role with s3:GetObject reads every stack"
                )
            ]
        return [state_policy_item(bucket, UNKNOWN, f"could not read the bucket policy ({_error(err)})")]
    except BotoCoreError as err:
        return [state_policy_item(bucket, UNKNOWN, f"could not read the bucket policy ({err})")]
    if STATE_POLICY_SID not in policy:
        return [state_policy_item(bucket, MISSING, "the bucket policy does not limit roles to their own stacks")]
    return [
        Prerequisite(OK, "state-bucket-policy", f"s3://{bucket} (state backend)", "limits roles to their stacks", "")
    ]


def account_prerequisites(
    clients: Clients, settings: PlatformSettings, reservations: Mapping[str, int] | None = None
) -> list[Prerequisite]:
    """Roles exist, the cluster images and the signed model are in place, the state bucket policy limits
    roles to their stacks, quotas suffice, the account stage is applied and AWS Config records: each as
    MISSING, UNKNOWN or OK."""
    account = caller_account(clients)
    return [
        *role_checks(clients, settings, account),
        *image_checks(clients, settings),
        *model_checks(clients, settings),
        *state_policy_checks(clients, settings),
        *quota_checks(clients, settings, reservations),
        *account_stage_checks(clients, settings),
        *access_analyzer_checks(clients, settings),
        *bedrock_endpoint_checks(clients, settings),
    ]


class AccountError(Exception):
    """The account cannot be reached at all (no credentials, no network): nothing can be checked."""


def check_account(settings: PlatformSettings, reservations: Mapping[str, int] | None = None) -> list[Prerequisite]:
    """`account_prerequisites` with clients from the default credential chain, in the stack's region."""
    import boto3

    session = boto3.Session(region_name=settings.region)
    try:
        return account_prerequisites(session.client, settings, reservations)
    except (ClientError, BotoCoreError) as err:
        raise AccountError(
            f"cannot reach AWS to check the account ({_error(err)}); configure credentials "
            "(AWS_PROFILE, or aws sso login) or run preflight without --aws"
        ) from None
