"""`preflight --aws`: the same prerequisites checked against the account, with boto3.

Every call that fails for a reason other than a definite answer (no permission, an API the endpoint
does not offer) yields an UNKNOWN item saying what could not be checked, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from stacks.prerequisites import (
    LAMBDA_CONCURRENCY,
    MISSING,
    OK,
    UNKNOWN,
    Prerequisite,
    QuotaNeed,
    configured_roles,
    key_fix,
    placeholder_problem,
    quota_fix,
    quota_needs,
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


# (setting under kubernetes., its settings field, what the image is): both are in the inference repository.
PINNED_IMAGES = (
    ("inferenceImageDigest", "inference_image_digest", "the model server image"),
    (
        "modelVerifierImageDigest",
        "model_verifier_image_digest",
        "the model verifier image (genai_ingest, the verify-model init container)",
    ),
)


def image_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """The model server's and the model verifier's images must be in the stack's inference repository,
    by the configured digests (a placeholder is reported as one, not looked up)."""
    return [
        item
        for key, field_name, what in PINNED_IMAGES
        if not placeholder_problem(digest := str(getattr(settings.kubernetes, field_name)))
        for item in _image_check(clients, settings, key, what, digest)
    ]


def _image_check(clients: Clients, settings: PlatformSettings, key: str, what: str, digest: str) -> list[Prerequisite]:
    repository = f"{settings.name_prefix}/inference"
    subject = f"{PROJECT}:kubernetes.{key}"
    fix = f"push {what} to {repository} (the platform stage creates the repository), then pin its digest"
    try:
        clients("ecr").describe_images(repositoryName=repository, imageIds=[{"imageDigest": digest}])
    except ClientError as err:
        code = _code(err)
        if code == "RepositoryNotFoundException":
            return [
                Prerequisite(
                    MISSING,
                    "image-missing",
                    subject,
                    f"repository {repository} does not exist yet, so {digest} cannot be in it",
                    fix,
                )
            ]
        if code == "ImageNotFoundException":
            return [Prerequisite(MISSING, "image-missing", subject, f"{repository} has no image {digest}", fix)]
        return [
            Prerequisite(
                UNKNOWN,
                "image-missing",
                subject,
                f"could not check {repository}@{digest} ({_error(err)})",
                "allow ecr:DescribeImages to the preflight caller",
            )
        ]
    except BotoCoreError as err:
        return [Prerequisite(UNKNOWN, "image-missing", subject, f"could not check {repository} ({err})", "retry")]
    return [Prerequisite(OK, "image-missing", subject, f"{repository}@{digest} is present", "")]


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


def quota_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    items = []
    for need in quota_needs(settings):
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


def account_prerequisites(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """Roles exist, the model server image is in ECR, quotas suffice, the account stage is applied and
    AWS Config records: each as MISSING, UNKNOWN or OK."""
    account = caller_account(clients)
    return [
        *role_checks(clients, settings, account),
        *image_checks(clients, settings),
        *quota_checks(clients, settings),
        *account_stage_checks(clients, settings),
    ]


class AccountError(Exception):
    """The account cannot be reached at all (no credentials, no network): nothing can be checked."""


def check_account(settings: PlatformSettings) -> list[Prerequisite]:
    """`account_prerequisites` with clients from the default credential chain, in the stack's region."""
    import boto3

    session = boto3.Session(region_name=settings.region)
    try:
        return account_prerequisites(session.client, settings)
    except (ClientError, BotoCoreError) as err:
        raise AccountError(
            f"cannot reach AWS to check the account ({_error(err)}); configure credentials "
            "(AWS_PROFILE, or aws sso login) or run preflight without --aws"
        ) from None
