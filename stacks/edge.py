"""The request edge: WAF → REST API → filter Lambda → model backend, with the filter's secrets and their rotation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.bucket import SecureBucket
from components.filter_function import FilterFunction, FilterFunctionArgs
from components.grants import Grant
from components.guardrail import Guardrail, GuardrailArgs, Topic
from components.kms import EncryptionKey
from components.lambda_base import CodeSigning, execution_role
from components.lambda_package import build_package
from components.monitoring import FILTER_NAMESPACE
from components.rest_api import CHAT_SCHEMA, SCREEN_SCHEMA, RestApi, RestApiArgs, Route
from components.rotation import RotationFunction, RotationFunctionArgs
from components.secrets import (
    ManagedSecret,
    ManagedSecretArgs,
    deployer_principal_patterns,
    secret_arn_pattern,
)
from components.waf import WebAcl, WebAclArgs
from stacks.context import PlatformContext
from stacks.data import DataPlane, platform_bucket

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "build" / "lambda"
FILTER_SOURCE = ROOT / "lambdas" / "filter"
ROTATION_SOURCE = ROOT / "lambdas" / "rotation"
ROUTES = ("/v1/chat", "/v1/screen")
"""The filter's routes, also the values of its metrics' `Route` dimension."""


class EdgeNetwork(Protocol):
    """What the edge needs from the compute plane (`stacks.compute.ComputePlane` provides it)."""

    @property
    def vpc_id(self) -> pulumi.Output[str]: ...
    @property
    def vpc_cidr(self) -> str: ...
    @property
    def lambda_subnet_ids(self) -> list[pulumi.Output[str]]: ...
    @property
    def endpoint_security_group_id(self) -> pulumi.Output[str]: ...
    @property
    def inference_service_url(self) -> pulumi.Output[str]: ...
    @property
    def inference_port(self) -> int: ...
    @property
    def guard_service_url(self) -> pulumi.Output[str]: ...
    @property
    def guard_port(self) -> int: ...


def filter_function_name(ctx: PlatformContext) -> str:
    return f"{ctx.prefix}-filter"


def rotation_function_name(ctx: PlatformContext) -> str:
    return f"{ctx.prefix}-rotation"


def api_name(ctx: PlatformContext) -> str:
    return f"{ctx.prefix}-api"


# purpose -> (secret name suffix, JSON field the filter reads and rotation writes)
SECRETS = {
    "pseudonymisation-key": ("filter/pseudonymisation-key", "key"),
    "backend-credentials": ("filter/backend-credentials", "api_key"),
}


@dataclass
class EdgePlane:
    api: RestApi
    waf: WebAcl
    filter: FilterFunction
    rotation: RotationFunction
    secrets: dict[str, ManagedSecret]
    logs_key: EncryptionKey
    secrets_key: EncryptionKey
    routes: tuple[str, ...]
    function_name: str
    api_name: str
    stage_name: str
    web_acl_name: str
    artifacts: SecureBucket | None
    """Function packages for AWS Signer, when code signing is on."""
    guardrail: Guardrail | None = None


def filter_environment(
    ctx: PlatformContext,
    backend_url: pulumi.Input[str],
    secrets: dict[str, ManagedSecret],
    guard: dict[str, pulumi.Input[str]] | None = None,
) -> dict[str, pulumi.Input[str]]:
    """The filter's configuration (lambdas/filter/genai_filter/config.py): names, limits and ARNs only."""
    f = ctx.settings.filter
    env: dict[str, pulumi.Input[str]] = {
        "GENAI_ENVIRONMENT": ctx.settings.environment,
        "FILTER_BACKEND_URL": backend_url,
        "FILTER_BACKEND_SECRET_ARN": secrets["backend-credentials"].arn,
        "FILTER_HMAC_SECRET_ARN": secrets["pseudonymisation-key"].arn,
        "FILTER_REDACTION_MODE": "pseudonym",
        "FILTER_MAX_BODY_BYTES": str(f.max_body_bytes),
        "FILTER_MAX_TEXT_CHARS": str(f.max_text_chars),
        "FILTER_SCREEN_BUDGET_MS": str(f.screen_budget_ms),
        "FILTER_BACKEND_CONNECT_TIMEOUT": f"{f.backend_connect_timeout_seconds:g}",
        "FILTER_BACKEND_READ_TIMEOUT": f"{f.backend_read_timeout_seconds:g}",
        "FILTER_ACTIONS": json.dumps(dict(f.input_actions), sort_keys=True, separators=(",", ":")),
        "FILTER_OUTPUT_ACTIONS": json.dumps(dict(f.output_actions), sort_keys=True, separators=(",", ":")),
        "FILTER_METRICS_NAMESPACE": FILTER_NAMESPACE,
    }
    if f.allowed_link_hosts:
        env["FILTER_EXFIL_ALLOWED_HOSTS"] = ",".join(f.allowed_link_hosts)
    g = f.guard
    env["FILTER_GUARD_TIER"] = g.tier
    if g.tier != "none":
        env.update(
            {
                "FILTER_GUARD_BUDGET_MS": str(g.budget_ms),
                "FILTER_GUARD_FAIL_MODE": g.fail_mode,
                "FILTER_GUARD_THRESHOLD": f"{g.threshold:g}",
                "FILTER_GUARD_CACHE_ENTRIES": str(g.cache_entries),
                **(guard or {}),
            }
        )
    return env


def guard_tier(ctx: PlatformContext, compute: EdgeNetwork) -> tuple[Guardrail | None, dict[str, pulumi.Input[str]]]:
    """The guard tier's resources and the filter settings that point at them (filter.guard.tier)."""
    g = ctx.settings.filter.guard
    if g.tier == "self-hosted":
        return None, {"FILTER_GUARD_URL": compute.guard_service_url}
    if g.tier != "bedrock":
        return None, {}
    guardrail = Guardrail(
        f"{ctx.prefix}-guardrail",
        GuardrailArgs(
            key=ctx.encryption_key("guardrail", "The filter's Bedrock guardrail"),
            prompt_attack_strength=g.prompt_attack_strength,
            pii_entities=g.pii_entities,
            denied_topics=[Topic(t.name, t.definition, t.examples) for t in g.denied_topics],
        ),
        opts=ctx.opts(),
    )
    return guardrail, {"FILTER_GUARD_ID": guardrail.guardrail_id, "FILTER_GUARD_VERSION": guardrail.version_number}


def guard_grants(guardrail: Guardrail | None) -> list[Grant]:
    if guardrail is None:
        return []
    # Bedrock decrypts the guardrail with the caller's permissions: the caller needs kms:Decrypt on its key
    return [guardrail.grant_apply(), guardrail.key.grant_decrypt()]


def signing_period(today: date, renewal_days: int) -> int:
    """The renewal period `today` falls in; each new one re-signs the package (see CodeSigning.period)."""
    return today.toordinal() // renewal_days


def code_signing(ctx: PlatformContext, function: str, artifacts: SecureBucket | None) -> CodeSigning | None:
    """The AWS Signer chain of one function, when code signing is on (the artifact bucket exists).
    Profile names allow letters, digits and `_` only."""
    if artifacts is None:
        return None
    return CodeSigning(
        profile_prefix=f"{ctx.prefix.replace('-', '_')}_{function}_",
        period=signing_period(ctx.today, ctx.settings.filter.signature_renewal_days),
        bucket=artifacts,
    )


def artifact_bucket(ctx: PlatformContext, data: DataPlane) -> SecureBucket:
    """Where function packages are uploaded and AWS Signer writes the signed copies (versioned, as
    Signer requires), with its own CMK and every control of a data-lake bucket."""
    key = ctx.encryption_key("artifacts", "Function packages, unsigned and signed")
    return platform_bucket(ctx, data, "artifacts", key)


def build_edge(ctx: PlatformContext, data: DataPlane, compute: EdgeNetwork) -> EdgePlane:
    s = ctx.settings
    filter_name, rotation_name, name_of_api = filter_function_name(ctx), rotation_function_name(ctx), api_name(ctx)
    logs_key = ctx.encryption_key("edge-logs", "Edge and response log groups (filter, rotation, API, WAF, response)")
    secrets_key = ctx.encryption_key("edge-secrets", "Filter secrets and the edge functions' environment variables")

    secret_names = {purpose: f"{ctx.prefix}/{suffix}" for purpose, (suffix, _) in SECRETS.items()}
    rotation = RotationFunction(
        rotation_name,
        RotationFunctionArgs(
            function_name=rotation_name,
            package=build_package(ROTATION_SOURCE, BUILD_DIR, "rotation"),
            secret_arns=[
                secret_arn_pattern(ctx.region, ctx.partition, ctx.account_id, n) for n in secret_names.values()
            ],
            secrets_key=secrets_key,
            logs_key=logs_key,
            log_retention_days=s.log_retention_days,
            account_id=ctx.account_id,
            region=ctx.region,
            reserved_concurrency=s.secrets.rotation_reserved_concurrency,
        ),
        opts=ctx.opts(),
    )

    caller = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(provider=ctx.provider))
    # Whoever runs this deploy, and the configured deploy role: a first deploy by hand must not lock CI out.
    deployer: pulumi.Output[Sequence[str]] = caller.arn.apply(
        lambda arn: sorted({*deployer_principal_patterns(arn), *([s.deploy.role_arn] if s.deploy.role_arn else [])})
    )
    # Created before the secrets, whose resource policies name it, and handed to the function.
    filter_role = execution_role(
        f"{filter_name}-role",
        function_name=filter_name,
        description="Execution role of the prompt/response filter",
        account_id=ctx.account_id,
        opts=ctx.opts(),
    )
    # The model server checks the backend credential, so its role (a data-plane stage) may read that secret too.
    extra_readers: dict[str, list[str]] = {"backend-credentials": ["serve"]}
    secrets = {
        purpose: ManagedSecret(
            f"{ctx.prefix}-{purpose}",
            ManagedSecretArgs(
                secret_name=secret_names[purpose],
                description=f"Filter {purpose.replace('-', ' ')} (rotated by {rotation_name})",
                key=secrets_key,
                readers=[filter_role.arn, *(data.roles[stage].arn for stage in extra_readers.get(purpose, []))],
                rotator=rotation.role.arn,
                administrators=deployer,
                rotation_function_name=rotation.name,
                rotation_function_arn=rotation.arn,
                rotation_schedule=s.secrets.rotation_schedule,
                account_id=ctx.account_id,
                rotation_field=field,
                recovery_window_days=s.secrets.recovery_window_days,
            ),
            opts=ctx.opts(),
        )
        for purpose, (_, field) in SECRETS.items()
    }
    for purpose, stages in extra_readers.items():
        for stage in stages:
            data.roles[stage].grant(f"{ctx.prefix}-{stage}-reads-{purpose}", secrets[purpose].grant_read(ctx.region))

    artifacts = artifact_bucket(ctx, data) if s.filter.code_signing else None
    guardrail, guard_env = guard_tier(ctx, compute)
    filter_fn = FilterFunction(
        filter_name,
        FilterFunctionArgs(
            function_name=filter_name,
            package=build_package(FILTER_SOURCE, BUILD_DIR, "filter"),
            environment=filter_environment(ctx, compute.inference_service_url, secrets, guard_env),
            secret_arns=[secret.arn for secret in secrets.values()],
            key=secrets_key,
            logs_key=logs_key,
            log_retention_days=s.log_retention_days,
            memory_mb=s.filter.memory_mb,
            timeout_seconds=s.filter.timeout_seconds,
            reserved_concurrency=s.filter.reserved_concurrency,
            vpc_id=compute.vpc_id,
            subnet_ids=compute.lambda_subnet_ids,
            vpc_cidr=compute.vpc_cidr,
            backend_port=compute.inference_port,
            endpoint_security_group_id=compute.endpoint_security_group_id,
            account_id=ctx.account_id,
            partition=ctx.partition,
            region=ctx.region,
            code_signing=code_signing(ctx, "filter", artifacts),
            grants=guard_grants(guardrail),
            guard_port=compute.guard_port if s.filter.guard.tier == "self-hosted" else None,
            role=filter_role,
        ),
        opts=ctx.opts(),
    )

    api = RestApi(
        name_of_api,
        RestApiArgs(
            api_name=name_of_api,
            stage_name=s.api.stage_name,
            routes=[
                Route(
                    "chat",
                    s.api.chat_authorization,
                    CHAT_SCHEMA,
                    s.api.chat_throttle_rate_limit,
                    s.api.chat_throttle_burst_limit,
                ),
                Route("screen", s.api.screen_authorization, SCREEN_SCHEMA),
            ],
            function_name=filter_fn.name,
            function_invoke_arn=filter_fn.invoke_arn,
            throttle_rate_limit=s.api.throttle_rate_limit,
            throttle_burst_limit=s.api.throttle_burst_limit,
            quota_per_day=s.api.quota_per_day,
            clients=s.api.clients,
            logs_key=logs_key,
            log_retention_days=s.log_retention_days,
            account_id=ctx.account_id,
            partition=ctx.partition,
            deletion_protection=s.protect_data,
            custom_domain=s.api.custom_domain,
            certificate_arn=s.api.certificate_arn,
        ),
        opts=ctx.opts(),
    )
    waf = WebAcl(
        f"{ctx.prefix}-waf",
        WebAclArgs(
            acl_name=ctx.prefix,
            stage_arn=api.stage.arn,
            rate_limit_per_ip=s.waf.rate_limit_per_ip,
            chat_rate_limit_per_ip=s.waf.chat_rate_limit_per_ip,
            chat_path="/v1/chat",
            anonymous_ip_list=s.waf.anonymous_ip_list,
            body_inspection_limit=s.waf.body_inspection_limit,
            max_body_bytes=s.filter.max_body_bytes,
            prompt_paths=ROUTES,
            logs_key=logs_key,
            log_retention_days=s.log_retention_days,
            account_id=ctx.account_id,
            partition=ctx.partition,
            region=ctx.region,
        ),
        opts=ctx.opts(),
    )
    return EdgePlane(
        api=api,
        waf=waf,
        filter=filter_fn,
        rotation=rotation,
        secrets=secrets,
        logs_key=logs_key,
        secrets_key=secrets_key,
        routes=ROUTES,
        function_name=filter_name,
        api_name=name_of_api,
        stage_name=s.api.stage_name,
        web_acl_name=ctx.prefix,
        artifacts=artifacts,
        guardrail=guardrail,
    )
