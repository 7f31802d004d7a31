"""API Gateway (REST): WAF association, access logs, caching, data trace, method authorization."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import CRITICAL, HIGH, MEDIUM, OWASP_LLM, Meta, Res, Stack, dig, resource_rule, stack_rule, truthy

STAGE = "aws:apigateway/stage:Stage"
METHOD = "aws:apigateway/method:Method"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"


def _waf(stack: Stack) -> Iterator[tuple[str | None, str]]:
    for stage in stack.of_type(STAGE):
        if not stack.referencing(stage, WAF_ASSOCIATION, "resourceArn"):
            yield stage.urn, f"Stage '{stage.name}' has no WebAclAssociation."


def _access_logs(res: Res) -> Iterator[str]:
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


def policies() -> list[Policy]:
    return [
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
            _access_logs,
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
