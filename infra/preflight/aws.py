"""`preflight --aws`: the same prerequisites checked against the account, with boto3.

Every call that fails for a reason other than a definite answer (no permission, an API the endpoint
does not offer) yields an UNKNOWN item saying what could not be checked, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def image_checks(clients: Clients, settings: PlatformSettings) -> list[Prerequisite]:
    """The model server's image must be in the stack's inference repository, by the configured digest."""
    digest = settings.kubernetes.inference_image_digest
    if placeholder_problem(digest):
        return []
    repository = f"{settings.name_prefix}/inference"
    subject = f"{PROJECT}:kubernetes.inferenceImageDigest"
    fix = (
        f"push the model server image to {repository} (the platform stage creates the repository), then pin its digest"
    )
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


def account_prerequisites(
    clients: Clients, settings: PlatformSettings, reservations: Mapping[str, int] | None = None
) -> list[Prerequisite]:
    """Roles exist, the model server image is in ECR, quotas suffice: each as MISSING, UNKNOWN or OK."""
    account = caller_account(clients)
    return [
        *role_checks(clients, settings, account),
        *image_checks(clients, settings),
        *quota_checks(clients, settings, reservations),
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
