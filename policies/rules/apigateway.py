"""API Gateway (REST): WAF association, access logs, caching, data trace, method authorization."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Policy

from ._common import (
    CRITICAL,
    HIGH,
    LOW,
    MEDIUM,
    OWASP_LLM,
    Meta,
    Res,
    Stack,
    as_list,
    as_map,
    dig,
    insecure,
    resource_rule,
    secure,
    stack_rule,
    truthy,
)

STAGE = "aws:apigateway/stage:Stage"
METHOD = "aws:apigateway/method:Method"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"


def _waf(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for stage in stack.of_type(STAGE):
        if not stack.referencing(stage, WAF_ASSOCIATION, "resourceArn"):
            yield stage.urn, f"Stage '{stage.name}' has no WebAclAssociation."


def access_logs(res: Res) -> Iterator[str]:
    """Stage access logs (REST and v2 stages share the accessLogSettings shape)."""
    settings = res.props.get("accessLogSettings")
    if not dig(settings, "destinationArn") or not dig(settings, "format"):
        yield f"Stage '{res.name}' has no access logs (accessLogSettings.destinationArn and format)."


def _caching(res: Res) -> Iterator[str]:
    if res.type == STAGE and truthy(res.props.get("cacheClusterEnabled")):
        yield f"Stage '{res.name}' enables a cache cluster."
    if res.type == METHOD_SETTINGS and truthy(dig(res.props, "settings", "cachingEnabled")):
        yield f"Method settings '{res.name}' enable response caching."


def _data_trace(res: Res) -> Iterator[str]:
    if truthy(dig(res.props, "settings", "dataTraceEnabled")):
        yield f"Method settings '{res.name}' enable data trace (full request/response logging)."


def _authorization(res: Res) -> Iterator[str]:
    if str(res.props.get("authorization") or "NONE").upper() != "NONE":
        return
    if res.props.get("httpMethod") == "OPTIONS" and res.config.get("allowUnauthenticatedOptions") is True:
        return
    yield f"Method '{res.name}' ({res.props.get('httpMethod')}) has authorization NONE."


def _tracing(res: Res) -> Iterator[str]:
    if not truthy(res.props.get("xrayTracingEnabled")):
        yield f"Stage '{res.name}' does not enable X-Ray tracing."


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "x-amazon-apigateway-any-method")


def _openapi(body: Any) -> Mapping[str, Any] | None:
    if not isinstance(body, str):
        return None
    try:
        document = json.loads(body)
    except ValueError:
        try:
            import yaml  # the pulumi SDK depends on PyYAML

            document = yaml.safe_load(body)
        except Exception:
            return None
    return document if isinstance(document, Mapping) else None


def _openapi_authorization(res: Res) -> Iterator[str]:
    document = _openapi(res.props.get("body"))
    if document is None:
        return
    default = as_list(document.get("security"))
    for path, operations in as_map(document.get("paths")).items():
        for method, operation in as_map(operations).items():
            if method.lower() not in HTTP_METHODS or method.lower() == "options":
                continue
            security = as_map(operation).get("security", default)
            if not [s for s in as_list(security) if as_map(s)]:
                yield f"REST API '{res.name}': {method.upper()} {path} has no security requirement (no authorizer)."


def _openapi_body(security: Any) -> str:
    operation: dict[str, Any] = {
        "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": "arn:x"}
    }
    if security is not None:
        operation["security"] = security
    return json.dumps(
        {
            "openapi": "3.0.1",
            "info": {"title": "api", "version": "1"},
            "paths": {"/items": {"get": operation}},
            "components": {
                "securitySchemes": {
                    "cognito": {
                        "type": "apiKey",
                        "name": "Authorization",
                        "in": "header",
                        "x-amazon-apigateway-authtype": "cognito_user_pools",
                    }
                }
            },
        }
    )


def _execution_logging(res: Res) -> Iterator[str]:
    if str(dig(res.props, "settings", "loggingLevel") or "OFF").upper() not in ("ERROR", "INFO"):
        yield f"Method settings '{res.name}' turn execution logging off (settings.loggingLevel)."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-apigateway-execution-logging",
                "REST API method settings keep execution logging on (ERROR or INFO).",
                MEDIUM,
                (),
                "Set settings.logging_level='ERROR' (or 'INFO') in the stage's MethodSettings; the account needs an "
                "aws.apigateway.Account with a CloudWatch role.",
                examples=(
                    secure({"methodPath": "*/*", "stageName": "v1", "settings": {"loggingLevel": "ERROR"}}),
                    insecure({"methodPath": "*/*", "stageName": "v1", "settings": {"metricsEnabled": True}}),
                    insecure({"methodPath": "*/*", "stageName": "v1", "settings": {"loggingLevel": "OFF"}}),
                ),
            ),
            [METHOD_SETTINGS],
            _execution_logging,
        ),
        resource_rule(
            Meta(
                "aws-apigateway-stage-tracing",
                "REST API stages enable X-Ray tracing.",
                LOW,
                (),
                "Set xray_tracing_enabled=True on the stage.",
                examples=(secure({"stageName": "prod", "xrayTracingEnabled": True}), insecure({"stageName": "prod"})),
            ),
            [STAGE],
            _tracing,
        ),
        resource_rule(
            Meta(
                "aws-apigateway-openapi-authorization",
                "Operations of a REST API defined by an OpenAPI body have an authorizer.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM10",),
                "Add a `security` requirement (a Cognito, Lambda or IAM authorizer) to each operation or to the document.",
                examples=(
                    secure({"name": "api", "body": _openapi_body([{"cognito": []}])}),
                    secure({"name": "api"}, "methods defined as resources"),
                    insecure({"name": "api", "body": _openapi_body(None)}),
                    insecure({"name": "api", "body": _openapi_body([])}, "empty security list"),
                ),
            ),
            ["aws:apigateway/restApi:RestApi"],
            _openapi_authorization,
        ),
        stack_rule(
            Meta(
                "aws-apigateway-stage-waf",
                "Every REST API stage is associated with a WAF web ACL.",
                HIGH,
                (f"{OWASP_LLM}:LLM01", f"{OWASP_LLM}:LLM10"),
                "Add an aws.wafv2.WebAclAssociation with resourceArn=<stage arn>.",
            ),
            _waf,
        ),
        resource_rule(
            Meta(
                "aws-apigateway-stage-access-logs",
                "REST API stages write access logs.",
                MEDIUM,
                (f"{OWASP_LLM}:LLM10",),
                "Set accessLogSettings={destinationArn: <log group arn>, format: <JSON format>}.",
            ),
            [STAGE],
            access_logs,
        ),
        resource_rule(
            Meta(
                "aws-apigateway-stage-caching-disabled",
                "REST API stages do not cache responses (prompts and completions may be sensitive).",
                MEDIUM,
                (f"{OWASP_LLM}:LLM02",),
                "Set cacheClusterEnabled=False and settings.cachingEnabled=False.",
            ),
            [STAGE, METHOD_SETTINGS],
            _caching,
        ),
        resource_rule(
            Meta(
                "aws-apigateway-stage-data-trace-disabled",
                "REST API stages do not log full request/response bodies.",
                HIGH,
                (f"{OWASP_LLM}:LLM02",),
                "Set settings.dataTraceEnabled=False on the MethodSettings.",
            ),
            [METHOD_SETTINGS],
            _data_trace,
        ),
        resource_rule(
            Meta(
                "aws-apigateway-method-authorization",
                "REST API methods require authorization.",
                CRITICAL,
                (f"{OWASP_LLM}:LLM10",),
                "Set authorization to AWS_IAM, COGNITO_USER_POOLS or CUSTOM with an authorizer.",
                {"allowUnauthenticatedOptions": {"type": "boolean", "default": False}},
            ),
            [METHOD],
            _authorization,
        ),
    ]
