"""The API edge (REST API, stage, WAF), asserted on the inputs the resources were registered with."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Plan, Resource, policy, resources, statements

STAGE = "aws:apigateway/stage:Stage"
METHOD = "aws:apigateway/method:Method"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"


def one(plan: Plan, type_: str, name: str) -> Resource:
    found = [r for r in resources(plan, type_) if r["name"] == name]
    assert len(found) == 1, (type_, name, [r["name"] for r in resources(plan, type_)])
    return found[0]


def env(plan: Plan) -> str:
    return str(plan["stack"])


def stage(plan: Plan) -> Resource:
    found = resources(plan, STAGE)
    assert len(found) == 1
    return found[0]


def acl(plan: Plan) -> Resource:
    return one(plan, WEB_ACL, f"genai-{env(plan)}-waf-acl")


def rules(plan: Plan) -> dict[str, dict[str, Any]]:
    return {rule["name"]: rule for rule in acl(plan)["inputs"]["rules"]}


def settings_of(plan: Plan) -> Any:
    from stacks.settings import settings_from_config

    return settings_from_config(plan["config"], env(plan))


# --- REST API and stage -----------------------------------------------------------------------


def test_api_is_regional(plan: Plan) -> None:
    api = one(plan, "aws:apigateway/restApi:RestApi", f"genai-{env(plan)}-api-api")
    assert api["inputs"]["endpointConfiguration"]["types"] == "REGIONAL"


def test_stage_has_waf_association(plan: Plan) -> None:
    associations = resources(plan, "aws:wafv2/webAclAssociation:WebAclAssociation")
    assert [a["inputs"]["resourceArn"] for a in associations] == [stage(plan)["outputs"]["arn"]]
    assert associations[0]["inputs"]["webAclArn"] == acl(plan)["outputs"]["arn"]


def test_no_method_is_unauthenticated(plan: Plan) -> None:
    methods = resources(plan, METHOD)
    assert len(methods) == 2
    for method in methods:
        assert method["inputs"]["authorization"] in ("COGNITO_USER_POOLS", "AWS_IAM"), method["name"]


def test_every_method_requires_an_api_key(plan: Plan) -> None:
    assert all(m["inputs"]["apiKeyRequired"] is True for m in resources(plan, METHOD))


def test_method_authorization_follows_settings(plan: Plan) -> None:
    s = settings_of(plan).api
    by_route = {m["name"].rsplit("-", 2)[-2]: m["inputs"] for m in resources(plan, METHOD)}
    assert by_route["chat"]["authorization"] == s.chat_authorization
    assert by_route["screen"]["authorization"] == s.screen_authorization


def test_cognito_methods_use_the_user_pool_authorizer(plan: Plan) -> None:
    authorizer = one(plan, "aws:apigateway/authorizer:Authorizer", f"genai-{env(plan)}-api-cognito")
    pool = one(plan, "aws:cognito/userPool:UserPool", f"genai-{env(plan)}-api-users")
    assert authorizer["inputs"]["providerArns"] == [pool["outputs"]["arn"]]
    for method in resources(plan, METHOD):
        if method["inputs"]["authorization"] == "COGNITO_USER_POOLS":
            assert method["inputs"]["authorizerId"] == authorizer["id"]


def test_user_pool_is_invite_only_with_mfa_and_srp_sign_in(plan: Plan) -> None:
    pool = one(plan, "aws:cognito/userPool:UserPool", f"genai-{env(plan)}-api-users")["inputs"]
    assert pool["adminCreateUserConfig"]["allowAdminCreateUserOnly"] is True
    assert pool["mfaConfiguration"] == "ON"
    client = one(plan, "aws:cognito/userPoolClient:UserPoolClient", f"genai-{env(plan)}-api-users-client")["inputs"]
    assert client["explicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["generateSecret"] is False


def test_methods_validate_bodies_against_closed_schemas(plan: Plan) -> None:
    validator = resources(plan, "aws:apigateway/requestValidator:RequestValidator")[0]
    assert validator["inputs"]["validateRequestBody"] is True
    models = {
        m["inputs"]["name"]: json.loads(m["inputs"]["schema"]) for m in resources(plan, "aws:apigateway/model:Model")
    }
    for method in resources(plan, METHOD):
        assert method["inputs"]["requestValidatorId"] == validator["id"]
        schema = models[method["inputs"]["requestModels"]["application/json"]]
        assert schema["additionalProperties"] is False


def test_chat_schema_matches_the_filter_contract(plan: Plan) -> None:
    model = one(plan, "aws:apigateway/model:Model", f"genai-{env(plan)}-api-chat-model")
    schema = json.loads(model["inputs"]["schema"])
    message = schema["properties"]["messages"]["items"]
    assert schema["required"] == ["messages"]
    assert message["properties"]["role"]["enum"] == ["user", "assistant"]
    assert message["additionalProperties"] is False
    assert schema["properties"]["max_tokens"]["type"] == "integer"


def test_screen_schema_matches_the_filter_contract(plan: Plan) -> None:
    schema = json.loads(
        one(plan, "aws:apigateway/model:Model", f"genai-{env(plan)}-api-screen-model")["inputs"]["schema"]
    )
    assert schema["properties"]["direction"]["enum"] == ["input", "output"]
    assert schema["required"] == ["text", "direction"]
    assert schema["properties"]["text"]["type"] == "string"
    assert schema["additionalProperties"] is False


def test_integrations_are_lambda_proxy_to_the_filter(plan: Plan) -> None:
    function = one(plan, "aws:lambda/function:Function", f"genai-{env(plan)}-filter-function")
    for integration in resources(plan, "aws:apigateway/integration:Integration"):
        assert integration["inputs"]["type"] == "AWS_PROXY"
        assert integration["inputs"]["uri"] == function["outputs"]["invokeArn"]


def test_stage_traces_and_never_caches(plan: Plan) -> None:
    inputs = stage(plan)["inputs"]
    assert inputs["xrayTracingEnabled"] is True
    assert inputs["cacheClusterEnabled"] is False


def test_stage_access_logs_are_json_to_the_encrypted_group(plan: Plan) -> None:
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-api-access-logs-group")
    settings = stage(plan)["inputs"]["accessLogSettings"]
    assert settings["destinationArn"] == group["outputs"]["arn"]
    fields = json.loads(settings["format"])
    assert fields["requestId"] == "$context.requestId"
    assert not any("body" in value.lower() for value in fields.values())


def test_method_settings_never_log_data_or_cache(plan: Plan) -> None:
    settings = resources(plan, "aws:apigateway/methodSettings:MethodSettings")
    assert settings
    for entry in settings:
        assert entry["inputs"]["settings"]["dataTraceEnabled"] is False
        assert entry["inputs"]["settings"]["cachingEnabled"] is False


def test_stage_and_chat_method_are_throttled_from_settings(plan: Plan) -> None:
    s = settings_of(plan).api
    by_path = {
        m["inputs"]["methodPath"]: m["inputs"]["settings"]
        for m in resources(plan, "aws:apigateway/methodSettings:MethodSettings")
    }
    assert by_path["*/*"]["throttlingRateLimit"] == s.throttle_rate_limit
    assert by_path["*/*"]["throttlingBurstLimit"] == s.throttle_burst_limit
    assert by_path["v1/chat/POST"]["throttlingRateLimit"] == s.chat_throttle_rate_limit


def test_usage_plan_sets_a_daily_quota_per_key(plan: Plan) -> None:
    s = settings_of(plan).api
    usage = resources(plan, "aws:apigateway/usagePlan:UsagePlan")[0]["inputs"]
    assert usage["quotaSettings"] == {"limit": s.quota_per_day, "period": "DAY"}
    assert usage["throttleSettings"]["rateLimit"] == s.throttle_rate_limit
    keys = resources(plan, "aws:apigateway/usagePlanKey:UsagePlanKey")
    assert len(keys) == len(s.clients)


def test_account_has_a_cloudwatch_role(account_plan: Plan) -> None:
    account = resources(account_plan, "aws:apigateway/account:Account")[0]
    (role,) = [
        r for r in resources(account_plan, "aws:iam/role:Role") if r["name"].endswith("-apigateway-cloudwatch-role")
    ]
    assert account["inputs"]["cloudwatchRoleArn"] == role["outputs"]["arn"]
    trust = statements(policy(role, "assumeRolePolicy"))[0]
    assert trust["Principal"] == {"Service": "apigateway.amazonaws.com"}


def test_invoke_permission_is_scoped_to_this_api(plan: Plan) -> None:
    api = one(plan, "aws:apigateway/restApi:RestApi", f"genai-{env(plan)}-api-api")
    permission = one(plan, "aws:lambda/permission:Permission", f"genai-{env(plan)}-api-invoke")
    assert permission["inputs"]["principal"] == "apigateway.amazonaws.com"
    assert permission["inputs"]["sourceArn"] == f"{api['outputs']['executionArn']}/*/POST/v1/*"


# --- WAF --------------------------------------------------------------------------------------


def test_web_acl_is_regional_and_allows_by_default(plan: Plan) -> None:
    inputs = acl(plan)["inputs"]
    assert inputs["scope"] == "REGIONAL"
    assert inputs["defaultAction"] == {"allow": {}}


@pytest.mark.parametrize(
    "group",
    ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"],
)
def test_web_acl_has_managed_group(plan: Plan, group: str) -> None:
    statement = rules(plan)[group]["statement"]["managedRuleGroupStatement"]
    assert statement == {**statement, "vendorName": "AWS", "name": group}
    assert rules(plan)[group]["overrideAction"] == {"none": {}}


def test_anonymous_ip_list_follows_settings(plan: Plan) -> None:
    assert ("AWSManagedRulesAnonymousIpList" in rules(plan)) is settings_of(plan).waf.anonymous_ip_list


def test_common_rule_set_leaves_body_size_to_the_filter_limit_rule(plan: Plan) -> None:
    statement = rules(plan)["AWSManagedRulesCommonRuleSet"]["statement"]["managedRuleGroupStatement"]
    assert {"actionToUse": {"count": {}}, "name": "SizeRestrictions_BODY"} in statement["ruleActionOverrides"]


def test_per_ip_rate_rule_blocks_at_the_configured_limit(plan: Plan) -> None:
    rule = rules(plan)["rate-limit-per-ip"]
    assert rule["action"] == {"block": {}}
    assert rule["statement"]["rateBasedStatement"]["limit"] == settings_of(plan).waf.rate_limit_per_ip
    assert rule["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"


def test_chat_rate_rule_is_scoped_down_to_the_chat_path(plan: Plan) -> None:
    statement = rules(plan)["chat-rate-limit-per-ip"]["statement"]["rateBasedStatement"]
    assert statement["limit"] == settings_of(plan).waf.chat_rate_limit_per_ip
    match = statement["scopeDownStatement"]["byteMatchStatement"]
    assert match["searchString"] == "/v1/chat"
    assert match["fieldToMatch"] == {"uriPath": {}}


def test_body_size_rule_matches_the_filter_limit(plan: Plan) -> None:
    rule = rules(plan)["body-size-limit"]
    statement = rule["statement"]["sizeConstraintStatement"]
    assert rule["action"] == {"block": {}}
    assert statement["comparisonOperator"] == "GT"
    assert statement["size"] == settings_of(plan).filter.max_body_bytes
    assert statement["fieldToMatch"] == {"body": {"oversizeHandling": "MATCH"}}


def test_body_inspection_limit_is_explicit(plan: Plan) -> None:
    config = acl(plan)["inputs"]["associationConfig"]
    limit = config["requestBodies"][0]["apiGateway"]["defaultSizeInspectionLimit"]
    assert limit == settings_of(plan).waf.body_inspection_limit


def test_rule_priorities_are_unique(plan: Plan) -> None:
    priorities = [rule["priority"] for rule in rules(plan).values()]
    assert len(priorities) == len(set(priorities))


def test_waf_logs_to_its_group_and_redacts_authorization(plan: Plan) -> None:
    logging = resources(plan, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")[0]["inputs"]
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-waf-logs-group")
    assert group["inputs"]["name"] == f"aws-waf-logs-genai-{env(plan)}"
    assert logging["resourceArn"] == acl(plan)["outputs"]["arn"]
    assert logging["logDestinationConfigs"] == [group["outputs"]["arn"]]
    assert {"singleHeader": {"name": "authorization"}} in logging["redactedFields"]


@pytest.mark.parametrize(
    ("logical", "physical"),
    [
        ("api-access-logs-group", "/aws/apigateway/genai-{env}-api/access"),
        ("waf-logs-group", "aws-waf-logs-genai-{env}"),
    ],
)
def test_edge_log_groups_are_named_encrypted_and_retained(plan: Plan, logical: str, physical: str) -> None:
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-{logical}")["inputs"]
    assert group["name"] == physical.format(env=env(plan))
    assert group["kmsKeyId"].startswith("arn:aws:kms:")
    assert group["retentionInDays"] == settings_of(plan).log_retention_days


def test_no_custom_domain_by_default(plan: Plan) -> None:
    assert resources(plan, "aws:apigateway/domainName:DomainName") == []


@pytest.fixture(scope="module")
def custom_domain_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """A dev preview of the real program with a custom domain configured."""
    from infra.preview.stages import preview_stages
    from tests.conftest import ROOT

    project = tmp_path_factory.mktemp("custom-domain")
    (project / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  aws:region: eu-west-1\n"
        "  genai-platform:api:\n"
        "    customDomain: api.genai.example.com\n"
        "    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000\n",
        encoding="utf-8",
    )
    program = project / "infra"
    program.mkdir()
    (program / "__main__.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from stacks.load import load_settings\nfrom stacks.platform import build_platform\n"
        "build_platform(load_settings())\n",
        encoding="utf-8",
    )
    return next(p.plan for p in preview_stages("dev", ["platform"], platform_dir=project) if p.stage.name == "platform")


@pytest.mark.slow
def test_custom_domain_requires_tls_1_2(custom_domain_plan: Plan) -> None:
    domain = resources(custom_domain_plan, "aws:apigateway/domainName:DomainName")[0]["inputs"]
    assert domain["securityPolicy"] == "TLS_1_2"
    assert domain["endpointConfiguration"]["types"] == "REGIONAL"
    assert domain["domainName"] == "api.genai.example.com"


@pytest.mark.slow
def test_custom_domain_disables_the_default_endpoint(custom_domain_plan: Plan) -> None:
    api = resources(custom_domain_plan, "aws:apigateway/restApi:RestApi")[0]["inputs"]
    assert api["disableExecuteApiEndpoint"] is True
    mapping = resources(custom_domain_plan, "aws:apigateway/basePathMapping:BasePathMapping")[0]["inputs"]
    assert mapping["stageName"] == "v1"


def test_waf_log_delivery_is_allowed_for_its_group_only(plan: Plan) -> None:
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-waf-logs-group")
    delivery = one(plan, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", f"genai-{env(plan)}-waf-log-delivery")
    (statement,) = statements(policy(delivery, "policyDocument"))
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert statement["Resource"] == f"{group['outputs']['arn']}:log-stream:*"
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


def test_execution_logs_go_to_a_precreated_encrypted_group(plan: Plan) -> None:
    """API Gateway would otherwise create `API-Gateway-Execution-Logs_<api-id>/<stage>` itself, with no
    CMK and no retention; the stage (whose method settings turn execution logging on) waits for it."""
    (api,) = resources(plan, "aws:apigateway/restApi:RestApi")
    s = settings_of(plan)
    group = one(plan, "aws:cloudwatch/logGroup:LogGroup", f"genai-{env(plan)}-api-execution-logs-group")
    assert group["inputs"]["name"] == f"API-Gateway-Execution-Logs_{api['id']}/{s.api.stage_name}"
    assert group["inputs"]["retentionInDays"] == s.log_retention_days
    key = one(plan, "aws:kms/key:Key", f"genai-{env(plan)}-edge-logs-key")
    assert group["inputs"]["kmsKeyId"] == key["outputs"]["arn"]
    assert group["urn"] in stage(plan)["dependencies"] or any(
        group["parent"] == d or group["urn"] == d for d in stage(plan)["dependencies"]
    )
    region, account = plan["config"]["aws:region"], "123456789012"
    contexts = [
        arn
        for st in statements(policy(key))
        if st.get("Principal") == {"Service": f"logs.{region}.amazonaws.com"}
        for arn in st["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    ]
    assert f"arn:aws:logs:{region}:{account}:log-group:API-Gateway-Execution-Logs_*/{s.api.stage_name}" in contexts
