"""AppSync: no API-key authentication, field-level logging."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy

from ._common import HIGH, MEDIUM, Meta, Res, as_list, dig, insecure, resource_rule, secure

API = "aws:appsync/graphQLApi:GraphQLApi"
_GOOD = {
    "authenticationType": "AMAZON_COGNITO_USER_POOLS",
    "logConfig": {"fieldLogLevel": "ERROR", "cloudwatchLogsRoleArn": "arn:aws:iam::1:role/r"},
}


def _auth(res: Res) -> Iterator[str]:
    types = [
        res.props.get("authenticationType"),
        *(dig(p, "authenticationType") for p in as_list(res.props.get("additionalAuthenticationProviders"))),
    ]
    if "API_KEY" in types:
        yield f"GraphQL API '{res.name}' accepts API keys, which identify no caller."


def _logging(res: Res) -> Iterator[str]:
    if str(dig(res.props, "logConfig", "fieldLogLevel") or "NONE") == "NONE":
        yield f"GraphQL API '{res.name}' has no field-level logging."


def policies() -> list[Policy]:
    return [
        resource_rule(
            Meta(
                "aws-appsync-api-auth",
                "AppSync GraphQL APIs authenticate callers (not with API keys).",
                HIGH,
                (),
                "Use authentication_type 'AMAZON_COGNITO_USER_POOLS', 'OPENID_CONNECT', 'AWS_IAM' or 'AWS_LAMBDA'.",
                examples=(secure(_GOOD), insecure({**_GOOD, "authenticationType": "API_KEY"})),
            ),
            [API],
            _auth,
        ),
        resource_rule(
            Meta(
                "aws-appsync-api-logging",
                "AppSync GraphQL APIs log field resolution errors.",
                MEDIUM,
                (),
                "Set log_config={field_log_level: 'ERROR', cloudwatch_logs_role_arn: <role>}.",
                examples=(secure(_GOOD), insecure({"authenticationType": "AWS_IAM"})),
            ),
            [API],
            _logging,
        ),
    ]
