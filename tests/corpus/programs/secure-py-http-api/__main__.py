"""An HTTP API whose only route needs a JWT, with access logs in an encrypted, retained log group,
in front of a Lambda function on a supported runtime that only this API may invoke."""

import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
account = aws.get_caller_identity()
region = aws.get_region()

logs_key = aws.kms.Key(
    "logs-key",
    description="API access logs",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region.name}.amazonaws.com"},
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    "Resource": "*",
                },
            ],
        }
    ),
)
access_logs = aws.cloudwatch.LogGroup("api-access", retention_in_days=365, kms_key_id=logs_key.arn)

role = aws.iam.Role(
    "handler-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
)
aws.iam.RolePolicyAttachment(
    "handler-logs", role=role.name, policy_arn=aws.iam.ManagedPolicy.AWS_LAMBDA_BASIC_EXECUTION_ROLE
)
handler = aws.lambda_.Function(
    "handler",
    runtime="python3.12",
    handler="index.handler",
    role=role.arn,
    code=pulumi.AssetArchive({".": pulumi.FileArchive("./app")}),
    tracing_config={"mode": "Active"},
)

api = aws.apigatewayv2.Api("api", protocol_type="HTTP")
authorizer = aws.apigatewayv2.Authorizer(
    "jwt",
    api_id=api.id,
    authorizer_type="JWT",
    identity_sources=["$request.header.Authorization"],
    jwt_configuration={"issuer": config.require("issuer"), "audiences": [config.require("audience")]},
)
integration = aws.apigatewayv2.Integration(
    "handler",
    api_id=api.id,
    integration_type="AWS_PROXY",
    integration_uri=handler.invoke_arn,
    payload_format_version="2.0",
)
aws.apigatewayv2.Route(
    "get-items",
    api_id=api.id,
    route_key="GET /items",
    authorization_type="JWT",
    authorizer_id=authorizer.id,
    target=integration.id.apply(lambda i: f"integrations/{i}"),
)
aws.apigatewayv2.Stage(
    "default",
    api_id=api.id,
    name="$default",
    auto_deploy=True,
    access_log_settings={
        "destination_arn": access_logs.arn,
        "format": json.dumps({"requestId": "$context.requestId", "status": "$context.status"}),
    },
)
aws.lambda_.Permission(
    "api-invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"),
)
pulumi.export("endpoint", api.api_endpoint)
