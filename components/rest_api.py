"""The regional REST API in front of the filter: authenticated, validated, throttled, logged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.kms import EncryptionKey
from components.log_group import EncryptedLogGroup, LogGroupArgs

COGNITO = "COGNITO_USER_POOLS"
IAM = "AWS_IAM"
# API Gateway writes execution logs to this group, and creates it (unencrypted, kept forever) unless it exists.
EXECUTION_LOG_GROUP_PREFIX = "API-Gateway-Execution-Logs_"


def execution_log_group_pattern(stage_name: str) -> str:
    """The execution log groups of a stage of any API, for a key policy written before the API has an ID."""
    return f"{EXECUTION_LOG_GROUP_PREFIX}*/{stage_name}"


# JSON Schema (draft 4, what API Gateway models use) of the filter's request bodies
# (lambdas/filter/genai_filter/http.py). Anything else is rejected before the function runs.
SCREEN_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "ScreenRequest",
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "direction": {"type": "string", "enum": ["input", "output"]},
    },
    "required": ["text", "direction"],
    "additionalProperties": False,
}
CHAT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "ChatRequest",
    "type": "object",
    "properties": {
        "messages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "role": {"type": "string", "enum": ["user", "assistant"]},
                    "content": {"type": "string"},
                },
                "required": ["role", "content"],
                "additionalProperties": False,
            },
        },
        "max_tokens": {"type": "integer", "minimum": 1},
    },
    "required": ["messages"],
    "additionalProperties": False,
}

# Access-log fields: who called what, and how it went. No bodies, no headers, no query strings.
ACCESS_LOG_FORMAT: dict[str, str] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTime",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "caller": "$context.identity.caller",
    "userArn": "$context.identity.userArn",
    "cognitoSub": "$context.authorizer.claims.sub",
    "apiKeyId": "$context.identity.apiKeyId",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "protocol": "$context.protocol",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationStatus": "$context.integration.status",
    "integrationLatency": "$context.integration.latency",
    "authorizerError": "$context.authorizer.error",
    "wafStatus": "$context.waf.status",
    "wafError": "$context.waf.error",
    "errorType": "$context.error.responseType",
}


@dataclass(frozen=True)
class Route:
    """One `POST /v1/<name>` route: its authorization type, body schema and method throttling."""

    name: str
    authorization: str
    schema: Mapping[str, Any]
    throttle_rate_limit: float | None = None
    throttle_burst_limit: int | None = None


@dataclass
class RestApiArgs:
    api_name: str
    stage_name: str
    routes: Sequence[Route]
    function_name: pulumi.Input[str]
    function_invoke_arn: pulumi.Input[str]
    throttle_rate_limit: float
    throttle_burst_limit: int
    quota_per_day: int
    clients: Sequence[str]
    """One API key per client, each bound to the usage plan (quotas are per key)."""
    logs_key: EncryptionKey
    """Created with `logs_region`: the access and execution log groups register on it (the execution
    groups as `execution_log_group_pattern(stage_name)`)."""
    log_retention_days: int
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    deletion_protection: bool
    custom_domain: str | None = None
    certificate_arn: str | None = None
    integration_timeout_ms: int = 29000


class RestApi(pulumi.ComponentResource):
    """A REGIONAL REST API whose `POST /v1/<route>` methods proxy to the filter function.

    - every method requires authentication (Cognito user pool or IAM, per route) and an API key;
    - request bodies are validated against a JSON schema model before the function is invoked;
    - stage and method throttling (MethodSettings), per-client quotas and throttling (usage plan);
    - JSON access logs to a CMK-encrypted log group, X-Ray on (the account-level CloudWatch role is the
      account stage's `ApiGatewayLogging`, applied before any platform stack);
    - execution data trace and caching off, so prompts never land in execution logs or a cache;
    - the invoke permission covers only `POST /v1/*` of this API;
    - with a custom domain, TLS 1.2 minimum and the default execute-api endpoint disabled.
    """

    api: aws.apigateway.RestApi
    stage: aws.apigateway.Stage
    methods: dict[str, aws.apigateway.Method]
    user_pool: aws.cognito.UserPool

    def __init__(self, name: str, args: RestApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("genai:edge:RestApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        for route in args.routes:
            if route.authorization not in (COGNITO, IAM):
                raise ValueError(f"{name}: route {route.name} needs {COGNITO} or {IAM}, got {route.authorization!r}")

        self.access_logs = EncryptedLogGroup(
            f"{name}-access-logs",
            LogGroupArgs(
                log_group_name=f"/aws/apigateway/{args.api_name}/access",
                retention_days=args.log_retention_days,
                key=args.logs_key,
            ),
            opts=child,
        )

        self.user_pool = aws.cognito.UserPool(
            f"{name}-users",
            name=f"{args.api_name}-users",
            admin_create_user_config={"allow_admin_create_user_only": True},
            mfa_configuration="ON",
            software_token_mfa_configuration={"enabled": True},
            password_policy={
                "minimum_length": 14,
                "require_lowercase": True,
                "require_uppercase": True,
                "require_numbers": True,
                "require_symbols": True,
                "temporary_password_validity_days": 1,
            },
            account_recovery_setting={"recovery_mechanisms": [{"name": "admin_only", "priority": 1}]},
            deletion_protection="ACTIVE" if args.deletion_protection else "INACTIVE",
            opts=child,
        )

        # Users sign in with SRP (no password ever sent); tokens are short-lived and revocable.
        self.user_pool_client = aws.cognito.UserPoolClient(
            f"{name}-users-client",
            name=f"{args.api_name}-client",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            access_token_validity=60,
            id_token_validity=60,
            refresh_token_validity=12,
            token_validity_units={"access_token": "minutes", "id_token": "minutes", "refresh_token": "hours"},
            opts=child,
        )

        self.api = aws.apigateway.RestApi(
            f"{name}-api",
            name=args.api_name,
            description="GenAI platform: screened chat and screening endpoints",
            endpoint_configuration={"types": "REGIONAL"},
            api_key_source="HEADER",
            disable_execute_api_endpoint=args.custom_domain is not None,
            opts=child,
        )
        api_id = self.api.id
        # Created before the stage, so the execution logs get the CMK and the retention.
        self.execution_logs = EncryptedLogGroup(
            f"{name}-execution-logs",
            LogGroupArgs(
                log_group_name=pulumi.Output.concat(EXECUTION_LOG_GROUP_PREFIX, api_id, "/", args.stage_name),
                retention_days=args.log_retention_days,
                key=args.logs_key,
                admit_as=execution_log_group_pattern(args.stage_name),
            ),
            opts=child,
        )
        version = aws.apigateway.Resource(
            f"{name}-v1", rest_api=api_id, parent_id=self.api.root_resource_id, path_part="v1", opts=child
        )
        validator = aws.apigateway.RequestValidator(
            f"{name}-validator",
            rest_api=api_id,
            name=f"{args.api_name}-body-and-parameters",
            validate_request_body=True,
            validate_request_parameters=True,
            opts=child,
        )
        authorizer: aws.apigateway.Authorizer | None = None
        if any(route.authorization == COGNITO for route in args.routes):
            authorizer = aws.apigateway.Authorizer(
                f"{name}-cognito",
                rest_api=api_id,
                name=f"{args.api_name}-cognito",
                type=COGNITO,
                provider_arns=[self.user_pool.arn],
                identity_source="method.request.header.Authorization",
                opts=child,
            )

        self.methods = {}
        integrations: list[pulumi.Resource] = []
        for route in args.routes:
            resource = aws.apigateway.Resource(
                f"{name}-{route.name}", rest_api=api_id, parent_id=version.id, path_part=route.name, opts=child
            )
            model = aws.apigateway.Model(
                f"{name}-{route.name}-model",
                rest_api=api_id,
                name=f"{route.name.title()}Request",
                content_type="application/json",
                schema=json.dumps(route.schema, sort_keys=True),
                opts=child,
            )
            method = aws.apigateway.Method(
                f"{name}-{route.name}-post",
                rest_api=api_id,
                resource_id=resource.id,
                http_method="POST",
                authorization=route.authorization,
                authorizer_id=authorizer.id if route.authorization == COGNITO and authorizer else None,
                api_key_required=True,
                request_validator_id=validator.id,
                request_models={"application/json": model.name},
                opts=child,
            )
            integrations.append(
                aws.apigateway.Integration(
                    f"{name}-{route.name}-integration",
                    rest_api=api_id,
                    resource_id=resource.id,
                    http_method=method.http_method,
                    type="AWS_PROXY",
                    integration_http_method="POST",
                    uri=args.function_invoke_arn,
                    timeout_milliseconds=args.integration_timeout_ms,
                    opts=child,
                )
            )
            self.methods[route.name] = method

        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=api_id,
            description=f"{args.api_name} routes",
            triggers={"redeployment": _definition_hash(args.routes)},
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*self.methods.values(), *integrations], delete_before_replace=False
            ),
        )
        self.stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=api_id,
            deployment=deployment.id,
            stage_name=args.stage_name,
            xray_tracing_enabled=True,
            cache_cluster_enabled=False,
            access_log_settings={
                "destination_arn": self.access_logs.arn,
                "format": json.dumps(ACCESS_LOG_FORMAT, sort_keys=True, separators=(",", ":")),
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.execution_logs]),
        )
        aws.apigateway.MethodSettings(
            f"{name}-all-methods",
            rest_api=api_id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings={
                "metrics_enabled": True,
                "logging_level": "ERROR",
                "data_trace_enabled": False,
                "caching_enabled": False,
                "throttling_rate_limit": args.throttle_rate_limit,
                "throttling_burst_limit": args.throttle_burst_limit,
            },
            opts=child,
        )
        for route in args.routes:
            if route.throttle_rate_limit is None or route.throttle_burst_limit is None:
                continue
            aws.apigateway.MethodSettings(
                f"{name}-{route.name}-settings",
                rest_api=api_id,
                stage_name=self.stage.stage_name,
                method_path=f"v1/{route.name}/POST",
                settings={
                    "metrics_enabled": True,
                    "logging_level": "ERROR",
                    "data_trace_enabled": False,
                    "caching_enabled": False,
                    "throttling_rate_limit": route.throttle_rate_limit,
                    "throttling_burst_limit": route.throttle_burst_limit,
                },
                opts=child,
            )

        plan = aws.apigateway.UsagePlan(
            f"{name}-usage-plan",
            name=f"{args.api_name}-clients",
            description="Per-client (per API key) quota and throttling",
            api_stages=[
                {
                    "api_id": api_id,
                    "stage": self.stage.stage_name,
                    "throttles": [
                        {
                            "path": f"/v1/{route.name}/POST",
                            "rate_limit": route.throttle_rate_limit,
                            "burst_limit": route.throttle_burst_limit,
                        }
                        for route in args.routes
                        if route.throttle_rate_limit is not None and route.throttle_burst_limit is not None
                    ],
                }
            ],
            quota_settings={"limit": args.quota_per_day, "period": "DAY"},
            throttle_settings={"rate_limit": args.throttle_rate_limit, "burst_limit": args.throttle_burst_limit},
            opts=child,
        )
        for client in args.clients:
            key = aws.apigateway.ApiKey(
                f"{name}-key-{client}",
                name=f"{args.api_name}-{client}",
                description=f"API key of client {client}",
                enabled=True,
                opts=child,
            )
            aws.apigateway.UsagePlanKey(
                f"{name}-key-{client}-plan", key_id=key.id, key_type="API_KEY", usage_plan_id=plan.id, opts=child
            )

        self.invoke_permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=args.function_name,
            principal="apigateway.amazonaws.com",
            source_account=args.account_id,
            source_arn=pulumi.Output.concat(self.api.execution_arn, "/*/POST/v1/*"),
            opts=child,
        )

        if args.custom_domain is not None:
            if not args.certificate_arn:
                raise ValueError(f"{name}: a custom domain needs a certificate ARN")
            domain = aws.apigateway.DomainName(
                f"{name}-domain",
                domain_name=args.custom_domain,
                regional_certificate_arn=args.certificate_arn,
                endpoint_configuration={"types": "REGIONAL"},
                security_policy="TLS_1_2",
                opts=child,
            )
            aws.apigateway.BasePathMapping(
                f"{name}-domain-mapping",
                rest_api=api_id,
                stage_name=self.stage.stage_name,
                domain_name=domain.domain_name,
                opts=child,
            )

        self.api_name = args.api_name
        self.register_outputs({"apiId": api_id, "stageArn": self.stage.arn, "invokeUrl": self.stage.invoke_url})


def _definition_hash(routes: Sequence[Route]) -> str:
    """Redeploy the stage whenever a route's definition changes."""
    definition = [
        {"name": r.name, "authorization": r.authorization, "schema": r.schema}
        for r in sorted(routes, key=lambda r: r.name)
    ]
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
