"""API Gateway v2 (HTTP and WebSocket APIs): route authorization and stage access logs."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, MEDIUM, Meta, Res, insecure, resource_rule, secure
from .apigateway import access_logs

API = "aws:apigatewayv2/api:Api"
ROUTE = "aws:apigatewayv2/route:Route"
STAGE = "aws:apigatewayv2/stage:Stage"


def _authorization(res: Res) -> Iterator[str]:
    if res.type == API:
        # Quick create: `target` makes a $default route with no authorizer.
        if res.props.get("target"):
            yield f"API '{res.name}' is quick-created with a target, so its $default route has no authorization."
        return
    route_key = str(res.props.get("routeKey") or "")
    if route_key.startswith("OPTIONS "):
        return
    if str(res.props.get("authorizationType") or "NONE").upper() == "NONE":
        yield f"Route '{route_key or res.name}' has authorization NONE."


def _access_logs(res: Res) -> Iterator[str]:
    if res.type != API:
        yield from access_logs(res)
    elif res.props.get("target"):  # quick create makes a $default stage no program can configure
        yield f"API '{res.name}' is quick-created with a target, so its $default stage has no access logs."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-apigatewayv2-route-authorization",
                "HTTP/WebSocket API routes require authorization.",
                HIGH,
                (),
                "Set authorization_type ('JWT', 'AWS_IAM' or 'CUSTOM') and authorizer_id on every route; "
                "define routes instead of quick-create `target`.",
                examples=(
                    secure({"routeKey": "GET /items", "authorizationType": "JWT", "authorizerId": "a1"}),
                    secure({"routeKey": "OPTIONS /items"}, "CORS preflight"),
                    secure({"protocolType": "HTTP"}, type=API),
                    insecure({"routeKey": "GET /items"}),
                    insecure({"protocolType": "HTTP", "target": "arn:aws:lambda:eu-west-1:1:function:f"}, type=API),
                ),
            ),
            [ROUTE, API],
            _authorization,
        ),
        resource_rule(
            Meta(
                "aws-apigatewayv2-stage-access-logs",
                "HTTP/WebSocket API stages write access logs.",
                MEDIUM,
                (),
                "Set access_log_settings={destination_arn: <log group arn>, format: <JSON format>}.",
                examples=(
                    secure(
                        {
                            "name": "$default",
                            "accessLogSettings": {
                                "destinationArn": "arn:aws:logs:eu-west-1:1:log-group:api",
                                "format": '{"requestId":"$context.requestId"}',
                            },
                        }
                    ),
                    insecure({"name": "$default", "autoDeploy": True}),
                    secure({"protocolType": "HTTP"}, type=API),
                    insecure({"protocolType": "HTTP", "target": "arn:aws:lambda:eu-west-1:1:function:f"}, type=API),
                ),
            ),
            [STAGE, API],
            _access_logs,
        ),
    ]
